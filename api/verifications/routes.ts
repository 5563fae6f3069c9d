import type { Role } from '../http/auth';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { z } from 'zod';
import { AccountParams, ListQuery, page } from '../http/schemas';
import { MaterialsBody, RemittanceAmountBody, StartVerificationBody, VerificationParams } from './schemas';
import { VerificationSchema } from '../../contracts/verification';
import type { VerificationService } from './service';

/** Who acts on verifications: the console's backend, the account's own token, an admin. */
const APPLICANT_SIDE: Role[] = ['service', 'account', 'admin'];

export function verificationRoutes(deps: RouteDeps, verifications: VerificationService): void {
  /** A verification addressed by its id: its account's token reaches only its own (decided at the route). */
  const oneVerification = {
    tags: ['verifications'],
    auth: APPLICANT_SIDE,
    params: VerificationParams,
    owner: ({ id }: Record<string, string>) => verifications.ownerOf(id!),
  };

  defineRoute(deps, {
    method: 'post',
    path: '/v1/accounts/{accountId}/verifications',
    audit: { action: 'verification.requested' },
    summary: 'Start a verification',
    description:
      'Starts workflow verification/<id>. Answers once the process is open, with its first next action (a QR code to scan). An account never seen is created on first use.',
    tags: ['verifications'],
    auth: APPLICANT_SIDE,
    params: AccountParams,
    body: StartVerificationBody,
    idempotent: true,
    responses: {
      201: { description: 'The verification, in progress', schema: VerificationSchema },
      409: { description: 'ALREADY_VERIFIED; PROCESS_ALREADY_OPEN; IDENTITY_QUOTA_EXCEEDED' },
      422: {
        description:
          'ID_NUMBER_INVALID, CREDIT_CODE_INVALID (a format or check character), UNDERAGE, INTERNATIONAL_SITE_REQUIRED, METHOD_NOT_ELIGIBLE, PAYER_ACCOUNT_NAME_MISMATCH; VALIDATION_FAILED for an upload id that is not an upload of this account with the purpose named',
      },
      503: { description: 'PROVIDER_UNAVAILABLE: the enterprise presents a registration number or organisation code and the business registry, which maps it to its credit code, cannot be reached' },
    },
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
    auth: APPLICANT_SIDE,
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
    ...oneVerification,
    responses: { 200: { description: 'The verification', schema: VerificationSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await verifications.get(principal, params.id) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/verifications/{id}/qr',
    audit: { action: 'verification.qr_refreshed' },
    summary: 'A fresh QR code',
    description: 'Replaces the QR code (the old ticket stops working). At most QR_REFRESH_LIMIT (5) times: then 409 QR_REFRESH_LIMIT.',
    ...oneVerification,
    idempotent: true,
    responses: {
      200: { description: 'The verification with a fresh scan_qr action', schema: VerificationSchema },
      409: { description: `QR_REFRESH_LIMIT; ${'PROCESS_NOT_OPEN: the process is not waiting for this (it ended, or is at another step)'}` },
    },
    handler: async ({ principal, params, seed }) => ({ status: 200, body: await verifications.refreshQr(principal, params.id, seed) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/verifications/{id}/remittance-amount',
    audit: { action: 'verification.remittance_amount_submitted' },
    summary: 'Enter the amount received (corporate public remittance)',
    description:
      'Answered at once by the workflow: matched (the verification completes) or mismatch with the attempts left; two mismatches in a row fail it. 409 PROCESS_NOT_OPEN when no amount is awaited.',
    ...oneVerification,
    body: RemittanceAmountBody,
    idempotent: true,
    responses: {
      200: {
        description: 'The answer',
        schema: z.object({ result: z.enum(['matched', 'mismatch']), attemptsLeft: z.number().int(), verification: VerificationSchema }).meta({ id: 'RemittanceAmountAnswer' }),
      },
      409: { description: 'PROCESS_NOT_OPEN: no amount is awaited' },
    },
    handler: async ({ principal, params, body, seed }) => ({ status: 200, body: await verifications.submitAmount(principal, params.id, body.amount, seed) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/verifications/{id}/materials',
    audit: { action: 'verification.materials_submitted' },
    summary: 'Corrected bank account and/or handler after a rejected review',
    description: 'A new handler passes face recognition before the materials go back to review.',
    ...oneVerification,
    body: MaterialsBody,
    idempotent: true,
    responses: {
      200: { description: 'The verification', schema: VerificationSchema },
      409: { description: 'PROCESS_NOT_OPEN: not a public remittance awaiting corrections' },
      422: { description: 'ID_NUMBER_INVALID for the handler; VALIDATION_FAILED for an ID photo that is not an upload of this account with that purpose' },
    },
    handler: async ({ principal, params, body, seed }) => ({ status: 200, body: await verifications.resubmitMaterials(principal, params.id, body, seed) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/verifications/{id}/cancel',
    audit: { action: 'verification.cancel_requested' },
    summary: 'Cancel a verification in progress',
    ...oneVerification,
    idempotent: true,
    responses: {
      200: { description: 'The verification, cancelled', schema: VerificationSchema },
      409: { description: 'PROCESS_NOT_OPEN: it has ended, its payout was ordered, or it verifies a change’s new subject (revoke the change)' },
    },
    handler: async ({ principal, params, seed }) => ({ status: 200, body: await verifications.cancel(principal, params.id, seed) }),
  });
}
