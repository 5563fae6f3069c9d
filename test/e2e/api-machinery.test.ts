import { createHmac, randomUUID } from 'node:crypto';
import knex from 'knex';
import { describe, expect, inject, it } from 'vitest';
import { requestHash } from '../../api/http/idempotency';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';

const baseUrl = inject('baseUrl');
const api = http(baseUrl);

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
};

function signed(body: string, secret: string, at = Math.floor(Date.now() / 1000)) {
  const mac = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-signature': `t=${at},v1=${mac}` };
}

describe('authentication and account scoping', () => {
  it('refuses a request without a token, or with a wrong one', async () => {
    expectProblem(await api.get('/v1/accounts/a-1', { token: null }), 401, 'UNAUTHENTICATED');
    expectProblem(await api.get('/v1/accounts/a-1', { token: 'not-a-key' }), 401, 'UNAUTHENTICATED');
  });

  it('keeps reviewers off account routes and non-admins off admin routes', async () => {
    expectProblem(await api.get('/v1/accounts/a-1', { token: KEYS.reviewer }), 403, 'FORBIDDEN');
    expectProblem(await api.post('/v1/admin/identity-lookups', { idType: 'mainland_id', idNumber: mainlandId() }), 403, 'FORBIDDEN');
  });

  it('an account token reads its own account and gets 404 for any other', async () => {
    const mine = uniqueAccount('own');
    const other = uniqueAccount('other');
    const token = await api.post('/v1/admin/account-tokens', { accountId: mine, ttlSeconds: 600 });
    expect(token.status).toBe(201);
    expect(Date.parse(token.body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    const t = token.body.token as string;

    const othersVerification = await api.post(`/v1/accounts/${other}/verifications`, individualBody());
    expect(othersVerification.status).toBe(201);

    expect((await api.get(`/v1/accounts/${mine}`, { token: t })).status).toBe(200);
    expectProblem(await api.get(`/v1/accounts/${other}`, { token: t }), 404, 'NOT_FOUND');
    expectProblem(await api.get(`/v1/verifications/${othersVerification.body.id}`, { token: t }), 404, 'NOT_FOUND');
    expectProblem(await api.get(`/v1/accounts/${other}/verifications`, { token: t }), 404, 'NOT_FOUND');
    expectProblem(await api.post(`/v1/verifications/${othersVerification.body.id}/cancel`, undefined, { token: t }), 404, 'NOT_FOUND');

    // …and acts on its own account.
    const own = await api.post(`/v1/accounts/${mine}/verifications`, individualBody(), { token: t });
    expect(own.status).toBe(201);
    expect((await api.get(`/v1/verifications/${own.body.id}`, { token: t })).status).toBe(200);
    // An account token cannot mint tokens.
    expectProblem(await api.post('/v1/admin/account-tokens', { accountId: other, ttlSeconds: 600 }, { token: t }), 403, 'FORBIDDEN');
  });

  it('refuses an expired or tampered account token', async () => {
    const token = (await api.post('/v1/admin/account-tokens', { accountId: uniqueAccount(), ttlSeconds: 600 })).body.token as string;
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${s}`;
    expectProblem(await api.get('/v1/accounts/someone-else', { token: tampered }), 401, 'UNAUTHENTICATED');

    const owner = uniqueAccount();
    const brief = (await api.post('/v1/admin/account-tokens', { accountId: owner, ttlSeconds: 2 })).body.token as string;
    expect((await api.get(`/v1/accounts/${owner}`, { token: brief })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3100));
    const expired = await api.get(`/v1/accounts/${owner}`, { token: brief });
    expectProblem(expired, 401, 'UNAUTHENTICATED');
    expect(expired.body.detail).toMatch(/expired/);
  });
});

describe('problem documents', () => {
  it('answers malformed JSON with a problem document', async () => {
    const res = await api.call('POST', `/v1/accounts/${uniqueAccount()}/verifications`, { rawBody: '{"subjectType": "individual",' });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.correlationId).toBe(res.headers.get('x-request-id'));
  });

  it('lists every invalid field', async () => {
    const res = await api.post(`/v1/accounts/${uniqueAccount()}/verifications`, {
      subjectType: 'individual',
      method: 'carrier_pigeon',
      individual: { realName: 'X', idType: 'mainland_id', idNumber: '', industry: 'mining', address: { region: '北京' } },
    });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['method', 'individual.realName', 'individual.idNumber', 'individual.industry', 'individual.address.detail']));
  });

  it.each([
    ['a check digit off by one', { idNumber: '110105194912310021' }, 422, 'ID_NUMBER_INVALID'],
    ['an impossible birth date (31 April)', { idNumber: 'X' }, 422, 'ID_NUMBER_INVALID'],
    ['a passport', { idType: 'passport', idNumber: 'E12345678' }, 422, 'INTERNATIONAL_SITE_REQUIRED'],
    ['a Hong Kong permit with QQ', { idType: 'hk_macao_permit', idNumber: 'H12345678', method: 'qq_qr' }, 422, 'METHOD_NOT_ELIGIBLE'],
    ['a 17-year-old', { idNumber: 'UNDERAGE' }, 422, 'UNDERAGE'],
  ])('refuses %s, and nothing is created', async (_label, change, status, code) => {
    const accountId = uniqueAccount();
    const overrides = { ...change } as { idNumber?: string; idType?: string; method?: string };
    if (overrides.idNumber === 'X') overrides.idNumber = mainlandId('1990-04-31');
    if (overrides.idNumber === 'UNDERAGE') {
      const d = new Date(Date.now() + 8 * 3600_000 - 17 * 365.25 * 24 * 3600_000);
      overrides.idNumber = mainlandId(d.toISOString().slice(0, 10));
    }
    expectProblem(await api.post(`/v1/accounts/${accountId}/verifications`, individualBody(overrides)), status, code);
    expect((await api.get(`/v1/accounts/${accountId}/verifications`)).body.items).toEqual([]);
    expect((await api.get(`/v1/accounts/${accountId}`)).body.openProcess).toBeNull();
  });

  it('answers an unknown route and an unknown verification with NOT_FOUND', async () => {
    expectProblem(await api.get('/v1/nothing-here'), 404, 'NOT_FOUND');
    expectProblem(await api.get('/v1/verifications/ver_doesnotexist000'), 404, 'NOT_FOUND');
    // An id no resource could have is just as absent.
    expectProblem(await api.get('/v1/verifications/ver_x'), 404, 'NOT_FOUND');
    expectProblem(await api.get('/v1/reviews/rev_x', { token: KEYS.reviewer }), 404, 'NOT_FOUND');
    expectProblem(await api.get('/v1/uploads/nonsense/content'), 404, 'NOT_FOUND');
  });
});

describe('methods', () => {
  it('answers a method a path does not take with 405 METHOD_NOT_ALLOWED and the Allow header; an unknown path stays 404', async () => {
    const wrong = await api.call('DELETE', '/v1/accounts/acct-1');
    expectProblem(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    const put = await api.call('PUT', '/v1/accounts/acct-1/verifications');
    expectProblem(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    expectProblem(await api.call('DELETE', '/v1/nothing-here'), 404, 'NOT_FOUND');
  });
});

describe('idempotency keys', () => {
  it('replays the original answer for the same key and body, and refuses a different body', async () => {
    const accountId = uniqueAccount();
    const key = randomUUID();
    const body = individualBody();
    const first = await api.post(`/v1/accounts/${accountId}/verifications`, body, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const again = await api.post(`/v1/accounts/${accountId}/verifications`, body, { headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.get(`/v1/accounts/${accountId}/verifications`)).body.items).toHaveLength(1);

    const different = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody(), { headers: { 'idempotency-key': key } });
    expectProblem(different, 409, 'IDEMPOTENCY_CONFLICT');
  });

  it('a key whose first request is still being answered: 409 IDEMPOTENCY_IN_PROGRESS with Retry-After; once its holder has gone quiet, a retry takes over', async () => {
    const accountId = uniqueAccount();
    const key = randomUUID();
    const body = individualBody();
    const path = `/v1/accounts/${accountId}/verifications`;
    const db = knex({ client: 'pg', connection: inject('databaseUrl') });
    try {
      // As if another API process had reserved the key and were still at work.
      await db('idempotency_keys').insert({ principal: 'service', key, request_hash: requestHash('POST', path, body), seed: randomUUID(), state: 'processing' });
      const busy = await api.post(path, body, { headers: { 'idempotency-key': key } });
      expectProblem(busy, 409, 'IDEMPOTENCY_IN_PROGRESS');
      const retryAfter = Number(busy.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(15);
      // That process crashed: its lease is not renewed any more.
      await db('idempotency_keys').where({ principal: 'service', key }).update({ updated_at: new Date(Date.now() - 16_000) });
      const taken = await api.post(path, body, { headers: { 'idempotency-key': key } });
      expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    } finally {
      await db.destroy();
    }
  });

  it('keeps stored answers sealed, and never stores a token: a retried token request mints a fresh one', async () => {
    const admin = { token: KEYS.admin };
    const accountId = uniqueAccount();
    const idNumber = mainlandId();
    const key = randomUUID();
    // Admins see ID numbers in full: the stored answer would hold one.
    const started = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody({ idNumber }), { ...admin, headers: { 'idempotency-key': key } });
    expect(started.body.subject.idNumber).toBe(idNumber);
    const tokenKey = randomUUID();
    const first = await api.post('/v1/admin/account-tokens', { accountId }, { headers: { 'idempotency-key': tokenKey } });
    const again = await api.post('/v1/admin/account-tokens', { accountId }, { headers: { 'idempotency-key': tokenKey } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.token).not.toBe(first.body.token);
    expect((await api.get(`/v1/accounts/${accountId}`, { token: again.body.token })).status).toBe(200);

    const db = knex({ client: 'pg', connection: inject('databaseUrl') });
    try {
      const rows = await db('idempotency_keys').whereIn('key', [key, tokenKey]).select(db.raw('response_body::text as body'));
      expect(rows).toHaveLength(2);
      const stored = rows.map((r: { body: string | null }) => r.body ?? '').join('\n');
      expect(stored).not.toContain(idNumber);
      expect(stored).not.toContain(idNumber.slice(-4) + '"');
      for (const token of [first.body.token, again.body.token]) expect(stored).not.toContain(token);
    } finally {
      await db.destroy();
    }
    // The sealed answer still replays.
    const replay = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody({ idNumber }), { ...admin, headers: { 'idempotency-key': key } });
    expect(replay.body).toEqual(started.body);
  });
});

describe('provider callbacks', () => {
  const secret = inject('secrets').wechatCallback;
  const event = () =>
    JSON.stringify({
      eventId: `evt_${randomUUID()}`,
      type: 'authorization.scanned',
      occurredAt: new Date().toISOString(),
      reference: 'verification/ver_0000000000000000',
      ticket: 'wxt_unknown',
      record: { realName: '张三', idNumber: mainlandId(), idType: 'mainland_id', birthDate: null, bankCardLinked: true },
    });

  it('refuses an unsigned, wrongly signed or stale callback with 401', async () => {
    const body = event();
    const post = (headers: Record<string, string>) => api.call('POST', '/v1/callbacks/wechat', { rawBody: body, token: null, headers });
    expectProblem(await post({ 'content-type': 'application/json' }), 401, 'UNAUTHENTICATED');
    expectProblem(await post(signed(body, 'not-the-secret-at-all')), 401, 'UNAUTHENTICATED');
    expectProblem(await post(signed(body, secret, Math.floor(Date.now() / 1000) - 301)), 401, 'UNAUTHENTICATED');
    expectProblem(await post(signed(`${body} `, secret)), 401, 'UNAUTHENTICATED');
    // The same body, correctly signed and fresh, is accepted.
    expect((await post(signed(body, secret))).status).toBe(200);
  });

  it('acknowledges a repeated event without acting on it again', async () => {
    const body = event();
    const first = await api.call('POST', '/v1/callbacks/wechat', { rawBody: body, token: null, headers: signed(body, secret) });
    expect(first.body).toMatchObject({ received: true, duplicate: false });
    const second = await api.call('POST', '/v1/callbacks/wechat', { rawBody: body, token: null, headers: signed(body, secret) });
    expect(second.body).toMatchObject({ received: true, duplicate: true });
  });

  it('refuses a signed event of an unknown shape', async () => {
    const body = JSON.stringify({ eventId: 'e1', type: 'mystery', occurredAt: new Date().toISOString(), reference: 'x' });
    expectProblem(await api.call('POST', '/v1/callbacks/wechat', { rawBody: body, token: null, headers: signed(body, secret) }), 422, 'VALIDATION_FAILED');
  });
});

describe('operations', () => {
  it('serves health, readiness, metrics, the OpenAPI document and the docs page', async () => {
    expect((await api.get('/healthz', { token: null })).body).toEqual({ status: 'ok' });
    expect((await api.get('/readyz', { token: null })).body).toEqual({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    const metrics = await api.get('/metrics', { token: null });
    expect(metrics.body).toContain('http_request_duration_seconds');
    const doc = (await api.get('/openapi.json', { token: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/accounts/{accountId}/verifications', '/v1/verifications/{id}/qr', '/v1/callbacks/{provider}', '/sandbox/wechat/scans', '/sandbox/faults/{provider}', '/v1/changes/{id}', '/v1/accounts/{accountId}/changes']),
    );
    expect(Object.keys(doc.paths['/v1/accounts/{accountId}/changes'])).toEqual(expect.arrayContaining(['get', 'post']));
    for (const action of ['materials', 'new-subject', 'revoke', 'qr']) expect(doc.paths[`/v1/changes/{id}/${action}`]?.post).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.IndividualToIndividualChange)).toContain('agreementAccepted');
    // The request schema in the document is the one that validates requests.
    expect(JSON.stringify(doc.components.schemas.IndividualInfo)).toContain('real_estate');
    expect(JSON.stringify(doc.components.schemas.Change)).toContain('legal_representative_update');
    const docs = await fetch(`${baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });
});
