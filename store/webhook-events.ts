import type { Db } from '../platform/db';
import { idFromSeed } from '../platform/ids';
import { sql, type Tx } from './tx';

/**
 * Webhooks' outbox (API.md "Webhooks to clients"): every status or step change
 * of a verification or change, and every review decision, is recorded here in
 * the transaction that makes it, so no change is lost to a crash and none is
 * announced that did not commit. The dispatcher (webhooks/dispatcher.ts)
 * hands each event to the delivery workflows in order.
 *
 * An event keeps the row as it was at that change (a snapshot), so successive
 * events show successive states; it is rendered as GET shows it to the service
 * role. Sealed columns stay behind: the snapshot holds what the read model's
 * plain columns hold (masked).
 */

export const WEBHOOK_EVENT_TYPES = ['verification.updated', 'change.updated', 'review.decided', 'account.closed', 'verification.reminder', 'change.reminder'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEventRow {
  seq: string | number;
  id: string;
  type: WebhookEventType;
  resource_id: string;
  account_id: string | null;
  snapshot: Record<string, unknown>;
  created_at: Date;
  dispatched_at: Date | null;
}

/** Columns that never leave the database: sealed personal data, keyed hashes, money bookkeeping. */
const PRIVATE_COLUMNS = new Set(['id_number_enc', 'pii_enc', 'request_enc', 'applicant_pii_enc', 'identity_hash', 'pending_credit']);

/**
 * One id per change of one resource, whoever writes it and however often: a
 * retried activity (or a redelivery) carries the same id, two changes never do.
 */
export const webhookEventId = (resourceId: string, version: string) => idFromSeed('evt', `webhook/${resourceId}/${version}`);

type Row = { id: string; account_id: string } & Record<string, unknown>;

/** A process row as a write returned it (`returning<ProcessRecord[]>('*')`). */
export type ProcessRecord = Row & { workflow_id: string; revision: number };

async function recordEvent(tx: Tx, type: WebhookEventType, row: Row, version: string, extra: Record<string, unknown> = {}) {
  const snapshot = Object.fromEntries(Object.entries(row).filter(([column]) => !PRIVATE_COLUMNS.has(column)));
  await sql(tx)('webhook_events')
    .insert({
      id: webhookEventId(row.id, version),
      type,
      resource_id: row.id,
      account_id: row.account_id,
      snapshot: JSON.stringify({ ...snapshot, ...extra }),
    })
    .onConflict('id')
    .ignore();
}

/** What a change's event shows beside its row: while it verifies its new subject, that verification's next action (as GET does). */
async function changeExtras(tx: Tx, row: ProcessRecord): Promise<Record<string, unknown>> {
  if (row.status !== 'in_progress' || row.step !== 'verifying_new_subject') return {};
  const newSubject = await sql(tx)<{ change_id: string; created_at: Date; next_action: unknown }>('verifications').where({ change_id: row.id }).orderBy('created_at', 'desc').first('next_action');
  return { newSubjectNextAction: newSubject?.next_action ?? null };
}

/**
 * A verification or change as its write left it (the row `returning('*')` gave):
 * one event per revision.
 */
export async function recordProcessEvent(tx: Tx, table: 'verifications' | 'changes', row: ProcessRecord): Promise<void> {
  if (table === 'verifications') return recordEvent(tx, 'verification.updated', row, `r${row.revision}`);
  return recordEvent(tx, 'change.updated', row, `r${row.revision}`, await changeExtras(tx, row));
}

/**
 * A reminder before a window of the user's closes (SPEC §12): the process as
 * it is now and the window's deadline, once per reminder key (a retried send
 * records it once). The deadline travels in the snapshot beside the row.
 */
export async function recordReminderEvent(tx: Tx, table: 'verifications' | 'changes', row: ProcessRecord, key: string, deadline: string): Promise<void> {
  const extras = table === 'changes' ? await changeExtras(tx, row) : {};
  await recordEvent(tx, table === 'changes' ? 'change.reminder' : 'verification.reminder', row, key, { ...extras, [REMINDER_DEADLINE]: deadline });
}

/** The snapshot's key for a reminder's deadline (webhooks/payloads.ts renders it as `data.deadline`). */
export const REMINDER_DEADLINE = 'reminderDeadline';

/** A reviewer's decision, as the review row holds it after the decision (a review is decided once). */
export const recordReviewDecided = (tx: Tx, row: Row): Promise<void> => recordEvent(tx, 'review.decided', row, 'decided');

/** An account's closure completed: the snapshot is the account view as GET then shows it (closed, nothing personal left). */
export async function recordAccountClosed(tx: Tx, accountId: string, closureId: string, accountView: Record<string, unknown>): Promise<void> {
  await sql(tx)('webhook_events')
    .insert({ id: webhookEventId(accountId, `closed/${closureId}`), type: 'account.closed', resource_id: accountId, account_id: accountId, snapshot: JSON.stringify(accountView) })
    .onConflict('id')
    .ignore();
}

// ---------------------------------------------------------------- the dispatcher's side (webhooks/dispatcher.ts)

/**
 * Takes or renews the named lease for `holder`, by the database's clock: it
 * is taken when free, lapsed or already this holder's. False: another holds it.
 */
export async function holdLease(db: Db, lease: { name: string; holder: string; ms: number }): Promise<boolean> {
  const held = await db('webhook_dispatcher_lease')
    .insert({ name: lease.name, holder: lease.holder, expires_at: db.raw(`now() + interval '${lease.ms} milliseconds'`) })
    .onConflict('name')
    .merge(['holder', 'expires_at'])
    .where('webhook_dispatcher_lease.holder', lease.holder)
    .orWhere('webhook_dispatcher_lease.expires_at', '<', db.fn.now())
    .returning('holder');
  return held.length > 0;
}

/** Lets go of the lease, so another dispatcher takes over at once. */
export async function releaseLease(db: Db, lease: { name: string; holder: string }): Promise<void> {
  await db('webhook_dispatcher_lease').where({ name: lease.name, holder: lease.holder }).delete();
}

/** The next events not handed over yet, in outbox order. */
export const undispatchedEvents = (db: Db, limit: number): Promise<WebhookEventRow[]> => db<WebhookEventRow>('webhook_events').whereNull('dispatched_at').orderBy('seq').limit(limit);

/** The event was handed to every endpoint's delivery workflow. */
export async function markDispatched(db: Db, seq: WebhookEventRow['seq']): Promise<void> {
  await db('webhook_events').where({ seq }).update({ dispatched_at: db.fn.now() });
}

/** Events no endpoint was registered for when they happened: nothing to hand over. */
export async function markUnaddressed(db: Db, seqs: WebhookEventRow['seq'][]): Promise<void> {
  await db('webhook_events').whereIn('seq', seqs).update({ dispatched_at: db.fn.now() });
}
