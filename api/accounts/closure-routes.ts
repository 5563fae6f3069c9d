import { z } from 'zod';
import { ClosureSchema } from '../../contracts/account';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { AccountParams } from '../http/schemas';
import { trimmedText } from '../http/text';
import type { ClosureService } from './closure-service';

export const ClosureRequest = z.object({ reason: trimmedText(1, 500) }).meta({ id: 'ClosureRequest' });

/** POST and GET /v1/accounts/{accountId}/closure (API.md "Accounts"): service and admin only. */
export function closureRoutes(deps: RouteDeps, closures: ClosureService): void {
  defineRoute(deps, {
    method: 'post',
    path: '/v1/accounts/{accountId}/closure',
    // The reason is the caller's free text: the audit event names the account only.
    audit: { action: 'account.closure_requested' },
    summary: 'Close an account and erase its personal data',
    description:
      'Starts workflow closure/<accountId>: the account opens no new process from now on (409 ACCOUNT_CLOSED), every personal value of the account is erased (SPEC §11), its quota slots are freed, and `account.closed` is sent. A repeat answers the same closure. Poll GET …/closure until `completed`.',
    tags: ['accounts'],
    auth: ['service', 'admin'],
    params: AccountParams,
    body: ClosureRequest,
    idempotent: true,
    responses: {
      202: { description: 'The closure, pending or completed', schema: ClosureSchema },
      409: { description: 'PROCESS_ALREADY_OPEN: a verification or change is in progress; MONEY_UNSETTLED: money of the account is held or going back, or its balance is not zero' },
    },
    handler: async ({ params, body, seed }) => ({ status: 202, body: await closures.request(params.accountId, body.reason, seed) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/closure',
    summary: "The account's closure",
    tags: ['accounts'],
    auth: ['service', 'admin'],
    params: AccountParams,
    responses: { 200: { description: 'The closure', schema: ClosureSchema }, 404: { description: 'NOT_FOUND: the account has no closure' } },
    handler: async ({ params }) => ({ status: 200, body: await closures.get(params.accountId) }),
  });
}
