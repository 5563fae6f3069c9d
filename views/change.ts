import type { z } from 'zod';
import type { ChangeSchema } from '../contracts/change';
import type { ChangeRow } from '../store/changes';
import type { VerificationRow } from '../store/verifications';
import { timestamp } from './time';

type ChangeView = z.infer<typeof ChangeSchema>;

/**
 * A change of subject (API.md "Changes of subject"). While it verifies its new
 * subject, its next action is that verification's (`newSubject`), so a client polls one resource.
 */
export function changeView(row: ChangeRow, newSubject?: Pick<VerificationRow, 'next_action'>): ChangeView {
  const mirrored = row.status === 'in_progress' && row.step === 'verifying_new_subject';
  return {
    id: row.id,
    accountId: row.account_id,
    type: row.type,
    status: row.status,
    step: row.step as ChangeView['step'],
    nextAction: ((mirrored ? newSubject?.next_action : row.next_action) ?? null) as ChangeView['nextAction'],
    ...(row.review_id ? { reviewId: row.review_id } : {}),
    ...(row.verification_id ? { verificationId: row.verification_id } : {}),
    ...(row.rejection ? { rejection: row.rejection } : {}),
    failureReason: row.failure_reason,
    createdAt: timestamp(row.created_at)!,
    expiresAt: timestamp(row.expires_at),
    completedAt: timestamp(row.completed_at),
  };
}
