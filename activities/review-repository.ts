import type { Knex } from 'knex';
import { recordAudit, type AuditEvent } from '../platform/audit';
import { recordReviewDecided } from '../platform/webhook-events';
import { appendedHistory, historyOf } from './review-claims';

/** The review queue's writes (SPEC §6): tasks opened by processes, decisions, withdrawals. */

/** A review belongs to a verification (ver_…) or a change of subject (chg_…). */
const processTable = (processId: string) => (processId.startsWith('chg_') ? 'changes' : 'verifications');

export interface ReviewMaterial {
  purpose: string;
  uploadId: string;
}

/** A review task; its id derives from the workflow and round, so a retried open creates it once. */
export async function openReview(
  db: Knex,
  args: {
    reviewId: string;
    kind: string;
    accountId: string;
    processId: string;
    workflowId: string;
    applicant: Record<string, unknown>;
    /** The applicant's sealed personal fields (already encrypted). */
    applicantPiiEnc: string | null;
    materials: ReviewMaterial[];
    dueAt: Date;
  },
): Promise<void> {
  await db.transaction(async (trx) => {
    // A later round of the same process is the applicant's resubmission.
    const earlier: { id: string } | undefined = await trx('reviews').where({ process_id: args.processId }).whereNot({ id: args.reviewId }).first('id');
    await trx('reviews')
      .insert({
        id: args.reviewId,
        kind: args.kind,
        account_id: args.accountId,
        process_id: args.processId,
        workflow_id: args.workflowId,
        status: 'open',
        applicant: JSON.stringify(args.applicant),
        applicant_pii_enc: args.applicantPiiEnc,
        materials: JSON.stringify(args.materials),
        due_at: args.dueAt,
        history: historyOf({ action: earlier ? 'resubmitted' : 'opened' }),
      })
      .onConflict('id')
      .ignore();
    await recordAudit(trx, reviewEvent(args, { role: 'workflow', name: args.workflowId }, 'review.opened', { kind: args.kind }));
    await trx(processTable(args.processId)).where({ id: args.processId }).update({ review_id: args.reviewId, rejection: null, updated_at: trx.fn.now() });
  });
}

/** Records a reviewer's decision on an open review (a retry finds it decided and changes nothing). */
export async function decideReview(
  db: Knex,
  args: { reviewId: string; decision: 'approved' | 'rejected'; reason: string | null; reviewer: string },
): Promise<void> {
  await db.transaction(async (trx) => {
    const updated = await trx('reviews')
      .where({ id: args.reviewId, status: 'open' })
      .update({
        status: args.decision,
        reason: args.reason,
        decided_by: args.reviewer,
        decided_at: trx.fn.now(),
        claimed_by: null,
        claimed_until: null,
        history: appendedHistory(trx, { action: 'decided', by: { name: args.reviewer }, reason: args.reason }),
      })
      .returning('*');
    const row = updated[0] as ({ id: string; process_id: string; account_id: string; decided_at: Date } & Record<string, unknown>) | undefined;
    if (row) {
      const review = { reviewId: args.reviewId, accountId: row.account_id, processId: row.process_id };
      // The reason is the reviewer's free text: it stays on the review, the log holds the decision.
      await recordAudit(trx, reviewEvent(review, { role: 'reviewer', name: args.reviewer }, 'review.decided', { decision: args.decision }));
      await recordReviewDecided(trx, row);
    }
    if (row && args.decision === 'rejected') {
      await trx(processTable(row.process_id))
        .where({ id: row.process_id })
        .update({ rejection: JSON.stringify({ reason: args.reason, at: new Date(row.decided_at).toISOString() }), updated_at: trx.fn.now() });
    }
  });
}

/** The requester revoked while the review was open (SPEC §4.1: revoke and pick another method). */
export async function revokeReview(db: Knex, reviewId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const updated: { account_id: string; process_id: string; workflow_id: string }[] = await trx('reviews')
      .where({ id: reviewId, status: 'open' })
      .update({ status: 'revoked', decided_at: trx.fn.now(), claimed_by: null, claimed_until: null, history: appendedHistory(trx, { action: 'revoked' }) })
      .returning(['account_id', 'process_id', 'workflow_id']);
    const row = updated[0];
    if (row) {
      await recordAudit(trx, reviewEvent({ reviewId, accountId: row.account_id, processId: row.process_id }, { role: 'workflow', name: row.workflow_id }, 'review.revoked', {}));
    }
  });
}


function reviewEvent(
  review: { reviewId: string; accountId: string; processId: string },
  actor: AuditEvent['actor'],
  action: string,
  detail: AuditEvent['detail'],
): AuditEvent {
  const what = action.slice('review.'.length);
  return { actor, action, resource: { kind: 'review', id: review.reviewId }, accountId: review.accountId, processId: review.processId, detail, dedupeKey: `${review.reviewId}/${what}` };
}
