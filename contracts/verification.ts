import { z } from 'zod';
import { NextActionSchema } from './next-actions';

/** A verification as GET /v1/verifications/{id} shows it (API.md "Verifications"), and the subject it verifies. */

const StepState = z.enum(['done', 'current', 'pending']);

export const IndividualSubject = z
  .object({
    realName: z.string(),
    idType: z.string(),
    idNumber: z.string().meta({ description: 'Masked (1101**********1234) except to admins' }),
    industry: z.string(),
    address: z.object({ region: z.string(), detail: z.string() }),
  })
  .meta({ id: 'IndividualSubject' });

export const EnterpriseSubject = z
  .looseObject({ name: z.string(), creditCode: z.string() })
  .meta({ id: 'EnterpriseSubject', description: 'The enterprise application, personal fields masked except to admins; `ocr` is what OCR read from the licence' });

export const VerificationSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    subjectType: z.enum(['individual', 'enterprise']),
    method: z.string(),
    status: z.enum(['in_progress', 'verified', 'failed', 'expired', 'cancelled']),
    step: z.string().nullable(),
    steps: z.array(z.object({ name: z.string(), state: StepState })),
    nextAction: NextActionSchema.nullable(),
    failureReason: z.string().nullable(),
    retryAfter: z.iso.datetime().optional().meta({ description: 'ENTERPRISE_NOT_IN_REGISTRY: when to try again (7 business days on)' }),
    subject: z.union([IndividualSubject, EnterpriseSubject]),
    reviewId: z.string().nullable(),
    rejection: z.object({ reason: z.string(), at: z.iso.datetime() }).nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Verification' });
export type Verification = z.infer<typeof VerificationSchema>;
