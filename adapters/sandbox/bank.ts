import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { fenToYuan } from '../../domain/money';
import type { PiiCipher } from '../../platform/crypto';
import { newId } from '../../platform/ids';
import type { BankProvider, PayoutOrder, PayoutRequest } from '../types';
import type { DeliveryResult, SandboxCallbackOutbox } from './outbox';

const digits = (accountNumber: string) => accountNumber.replace(/[\s-]/g, '');

/** The same keyed hash the service uses to find a payer's expected transfer. */
export const bankAccountHash = (cipher: PiiCipher, accountNumber: string) => cipher.keyedHash(`bank-account:${digits(accountNumber)}`);

/** Event ids derived from the request: a retried payout never schedules a second settlement. */
const eventIdFor = (kind: string, key: string) => `evt_${kind}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/** The bank's own reference for a payout order, derived from the request id: a retried order answers the same one. */
export const payoutBankReference = (requestId: string) => `PO${createHash('sha256').update(`payout:${requestId}`).digest('hex').slice(0, 16).toUpperCase()}`;

/** The money leaves the platform's account shortly after the order (before it settles). */
const SENT_AFTER_MS = 500;

interface PayoutRow {
  request_id: string;
  to_account_hash: string;
  reference: string;
  to_account_name: string;
  amount_fen: number;
  status: 'pending' | 'refused';
  created_at: Date;
  settles_at: Date;
}

/**
 * The sandbox bank: the platform's account at a bank that takes payout orders
 * (idempotent by request id), settles them after SANDBOX_PAYOUT_DELAY (or
 * refuses an account number ending 0000), refunds incoming transfers, reports
 * incoming transfers, and keeps statements. Everything it tells the service
 * goes through signed callbacks; account numbers are kept encrypted.
 */
export class SandboxBank implements BankProvider {
  constructor(
    private readonly deps: {
      db: Knex;
      cipher: PiiCipher;
      outbox: SandboxCallbackOutbox;
      payoutDelayMs: number;
      platformAccount: { accountName: string; accountNumber: string };
    },
  ) {}

  async payout(request: PayoutRequest): Promise<PayoutOrder> {
    const { db, cipher } = this.deps;
    const refused = digits(request.toAccountNumber).endsWith('0000');
    await db('sandbox_bank_payouts')
      .insert({
        request_id: request.requestId,
        reference: request.reference,
        to_account_hash: bankAccountHash(cipher, request.toAccountNumber),
        to_account_enc: cipher.encrypt(digits(request.toAccountNumber)),
        to_account_name: request.toAccountName,
        amount_fen: request.amountFen,
        status: refused ? 'refused' : 'pending',
        settles_at: new Date(Date.now() + (refused ? 1000 : this.deps.payoutDelayMs)),
      })
      .onConflict('request_id')
      .ignore();
    const row = await db<PayoutRow>('sandbox_bank_payouts').where({ request_id: request.requestId }).first();
    if (!row) throw new Error('payout vanished after insert');
    // Scheduled, not sent: the API process's outbox delivers them when due.
    if (row.status === 'refused') await this.emitPayoutEvent(row, 'payout_refused', { type: 'payout.refused', reason: 'the receiving account does not exist' }, new Date(row.settles_at));
    else {
      const settlesAt = new Date(row.settles_at).getTime();
      const sentAt = Math.min(new Date(row.created_at).getTime() + SENT_AFTER_MS, settlesAt - 1);
      await this.emitPayoutEvent(row, 'payout_sent', { type: 'payout.sent' }, new Date(sentAt));
      await this.emitPayoutEvent(row, 'payout_settled', { type: 'payout.settled' }, new Date(settlesAt));
    }
    return { requestId: row.request_id, bankReference: payoutBankReference(row.request_id), status: row.status };
  }

  /** One callback about a payout, due at `at`; its id derives from the request, so a retried order schedules it once. */
  private async emitPayoutEvent(row: PayoutRow, kind: string, fields: { type: string; reason?: string }, at: Date): Promise<void> {
    await this.deps.outbox.emit(
      'bank',
      { eventId: eventIdFor(kind, row.request_id), occurredAt: at.toISOString(), reference: row.reference, requestId: row.request_id, ...fields },
      at,
    );
  }

  async refund(request: { requestId: string; transferId: string }): Promise<void> {
    const { db } = this.deps;
    const transfer = await db<{ id: string }>('sandbox_bank_transfers').where({ id: request.transferId }).first('id');
    if (!transfer) throw new Error(`no incoming transfer ${request.transferId}`);
    // Refunded at most once, whatever the request id of a retry.
    await db('sandbox_bank_transfers')
      .where({ id: request.transferId })
      .whereNull('refund_request_id')
      .update({ refund_request_id: request.requestId, refunded_at: db.fn.now() });
  }

  // ---- the outside world's side (sandbox API)

  /** Money someone sends to an account at this bank; transfers to the platform are reported to the service. */
  async receiveTransfer(transfer: {
    fromAccountNumber: string;
    fromAccountName: string;
    toAccountNumber: string;
    amountFen: number;
  }): Promise<{ transferId: string; delivery: DeliveryResult }> {
    const { db, cipher } = this.deps;
    const transferId = newId('trf');
    await db('sandbox_bank_transfers').insert({
      id: transferId,
      from_account_hash: bankAccountHash(cipher, transfer.fromAccountNumber),
      from_account_enc: cipher.encrypt(digits(transfer.fromAccountNumber)),
      from_account_name: transfer.fromAccountName,
      to_account_number: digits(transfer.toAccountNumber),
      amount_fen: transfer.amountFen,
    });
    const delivery = await this.deps.outbox.emit('bank', {
      eventId: eventIdFor('transfer', transferId),
      type: 'transfer.received',
      occurredAt: new Date().toISOString(),
      transferId,
      fromAccountNumber: digits(transfer.fromAccountNumber),
      fromAccountName: transfer.fromAccountName,
      toAccountNumber: digits(transfer.toAccountNumber),
      amount: fenToYuan(transfer.amountFen),
    });
    return { transferId, delivery };
  }

  /** Money the platform sent to this account: settled payouts and refunds, oldest first. */
  async statement(accountNumber: string): Promise<{ amount: string; from: string; at: string; reference: string }[]> {
    const { db, cipher } = this.deps;
    const hash = bankAccountHash(cipher, accountNumber);
    const payouts = await db<PayoutRow>('sandbox_bank_payouts')
      .where({ to_account_hash: hash, status: 'pending' })
      .andWhere('settles_at', '<=', db.fn.now())
      .select('request_id', 'amount_fen', 'settles_at');
    const refunds = await db('sandbox_bank_transfers')
      .where({ from_account_hash: hash })
      .whereNotNull('refunded_at')
      .select<{ id: string; amount_fen: number; refunded_at: Date }[]>('id', 'amount_fen', 'refunded_at');
    const from = this.deps.platformAccount.accountName;
    return [
      ...payouts.map((p) => ({ amount: fenToYuan(p.amount_fen), from, at: new Date(p.settles_at).toISOString(), reference: p.request_id })),
      ...refunds.map((r) => ({ amount: fenToYuan(r.amount_fen), from, at: new Date(r.refunded_at).toISOString(), reference: `refund:${r.id}` })),
    ].sort((a, b) => a.at.localeCompare(b.at));
  }
}
