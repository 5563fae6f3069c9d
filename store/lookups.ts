import type { SubjectType } from '../domain/constants';
import { lookupAllowance, LOOKUP_WINDOW_MS, type LookupStatus } from '../domain/identity-lookup';
import type { FoundAccount } from '../contracts/identity-lookup';
import type { Db } from '../platform/db';
import { recordMissing } from '../platform/failures';
import type { LookupRefusal, ScanQrAction } from '../workflows/lookup-messages';
import { recordAudit, type AuditEvent } from './audit';
import { quotaTransaction, sql, sqlOf, transaction, type Tx } from './tx';

/**
 * Self-service "find my accounts" lookups (SPEC §12), one named function per
 * transition, written by their workflow's activities only. A row holds no
 * personal value (the person's name and ID number stay sealed in the
 * workflow's history): the identity's keyed hash, the status and times, and
 * the accounts found once the check passed.
 */

export interface LookupRow {
  id: string;
  workflow_id: string;
  /** The account whose token started it; null: the service role. */
  account_id: string | null;
  subject_type: SubjectType;
  identity_hash: string;
  status: LookupStatus;
  step: string | null;
  next_action: ScanQrAction | null;
  failure_reason: string | null;
  accounts: FoundAccount[] | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  expires_at: Date;
  personal_data_erased_at: Date | null;
}

export interface NewLookup {
  id: string;
  workflowId: string;
  accountId: string | null;
  subjectType: SubjectType;
  identityHash: string;
  expiresAt: Date;
}

/** A lookup's own state change, written by its workflow's activity in the transaction that makes it: ids, steps and codes only. */
const lookupEvent = (row: Pick<LookupRow, 'id' | 'account_id' | 'workflow_id'>, action: string, detail: AuditEvent['detail'], dedupeKey: string): AuditEvent => ({
  actor: { role: 'workflow', name: row.workflow_id },
  action,
  resource: { kind: 'lookup', id: row.id },
  accountId: row.account_id,
  processId: row.id,
  detail,
  dedupeKey,
});

/** Starts of the identity's lookups since `since` (other than `exceptId`): what the daily limit counts. */
export async function lookupStartsSince(handle: Db | Tx, identityHash: string, since: Date, exceptId?: string): Promise<Date[]> {
  const query = sqlOf(handle)<LookupRow>('identity_lookups').where({ identity_hash: identityHash }).where('created_at', '>', since);
  if (exceptId) query.whereNot({ id: exceptId });
  const rows: { created_at: Date }[] = await query.select('created_at');
  return rows.map((r) => new Date(r.created_at));
}

/**
 * Records the lookup if the identity has a lookup left today (SPEC §12). The
 * identity's lookups are counted under a lock on its keyed hash, so two
 * starting at once cannot both take the fifth. Idempotent: a retry after the
 * row was written reports it opened.
 */
export async function openLookup(db: Db, l: NewLookup, now: Date): Promise<{ opened: true } | ({ opened: false } & LookupRefusal)> {
  return quotaTransaction(db, async (tx) => {
    const trx = sql(tx);
    await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`identity-lookups:${l.identityHash}`]);
    if (await trx('identity_lookups').where({ id: l.id }).first('id')) return { opened: true };
    const allowance = lookupAllowance(await lookupStartsSince(tx, l.identityHash, new Date(now.getTime() - LOOKUP_WINDOW_MS)), now);
    if (!allowance.allowed) return { opened: false, code: 'RATE_LIMITED', retryAfterSeconds: allowance.retryAfterSeconds };
    const row = { id: l.id, workflow_id: l.workflowId, account_id: l.accountId };
    await trx('identity_lookups').insert({
      ...row,
      subject_type: l.subjectType,
      identity_hash: l.identityHash,
      status: 'in_progress',
      created_at: now,
      updated_at: now,
      expires_at: l.expiresAt,
    });
    await recordAudit(tx, lookupEvent(row, 'lookup.opened', { subjectType: l.subjectType }, `${l.id}/opened`));
    return { opened: true };
  });
}

