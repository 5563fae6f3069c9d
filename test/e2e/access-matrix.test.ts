import { describe, expect, inject, it } from 'vitest';
import { enterpriseBody } from '../support/enterprise';
import { requestChange, verifiedIndividual } from '../support/changes';
import { uploadFile } from '../../scripts/lib/files';
import { http, KEYS, mainlandId, uniqueAccount } from '../support/http';

/**
 * Every endpoint × every caller (issue 9): no token or an expired one → 401;
 * a role the endpoint is not for → 403; an account token on another account's
 * resources → 404; an allowed caller gets past authorization (its answer may
 * still refuse the request for what it says: 4xx other than 401/403), and a
 * read of existing resources gets 2xx. The endpoints are read from the served
 * OpenAPI document, so a new endpoint is in the matrix the day it exists; who
 * may call each is API.md's table of roles per resource, written out below,
 * and the document's `x-roles` must say the same.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);

type Caller = 'none' | 'expired' | 'service' | 'reviewer' | 'admin' | 'account_own' | 'account_other';
const CALLERS: Caller[] = ['none', 'expired', 'service', 'reviewer', 'admin', 'account_own', 'account_other'];

/** API.md "Roles per resource", by path (the first match wins). */
const API_MD_ROLES: [RegExp, string[]][] = [
  [/^\/v1\/uploads\/\{id\}\/content$/, ['service', 'account', 'reviewer', 'admin']],
  [/^\/v1\/reviews/, ['reviewer', 'admin']],
  [/^\/v1\/(admin\/account-tokens|webhook-endpoints|events\b)/, ['service', 'admin']],
  [/^\/v1\/admin\//, ['admin']],
  [/^\/v1\/accounts\/\{accountId\}\/closure$/, ['service', 'admin']],
  [/^\/v1\/accounts\/\{accountId\}\/sessions$/, ['service']],
  [/^\/v1\/identity-lookups/, ['service', 'account']],
  [/^\/v1\/(accounts|verifications|changes|uploads|ocr)\b/, ['service', 'account', 'admin']],
];
const rolesOf = (path: string) => API_MD_ROLES.find(([pattern]) => pattern.test(path))?.[1];
/** Reads that need more than the path (a query, or a review or closure this test does not have). */
const readsNeedingMore = new Set([
  '/v1/accounts/{accountId}/verification-options',
  '/v1/reviews/{id}',
  '/v1/accounts/{accountId}/closure',
  '/v1/admin/audit-events/export',
  '/v1/admin/analytics/funnel',
]);

const mint = async (accountId: string, ttlSeconds = 3600) => (await api.post('/v1/admin/account-tokens', { accountId, ttlSeconds })).body.token as string;

/** Resources of one account, to name in every path. */
async function ownResources() {
  const accountId = uniqueAccount('matrix');
  await verifiedIndividual(baseUrl, accountId);
  const verification = (await api.get(`/v1/accounts/${accountId}/verifications`)).body.items[0].id as string;
  const { subjectType: _s, ...subject } = await enterpriseBody(baseUrl, accountId, 'legal_person_face', { name: '北京矩阵科技有限公司', code: '91350100M000100Y43', legalPerson: { name: '王法人', idNumber: '11010519491231002X' } });
  const change = await requestChange(baseUrl, accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...subject });
  const upload = (await uploadFile(baseUrl, accountId, 'business_license')).id;
  // A lookup the account's own token made: only that account's tokens (and the service role) read it.
  const lookup = await api.post('/v1/identity-lookups', { idType: 'mainland_id', idNumber: mainlandId(), realName: '张三' }, { token: await mint(accountId) });
  expect(lookup.status, JSON.stringify(lookup.body)).toBe(201);
  return { accountId, verification, change: change.id as string, upload, lookup: lookup.body.id as string };
}

function concretePath(template: string, own: Awaited<ReturnType<typeof ownResources>>): string {
  const id = template.startsWith('/v1/verifications/')
    ? own.verification
    : template.startsWith('/v1/changes/')
      ? own.change
      : template.startsWith('/v1/uploads/')
        ? own.upload
        : template.startsWith('/v1/identity-lookups/')
          ? own.lookup
          : 'rev_000000000000000000000000';
  return template.replace('{accountId}', own.accountId).replace('{id}', id).replace('{creditCode}', '91350100M000100Y43');
}

describe('access matrix', () => {
  it('answers every endpoint for every caller as API.md implies', async () => {
    const own = await ownResources();
    const tokens: Record<Caller, string | null> = {
      none: null,
      expired: await mint(own.accountId, 1),
      service: KEYS.service,
      reviewer: KEYS.reviewer,
      admin: KEYS.admin,
      account_own: await mint(own.accountId),
      account_other: await mint(uniqueAccount('matrix-other')),
    };
    await new Promise((resolve) => setTimeout(resolve, 2100));

    const doc = (await api.get('/openapi.json', { token: null })).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { 'x-roles'?: string[] }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, roles: op['x-roles'] })),
    );
    const guarded = operations.filter((op) => !op.roles?.includes('public'));
    expect(guarded.length).toBeGreaterThan(25);
    // Mutating calls last, so the reads see the resources as they were.
    const order = (op: { method: string }) => (op.method === 'get' ? 0 : 1);
    guarded.sort((a, b) => order(a) - order(b));

    const wrong: string[] = [];
    for (const op of guarded) {
      const roles = rolesOf(op.path);
      expect(roles, `${op.method} ${op.path} is in API.md's table`).toBeDefined();
      expect([...(op.roles ?? [])].sort(), `${op.method} ${op.path}: x-roles as API.md says`).toEqual([...roles!].sort());
      const namesResource = /\{(accountId|id)\}/.test(op.path) && !op.path.startsWith('/v1/reviews/');
      for (const caller of CALLERS) {
        const res = await api.call(op.method.toUpperCase(), concretePath(op.path, own), { token: tokens[caller], ...(op.method === 'get' ? {} : { body: {} }) });
        const role = caller.startsWith('account') ? 'account' : caller;
        let ok: boolean;
        if (caller === 'none' || caller === 'expired') ok = res.status === 401;
        else if (!roles!.includes(role)) ok = res.status === 403;
        else if (caller === 'account_other') ok = namesResource ? res.status === 404 : res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403;
        else if (op.method === 'get' && !readsNeedingMore.has(op.path)) ok = res.status >= 200 && res.status < 300;
        else ok = res.status !== 401 && res.status !== 403 && res.status < 500;
        if (!ok) wrong.push(`${op.method.toUpperCase()} ${op.path} as ${caller}: ${res.status} ${res.body?.code ?? ''}`);
        if (res.status >= 400) expect(res.headers.get('content-type'), `${op.method} ${op.path} as ${caller}`).toContain('application/problem+json');
      }
    }
    expect(wrong).toEqual([]);
  });
});
