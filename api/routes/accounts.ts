import type { RouteDeps } from '../route';
import { defineRoute } from '../route';
import { AccountParams, AccountSchema, ListQuery, MessageSchema, page } from '../schemas';
import type { AccountService } from '../services/accounts';

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
    path: '/v1/accounts/{accountId}/messages',
    summary: 'The message centre (站内信), newest first',
    tags: ['accounts'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of messages', schema: page(MessageSchema, 'MessagePage') } },
    handler: async ({ principal, params, query }) => ({
      status: 200,
      body: await accounts.messages(principal, params.accountId, query.limit, query.cursor),
    }),
  });
}
