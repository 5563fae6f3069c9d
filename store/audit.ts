import type { Db } from '../platform/db';
import { newId } from '../platform/ids';
import { deleteDueBatch } from './bounded-delete';
import type { Page } from './paging';
import { sqlOf, type Tx } from './tx';

/**
 * The audit log: every state change and decision, who made it, when, and from
 * which request. The API writes one event per accepted request that changes
 * something (the caller as actor); activities write the processes' own state
 * changes in the transaction that makes them (the workflow, or the reviewer
 * whose decision it records, as actor). Details hold ids, steps, statuses and
 * codes only: never personal data or free text a person typed.
 */

export type AuditActorRole = 'service' | 'account' | 'reviewer' | 'admin' | 'workflow';
export type AuditResourceKind = 'account' | 'verification' | 'change' | 'lookup' | 'review' | 'upload' | 'account-token' | 'enterprise-quota' | 'webhook-endpoint' | 'staff';

export interface AuditEvent {
  actor: { role: AuditActorRole; name: string };
  action: string;
  resource: { kind: AuditResourceKind; id: string };
  accountId?: string | null;
  processId?: string | null;
  requestId?: string | null;
  detail?: Record<string, string | number | boolean | null>;
  /** Events written by a retried activity: the same key is written once. */
  dedupeKey?: string;
}

export interface AuditRow {
  seq: string;
  id: string;
  at: Date;
  actor_role: string;
  actor_name: string;
  action: string;
  resource_kind: string;
  resource_id: string;
  account_id: string | null;
  process_id: string | null;
  request_id: string | null;
  detail: Record<string, unknown>;
}

/** Retention (SPEC §11, 3 years): deletes up to `limit` events written before `cutoff`; returns how many. */
export const deleteAuditBefore = (db: Db, cutoff: Date, limit: number): Promise<number> =>
  deleteDueBatch(db, 'audit_events', ['seq'], (rows) => rows.where('at', '<', cutoff), limit);

/** Writes the event; false when an event with its dedupe key was written before (nothing written now). */
export async function recordAudit(handle: Db | Tx, event: AuditEvent): Promise<boolean> {
  const insert = sqlOf(handle)('audit_events').insert({
    id: newId('aud'),
    actor_role: event.actor.role,
    actor_name: event.actor.name,
    action: event.action,
    resource_kind: event.resource.kind,
    resource_id: event.resource.id,
    account_id: event.accountId ?? null,
    process_id: event.processId ?? null,
    request_id: event.requestId ?? null,
    detail: JSON.stringify(event.detail ?? {}),
    dedupe_key: event.dedupeKey ?? null,
  });
  const written: unknown[] = await (event.dedupeKey ? insert.onConflict('dedupe_key').ignore() : insert).returning('id');
  return written.length > 0;
}

/** A process's own state change (verification ver_… or change chg_…), written by its workflow's activity. */
export function processEvent(
  process: { id: string; account_id: string; workflow_id: string },
  action: string,
  detail: AuditEvent['detail'],
  dedupeKey: string,
): AuditEvent {
  return {
    actor: { role: 'workflow', name: process.workflow_id },
    action,
    resource: { kind: process.id.startsWith('chg_') ? 'change' : 'verification', id: process.id },
    accountId: process.account_id,
    processId: process.id,
    detail,
    dedupeKey,
  };
}

/** Newest first, keyset-paginated on the write order (the cursor is a `seq`, which the query schema checked). */
export async function auditEvents(db: Db, filter: { accountId?: string | undefined; processId?: string | undefined }, limit: number, cursor?: string): Promise<Page<AuditRow>> {
  const query = db<AuditRow>('audit_events');
  if (filter.accountId) query.where({ account_id: filter.accountId });
  if (filter.processId) query.where({ process_id: filter.processId });
  if (cursor !== undefined) query.where('seq', '<', cursor);
  const rows = await query.orderBy('seq', 'desc').limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]!.seq) : null };
}

/**
 * The events written in [from, to), in time order (then write order), read in
 * batches keyed on (at, seq) along the index on both: the caller holds one
 * batch at a time, however long the range. The key's time is carried as
 * PostgreSQL's own text, so no microsecond is lost between batches.
 */
export async function* auditEventsBetween(db: Db, range: { from: Date; to: Date }, batch: number): AsyncGenerator<AuditRow> {
  let after: { at: string; seq: string } | undefined;
  for (;;) {
    const query = db('audit_events').where('at', '>=', range.from).andWhere('at', '<', range.to);
    if (after) query.whereRaw('(at, seq) > (?::timestamptz, ?)', [after.at, after.seq]);
    const rows: (AuditRow & { at_key: string })[] = await query.orderBy([{ column: 'at' }, { column: 'seq' }]).limit(batch).select('*', db.raw('at::text as at_key'));
    for (const { at_key: _key, ...row } of rows) yield row;
    const last = rows[rows.length - 1];
    if (!last || rows.length < batch) return;
    after = { at: last.at_key, seq: String(last.seq) };
  }
}

/** What the process's workflow recorded, oldest first: opened, each step, review rounds, closed. */
export const processTimeline = (db: Db, processId: string): Promise<{ at: Date; action: string; detail: Record<string, unknown> }[]> =>
  db('audit_events').where({ process_id: processId, actor_role: 'workflow' }).orderBy('seq').select('at', 'action', 'detail');
