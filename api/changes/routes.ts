import { ChangeMaterialsBody, ChangeParams, ChangeSchema, CreateChangeBody, NewSubjectBody } from './schemas';
import { AccountParams, ListQuery, page } from '../http/schemas';
import type { ChangeService } from './service';
import { defineRoute, type RouteDeps } from '../http/route';

const AUTH = ['service', 'account', 'admin'] as const;

export function changeRoutes(deps: RouteDeps, changes: ChangeService): void {
  /** A change addressed by its id: its account's token reaches only its own (decided at the route). */
  const oneChange = { tags: ['changes'], auth: [...AUTH], params: ChangeParams, owner: ({ id }: Record<string, string>) => changes.ownerOf(id!) };

  defineRoute(deps, {
    method: 'post',
    path: '/v1/accounts/{accountId}/changes',
    audit: { action: 'change.requested' },
    summary: 'Request a change of the verified subject',
    description:
      'Starts workflow change/<id>. Refusals in this order: 422 VALIDATION_FAILED → 409 NOT_VERIFIED → 409 CHANGE_NOT_ALLOWED → 409 PROCESS_ALREADY_OPEN → 409 CHANGE_COOLDOWN (with allowedFrom) → the new person’s ID and age rules (UNDERAGE, ID_NUMBER_INVALID, INTERNATIONAL_SITE_REQUIRED) or the new enterprise’s (CREDIT_CODE_INVALID, METHOD_NOT_ELIGIBLE). Answers once the first step is shown; an automatic name change may answer already completed.',
    tags: ['changes'],
    auth: [...AUTH],
    params: AccountParams,
    body: CreateChangeBody,
    idempotent: true,
    responses: {
      201: { description: 'The change', schema: ChangeSchema },
      409: { description: 'NOT_VERIFIED; CHANGE_NOT_ALLOWED; PROCESS_ALREADY_OPEN; CHANGE_COOLDOWN (with allowedFrom); IDENTITY_QUOTA_EXCEEDED' },
      422: {
        description:
          'UNDERAGE, ID_NUMBER_INVALID, INTERNATIONAL_SITE_REQUIRED for the new person; CREDIT_CODE_INVALID, METHOD_NOT_ELIGIBLE, PAYER_ACCOUNT_NAME_MISMATCH for the new enterprise; VALIDATION_FAILED for a new subject that is the current one, or an upload id that is not an upload of this account with the purpose named',
      },
      503: { description: 'PROVIDER_UNAVAILABLE: the new enterprise presents a registration number or organisation code and the business registry, which maps it to its credit code, cannot be reached' },
    },
    handler: async ({ principal, params, body, seed }) => ({ status: 201, body: await changes.create(principal, params.accountId, body, seed) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/changes/{id}',
    summary: 'A change of subject',
    ...oneChange,
    responses: { 200: { description: 'The change', schema: ChangeSchema } },
    handler: async ({ principal, params }) => ({ status: 200, body: await changes.get(principal, params.id) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/accounts/{accountId}/changes',
    summary: "An account's changes of subject, newest first",
    tags: ['changes'],
    auth: [...AUTH],
    params: AccountParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of changes', schema: page(ChangeSchema, 'ChangePage') } },
    handler: async ({ principal, params, query }) => ({ status: 200, body: await changes.list(principal, params.accountId, query.limit, query.cursor) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/changes/{id}/materials',
    audit: { action: 'change.materials_submitted' },
    summary: 'Materials for review (entity change, name change by materials)',
    description: 'Every purpose of nextAction.required, each an upload of this account with that purpose (deregistration_proof stands in for current_license); else 422. At another step: 409 PROCESS_NOT_OPEN.',
    ...oneChange,
    body: ChangeMaterialsBody,
    idempotent: true,
    responses: {
      200: { description: 'The change, awaiting_review', schema: ChangeSchema },
      409: { description: 'PROCESS_NOT_OPEN: the change is not awaiting materials' },
      422: { description: 'VALIDATION_FAILED: a purpose of nextAction.required missing, or an upload that is not of this account with that purpose' },
    },
    handler: async ({ principal, params, body, seed }) => ({ status: 200, body: await changes.submitMaterials(principal, params.id, body, seed) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/changes/{id}/new-subject',
    audit: { action: 'change.new_subject_chosen' },
    summary: 'The new enterprise and its verification method, after approval (entity change)',
    description: 'Name and credit code must be the declared newEnterprise’s (else 422). Starts the new subject’s verification; the change then mirrors its next action.',
    ...oneChange,
    body: NewSubjectBody,
    idempotent: true,
    responses: {
      200: { description: 'The change, verifying_new_subject', schema: ChangeSchema },
      409: { description: 'PROCESS_NOT_OPEN: the change is not awaiting its new subject' },
      422: { description: 'CREDIT_CODE_INVALID, METHOD_NOT_ELIGIBLE, ID_NUMBER_INVALID, PAYER_ACCOUNT_NAME_MISMATCH; VALIDATION_FAILED when the name or code is not the declared newEnterprise’s, or an upload id is not of this account' },
      503: { description: 'PROVIDER_UNAVAILABLE: the new enterprise presents a registration number or organisation code and the business registry, which maps it to its credit code, cannot be reached' },
    },
    handler: async ({ principal, params, body, seed }) => ({ status: 200, body: await changes.submitNewSubject(principal, params.id, body, seed) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/changes/{id}/revoke',
    audit: { action: 'change.revoke_requested' },
    summary: 'Revoke a change',
    description: 'Until the review decision (types with a review) or the switch (types without); then 409 PROCESS_NOT_OPEN. The subject stays the original.',
    ...oneChange,
    idempotent: true,
    responses: { 200: { description: 'The change, revoked', schema: ChangeSchema }, 409: { description: 'PROCESS_NOT_OPEN: decided, switched or ended' } },
    handler: async ({ principal, params, seed }) => ({ status: 200, body: await changes.revoke(principal, params.id, seed) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/changes/{id}/qr',
    audit: { action: 'change.qr_refreshed' },
    summary: 'A fresh QR code for the current face or WeChat step',
    description: 'Like POST /v1/verifications/{id}/qr: the old ticket stops working; at most QR_REFRESH_LIMIT times per step.',
    ...oneChange,
    idempotent: true,
    responses: {
      200: { description: 'The change with a fresh scan_qr action', schema: ChangeSchema },
      409: { description: 'QR_REFRESH_LIMIT; PROCESS_NOT_OPEN: the change is not at a face or WeChat step' },
    },
    handler: async ({ principal, params, seed }) => ({ status: 200, body: await changes.refreshQr(principal, params.id, seed) }),
  });
}
