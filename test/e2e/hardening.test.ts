import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedJsonHeaders } from '../../adapters/signature';
import { newId } from '../../platform/ids';
import { http } from '../support/http';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';

/**
 * Hardening (issue 9): security headers on every answer, and a per-address
 * rate limit on what comes without a bearer token, counted after the
 * callback signature check (issue 21). The limit is tried on API processes of
 * this test's own (RATE_LIMIT_MAX=5; one of them behind a "proxy", TRUST_PROXY),
 * on the shared database and Temporal server; the shared stack runs with the
 * limit raised.
 */
const shared = http(inject('baseUrl'));
const serviceEnv = inject('serviceEnv');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-hardening-'));
let limited: ServiceProcess;
let behindProxy: ServiceProcess;

async function limitedApi(name: string, env: Record<string, string>): Promise<ServiceProcess> {
  const dataDir = path.join(workDir, name);
  mkdirSync(dataDir);
  return startServiceProcess({
    entry: 'api/main.ts',
    port: await freePort(),
    logFile: path.join(dataDir, 'api.log'),
    env: { ...serviceEnv, DATA_DIR: dataDir, MIGRATE_ON_START: 'false', RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW: '1m', ...env },
  });
}

beforeAll(async () => {
  // The test's requests come from 127.0.0.1: behind "the proxy", that is the load balancer's address.
  [limited, behindProxy] = await Promise.all([limitedApi('limited', {}), limitedApi('behind-proxy', { TRUST_PROXY: 'loopback' })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([limited?.stop(), behindProxy?.stop()]);
  rmSync(workDir, { recursive: true, force: true });
});

const junk = (api: ReturnType<typeof http>, headers: Record<string, string> = {}) =>
  api.post('/v1/callbacks/bank', { eventId: `junk-${randomUUID()}` }, { token: null, headers });

/** Junk from one client until it is answered 429; how many 401s came first. */
async function exhaust(api: ReturnType<typeof http>, headers: Record<string, string> = {}): Promise<number> {
  for (let accepted = 0; accepted <= 5; accepted++) {
    const status = (await junk(api, headers)).status;
    if (status === 429) return accepted;
    expect(status).toBe(401);
  }
  throw new Error('junk was never limited');
}

/** A bank callback signed with the bank's secret: a settlement for a process that is not running (acknowledged, nothing to do). */
function signedBankCallback(api: ReturnType<typeof http>) {
  const body = JSON.stringify({
    eventId: `settled-${randomUUID()}`,
    occurredAt: new Date().toISOString(),
    type: 'payout.settled',
    reference: `verification/${newId('ver')}`,
    requestId: `payout-${randomUUID()}`,
  });
  return api.post('/v1/callbacks/bank', undefined, { token: null, rawBody: body, headers: signedJsonHeaders(serviceEnv.BANK_CALLBACK_SECRET!, body) });
}

describe('security headers', () => {
  it.each(['/healthz', '/v1/accounts/nobody', '/docs/', '/openapi.json'])('%s: no sniffing, no framing, a CSP, no X-Powered-By', async (route) => {
    const res = await shared.get(route);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('rate limit on unauthenticated routes', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the limit, per route family, leaving authenticated routes alone', async () => {
    const api = http(limited.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.post('/v1/callbacks/wechat', { eventId: `e${i}` }, { token: null })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);

    const sixth = await api.post('/v1/callbacks/wechat', { eventId: 'e6' }, { token: null });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('content-type')).toContain('application/problem+json');
    expect(sixth.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // The sandbox shares the address's budget; routes with a bearer token are not limited.
    expect((await api.post('/sandbox/wechat/scans', {}, { token: null })).status).toBe(429);
    for (let i = 0; i < 8; i++) expect((await api.get('/v1/accounts/rl-nobody')).status).toBe(200);
    expect((await api.get('/healthz', { token: null })).status).toBe(200);
  });
});

describe('callbacks are verified before the rate limit', () => {
  it('answers a correctly signed bank callback 200 from an address whose unsigned junk gets 429, and limits none of them', async () => {
    const api = http(limited.baseUrl);
    await exhaust(api);
    // More signed callbacks than the limit, from the address the junk came from: each is acknowledged.
    for (let i = 0; i < 8; i++) {
      const res = await signedBankCallback(api);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ received: true, duplicate: false });
    }
    expect((await junk(api)).status).toBe(429);
    // A wrong signature is junk too.
    const forged = await api.post('/v1/callbacks/bank', undefined, { token: null, rawBody: '{}', headers: signedJsonHeaders('not-the-secret', '{}') });
    expect(forged.status).toBe(429);
  });

  it('counts the client address from X-Forwarded-For behind a trusted proxy (TRUST_PROXY), and ignores the header otherwise', async () => {
    const proxied = http(behindProxy.baseUrl);
    expect(await exhaust(proxied, { 'X-Forwarded-For': '203.0.113.7' })).toBe(5);
    // Another client behind the same proxy address has a budget of its own.
    expect((await junk(proxied, { 'X-Forwarded-For': '203.0.113.8' })).status).toBe(401);
    expect((await junk(proxied, { 'X-Forwarded-For': '198.51.100.20, 203.0.113.7' })).status).toBe(429);

    // Without TRUST_PROXY the header names nobody: every client is the socket's address, one budget.
    const direct = http(limited.baseUrl);
    await exhaust(direct, { 'X-Forwarded-For': '203.0.113.98' });
    expect((await junk(direct, { 'X-Forwarded-For': '203.0.113.99' })).status).toBe(429);
  });
});
