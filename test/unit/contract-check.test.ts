import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractChecker } from '../support/contract-check';

/** The check every end-to-end answer goes through must fail on what the document does not say. */
const document = {
  openapi: '3.1.0',
  paths: {
    '/v1/things/{id}': {
      get: {
        responses: {
          200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: { id: { type: 'string' }, at: { type: 'string', format: 'date-time' }, extra: { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: {} } },
        required: ['id', 'at'],
      },
    },
  },
};

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(document)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('contractChecker', () => {
  it.each<[string, unknown, RegExp | null]>([
    ['a body the document describes', { id: 't1', at: '2026-12-07T00:00:00.000Z' }, null],
    ['a property the document does not name', { id: 't1', at: '2026-12-07T00:00:00.000Z', secret: 'x' }, /additional properties: secret/],
    ['a missing required property', { id: 't1' }, /required property 'at'/],
    ['a value of the wrong format', { id: 't1', at: 'yesterday' }, /must match format "date-time"/],
    ['more inside an object the document leaves open', { id: 't1', at: '2026-12-07T00:00:00.000Z', extra: { a: 1, b: 2 } }, null],
  ])('%s', async (_label, body, problem) => {
    const problems = (await contractChecker(baseUrl)).check('GET', '/v1/things/t1?x=1', 200, body);
    if (problem) expect(problems.join('\n')).toMatch(problem);
    else expect(problems).toEqual([]);
  });

  it('checks nothing the document has no schema for (another status, another path)', async () => {
    const checker = await contractChecker(baseUrl);
    expect(checker.check('GET', '/v1/things/t1', 404, { anything: true })).toEqual([]);
    expect(checker.check('GET', '/v1/other', 200, { anything: true })).toEqual([]);
  });
});
