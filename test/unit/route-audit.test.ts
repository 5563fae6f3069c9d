import express from 'express';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { describe, expect, it } from 'vitest';
import { defineRoute, type RouteDeps } from '../../api/http/route';

/** A route that changes something must say what it records in the audit log, or it does not register. */
const deps = () => ({ app: express(), registry: new OpenAPIRegistry() }) as unknown as RouteDeps;
const spec = (method: 'get' | 'post' | 'put', auth: ['admin'] | 'public', audit?: { action: string } | false) => ({
  method,
  path: '/v1/things',
  summary: 's',
  tags: ['t'],
  auth,
  ...(audit === undefined ? {} : { audit }),
  responses: { 200: { description: 'ok' } },
  handler: async () => ({ status: 200 }),
});

describe('audit declarations', () => {
  it.each([
    ['post', ['admin'], undefined, true],
    ['put', ['admin'], undefined, true],
    ['post', ['admin'], { action: 'thing.made' }, false],
    ['post', ['admin'], false, false],
    ['get', ['admin'], undefined, false],
    ['post', 'public', undefined, false],
  ] as const)('%s with auth %j and audit %j: refused %s', (method, auth, audit, refused) => {
    const define = () => defineRoute(deps(), spec(method, auth as ['admin'] | 'public', audit));
    if (refused) expect(define).toThrow(/audit log/);
    else expect(define).not.toThrow();
  });
});
