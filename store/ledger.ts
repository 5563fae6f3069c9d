import type { Knex } from 'knex';
import type { Db } from '../platform/db';
import { sql, sqlOf, transaction, type Tx } from './tx';

/**
 * The money ledger (SPEC §10: every fen received is settled exactly once).
 * Each transfer the platform receives is one row of `received_transfers`,
 * whose state only moves forward:
 *
 *   held ──▶ credited                      (its recharge verified: the account's balance)
 *     │  └─▶ matched ──▶ credited          (a change's verification matched it; the switch credits it)
 *     │            └───▶ refund_due        (the change ended without switching)
 *     └────▶ refund_due ──▶ refunding ──▶ refunded | refund_refused
 *
 * A transfer is held only by the open recharge whose own collection account it
 * reached: the row is written under that collection account's row lock, and a
 * process's closing transaction takes the same lock, so a transfer is either
 * held before the process closes (and settled by its closing) or sees it closed
 * (and goes back). Refunds run in their own workflow (refund/<transferId>).
 * The API's callback route records what it received; the activities, the rest.
 */

export type TransferState = 'held' | 'matched' | 'credited' | 'refund_due' | 'refunding' | 'refunded' | 'refund_refused';

/** Why money goes back: stable codes for operators. */
export const RefundReason = {
  /** Sent to the platform's main account or a number that is no recharge's collection account. */
  notACollectionAccount: 'not_a_collection_account',
  /** Sent to a collection account whose verification had ended. */
  collectionAccountClosed: 'collection_account_closed',
  wrongAmount: 'wrong_amount',
  /** From an account other than the one the enterprise confirmed. */
  otherPayer: 'other_payer',
  payerNameMismatch: 'payer_name_mismatch',
  /** The process ended (failed, expired, cancelled, revoked, terminated…) holding it. */
  processEnded: 'process_ended',
  identityQuotaExceeded: 'identity_quota_exceeded',
} as const;
export type RefundReason = (typeof RefundReason)[keyof typeof RefundReason];

export interface ReceivedTransferRow {
  transfer_id: string;
  amount_fen: string | number;
  to_account: string;
  from_account_hash: string;
  verification_id: string | null;
  account_id: string | null;
  state: TransferState;
  refund_reason: string | null;
  received_at: Date;
  settled_at: Date | null;
  refunded_at: Date | null;
}

interface ExpectedTransferRow {
  verification_id: string;
  workflow_id: string;
  account_id: string | null;
  from_account_hash: string;
  amount_fen: number;
  status: 'open' | 'closed';
  collection_account: string | null;
}

/** Where a received transfer goes: to the open recharge that holds it, back to its sender, or nowhere (already settled). */
export type Reception =
  | { kind: 'held'; verificationId: string; workflowId: string; fromConfirmedAccount: boolean }
  | { kind: 'refund' }
  | { kind: 'settled' };

const transfers = (db: Knex) => db<ReceivedTransferRow>('received_transfers');
const digits = (accountNumber: string) => accountNumber.replace(/[\s-]/g, '');

/** Recharge verification: the transfer it waits for, at its own collection account, from the paying account (its keyed hash). */
export async function expectTransfer(
  db: Db,
  args: { verificationId: string; workflowId: string; accountId: string; fromAccountHash: string; amountFen: number; collectionAccount: string | null },
): Promise<void> {
  await db('expected_transfers')
    .insert({
      verification_id: args.verificationId,
      workflow_id: args.workflowId,
      account_id: args.accountId,
      from_account_hash: args.fromAccountHash,
      amount_fen: args.amountFen,
      collection_account: args.collectionAccount,
      status: 'open',
    })
    .onConflict('verification_id')
    .ignore();
}

/**
 * Records a transfer the bank reported, once, with its destination: held by the
 * open recharge whose collection account it was sent to, else due back.
 * Idempotent: a redelivered report finds the recorded decision.
 */
