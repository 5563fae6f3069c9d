import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { http, individualBody, KEYS, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * The hosted pages' door (API.md "Hosted pages", SPEC §13) through the real stack: the service role mints a one-time
 * link, the browser's exchange spends it for a cookie that acts as the account's own token (404 elsewhere), once and
 * within the hour, and is audited; state-changing requests on the cookie need the CSRF header; returnUrl stays on
 * listed origins; the session ends with its row: when the account closes, its 24 hours are over, or retention took it.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await db.destroy();
});

const tokenOf = (url: string) => new URL(url).hash.replace(/^#t=/, '');

async function mint(accountId: string, body: Record<string, unknown> = {}) {
  const res = await api.post(`/v1/accounts/${accountId}/sessions`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; url: string; expiresAt: string };
}

const exchange = (token: string) => api.post('/v1/sessions/exchange', { token }, { token: null });

/** The cookie pair the browser would send back, from the exchange's Set-Cookie. */
function cookieOf(headers: Headers): string {
  const setCookie = headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0]!;
}

async function openSession(accountId: string) {
  const res = await exchange(tokenOf((await mint(accountId)).url));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { cookie: cookieOf(res.headers), csrfToken: res.body.csrfToken as string, body: res.body };
}

describe('POST /v1/accounts/{accountId}/sessions', () => {
  it('mints a one-hour link with the token in the fragment, never in the database', async () => {
    const accountId = uniqueAccount('ses');
    const before = Date.now();
    const link = await mint(accountId, { locale: 'en' });
    expect(link.id).toMatch(/^ses_[A-Za-z0-9]{24}$/);
    expect(link.url).toMatch(new RegExp(`^${baseUrl}/apply#t=[A-Za-z0-9_-]{43}$`));
    const ttl = Date.parse(link.expiresAt) - before;
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000 + 1000);
    const row = await db('page_sessions').where({ id: link.id }).first();
    expect(row).toMatchObject({ account_id: accountId, locale: 'en', return_url: null, used_at: null });
    expect(JSON.stringify(row)).not.toContain(tokenOf(link.url));
  });

  it('is for the service role only', async () => {
    const accountId = uniqueAccount('ses');
    const accountToken = (await api.post('/v1/admin/account-tokens', { accountId, ttlSeconds: 600 })).body.token as string;
    for (const token of [accountToken, KEYS.reviewer, KEYS.admin]) {
      const res = await api.post(`/v1/accounts/${accountId}/sessions`, {}, { token });
      expect(res.status).toBe(403);
    }
    expect((await api.post(`/v1/accounts/${accountId}/sessions`, {}, { token: null })).status).toBe(401);
  });

  it('mints no link for a closed account (SPEC §11: it opens no new process)', async () => {
    const accountId = uniqueAccount('ses');
    expect((await api.post(`/v1/accounts/${accountId}/closure`, { reason: 'the customer asked' })).status).toBe(202);
    await eventually(async () => expect((await api.get(`/v1/accounts/${accountId}/closure`)).body.status).toBe('completed'));
    expect((await api.post(`/v1/accounts/${accountId}/sessions`, {})).body).toMatchObject({ status: 409, code: 'ACCOUNT_CLOSED' });
  });

  it('takes a returnUrl on an allowed origin only (unset SESSION_RETURN_ORIGINS: the service itself)', async () => {
    const accountId = uniqueAccount('ses');
    const link = await mint(accountId, { returnUrl: `${baseUrl}/done?x=1` });
    expect((await exchange(tokenOf(link.url))).body.returnUrl).toBe(`${baseUrl}/done?x=1`);
    for (const returnUrl of ['https://evil.example/done', `${baseUrl.replace('127.0.0.1', 'localhost')}/done`, 'javascript:alert(1)', '/done']) {
      const res = await api.post(`/v1/accounts/${accountId}/sessions`, { returnUrl });
      expect(res.status, returnUrl).toBe(422);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'returnUrl' }] });
    }
  });
});

