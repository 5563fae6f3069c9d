import { z } from 'zod';
import { SIGNAL_KINDS } from '../domain/keyed-hashes';

/** A review task as GET /v1/reviews lists it and GET /v1/reviews/{id} shows it (API.md "Reviews"). */

export const ReviewSummary = z
  .object({
    id: z.string(),
    kind: z.string(),
    accountId: z.string(),
    processId: z.string(),
    status: z.enum(['open', 'decided', 'closed']).meta({ description: 'closed: its process was revoked, cancelled or expired while it waited' }),
    createdAt: z.iso.datetime(),
    dueAt: z.iso.datetime().meta({ description: 'Due within 2 (changes: 3) business days (mainland China calendar)' }),
    overdue: z.boolean(),
    businessDaysLeft: z.number().int().nullable().meta({ description: 'Business days until due, 0 on the due date, negative once overdue; null unless open' }),
    claimedBy: z.object({ name: z.string(), until: z.iso.datetime() }).nullable().meta({ description: 'The reviewer holding the open review (claims lapse after REVIEW_CLAIM_TTL)' }),
  })
  .meta({ id: 'ReviewSummary' });

export const ReviewDetail = ReviewSummary.extend({
  applicant: z.record(z.string(), z.unknown()).meta({ description: 'The application as submitted for this review; personal fields masked except to admins' }),
  materials: z.array(z.object({ purpose: z.string(), uploadId: z.string(), contentUrl: z.string() })),
  requiredApprovals: z.number().int().min(1).meta({ description: 'Approvals by different reviewers this review needs: 2 for kinds in REVIEW_TWO_PERSON_KINDS (four eyes), else 1' }),
  approvals: z
    .array(z.object({ by: z.object({ name: z.string() }), at: z.iso.datetime(), reason: z.string().optional() }))
    .meta({ description: 'The approvals given, oldest first; a review needing two stays open after the first' }),
  decision: z
    .object({ decision: z.enum(['approve', 'reject']), reason: z.string().nullable(), by: z.object({ name: z.string() }), at: z.iso.datetime().nullable() })
    .nullable(),
  history: z.array(
    z.object({
      at: z.iso.datetime(),
      action: z.enum(['opened', 'claimed', 'released', 'approved', 'decided', 'revoked', 'resubmitted']),
      by: z.object({ name: z.string() }).optional(),
      reason: z.string().optional(),
    }),
  ),
  process: z
    .looseObject({ kind: z.enum(['verification', 'change']), id: z.string(), status: z.string(), step: z.string().nullable(), timeline: z.array(z.looseObject({ at: z.iso.datetime(), action: z.string() })) })
    .nullable()
    .meta({ description: 'The process under review: its status, step (verifications: steps) and what its workflow recorded when' }),
  rounds: z
    .array(z.object({ reviewId: z.string(), round: z.number().int(), status: z.string(), decision: z.enum(['approve', 'reject']).nullable(), reason: z.string().nullable(), decidedAt: z.iso.datetime().nullable() }))
    .meta({ description: 'Every other review round of the same process, oldest first' }),
  signals: z
    .array(
      z.object({
        kind: z.enum(SIGNAL_KINDS),
        processes: z.array(z.object({ accountId: z.string(), processId: z.string(), status: z.string().meta({ description: "The process's status (a verification's or a change's)" }) })),
      }),
    )
    .meta({
      description:
        "Other accounts' processes sharing this process's bank account, handler (ID number), legal person (ID number) or contact mobile, matched on keyed hashes; only kinds something shares, newest first (at most 200). The same account's other processes are not listed.",
    }),
}).meta({ id: 'Review' });
export type Review = z.infer<typeof ReviewDetail>;
