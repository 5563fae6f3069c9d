import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedJsonHeaders } from '../../adapters/signature';
import { unauthenticatedRateLimit } from '../../api/http/hardening';
import { problemMiddleware } from '../../api/http/problem';
import { signedCallbacksOnly } from '../../api/callbacks/signature';
import { createLogger } from '../../platform/logger';
import { createMetrics } from '../../platform/metrics';

/**
 * Provider callbacks are verified before the rate limit (issue 21): whatever
 * fails the check is junk, counted per address (here 3 a minute), and a
 * correctly signed callback passes however much junk came before it.
 */
const secrets = { wechat: 'wechat-secret', qq: 'qq-secret', face: 'face-secret', bank: 'bank-secret' };
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  const app = express();
  const gate = signedCallbacksOnly({ secrets, metrics: createMetrics(), junkLimit: unauthenticatedRateLimit({ max: 3, windowMs: 60_000 }) });
  app.post('/v1/callbacks/:provider', gate, (_req: Request, res: Response) => {
    res.json({ received: true });
  });
  app.use(problemMiddleware(createLogger('silent')));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = async (provider: string, body: string, headers: Record<string, string> = {}) =>
  (await fetch(`${baseUrl}/v1/callbacks/${provider}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })).status;
const signed = (provider: keyof typeof secrets) => {
  const body = JSON.stringify({ eventId: `e-${Math.random()}` });
  return post(provider, body, signedJsonHeaders(secrets[provider], body));
};

describe('signed callbacks before the junk limit', () => {
  it('counts an unknown provider, an oversized body and a bad signature as junk, then answers junk 429 and signed callbacks 200', async () => {
    expect(await post('paypal', '{}')).toBe(404);
    expect(await post('bank', 'x'.repeat(300 * 1024))).toBe(413);
    expect(await post('bank', '{}', signedJsonHeaders('not-the-secret', '{}'))).toBe(401);
    expect(await post('bank', '{}')).toBe(429);
    expect(await post('paypal', '{}')).toBe(429);
    for (let i = 0; i < 5; i++) expect(await signed('bank')).toBe(200);
    expect(await signed('face')).toBe(200);
    // A body signed for another provider is junk like any other.
    const body = '{"eventId":"x"}';
    expect(await post('face', body, signedJsonHeaders(secrets.bank, body))).toBe(429);
  });
});
