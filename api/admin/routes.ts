import type { RegistryProvider } from '../../adapters/types';
import { z } from 'zod';
import { classifyIndividualId } from '../../domain/id-number';
import { appError } from '../../domain/errors';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { setQuotaLimit } from '../../store/identities';
import type { Authenticator } from '../http/auth';
import type { ReadModel } from '../../store/read-model';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { AccountId, ListQuery, page } from '../http/schemas';
import { AccountTokenRequest, AccountTokenResponse } from './schemas';
import { CreditCode } from '../verifications/schemas';
import { matching, trimmedText } from '../http/text';
import { AUDIT_CURSOR, AuditEventView, listAuditEvents } from '../http/audit';
import { enterpriseIdentityHash, individualIdentityHash } from '../../domain/keyed-hashes';
import { enterpriseIdentityCode } from '../verifications/inputs';
import { reportRoutes } from './reports';
import { classifyEnterpriseCode } from '../../domain/enterprise';

const IdentityLookupRequest = z
  .union([
    z.object({ idType: trimmedText(1, 40), idNumber: trimmedText(1, 40) }),
    z.object({ creditCode: CreditCode }),
  ])
  .meta({ id: 'IdentityLookupRequest', description: 'An individual identity ({ idType, idNumber }) or an enterprise ({ creditCode })' });

const QuotaParams = z.object({ creditCode: CreditCode });
const QuotaBody = z.object({ limit: z.number().int().min(1).max(100_000) }).meta({ id: 'EnterpriseQuota' });

/** The code an enterprise identity is keyed by: a credit code, or a registration number / organisation code as the registry maps it. */
async function enterpriseIdentityCodeOf(registry: RegistryProvider, raw: string, path: string): Promise<string> {
  const code = classifyEnterpriseCode('non_business_license', raw);
  if (!code.ok) throw appError('CREDIT_CODE_INVALID', 'Not a valid credit code.', { errors: [{ path, message: 'invalid code or check character' }] });
  return enterpriseIdentityCode(registry, code);
}

const REGISTRY_UNAVAILABLE = { 503: { description: 'PROVIDER_UNAVAILABLE: a registration number or organisation code is resolved through the business registry, which cannot be reached' } };

// A reviewer's or admin's name as records show it: letters, digits, CJK, and . _ @ - or inner spaces.
const STAFF_NAME = '^[A-Za-z0-9\\u4e00-\\u9fff](?:[A-Za-z0-9\\u4e00-\\u9fff ._@-]{0,62}[A-Za-z0-9\\u4e00-\\u9fff._@-])?$';
const StaffTokenRequest = z
  .object({
    role: z.enum(['reviewer', 'admin']),
    name: matching(STAFF_NAME, '1-64 letters, digits, CJK characters, or . _ @ - (spaces inside)').meta({ example: '王芳' }),
    ttlSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(8 * 3600),
  })
  .meta({ id: 'StaffTokenRequest' });

const AuditQuery = ListQuery.extend({
  accountId: AccountId.optional(),
  processId: z.string().regex(/^(ver|chg|lkp)_[A-Za-z0-9]{8,64}$/, 'a verification (ver_…), change (chg_…) or lookup (lkp_…) id').optional(),
  cursor: z.string().regex(AUDIT_CURSOR, 'a cursor this API returned').optional(),
});

