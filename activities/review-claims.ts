import type { Knex } from 'knex';
import { recordAudit } from '../platform/audit';

/** What happened to a review, appended to its history (API.md "Reviews"): opened, claimed, released, decided, revoked, resubmitted. */
export interface ReviewHistoryEntry {
  at: string;
  action: 'opened' | 'claimed' | 'released' | 'decided' | 'revoked' | 'resubmitted';
  by?: { name: string };
  reason?: string | null;
}

type NewEntry = Omit<ReviewHistoryEntry, 'at'>;

/** A review's history as it opens: one entry. */
export const historyOf = (entry: NewEntry, at = new Date().toISOString()) => JSON.stringify([{ at, ...entry }]);
/** The review's history with one more entry, for the update that makes it. */
export const appendedHistory = (trx: Knex.Transaction, entry: NewEntry, at?: string) => trx.raw('history || ?::jsonb', [historyOf(entry, at)]);

/**
 * A claim taken or released, as the review's workflow decided it: the queue's
 * view, the history and the audit log, in one transaction. Idempotent by the
 * workflow's time of the claim or release (a retried activity writes it once).
 */
export async function recordReviewClaim(db: Knex, args: { reviewId: string; action: 'claimed' | 'released'; by: string; at: string; until: string | null }): Promise<void> {
  await db.transaction(async (trx) => {
    const row = await trx('reviews').where({ id: args.reviewId }).forUpdate().first<{ account_id: string; process_id: string; status: string } | undefined>('account_id', 'process_id', 'status');
    // Decided or withdrawn meanwhile: a claim on it means nothing any more.
    if (!row || row.status !== 'open') return;
    // The audit event's key makes a retried activity a no-op: written once, or not at all.
    const first = await recordAudit(trx, {
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
