import { createHash } from 'node:crypto';
import { fenToYuan } from '../../domain/money';
import { bankAccountHash } from '../../domain/keyed-hashes';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import * as books from '../../store/sandbox/bank';
import type { BankProvider, PayoutOrder, PayoutRequest } from '../types';
import type { DeliveryResult, SandboxCallbackOutbox } from './outbox';

const digits = (accountNumber: string) => accountNumber.replace(/[\s-]/g, '');

/** Event ids derived from the request: a retried payout never schedules a second settlement. */
const eventIdFor = (kind: string, key: string) => `evt_${kind}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/** The bank's own reference for a payout order, derived from the request id: a retried order answers the same one. */
export const payoutBankReference = (requestId: string) => `PO${createHash('sha256').update(`payout:${requestId}`).digest('hex').slice(0, 16).toUpperCase()}`;

/** The money leaves the platform's account shortly after the order (before it settles). */
const SENT_AFTER_MS = 500;

/**
 * The sandbox bank: the platform's account at a bank that takes payout orders
 * (idempotent by request id), settles them after SANDBOX_PAYOUT_DELAY (or
 * refuses an account number ending 0000), opens virtual sub-accounts of the
 * platform's collection account, reports money reaching the platform's
 * accounts, refunds it (refusing, for good, an account ending 0000), and keeps
 * statements. Everything it tells the service
 * goes through signed callbacks; account numbers are kept encrypted.
 */
export class SandboxBank implements BankProvider {
  constructor(
    private readonly deps: {
      db: Db;
      cipher: PiiCipher;
      outbox: SandboxCallbackOutbox;
      payoutDelayMs: number;
      platformAccount: { accountName: string; accountNumber: string };
    },
  ) {}

  async payout(request: PayoutRequest): Promise<PayoutOrder> {
    const { db, cipher } = this.deps;
    const refused = digits(request.toAccountNumber).endsWith('0000');
    const row = await books.placePayout(db, {
      request_id: request.requestId,
      reference: request.reference,
      to_account_hash: bankAccountHash(cipher, request.toAccountNumber),
      to_account_enc: cipher.encrypt(digits(request.toAccountNumber)),
      to_account_name: request.toAccountName,
      amount_fen: request.amountFen,
      status: refused ? 'refused' : 'pending',
      settles_at: new Date(Date.now() + (refused ? 1000 : this.deps.payoutDelayMs)),
    });
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
  private async emitPayoutEvent(row: books.PayoutRow, kind: string, fields: { type: string; reason?: string }, at: Date): Promise<void> {
    await this.deps.outbox.emit(
      'bank',
      { eventId: eventIdFor(kind, row.request_id), occurredAt: at.toISOString(), reference: row.reference, requestId: row.request_id, ...fields },
      at,
    );
  }

  async refund(request: { requestId: string; transferId: string }): Promise<{ status: 'refunded' | 'refused' }> {
    const { db, cipher } = this.deps;
    const transfer = await books.incomingTransfer(db, request.transferId);
    if (!transfer) throw new Error(`no incoming transfer ${request.transferId}`);
    // As payouts are: an account number ending 0000 no longer takes money, for good.
    if (transfer.refund_refused_at || cipher.decrypt(transfer.from_account_enc).endsWith('0000')) {
      await books.refuseRefund(db, request.transferId);
      return { status: 'refused' };
    }
    // Refunded at most once, whatever the request id of a retry.
    await books.refundIncoming(db, request.transferId, request.requestId);
    return { status: 'refunded' };
  }

  /** A virtual sub-account: the platform account's first digits, a sequence number and a Luhn check digit, so a mistyped digit reaches no one. */
  async openCollectionAccount(request: { requestId: string; reference: string }): Promise<{ accountNumber: string }> {
    const { db } = this.deps;
    const existing = await books.virtualAccountOf(db, request.requestId);
    if (existing) return { accountNumber: existing.account_number };
    const body = `${this.subAccountPrefix}${String(await books.nextVirtualAccountSeq(db)).padStart(9, '0')}`;
    const accountNumber = `${body}${luhnDigit(body)}`;
    const row = await books.openVirtualAccount(db, { account_number: accountNumber, request_id: request.requestId, reference: request.reference });
    return { accountNumber: row!.account_number };
  }

  private get subAccountPrefix(): string {
    return digits(this.deps.platformAccount.accountNumber).slice(0, 12);
  }

  /** The platform's own accounts at this bank: its collection account and every sub-account under it. */
  private isPlatformAccount(accountNumber: string): boolean {
    const n = digits(accountNumber);
    return n === digits(this.deps.platformAccount.accountNumber) || (n.startsWith(this.subAccountPrefix) && n.length > this.subAccountPrefix.length);
  }

  // ---- the outside world's side (sandbox API)

  /** Money someone sends to an account at this bank; money reaching the platform's accounts is reported to the service. */
  async receiveTransfer(transfer: {
    fromAccountNumber: string;
    fromAccountName: string;
    toAccountNumber: string;
    amountFen: number;
  }): Promise<{ transferId: string; delivery: DeliveryResult | null }> {
    const { db, cipher } = this.deps;
    const transferId = newId('trf');
    await books.recordIncomingTransfer(db, {
      id: transferId,
      from_account_hash: bankAccountHash(cipher, transfer.fromAccountNumber),
      from_account_enc: cipher.encrypt(digits(transfer.fromAccountNumber)),
      from_account_name: transfer.fromAccountName,
      to_account_number: digits(transfer.toAccountNumber),
      amount_fen: transfer.amountFen,
    });
    // Another customer's account: none of the platform's business.
    if (!this.isPlatformAccount(transfer.toAccountNumber)) return { transferId, delivery: null };
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
    const payouts = await books.settledPayoutsTo(db, hash);
    const refunds = await books.refundsTo(db, hash);
    const from = this.deps.platformAccount.accountName;
    return [
      ...payouts.map((p) => ({ amount: fenToYuan(p.amount_fen), from, at: new Date(p.settles_at).toISOString(), reference: p.request_id })),
      ...refunds.map((r) => ({ amount: fenToYuan(r.amount_fen), from, at: new Date(r.refunded_at).toISOString(), reference: `refund:${r.id}` })),
    ].sort((a, b) => a.at.localeCompare(b.at));
  }
}

/** The Luhn check digit of a string of digits. */
function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