/** The lookup's step and QR; a stale revision (a retried older write) changes nothing. */
export async function recordLookupProgress(db: Db, args: { lookupId: string; revision: number; step: string | null; nextAction: unknown }): Promise<void> {
  await transaction(db, async (tx) => {
    const trx = sql(tx);
    const [row] = await trx('identity_lookups')
      .where({ id: args.lookupId, status: 'in_progress' })
      .andWhere('revision', '<', args.revision)
      .update({ step: args.step, next_action: args.nextAction === null ? null : JSON.stringify(args.nextAction), revision: args.revision, updated_at: trx.fn.now() })
      .returning<Pick<LookupRow, 'id' | 'account_id' | 'workflow_id'>[]>(['id', 'account_id', 'workflow_id']);
    if (row) await recordAudit(tx, lookupEvent(row, 'lookup.step', { step: args.step }, `${row.id}/r${args.revision}`));
  });
}

export interface LookupEnd {
  status: Exclude<LookupStatus, 'in_progress'>;
  failureReason: string | null;
}

async function lockLookup(tx: Tx, lookupId: string): Promise<LookupRow> {
  const row = await sql(tx)<LookupRow>('identity_lookups').where({ id: lookupId }).forUpdate().first();
  if (!row) throw recordMissing(`lookup ${lookupId}`);
  return row;
}

/** Its terminal write: status, reason, the accounts found (completed only), no step, a revision past any retried older write. */
async function endLookup(tx: Tx, row: LookupRow, revision: number, end: LookupEnd, accounts: FoundAccount[] | null): Promise<LookupEnd> {
  const trx = sql(tx);
  await trx('identity_lookups')
    .where({ id: row.id })
    .update({
      status: end.status,
      failure_reason: end.failureReason,
      accounts: accounts === null ? null : JSON.stringify(accounts),
      step: null,
      next_action: null,
      revision: Math.max(revision, row.revision + 1),
      completed_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    });
  await recordAudit(tx, lookupEvent(row, 'lookup.closed', { status: end.status, failureReason: end.failureReason, accountsFound: accounts?.length ?? null }, `${row.id}/closed`));
  return end;
}

const endOf = (row: LookupRow): LookupEnd => ({ status: row.status as LookupEnd['status'], failureReason: row.failure_reason });

/** The accounts the identity holds verified now (its active quota bindings), in the order they were bound. */
async function accountsHeldBy(tx: Tx, identityHash: string, subjectType: SubjectType): Promise<FoundAccount[]> {
  const rows: { account_id: string; subject_type: SubjectType | null; verified_at: Date | null }[] = await sql(tx)('identity_bindings as b')
    .join('accounts as a', 'a.id', 'b.account_id')
    .where('b.identity_hash', identityHash)
    .whereNull('b.released_at')
    .orderBy('b.bound_at')
    .select('b.account_id', 'a.subject_type', 'a.verified_at');
  return rows.map((r) => ({ accountId: r.account_id, subjectType: r.subject_type ?? subjectType, verifiedAt: r.verified_at ? new Date(r.verified_at).toISOString() : null }));
}

/** The identity was proved: the lookup completes with the accounts it holds verified. Idempotent. */
export function completeLookup(db: Db, args: { lookupId: string; revision: number }): Promise<LookupEnd> {
  return transaction(db, async (tx) => {
    const row = await lockLookup(tx, args.lookupId);
    if (row.status !== 'in_progress') return endOf(row);
    const accounts = await accountsHeldBy(tx, row.identity_hash, row.subject_type);
    return endLookup(tx, row, args.revision, { status: 'completed', failureReason: null }, accounts);
  });
}

/** A check that failed or ran out: the lookup ends showing nothing. Idempotent. */
export function finishLookup(db: Db, args: { lookupId: string; revision: number; outcome: LookupEnd }): Promise<LookupEnd> {
  return transaction(db, async (tx) => {
    const row = await lockLookup(tx, args.lookupId);
    if (row.status !== 'in_progress') return endOf(row);
    return endLookup(tx, row, args.revision, args.outcome, null);
  });
}

// ---------------------------------------------------------------- reads

export const lookupById = (db: Db, id: string): Promise<LookupRow | undefined> => sqlOf(db)<LookupRow>('identity_lookups').where({ id }).first();

/** The lookups an account's token made, oldest first (the right of access lists them). */
export const lookupsOfAccount = (db: Db, accountId: string): Promise<LookupRow[]> =>
  sqlOf(db)<LookupRow>('identity_lookups').where({ account_id: accountId }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
