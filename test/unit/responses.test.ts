import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { responsesOf } from '../../api/http/responses';

/** Every refusal an operation can give is declared with its status; nothing hides behind a `default`. */
const statuses = (r: Record<string, unknown>) => Object.keys(r).sort();
const ok = { 200: { description: 'ok', schema: z.object({ a: z.string() }) } };

describe('responsesOf', () => {
  it('a read of a resource by id: the credential refusals, 404 and outages, no 422 and no default', () => {
    expect(statuses(responsesOf(ok, { auth: ['service', 'account'], params: ['id'] }))).toEqual(['200', '401', '403', '404', '503']);
  });

  it('a create with a JSON body and an Idempotency-Key adds 400, 409, 413 and 422', () => {
    const r = responsesOf(ok, { auth: ['admin'], params: ['accountId'], body: {}, jsonBody: true, idempotent: true });
    expect(statuses(r)).toEqual(['200', '400', '401', '403', '409', '413', '422', '503']);
    expect(r['409']!.description).toContain('IDEMPOTENCY_CONFLICT');
  });

  it('an action on a resource by id that takes an Idempotency-Key adds 409 and 422 (a key that is not 1-255 visible ASCII characters)', () => {
    const r = responsesOf(ok, { auth: ['service'], params: ['id'], idempotent: true });
    expect(statuses(r)).toEqual(['200', '401', '403', '404', '409', '422', '503']);
    expect(r['422']!.description).toContain('VALIDATION_FAILED');
  });

  it('a route without a bearer token may be rate limited, with Retry-After', () => {
    const r = responsesOf(ok, { auth: 'public' });
    expect(statuses(r)).toEqual(['200', '429', '503']);
    expect(r['429']!.headers).toHaveProperty('Retry-After');
  });

  it("an operation's own refusals join the common ones of their status, as problem documents", () => {
    const r = responsesOf({ ...ok, 409: { description: 'PROCESS_NOT_OPEN' } }, { auth: ['service'], params: ['id'], idempotent: true });
    expect(r['409']!.description).toMatch(/^PROCESS_NOT_OPEN; IDEMPOTENCY_CONFLICT/);
    expect(r['409']!.content).toHaveProperty(['application/problem+json']);
    expect(r['401']!.headers).toHaveProperty('WWW-Authenticate');
    expect(r['200']!.content).toHaveProperty(['application/json']);
  });
});
