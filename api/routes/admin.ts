import { z } from 'zod';
import { classifyIndividualId } from '../../domain/id-number';
import { appError } from '../../domain/errors';
import type { PiiCipher } from '../../platform/crypto';
import type { Authenticator } from '../auth';
import type { ReadModel } from '../read-model';
import type { RouteDeps } from '../route';
import { defineRoute } from '../route';
import { AccountTokenRequest, AccountTokenResponse } from '../schemas';
import { individualIdentityHash } from '../services/verifications';

const IdentityLookupRequest = z
  .object({ idType: z.string().trim().min(1).max(40), idNumber: z.string().trim().min(1).max(40) })
  .meta({ id: 'IdentityLookupRequest' });

export function adminRoutes(deps: RouteDeps, services: { auth: Authenticator; readModel: ReadModel; cipher: PiiCipher }): void {
  defineRoute(deps, {
    method: 'post',
    path: '/v1/admin/account-tokens',
    summary: 'Mint a token scoped to one account',
    description: 'For a browser acting on one account: the token reads and acts on that account only (anything else answers 404).',
    tags: ['admin'],
    auth: ['service', 'admin'],
    body: AccountTokenRequest,
    idempotent: true,
    responses: { 201: { description: 'The token', schema: AccountTokenResponse } },
    handler: async ({ body }) => ({ status: 201, body: await services.auth.mintAccountToken(body.accountId, body.ttlSeconds) }),
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/admin/identity-lookups',
    summary: 'Which accounts an identity verified ("find my accounts")',
    description: 'Answered through the keyed hash of the identity; plaintext ID numbers are never scanned.',
    tags: ['admin'],
    auth: ['admin'],
    body: IdentityLookupRequest,
    responses: { 200: { description: 'The accounts', schema: z.object({ accounts: z.array(z.string()) }) } },
    handler: async ({ body }) => {
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