export async function receiveTransfer(
  db: Db,
  t: { transferId: string; amountFen: number; toAccount: string; fromAccountHash: string },
): Promise<Reception> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    const recorded = await transfers(trx).where({ transfer_id: t.transferId }).first();
    if (recorded) return receptionOf(trx, recorded);
    const toAccount = digits(t.toAccount);
    const expected = await trx<ExpectedTransferRow>('expected_transfers').where({ collection_account: toAccount }).forUpdate().first();
    const open = expected?.status === 'open';
    const row = {
      transfer_id: t.transferId,
      amount_fen: t.amountFen,
      to_account: toAccount,
      from_account_hash: t.fromAccountHash,
      verification_id: open ? expected.verification_id : null,
      account_id: open ? expected.account_id : null,
      state: (open ? 'held' : 'refund_due') as TransferState,
      refund_reason: open ? null : expected ? RefundReason.collectionAccountClosed : RefundReason.notACollectionAccount,
      settled_at: open ? null : trx.fn.now(),
    };
    await transfers(trx).insert(row).onConflict('transfer_id').ignore();
    return receptionOf(trx, (await transfers(trx).where({ transfer_id: t.transferId }).first())!);
  });
}

async function receptionOf(db: Knex, row: ReceivedTransferRow): Promise<Reception> {
  if (row.state === 'refund_due' || row.state === 'refunding') return { kind: 'refund' };
  if (row.state !== 'held' || !row.verification_id) return { kind: 'settled' };
  const expected = await db<ExpectedTransferRow>('expected_transfers').where({ verification_id: row.verification_id }).first();
  if (!expected) return { kind: 'refund' };
  return { kind: 'held', verificationId: row.verification_id, workflowId: expected.workflow_id, fromConfirmedAccount: expected.from_account_hash === row.from_account_hash };
}

/** A held transfer the process will not keep (wrong amount, another payer): due back now. True when this call decided it. */
export async function refundHeld(db: Db, args: { transferId: string; verificationId: string; reason: RefundReason }): Promise<boolean> {
  const updated = await transfers(db)
    .where({ transfer_id: args.transferId, verification_id: args.verificationId, state: 'held' })
    .update({ state: 'refund_due', refund_reason: args.reason, settled_at: db.fn.now() });
  return updated > 0;
}

/**
 * Settles, in the transaction that ends the processes, what they hold: the
 * transfer that completed a recharge credited to the account (or, for a
 * change's verification, kept as matched for the switch); everything else
 * held or matched due back. Closes their collection accounts. Returns the
 * transfers due back, for the caller to start their refunds once committed.
 */
export async function settleHeld(
  tx: Tx,
  args: { verificationIds: string[]; credit?: { transferId: string; accountId: string; amountFen: number }; keepForSwitch?: string; reason: RefundReason },
): Promise<string[]> {
  const { verificationIds } = args;
  if (verificationIds.length === 0) return [];
  const trx = sql(tx);
  // The collection accounts' row locks order this against a transfer being recorded (receiveTransfer).
  await trx('expected_transfers').whereIn('verification_id', verificationIds).forUpdate().select('verification_id');
  await trx('expected_transfers').whereIn('verification_id', verificationIds).update({ status: 'closed' });
  if (args.credit) await creditTransfer(tx, args.credit);
  if (args.keepForSwitch) {
    await transfers(trx).where({ transfer_id: args.keepForSwitch, state: 'held' }).whereIn('verification_id', verificationIds).update({ state: 'matched' });
  }
  await transfers(trx)
    .whereIn('verification_id', verificationIds)
    .whereIn('state', ['held', 'matched'])
    .whereNot({ transfer_id: args.keepForSwitch ?? '' })
    .update({ state: 'refund_due', refund_reason: args.reason, settled_at: trx.fn.now() });
  return (await transfers(trx).whereIn('verification_id', verificationIds).where({ state: 'refund_due' }).select('transfer_id')).map((r) => r.transfer_id);
}

/**
 * Credits a transfer to an account's balance, once: the ledger entry and the
 * balance in the caller's transaction. A transfer the ledger already sent back
 * is never credited; one received before this ledger existed (no row) is.
 */
export async function creditTransfer(tx: Tx, args: { transferId: string; accountId: string; amountFen: number }): Promise<boolean> {
  const trx = sql(tx);
  const row = await transfers(trx).where({ transfer_id: args.transferId }).forUpdate().first();
  if (row && row.state !== 'held' && row.state !== 'matched' && row.state !== 'credited') return false;
  if (row) await transfers(trx).where({ transfer_id: args.transferId }).update({ state: 'credited', account_id: args.accountId, settled_at: trx.fn.now() });
  return addLedgerEntry(tx, args.accountId, args.transferId, row ? Number(row.amount_fen) : args.amountFen);
}

