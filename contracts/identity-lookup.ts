import { z } from 'zod';
import { LOOKUP_STATUSES } from '../domain/identity-lookup';
import { datetime } from './common';
import { ScanQrSchema } from './next-actions';

/** A self-service "find my accounts" lookup as POST and GET /v1/identity-lookups show it (API.md, SPEC §12). */

export const FoundAccountSchema = z
  .object({
    accountId: z.string(),
    subjectType: z.enum(['individual', 'enterprise']),
    verifiedAt: datetime.nullable(),
  })
  .meta({ id: 'FoundAccount' });

export const IdentityLookupSchema = z
  .object({
    id: z.string().meta({ example: 'lkp_…' }),
    status: z.enum(LOOKUP_STATUSES),
    nextAction: ScanQrSchema.nullable().meta({
      description: 'While in progress: the QR of the check (provider face; WeChat for a permit holder; the legal representative’s face for an enterprise)',
    }),
    failureReason: z.string().nullable().meta({ description: 'FACE_MISMATCH, IDENTITY_MISMATCH, ENTERPRISE_NOT_IN_REGISTRY, LEGAL_PERSON_MISMATCH, PROVIDER_UNAVAILABLE, …' }),
    accounts: z.array(FoundAccountSchema).nullable().meta({
      description:
        'The accounts the identity holds verified, once the check passed; null while in progress, when it failed or expired, and once the lookup’s personal data was erased (RETENTION_UNFINISHED after it ended, or the closure of the account that made it)',
    }),
    createdAt: datetime,
    expiresAt: datetime.meta({ description: 'The check must be passed by then (LOOKUP_TTL)' }),
    completedAt: datetime.nullable(),
  })
  .meta({ id: 'IdentityLookup' });
export type IdentityLookup = z.infer<typeof IdentityLookupSchema>;
export type FoundAccount = z.infer<typeof FoundAccountSchema>;