describe('POST /v1/sessions/exchange', () => {
  it('sets an HttpOnly, SameSite=Strict cookie of 24 hours that acts as the account’s own token', async () => {
    const accountId = uniqueAccount('ses');
    const res = await exchange(tokenOf((await mint(accountId)).url));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accountId, locale: 'zh-CN', returnUrl: null });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^rnv_page_session=[^;]+; Path=\/; Max-Age=86400; HttpOnly; SameSite=Strict$/);
    // Plain http here (PUBLIC_BASE_URL unset): a Secure cookie would never come back.
    expect(setCookie).not.toContain('Secure');
    expect(res.headers.get('cache-control')).toBe('no-store');

    const cookie = cookieOf(res.headers);
    const own = await api.get(`/v1/accounts/${accountId}`, { token: null, headers: { cookie } });
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(accountId);
    expect((await api.get(`/v1/accounts/${uniqueAccount('other')}`, { token: null, headers: { cookie } })).status).toBe(404);
    // Staff routes stay out of reach, as for the account's token.
    expect((await api.get('/v1/reviews', { token: null, headers: { cookie } })).status).toBe(403);
  });

  it('opens a link once: the second exchange is refused with what to do', async () => {
    const token = tokenOf((await mint(uniqueAccount('ses'))).url);
    expect((await exchange(token)).status).toBe(200);
    const again = await exchange(token);
    expect(again.status).toBe(410);
    expect(again.body).toMatchObject({ code: 'PAGE_LINK_INVALID', reason: 'used', locale: 'zh-CN' });
    expect(again.body.detail).toMatch(/already used.*new link/);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a link past its hour, and a made-up one', async () => {
    const link = await mint(uniqueAccount('ses'));
    await db('page_sessions').where({ id: link.id }).update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await exchange(tokenOf(link.url));
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ code: 'PAGE_LINK_INVALID', reason: 'expired' });
    expect(expired.body.detail).toMatch(/expired.*new link/);

    const madeUp = await exchange('A'.repeat(43));
    expect(madeUp.status).toBe(410);
    expect(madeUp.body).toMatchObject({ code: 'PAGE_LINK_INVALID', reason: 'unknown' });
    expect(madeUp.body.locale).toBeUndefined();
  });

  it('is audited as the account opening its page session', async () => {
    const accountId = uniqueAccount('ses');
    await openSession(accountId);
    const events = await db('audit_events').where({ account_id: accountId }).orderBy('seq');
    expect(events.map((e: { action: string }) => e.action)).toEqual(['page_session.minted', 'page_session.opened']);
    expect(events[1]).toMatchObject({ actor_role: 'account', actor_name: accountId, resource_kind: 'account', resource_id: accountId });
    expect(events[1].request_id).toBeTruthy();
  });

  it('is not a bearer token: the session works from its cookie only', async () => {
    const accountId = uniqueAccount('ses');
    const { cookie } = await openSession(accountId);
    const jwt = cookie.split('=')[1]!;
    const asBearer = await api.get(`/v1/accounts/${accountId}`, { token: jwt });
    expect(asBearer.status).toBe(401);
    expect((await api.get(`/v1/accounts/${accountId}`, { token: null, headers: { cookie: 'rnv_page_session=forged' } })).status).toBe(401);
  });
});

