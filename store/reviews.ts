import type { Knex } from 'knex';
import type { Db } from '../platform/db';
import { recordAudit, type AuditEvent } from './audit';
import { dueFirst, newestFirst, type Page } from './paging';
import { sql, transaction } from './tx';
import { recordReviewDecided } from './webhook-events';

/**
 * The review queue (SPEC §6): tasks opened by processes, claims, decisions,
 * withdrawals, each appended to the review's history. Written by activities
 * only (a reviewer's decision reaches the queue through the process's workflow).
 */

export interface ReviewRow {
  id: string;
  kind: string;
  account_id: string;
  process_id: string;
  workflow_id: string;
  status: 'open' | 'approved' | 'rejected' | 'revoked';
  applicant: Record<string, unknown>;
  applicant_pii_enc: string | null;
  materials: { purpose: string; uploadId: string }[];
  due_at: Date;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  /** Held by a reviewer until claimed_until (kept by the workflow; a past time holds nothing). */
  claimed_by: string | null;
  claimed_until: Date | null;
  history: { at: string; action: string; by?: { name: string }; reason?: string | null }[];
  /** Approvals before the decision of a review that needs two (four eyes); the deciding approval is the decision. */
  approvals: ReviewApproval[];
}

export interface ReviewApproval {
  by: { name: string };
  at: string;
  reason: string | null;
}

/** What happened to a review, appended to its history (API.md "Reviews"): opened, claimed, released, approved (the first of two), decided, revoked, resubmitted. */
export interface ReviewHistoryEntry {
  at: string;
  action: 'opened' | 'claimed' | 'released' | 'approved' | 'decided' | 'revoked' | 'resubmitted';
  by?: { name: string };
  reason?: string | null;
}

type NewEntry = Omit<ReviewHistoryEntry, 'at'>;

/** A review's history as it opens: one entry. */
const historyOf = (entry: NewEntry, at = new Date().toISOString()) => JSON.stringify([{ at, ...entry }]);
/** The review's history with one more entry, for the update that makes it. */
const appendedHistory = (trx: Knex.Transaction, entry: NewEntry, at?: string) => trx.raw('history || ?::jsonb', [historyOf(entry, at)]);

/** A review belongs to a verification (ver_…) or a change of subject (chg_…). */
const processTable = (processId: string) => (processId.startsWith('chg_') ? 'changes' : 'verifications');

export interface ReviewMaterial {
  purpose: string;
  uploadId: string;
}

/** A review task; its id derives from the workflow and round, so a retried open creates it once. */
export async function openReview(
  db: Db,
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
  await transaction(db, async (tx) => {
    const trx = sql(tx);
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
    await recordAudit(tx, reviewEvent(args, { role: 'workflow', name: args.workflowId }, 'review.opened', { kind: args.kind }));
    await trx(processTable(args.processId)).where({ id: args.processId }).update({ review_id: args.reviewId, rejection: null, updated_at: trx.fn.now() });
  });
}

/** Records a reviewer's decision on an open review (a retry finds it decided and changes nothing). */
export async function decideReview(
  db: Db,
  args: { reviewId: string; decision: 'approved' | 'rejected'; reason: string | null; reviewer: string },
): Promise<void> {
  await transaction(db, async (tx) => {
    const trx = sql(tx);
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
      await recordAudit(tx, reviewEvent(review, { role: 'reviewer', name: args.reviewer }, 'review.decided', { decision: args.decision }));
      await recordReviewDecided(tx, row);
    }
    if (row && args.decision === 'rejected') {
      await trx(processTable(row.process_id))
        .where({ id: row.process_id })
        .update({ rejection: JSON.stringify({ reason: args.reason, at: new Date(row.decided_at).toISOString() }), updated_at: trx.fn.now() });
    }
  });
}

/** The requester revoked while the review was open (SPEC §4.1: revoke and pick another method). */
export async function revokeReview(db: Db, reviewId: string): Promise<void> {
  await transaction(db, async (tx) => {
    const trx = sql(tx);
    const updated: { account_id: string; process_id: string; workflow_id: string }[] = await trx('reviews')
      .where({ id: reviewId, status: 'open' })
      .update({ status: 'revoked', decided_at: trx.fn.now(), claimed_by: null, claimed_until: null, history: appendedHistory(trx, { action: 'revoked' }) })
      .returning(['account_id', 'process_id', 'workflow_id']);
    const row = updated[0];
    if (row) {
      await recordAudit(tx, reviewEvent({ reviewId, accountId: row.account_id, processId: row.process_id }, { role: 'workflow', name: row.workflow_id }, 'review.revoked', {}));
    }
  });
}

