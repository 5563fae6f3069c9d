import type { Db } from '../platform/db';
import type { OpenProcessCount } from '../platform/metrics';
import { freeSlot } from './accounts';
import { processEvent, recordAudit } from './audit';
import { announceClosed } from './process-closed';
import { sql, transaction, type Tx } from './tx';
import { recordProcessEvent, type ProcessRecord } from './webhook-events';

/**
 * What verifications and changes share as processes: the step a workflow
 * records as it goes, the terminal write that frees the account, and the
 * reads across both tables (the reconciler's sweep, the metrics' counts).
 */

export type ProcessTable = 'verifications' | 'changes';

const kindOf = (table: ProcessTable) => (table === 'changes' ? 'change' : 'verification');

/** A process's step and next action; a stale revision (a retried older write) changes nothing. */
export async function recordProgress(db: Db, table: ProcessTable, args: { id: string; revision: number; step: string | null; nextAction: unknown }): Promise<boolean> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    const updated = await trx(table)
      .where({ id: args.id, status: 'in_progress' })
      .andWhere('revision', '<', args.revision)
      .update({
        step: args.step,
        next_action: args.nextAction === null ? null : JSON.stringify(args.nextAction),
        revision: args.revision,
        updated_at: trx.fn.now(),
      })
      .returning<ProcessRecord[]>('*');
    const row = updated[0];
    if (!row) return false;
    await recordAudit(tx, processEvent(row, `${kindOf(table)}.step`, { step: args.step }, `${row.id}/r${args.revision}`));
    await recordProcessEvent(tx, table, row);
    return true;
  });
}

/**
 * A process's terminal write, for verifications and changes alike: its row
 * (status, reason, no step, a revision past any retried older write) and the
 * account's slot, released if this process holds it.
 */
export async function endProcessRow(
  tx: Tx,
  table: ProcessTable,
  row: { id: string; account_id: string; workflow_id: string; revision: number; method?: string; type?: string },
  revision: number,
  outcome: { status: string; failureReason: string | null },
): Promise<void> {
  const trx = sql(tx);
  const [ended] = await trx(table)
    .where({ id: row.id })
    .update({
      status: outcome.status,
      failure_reason: outcome.failureReason,
      step: null,
      next_action: null,
      revision: Math.max(revision, row.revision + 1),
      completed_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    })
    .returning<ProcessRecord[]>('*');
  await recordProcessEvent(tx, table, ended!);
  await freeSlot(tx, row.account_id, row.id);
  const kind = kindOf(table);
  await recordAudit(tx, processEvent(row, `${kind}.closed`, { status: outcome.status, failureReason: outcome.failureReason }, `${row.id}/closed`));
  announceClosed(tx, { kind, method: row.method ?? row.type ?? '', ...outcome });
}

// ---------------------------------------------------------------- reads

/** The tables whose rows a workflow writes with revisions: the processes, and "find my accounts" lookups. */
export type WatchedTable = ProcessTable | 'identity_lookups';

/** Only a process's status and revision (what the sandbox watches while a process acts on a callback). */
export const progressOf = async (db: Db, table: WatchedTable, id: string): Promise<{ status: string; revision: number } | null> =>
  (await db(table).where({ id }).first<{ status: string; revision: number } | undefined>('status', 'revision')) ?? null;

export interface OpenProcess {
  kind: 'verification' | 'change' | 'lookup';
  id: string;
  workflow_id: string;
  revision: number;
  type: string;
  subject_type: string | null;
  change_id: string | null;
}

/** Open processes after `after` (by workflow id), verifications, changes and "find my accounts" lookups alike: the reconciler's pages. */
export async function openProcessesAfter(db: Db, after: string, limit: number): Promise<OpenProcess[]> {
  const verifications = db('verifications')
    .where({ status: 'in_progress' })
    .select(db.raw("'verification' as kind"), 'id', 'workflow_id', 'revision', 'method as type', 'subject_type', 'change_id');
  const changes = db('changes')
    .where({ status: 'in_progress' })
    .select(db.raw("'change' as kind"), 'id', 'workflow_id', 'revision', 'type', db.raw('null as subject_type'), db.raw('null as change_id'));
  const lookups = db('identity_lookups')
    .where({ status: 'in_progress' })
    .select(db.raw("'lookup' as kind"), 'id', 'workflow_id', 'revision', db.raw("'lookup' as type"), 'subject_type', db.raw('null as change_id'));
  return db.select<OpenProcess[]>('*').from(verifications.unionAll([changes, lookups]).as('p')).where('workflow_id', '>', after).orderBy('workflow_id').limit(limit);
}

const OPEN_PROCESSES = `
  select 'verification' as kind, method, coalesce(step, '') as step, count(*) as count
    from verifications where status = 'in_progress' group by method, step
  union all
  select 'change' as kind, type as method, coalesce(step, '') as step, count(*) as count
    from changes where status = 'in_progress' group by type, step`;

/** Verifications and changes in progress, by method (a change: its type) and step. */
export async function openProcessCounts(db: Db): Promise<OpenProcessCount[]> {
  const { rows }: { rows: { kind: OpenProcessCount['kind']; method: string; step: string; count: string | number }[] } = await db.raw(OPEN_PROCESSES);
  return rows.map((r) => ({ kind: r.kind, method: r.method, step: r.step, count: Number(r.count) }));
}
