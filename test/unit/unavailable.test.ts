import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { problemMiddleware, statusOf } from '../../api/http/problem';
import { unavailableDependency } from '../../api/http/unavailable';
import { AppError } from '../../domain/errors';
import { createDb } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { freePort } from '../../scripts/lib/processes';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('unavailableDependency', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'database'],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET'), 'database'],
    ['every address refused (AggregateError)', Object.assign(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')]), { code: undefined }), 'database'],
    ['the server killed under a connection', new Error('Connection terminated unexpectedly'), 'database'],
    ['a connect timeout', new Error('timeout expired'), 'database'],
    ['a client that lost its connection', new Error('Client has encountered a connection error and is not queryable'), 'database'],
    ['admin shutdown (57P01)', withCode('terminating connection due to administrator command', '57P01'), 'database'],
    ['the database starting up (57P03)', withCode('the database system is starting up', '57P03'), 'database'],
    ['a connection exception (08006)', withCode('connection failure', '08006'), 'database'],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300'), 'database'],
    ['no pooled connection in time', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }), 'database'],
    ['a Temporal RPC that failed', new ServiceError('Update-With-Start failed'), 'workflow engine'],
    ['a Temporal update past its deadline', new WorkflowUpdateRPCTimeoutOrCancelledError('deadline exceeded'), 'workflow engine'],
    ['a raw gRPC error', Object.assign(new Error('14 UNAVAILABLE'), { code: 14, details: 'No connection established', metadata: {} }), 'workflow engine'],
  ])('%s → %s', (_label, err, expected) => {
    expect(unavailableDependency(err)).toBe(expected);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['a protocol violation of ours (08P01)', withCode('bind message supplies 1 parameters, but prepared statement requires 2', '08P01')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a refusal', new AppError('NOT_FOUND', 'No such verification.')],
    ['an empty AggregateError', new AggregateError([])],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('%s is not an outage', (_label, err) => {
    expect(unavailableDependency(err)).toBeNull();
  });

  it('classifies what the pool really throws when nothing listens on the port', async () => {
    const db = createDb({ databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, dataDir: '/nonexistent' });
    try {
      const err = await db.raw('select 1').then(() => undefined, (e: unknown) => e);
      expect(unavailableDependency(err)).toBe('database');
    } finally {
      await db.destroy();
    }
  });
});

/** A response that records what the middleware wrote. */
function recordingResponse() {
  const sent = { status: 0, headers: {} as Record<string, string>, type: '', body: '' };
  const res = {
    locals: { correlationId: 'corr-1' },
    setHeader: (name: string, value: string) => void (sent.headers[name.toLowerCase()] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type(value: string) {
      sent.type = value;
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('problem middleware for an outage', () => {
  it.each([
    ['the database', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'database'],
    ['Temporal', new ServiceError('Update-With-Start failed'), 'workflow engine'],
  ])('%s unreachable → 503 SERVICE_UNAVAILABLE with Retry-After, not 500', (_label, err, dependency) => {
    const { res, sent } = recordingResponse();
    problemMiddleware(createLogger('silent'))(err, { method: 'GET', path: '/v1/accounts/a' } as Request, res, () => undefined);
    expect(sent.status).toBe(503);
    expect(sent.type).toBe('application/problem+json');
    expect(sent.headers['retry-after']).toBe('5');
    expect(JSON.parse(sent.body)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', correlationId: 'corr-1', detail: expect.stringContaining(dependency) });
  });

  it('SERVICE_UNAVAILABLE thrown as a refusal is a 503 too', () => {
    expect(statusOf('SERVICE_UNAVAILABLE')).toBe(503);
  });
});