/**
 * The first approval of a review that needs two (four eyes), as its workflow
 * kept it: on the review's approvals and history, its author's claim
 * released, in the audit log; the review stays open and nothing is sent yet.
 * Written once per reviewer (a retried activity changes nothing).
 */
export async function recordReviewApproval(db: Db, args: { reviewId: string; reviewer: string; reason: string | null; at: string }): Promise<void> {
  await transaction(db, async (tx) => {
    const trx = sql(tx);
    const row = await trx('reviews').where({ id: args.reviewId }).forUpdate().first<{ account_id: string; process_id: string; status: string } | undefined>('account_id', 'process_id', 'status');
    if (!row || row.status !== 'open') return;
    const review = { reviewId: args.reviewId, accountId: row.account_id, processId: row.process_id };
    const event = reviewEvent(review, { role: 'reviewer', name: args.reviewer }, 'review.approved', { approvals: 1 });
    if (!(await recordAudit(tx, { ...event, dedupeKey: `${args.reviewId}/approved/${args.reviewer}` }))) return;
    const approval: ReviewApproval = { by: { name: args.reviewer }, at: args.at, reason: args.reason };
    await trx('reviews')
      .where({ id: args.reviewId })
      .update({
        approvals: trx.raw('approvals || ?::jsonb', [JSON.stringify([approval])]),
        claimed_by: null,
        claimed_until: null,
        history: appendedHistory(trx, { action: 'approved', by: { name: args.reviewer }, reason: args.reason }, args.at),
      });
  });
}

/**
 * A claim taken or released, as the review's workflow decided it: the queue's
 * view, the history and the audit log, in one transaction. Idempotent by the
 * workflow's time of the claim or release (a retried activity writes it once).
 */
export async function recordReviewClaim(db: Db, args: { reviewId: string; action: 'claimed' | 'released'; by: string; at: string; until: string | null }): Promise<void> {
  await transaction(db, async (tx) => {
    const trx = sql(tx);
    const row = await trx('reviews').where({ id: args.reviewId }).forUpdate().first<{ account_id: string; process_id: string; status: string } | undefined>('account_id', 'process_id', 'status');
    // Decided or withdrawn meanwhile: a claim on it means nothing any more.
    if (!row || row.status !== 'open') return;
    // The audit event's key makes a retried activity a no-op: written once, or not at all.
    const first = await recordAudit(tx, {
      actor: { role: 'reviewer', name: args.by },
      action: `review.${args.action}`,
      resource: { kind: 'review', id: args.reviewId },
      accountId: row.account_id,
      processId: row.process_id,
      detail: { until: args.until },
      dedupeKey: `${args.reviewId}/${args.action}/${args.by}/${args.at}`,
    });
    if (!first) return;
    await trx('reviews').where({ id: args.reviewId }).update({ claimed_by: args.until ? args.by : null, claimed_until: args.until });
    await trx('reviews').where({ id: args.reviewId }).update({ history: appendedHistory(trx, { action: args.action, by: { name: args.by } }, args.at) });
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

// ---------------------------------------------------------------- reads

export const reviewById = (db: Db, id: string): Promise<ReviewRow | undefined> => db<ReviewRow>('reviews').where({ id }).first();

/** The queue: open reviews overdue first, then by due time; decided or all, newest first. */
export function reviewsPage(db: Db, filter: { status?: 'open' | 'decided' | undefined; kind?: string | undefined }, limit: number, cursor?: string): Promise<Page<ReviewRow>> {
  const query = db('reviews');
  if (filter.kind) query.where({ kind: filter.kind });
  if (filter.status === 'open') return dueFirst<ReviewRow>(query.where({ status: 'open' }), limit, cursor);
  if (filter.status === 'decided') query.whereIn('status', ['approved', 'rejected']);
  return newestFirst<ReviewRow>(query, limit, cursor);
}

/** Every review round of a process, oldest first. */
export const reviewsOf = (db: Db, processId: string): Promise<ReviewRow[]> => db<ReviewRow>('reviews').where({ process_id: processId }).orderBy([{ column: 'created_at' }, { column: 'id' }]);

/** The process's reviews still open (the reconciler withdraws them when it closes the process). */
export const openReviewIdsOf = async (db: Db, processId: string): Promise<string[]> =>
  (await db('reviews').where({ process_id: processId, status: 'open' }).select<{ id: string }[]>('id')).map((r) => r.id);

export async function overdueReviews(db: Db, at: Date): Promise<number> {
  const [row] = await db('reviews').where({ status: 'open' }).andWhere('due_at', '<=', at).count<{ count: string }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}
