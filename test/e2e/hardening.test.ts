import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http } from '../support/http';
import { freePort, startServiceProcess, type ServiceProcess } from '../support/processes';

/**
 * Hardening (issue 9): security headers on every answer, and a per-address
 * rate limit on the routes without a bearer token. The limit is tried on an
 * API process of this test's own (RATE_LIMIT_MAX=5), on the shared database
 * and Temporal server; the shared stack runs with the limit raised.
 */
const shared = http(inject('baseUrl'));
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-hardening-'));
let limited: ServiceProcess;

beforeAll(async () => {
  limited = await startServiceProcess({
    entry: 'api/main.ts',
    port: await freePort(),
    logFile: path.join(workDir, 'api.log'),
    env: { ...inject('serviceEnv'), DATA_DIR: workDir, MIGRATE_ON_START: 'false', RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW: '1m' },
  });
}, 120_000);
afterAll(async () => {
  await limited?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

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