/** The balance's own ledger: one entry per transfer (its reference), so a retried credit adds nothing. */
async function addLedgerEntry(tx: Tx, accountId: string, reference: string, amountFen: number): Promise<boolean> {
  const trx = sql(tx);
  const inserted = await trx('ledger_entries')
    .insert({ account_id: accountId, amount_fen: amountFen, kind: 'recharge_verification', reference })
    .onConflict('reference')
    .ignore()
    .returning('id');
  if (inserted.length > 0) await trx('accounts').where({ id: accountId }).increment('balance_fen', amountFen);
  return inserted.length > 0;
}

// ---------------------------------------------------------------- refunds

/** Transfers of these processes that are due back (decided, refund not yet started). */
export async function dueRefunds(db: Db, verificationIds: string[]): Promise<string[]> {
  if (verificationIds.length === 0) return [];
  return (await transfers(db).whereIn('verification_id', verificationIds).where({ state: 'refund_due' }).select('transfer_id')).map((r) => r.transfer_id);
}

/** Its refund workflow has been started. */
export async function markRefunding(db: Db, transferId: string): Promise<void> {
  await transfers(db).where({ transfer_id: transferId, state: 'refund_due' }).update({ state: 'refunding' });
}

/**
 * Whether a refund may be sent: not for money credited or matched for a switch.
 * A transfer received before this ledger existed has no row: it may, unless a
 * balance holds it (its ledger entry).
 */
export async function mayRefund(db: Db, transferId: string): Promise<boolean> {
  const row = await transfers(db).where({ transfer_id: transferId }).first('state');
  if (row) return !['credited', 'matched', 'held'].includes(row.state);
  return !(await db('ledger_entries').where({ reference: transferId }).first('id'));
}

export async function recordRefundOutcome(db: Db, transferId: string, outcome: 'refunded' | 'refund_refused'): Promise<void> {
  await transfers(db)
    .where({ transfer_id: transferId })
    .whereIn('state', ['refund_due', 'refunding'])
    .update({ state: outcome, refunded_at: db.fn.now() });
}

/** Money decided to go back whose refund has not finished after `olderThanMs`: the reconciler's to-do list. */
export async function unfinishedRefunds(db: Db, olderThanMs: number, limit = 500): Promise<Pick<ReceivedTransferRow, 'transfer_id' | 'state'>[]> {
  return transfers(db)
    .whereIn('state', ['refund_due', 'refunding'])
    .andWhere('settled_at', '<', new Date(Date.now() - olderThanMs))
    .orderBy('settled_at')
    .limit(limit)
    .select('transfer_id', 'state');
}

/** States in which a transfer is still owed to someone: held by a process, on its way back, or refused back by the bank (an operator's). */
const UNSETTLED_STATES: TransferState[] = ['held', 'matched', 'refund_due', 'refunding', 'refund_refused'];

/** How many transfers of the account (credited to it, or received by its verifications) are not settled for good: closure waits for them (SPEC §11). */
export async function unsettledTransfersOf(handle: Db | Tx, accountId: string): Promise<number> {
  const db = sqlOf(handle);
  const [row] = await transfers(db)
    .whereIn('state', UNSETTLED_STATES)
    .andWhere((q) => q.where({ account_id: accountId }).orWhereIn('verification_id', db('verifications').where({ account_id: accountId }).select('id')))
    .count<{ count: string }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}

/** Money not settled for good, by state: what `money_unsettled_*` metrics show operators (refund_refused needs one). */
export async function unsettledMoney(db: Db): Promise<{ state: string; count: number; fen: number }[]> {
  const rows = await transfers(db)
    .whereIn('state', ['held', 'matched', 'refund_due', 'refunding', 'refund_refused'])
    .groupBy('state')
    .select<{ state: string; count: string | number; fen: string | number }[]>('state', db.raw('count(*) as count'), db.raw('coalesce(sum(amount_fen), 0) as fen'));
  return rows.map((r) => ({ state: r.state, count: Number(r.count), fen: Number(r.fen) }));
}