describe('CSRF on the cookie', () => {
  it('refuses a state-changing request without the session’s X-CSRF-Token, and accepts it with', async () => {
    const accountId = uniqueAccount('ses');
    const { cookie, csrfToken } = await openSession(accountId);
    const path = `/v1/accounts/${accountId}/verifications`;
    const without = await api.post(path, individualBody(), { token: null, headers: { cookie } });
    expect(without.status).toBe(403);
    expect(without.body.detail).toMatch(/X-CSRF-Token/);
    const wrong = await api.post(path, individualBody(), { token: null, headers: { cookie, 'x-csrf-token': 'A'.repeat(43) } });
    expect(wrong.status).toBe(403);
    // Another session's value is no better: the value is bound to this session's cookie.
    const other = await openSession(accountId);
    expect((await api.post(path, individualBody(), { token: null, headers: { cookie, 'x-csrf-token': other.csrfToken } })).status).toBe(403);

    const accepted = await api.post(path, individualBody(), { token: null, headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    expect(accepted.body.accountId).toBe(accountId);
  });
});

describe('the end of a browser session', () => {
  const asPage = (accountId: string, cookie: string) => api.get(`/v1/accounts/${accountId}`, { token: null, headers: { cookie } });
  const expectEnded = (res: { status: number; body: { code?: string; detail?: string } }) => {
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'The page session has ended: open a new link from the console.' });
  };

  it('comes with the account’s closure: its cookie is refused from the closure’s start, and its rows are deleted', async () => {
    const accountId = uniqueAccount('ses');
    const { cookie } = await openSession(accountId);
    const unused = await mint(accountId);
    expect((await asPage(accountId, cookie)).status).toBe(200);
    expect((await api.post(`/v1/accounts/${accountId}/closure`, { reason: 'the customer asked' })).status).toBe(202);
    expectEnded(await asPage(accountId, cookie));
    await eventually(async () => expect((await api.get(`/v1/accounts/${accountId}/closure`)).body.status).toBe('completed'));
    expect(await db('page_sessions').where({ account_id: accountId })).toEqual([]);
    expectEnded(await asPage(accountId, cookie));
    expect((await exchange(tokenOf(unused.url))).body).toMatchObject({ code: 'PAGE_LINK_INVALID', reason: 'unknown' });
  });

  it('comes when its row says its 24 hours are over, or its row is gone (retention)', async () => {
    const accountId = uniqueAccount('ses');
    const [first, second] = [await openSession(accountId), await openSession(accountId)];
    const rows = await db('page_sessions').where({ account_id: accountId }).orderBy('used_at');
    await db('page_sessions').where({ id: rows[0].id }).update({ browser_session_expires_at: new Date(Date.now() - 1000) });
    expectEnded(await asPage(accountId, first.cookie));
    expect((await asPage(accountId, second.cookie)).status).toBe(200);
    await db('page_sessions').where({ id: rows[1].id }).delete();
    expectEnded(await asPage(accountId, second.cookie));
  });
});

describe('GET /apply', () => {
  it('serves the page under a strict policy of its own: nothing inline, nothing from elsewhere, never framed', async () => {
    const page = await fetch(`${baseUrl}/apply`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/apply/app.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The bundled app, under the same headers; the pages' config says whether the sandbox phone may show.
    const script = await fetch(`${baseUrl}/apply/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('content-security-policy')).toBe(csp);
    expect(await fetch(`${baseUrl}/apply/config.json`).then((r) => r.json())).toEqual({ sandbox: true });
  });

  it('sends the script and the stylesheet compressed when the browser takes it, and answers a revalidation with 304', async () => {
    for (const asset of ['/apply/app.js', '/apply/apply.css']) {
      const plain = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();
      const text = await plain.text();
      for (const [accept, encoding] of [['gzip, deflate, br, zstd', 'br'], ['gzip', 'gzip']] as const) {
        const res = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': accept } });
        expect(res.headers.get('content-encoding'), `${asset} for ${accept}`).toBe(encoding);
        expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(Number(res.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(text) / 2);
        expect(await res.text()).toBe(text);
        // As a browser revalidates (fetch() alone would add Cache-Control: no-cache, which asks for the full answer).
        const again = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': accept, 'if-none-match': res.headers.get('etag')!, 'cache-control': 'max-age=0' } });
        expect(again.status).toBe(304);
      }
    }
  });
});
