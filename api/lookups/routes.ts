import { IdentityLookupSchema } from '../../contracts/identity-lookup';
import type { Role } from '../http/auth';
import { defineRoute, type RouteDeps } from '../http/route';
import { LookupParams, StartLookupBody } from './schemas';
import type { LookupService } from './service';

/** Who finds accounts alone (API.md roles): the console's backend, or an account token (which alone reads its own lookups then). */
const SELF_SERVICE: Role[] = ['service', 'account'];

export function lookupRoutes(deps: RouteDeps, lookups: LookupService): void {
  /** A lookup addressed by its id: an account token reaches only the ones it made (decided at the route). */
  const oneLookup = {
    tags: ['identity lookups'],
    auth: SELF_SERVICE,
    params: LookupParams,
    owner: ({ id }: Record<string, string>) => lookups.ownerOf(id!),
  };

  defineRoute(deps, {
    method: 'post',
    path: '/v1/identity-lookups',
    audit: { action: 'identity_lookup.requested' },
    summary: 'Find my accounts: prove an identity, then see the accounts it verified',
    description:
      'Starts workflow lookup/<id> (SPEC §12). Answers once the check is shown: face recognition of the ID holder (a Hong Kong/Macao/Taiwan permit holder: a WeChat authorisation whose real-name record must be theirs), or for an enterprise the face of the legal representative the business registry lists for the code. Pass it within LOOKUP_TTL (15m); GET then shows the accounts the identity holds verified. At most 5 lookups of one identity in 24 hours. An account token reads only the lookups it made; one made by the service role is read by the service role only.',
    tags: ['identity lookups'],
    auth: SELF_SERVICE,
    body: StartLookupBody,
    idempotent: true,
    responses: {
      201: { description: 'The lookup, in progress (or failed already: the registry does not list that legal representative)', schema: IdentityLookupSchema },
      409: { description: 'ACCOUNT_CLOSED: the account whose token asks is closed' },
      422: { description: 'ID_NUMBER_INVALID, CREDIT_CODE_INVALID (a format or check character), INTERNATIONAL_SITE_REQUIRED (a document no account here verifies with)' },
      429: { description: 'RATE_LIMITED: this identity had 5 lookups in the last 24 hours (Retry-After: when the next is possible)' },
      503: { description: 'PROVIDER_UNAVAILABLE: the enterprise presents a registration number or organisation code and the business registry, which maps it to its credit code, cannot be reached' },
    },
    handler: async ({ principal, body, seed }) => ({ status: 201, body: await lookups.start(principal, body, seed) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/identity-lookups/{id}',
    summary: 'A lookup: its check, and once passed the accounts the identity holds verified',
    description: 'accounts is null until the check passed, and stays null for a failed or expired one.',
    ...oneLookup,
    responses: { 200: { description: 'The lookup', schema: IdentityLookupSchema } },
    handler: async ({ params }) => ({ status: 200, body: await lookups.get(params.id) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/identity-lookups/{id}/qr',
    audit: { action: 'identity_lookup.qr_refreshed' },
    summary: 'A fresh QR code for the check',
    description: 'Replaces the QR code (the old ticket stops working). At most QR_REFRESH_LIMIT (5) times: then 409 QR_REFRESH_LIMIT.',
    ...oneLookup,
    idempotent: true,
    responses: {
      200: { description: 'The lookup with a fresh scan_qr action', schema: IdentityLookupSchema },
      409: { description: 'QR_REFRESH_LIMIT; PROCESS_NOT_OPEN: the check is over' },
    },
    handler: async ({ params, seed }) => ({ status: 200, body: await lookups.refreshQr(params.id, seed) }),
  });
}
