import { z } from 'zod';
import { CHANGE_STATUSES, CHANGE_STEPS, CHANGE_TYPES } from '../domain/change-rules';
import { ChangeNextActionSchema } from './next-actions';

/** A change of subject as GET /v1/changes/{id} shows it (API.md "Changes of subject"). */
export const ChangeSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    type: z.enum(CHANGE_TYPES),
    status: z.enum(CHANGE_STATUSES),
    step: z.enum(CHANGE_STEPS).nullable(),
    nextAction: ChangeNextActionSchema.nullable(),
    reviewId: z.string().optional(),
    verificationId: z.string().optional().meta({ description: 'The verification of the new subject (GET /v1/verifications/{id})' }),
    rejection: z.object({ reason: z.string(), at: z.iso.datetime() }).optional(),
    failureReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Change' });
export type Change = z.infer<typeof ChangeSchema>;