export function adminRoutes(deps: RouteDeps, services: { auth: Authenticator; readModel: ReadModel; cipher: PiiCipher; registry: RegistryProvider; db: Db }): void {
  reportRoutes(deps, services);
  defineRoute(deps, {
    method: 'get',
    path: '/v1/admin/audit-events',
    summary: 'The audit log: every state change and decision, newest first',
    description:
      'Who (actor role and name: the caller, or the workflow, or the reviewer whose decision it records), when, what (action, resource), from which request (the X-Request-Id of the request that made it). Details hold ids, steps, statuses and codes, never personal data.',
    tags: ['admin'],
    auth: ['admin'],
    query: AuditQuery,
    responses: { 200: { description: 'A page of events', schema: page(AuditEventView, 'AuditEventPage') } },
    handler: async ({ query }) => ({
      status: 200,
      body: await listAuditEvents(services.db, { accountId: query.accountId, processId: query.processId }, query.limit, query.cursor),
    }),
  });

  defineRoute(deps, {
    method: 'put',
    path: '/v1/admin/enterprise-quotas/{creditCode}',
    audit: { action: 'enterprise_quota.set', resource: ({ params }) => ({ kind: 'enterprise-quota', id: params.creditCode! }) },
    summary: 'Set how many accounts an enterprise may verify (default 10)',
    description:
      'For an account manager raising an enterprise’s quota. Enforced atomically when a verification completes. A registration number or organisation code the business registry maps to a credit code sets the quota of that credit code: one enterprise, one identity.',
    tags: ['admin'],
    auth: ['admin'],
    params: QuotaParams,
    body: QuotaBody,
    responses: {
      200: {
        description: 'The quota, with the code it counts under (the credit code a registration number or organisation code maps to)',
        schema: z.object({ creditCode: z.string(), limit: z.number().int() }),
      },
      ...REGISTRY_UNAVAILABLE,
    },
    handler: async ({ params, body }) => {
      const creditCode = await enterpriseIdentityCodeOf(services.registry, params.creditCode, 'path.creditCode');
      await setQuotaLimit(services.db, enterpriseIdentityHash(services.cipher, creditCode), 'enterprise', body.limit);
      return { status: 200, body: { creditCode, limit: body.limit } };
    },
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/admin/account-tokens',
    audit: { action: 'account_token.minted', resource: ({ body }) => ({ kind: 'account', id: (body as { accountId: string }).accountId }) },
    summary: 'Mint a token scoped to one account',
    description: 'For a browser acting on one account: the token reads and acts on that account only (anything else answers 404).',
    tags: ['admin'],
    auth: ['service', 'admin'],
    body: AccountTokenRequest,
    idempotent: 'rerun',
    responses: { 201: { description: 'The token', schema: AccountTokenResponse } },
    handler: async ({ body }) => ({ status: 201, body: await services.auth.mintAccountToken(body.accountId, body.ttlSeconds) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/admin/staff-tokens',
    summary: 'Mint a token for a named reviewer or admin',
    description: 'Every decision, claim and audit event records the name. The shared REVIEWER_API_KEY and ADMIN_API_KEY act as the staff named `reviewer` and `admin`.',
    tags: ['admin'],
    auth: ['admin'],
    body: StaffTokenRequest,
    idempotent: 'rerun',
    audit: { action: 'staff_token.minted', resource: ({ body }) => ({ kind: 'staff', id: (body as { name: string }).name }) },
    responses: { 201: { description: 'The token (shown once, never stored)', schema: AccountTokenResponse } },
    handler: async ({ body }) => ({ status: 201, body: await services.auth.mintStaffToken(body.role, body.name, body.ttlSeconds) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/admin/identity-lookups',
    audit: false,
    summary: 'Which accounts an identity verified ("find my accounts")',
    description:
      'Answered through the keyed hash of the identity; plaintext ID numbers are never scanned. An enterprise’s accounts are the same by its credit code and by a registration number or organisation code the business registry maps to it.',
    tags: ['admin'],
    auth: ['admin'],
    body: IdentityLookupRequest,
    responses: { 200: { description: 'The accounts', schema: z.object({ accounts: z.array(z.string()) }) }, ...REGISTRY_UNAVAILABLE },
    handler: async ({ body }) => {
      if ('creditCode' in body) {
        const hash = enterpriseIdentityHash(services.cipher, await enterpriseIdentityCodeOf(services.registry, body.creditCode, 'creditCode'));
        return { status: 200, body: { accounts: await services.readModel.boundAccounts(hash) } };
      }
      const id = classifyIndividualId(body.idType, body.idNumber);
      if (id.kind !== 'valid') {
        throw appError('ID_NUMBER_INVALID', 'Not a valid identity document number.', {
          errors: [{ path: 'idNumber', message: 'invalid number for this document type' }],
        });
      }
      const hash = individualIdentityHash(services.cipher, id.idType, id.normalized);
      return { status: 200, body: { accounts: await services.readModel.boundAccounts(hash) } };
    },
  });
}
