import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { AccountParams, ListQuery, page } from '../http/schemas';
import { AccountSchema, InboxMessageSchema } from '../../contracts/account';
import { IcpNameCheckRequest, IcpNameCheckResponse } from './schemas';
import { VerificationOptionsQuery, VerificationOptionsSchema } from '../verifications/schemas';
import type { AccountService } from './service';

export function accountRoutes(deps: RouteDeps, accounts: AccountService): void {
  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}',
    summary: "An account's verification state",
    tags: ['accounts'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    responses: { 200: { description: 'The account', schema: AccountSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await accounts.get(principal, params.accountId) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/verification-options',
    summary: 'The verification methods this subject may use, and the recommended one',
    tags: ['accounts'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    query: VerificationOptionsQuery,
    responses: {
      200: { description: 'The methods', schema: VerificationOptionsSchema },
      422: { description: 'CREDIT_CODE_INVALID: the credit code is not one (its format or check character)' },
    },
    handler: async ({ principal, params, query }) => ({
      status: 200,
      body: accounts.verificationOptions(principal, params.accountId, query),
    }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/accounts/{accountId}/icp-name-check',
    audit: false,
    summary: "Whether an ICP filing entity's name equals the verified name",
    description: 'Full-width and half-width forms and whitespace runs compare equal. An unverified account answers 409 NOT_VERIFIED.',
    tags: ['accounts'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    body: IcpNameCheckRequest,
    responses: { 200: { description: 'The answer', schema: IcpNameCheckResponse }, 409: { description: 'NOT_VERIFIED: the account has no verified name' } },
    handler: async ({ principal, params, body }) => ({
      status: 200,
      body: await accounts.icpNameCheck(principal, params.accountId, body.filingEntityName),
    }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/messages',
    summary: 'The message centre (站内信), newest first',
    tags: ['accounts'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of messages', schema: page(InboxMessageSchema, 'MessagePage') } },
    handler: async ({ principal, params, query }) => ({
      status: 200,
      body: await accounts.inbox(principal, params.accountId, query.limit, query.cursor),
    }),
  });
}
