import type { Db } from '../../platform/db';
import { sql, transaction } from '../tx';

/** The sandbox providers' callback outbox (adapters/sandbox/outbox.ts): each event stored, then sent until acknowledged. */

/** A stored event as the outbox sends it (the payload as the outbox sealed it). */
export interface CallbackRow {
  event_id: string;
  provider: string;
  payload: unknown;
  attempts: number;
}

/** Stored once per event id; `nextAttemptAt` null: due now (by the database's clock). */
export async function storeCallback(db: Db, event: { eventId: string; provider: string; sealedPayload: string; nextAttemptAt: Date | null }): Promise<void> {
  await db('sandbox_callbacks')
    .insert({ event_id: event.eventId, provider: event.provider, payload: event.sealedPayload, next_attempt_at: event.nextAttemptAt ?? db.fn.now() })
    .onConflict('event_id')
    .ignore();
}

/**
 * Leases up to `limit` undelivered events that are due, in the order they fell
 * due, for `leaseMs`: in one transaction, skipping rows another process is
 * leasing, so two never send one event at once.
 */
export function leaseDueCallbacks<Row extends CallbackRow>(db: Db, limit: number, leaseMs: number): Promise<Row[]> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    const due = await trx<CallbackRow>('sandbox_callbacks')
      .select('event_id', 'provider', 'payload', 'attempts')
      .whereNull('delivered_at')
      .andWhere('next_attempt_at', '<=', trx.fn.now())
      .orderBy([{ column: 'next_attempt_at' }, { column: 'created_at' }])
      .limit(limit)
      .forUpdate()
      .skipLocked();
    if (due.length > 0) {
      await trx('sandbox_callbacks')
        .whereIn('event_id', due.map((r) => r.event_id))
        .update({ next_attempt_at: new Date(Date.now() + leaseMs) });
    }
    // The caller's row type: its own view of the payload and provider it stored.
    return due as Row[];
  });
}

/** An attempt's result; delivered, or retried from `nextAttemptAt`. */
export async function recordCallbackAttempt(
  db: Db,
  eventId: string,
  attempt: { attempts: number; status: number | null; error: string | null; delivered: boolean; nextAttemptAt: Date },
): Promise<void> {
  await db('sandbox_callbacks')
    .where({ event_id: eventId })
    .update({
      attempts: attempt.attempts,
      last_status: attempt.status,
      last_error: attempt.error,
      delivered_at: attempt.delivered ? db.fn.now() : null,
      next_attempt_at: attempt.nextAttemptAt,
    });
}
