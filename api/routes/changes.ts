import { AccountParams, ChangeParams, ChangeSchema, ListQuery, page } from '../schemas';
import type { ChangeService } from '../services/changes';
import { defineRoute, type RouteDeps } from '../route';

export function changeRoutes(deps: RouteDeps, changes: ChangeService): void {
  defineRoute(deps, {
    method: 'get',
    path: '/v1/changes/{id}',
    summary: 'A change of subject',
    tags: ['changes'],
    auth: ['service', 'account', 'admin'],
    params: ChangeParams,
    responses: { 200: { description: 'The change', schema: ChangeSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await changes.get(principal, params.id) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/changes',
    summary: "An account's changes of subject, newest first",
    tags: ['changes'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of changes', schema: page(ChangeSchema, 'ChangePage') } },
    handler: async ({ principal, params, query }) => ({ status: 200, body: await changes.list(principal, params.accountId, query.limit, query.cursor) }),
  });
}
