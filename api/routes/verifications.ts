import type { RouteDeps } from '../route';
import { defineRoute } from '../route';
import { AccountParams, ListQuery, page, StartVerificationBody, VerificationParams, VerificationSchema } from '../schemas';
import type { VerificationService } from '../services/verifications';

export function verificationRoutes(deps: RouteDeps, verifications: VerificationService): void {
  defineRoute(deps, {
    method: 'post',
    path: '/v1/accounts/{accountId}/verifications',
    summary: 'Start a verification',
    description:
      'Starts workflow verification/<id>. Answers once the process is open, with its first next action (a QR code to scan). An account never seen is created on first use.',
    tags: ['verifications'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    body: StartVerificationBody,
    idempotent: true,
    responses: { 201: { description: 'The verification, in progress', schema: VerificationSchema } },
    handler: async ({ principal, params, body, seed }) => ({
      status: 201,
      body: await verifications.start(principal, params.accountId, body, seed),
    }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/verifications',
    summary: "An account's verifications, newest first",
    tags: ['verifications'],
    auth: ['service', 'account', 'admin'],
    params: AccountParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of verifications', schema: page(VerificationSchema, 'VerificationPage') } },
    handler: async ({ principal, params, query }) => ({
      status: 200,
      body: await verifications.list(principal, params.accountId, query.limit, query.cursor),
    }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/verifications/{id}',
    summary: 'A verification',
    tags: ['verifications'],
    auth: ['service', 'account', 'admin'],
    params: VerificationParams,
    responses: { 200: { description: 'The verification', schema: VerificationSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await verifications.get(principal, params.id) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/verifications/{id}/qr',
    summary: 'A fresh QR code',
    description: 'Replaces the QR code (the old ticket stops working). At most QR_REFRESH_LIMIT (5) times: then 409 QR_REFRESH_LIMIT.',
    tags: ['verifications'],
    auth: ['service', 'account', 'admin'],
    params: VerificationParams,
    responses: { 200: { description: 'The verification with a fresh scan_qr action', schema: VerificationSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await verifications.refreshQr(principal, params.id) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/verifications/{id}/cancel',
    summary: 'Cancel a verification in progress',
    tags: ['verifications'],
    auth: ['service', 'account', 'admin'],
    params: VerificationParams,
    responses: { 200: { description: 'The verification, cancelled', schema: VerificationSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await verifications.cancel(principal, params.id) }),
  });
}
