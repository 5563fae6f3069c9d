import type { Db } from '../../platform/db';

/** The sandbox bank's own books (adapters/sandbox/bank.ts): payout orders, virtual sub-accounts, transfers it carried. Account numbers sealed or hashed. */

export interface PayoutRow {
  request_id: string;
  to_account_hash: string;
  reference: string;
  to_account_name: string;
  amount_fen: number;
  status: 'pending' | 'refused';
  created_at: Date;
  settles_at: Date;
}

export interface VirtualAccountRow {
  account_number: string;
  request_id: string;
  reference: string;
}

export interface IncomingTransferRow {
  id: string;
  from_account_hash: string;
  from_account_enc: string;
  from_account_name: string;
  to_account_number: string;
  amount_fen: number;
  refund_request_id: string | null;
  refunded_at: Date | null;
  refund_refused_at: Date | null;
}

/** The order as first placed: a retried order (same request id) finds it. */
export async function placePayout(db: Db, order: Omit<PayoutRow, 'created_at'> & { to_account_enc: string }): Promise<PayoutRow | undefined> {
  await db('sandbox_bank_payouts').insert(order).onConflict('request_id').ignore();
  return db<PayoutRow>('sandbox_bank_payouts').where({ request_id: order.request_id }).first();
}

/** Payouts to the account (by its hash) that have settled by now. */
export const settledPayoutsTo = (db: Db, accountHash: string): Promise<Pick<PayoutRow, 'request_id' | 'amount_fen' | 'settles_at'>[]> =>
  db<PayoutRow>('sandbox_bank_payouts')
    .where({ to_account_hash: accountHash, status: 'pending' })
    .andWhere('settles_at', '<=', db.fn.now())
    .select('request_id', 'amount_fen', 'settles_at');

export const virtualAccountOf = (db: Db, requestId: string): Promise<Pick<VirtualAccountRow, 'account_number'> | undefined> =>
  db<VirtualAccountRow>('sandbox_bank_virtual_accounts').where({ request_id: requestId }).first('account_number');

/** The next sequence number for a sub-account. */
export async function nextVirtualAccountSeq(db: Db): Promise<string | number> {
  const next = await db.first<{ n: string | number }>(db.raw("nextval('sandbox_bank_virtual_account_seq') as n"));
  return next.n;
}

/** The sub-account opened for the request, the first one if two raced. */
export async function openVirtualAccount(db: Db, account: VirtualAccountRow): Promise<Pick<VirtualAccountRow, 'account_number'> | undefined> {
  await db('sandbox_bank_virtual_accounts').insert(account).onConflict('request_id').ignore();
  return virtualAccountOf(db, account.request_id);
}

export async function recordIncomingTransfer(db: Db, transfer: Omit<IncomingTransferRow, 'refund_request_id' | 'refunded_at' | 'refund_refused_at'>): Promise<void> {
  await db('sandbox_bank_transfers').insert(transfer);
}

export const incomingTransfer = (db: Db, id: string): Promise<Pick<IncomingTransferRow, 'id' | 'from_account_enc' | 'refund_refused_at'> | undefined> =>
  db<IncomingTransferRow>('sandbox_bank_transfers').where({ id }).first('id', 'from_account_enc', 'refund_refused_at');

/** The sender's account no longer takes money: the refund is refused, for good. */
export async function refuseRefund(db: Db, transferId: string): Promise<void> {
  await db('sandbox_bank_transfers').where({ id: transferId }).whereNull('refund_refused_at').update({ refund_refused_at: db.fn.now() });
}

/** Refunded at most once, whatever the request id of a retry. */
export async function refundIncoming(db: Db, transferId: string, requestId: string): Promise<void> {
  await db('sandbox_bank_transfers')
    .where({ id: transferId })
    .whereNull('refund_request_id')
    .update({ refund_request_id: requestId, refunded_at: db.fn.now() });
}

/** Transfers from the account (by its hash) that were sent back. */
export const refundsTo = (db: Db, accountHash: string): Promise<{ id: string; amount_fen: number; refunded_at: Date }[]> =>
  db('sandbox_bank_transfers')
    .where({ from_account_hash: accountHash })
    .whereNotNull('refunded_at')
    .select<{ id: string; amount_fen: number; refunded_at: Date }[]>('id', 'amount_fen', 'refunded_at');
