import knex, { type Knex } from 'knex';
import { expect, inject } from 'vitest';
import { bankAccountHash } from '../../domain/keyed-hashes';
import type { SealedEnterpriseFields } from '../../domain/enterprise-subject';
import { loadConfig } from '../../platform/config';
import { createPiiCipher, type PiiCipher } from '../../platform/crypto';
import { http } from './http';
import { moneyDiscrepancies, type MoneyFacts, type StatementFact, type VerificationFact } from './reconcile-rules';
import { eventually } from './temporal-test-env';
import { ERASED } from '../../domain/sealed-value';
import { createProcessKeys, type SealedReader } from '../../platform/data-keys';
import { dataKeyStore } from '../../store/data-keys';

/**
 * After a money test: the sandbox bank (its payout orders, incoming transfers
 * and the statements it serves), the service's money ledger, the balances and
 * the verifications agree — every payout belongs to the one verification that
 * ordered it, once; every refund happens once per transfer; every credit is a
 * transfer a verified recharge expected at its own collection account and that
 * was not sent back; nothing is held by a process that ended; no money moved
 * for anyone else. The rules are in reconcile-rules.ts.
 */
export interface ReconcileScope {
  /** The service under test (its sandbox statement route) and its database. */
  baseUrl: string;
  databaseUrl: string;
  /** The accounts the test used; 'all' on a database of the test's own. */
  accountIds: string[] | 'all';
  /** Bank account numbers to read statements of, beyond those the accounts' applications name. */
  bankAccounts?: string[];
}

interface VerificationRow {
  id: string;
  account_id: string;
  workflow_id: string;
  method: string;
  status: string;
  subject_type: string;
  pii_enc: string | null;
  expected_fen: number | null;
  collection_account: string | null;
  change_status: string | null;
}

/** The bank accounts an enterprise application named (sealed in the row: under its verification's key, or the PII key before). */
function namedAccounts(reader: SealedReader, row: VerificationRow): { payee?: string; payer?: string } {
  if (row.subject_type !== 'enterprise' || !row.pii_enc) return {};
  const opened = reader.decrypt(row.pii_enc);
  // An erased application names nothing any more.
  if (opened === ERASED) return {};
  const sealed = JSON.parse(opened) as SealedEnterpriseFields;
  return { payee: sealed.bankAccount?.accountNumber, payer: sealed.payerAccount?.accountNumber };
}

async function verificationsOf(db: Knex, cipher: PiiCipher, scope: ReconcileScope) {
  const query = db('verifications as v')
    .leftJoin('expected_transfers as e', 'e.verification_id', 'v.id')
    .leftJoin('changes as c', 'c.id', 'v.change_id')
    .select<VerificationRow[]>(
      'v.id',
      'v.account_id',
      'v.workflow_id',
      'v.method',
      'v.status',
      'v.subject_type',
      'v.pii_enc',
      'e.amount_fen as expected_fen',
      'e.collection_account',
      'c.status as change_status',
    );
  const rows = scope.accountIds === 'all' ? await query : await query.whereIn('v.account_id', scope.accountIds);
  const reader = await createProcessKeys({ store: dataKeyStore(db), master: cipher }).readerFor(rows.map((r) => r.pii_enc));
  const numbers = new Set(scope.bankAccounts ?? []);
  const facts: VerificationFact[] = rows.map((row) => {
    const named = namedAccounts(reader, row);
    for (const n of [named.payee, named.payer]) if (n) numbers.add(n);
    return {
      id: row.id,
      accountId: row.account_id,
      workflowId: row.workflow_id,
      method: row.method,
      status: row.status,
      payeeHash: named.payee ? bankAccountHash(cipher, named.payee) : null,
      payerHash: named.payer ? bankAccountHash(cipher, named.payer) : null,
      expectedFen: row.expected_fen === null ? null : Number(row.expected_fen),
      collectionAccount: row.collection_account,
      changeStatus: row.change_status,
    };
  });
  return { facts, numbers: [...numbers] };
}

interface PayoutRow {
  request_id: string;
  reference: string;
  to_account_hash: string;
  amount_fen: number;
  status: string;
  due: boolean;
}
interface TransferRow {
  id: string;
  from_account_hash: string;
  to_account_number: string;
  amount_fen: number;
  refund_request_id: string | null;
  refund_refused_at: Date | null;
  to_virtual_account: string | null;
}
interface ReceivedRow {
  transfer_id: string;
  state: string;
  verification_id: string | null;
}
interface LedgerRow {
  account_id: string;
  amount_fen: string | number;
  reference: string;
}

/** The bank's side: payout orders and transfers that touch these verifications or bank accounts, and every credit of those transfers. */
async function bankRows(db: Knex, scope: ReconcileScope, workflowIds: string[], hashes: string[]) {
  const payouts = db('sandbox_bank_payouts').select<PayoutRow[]>('request_id', 'reference', 'to_account_hash', 'amount_fen', 'status', db.raw('settles_at <= now() as due'));
  const transfers = db('sandbox_bank_transfers as t')
    .leftJoin('sandbox_bank_virtual_accounts as va', 'va.account_number', 't.to_account_number')
    .select<TransferRow[]>('t.id', 't.from_account_hash', 't.to_account_number', 't.amount_fen', 't.refund_request_id', 't.refund_refused_at', 'va.account_number as to_virtual_account');
  const ledger = () => db('ledger_entries').select<LedgerRow[]>('account_id', 'amount_fen', 'reference');
  const received = (ids: string[] | 'all') => {
    const query = db('received_transfers').select<ReceivedRow[]>('transfer_id', 'state', 'verification_id');
    return ids === 'all' ? query : query.whereIn('transfer_id', ids);
  };
  if (scope.accountIds === 'all') return { payouts: await payouts, transfers: await transfers, ledger: await ledger(), received: await received('all') };
  const accountIds = scope.accountIds;
  const credited = (await ledger().whereIn('account_id', accountIds)).map((e) => e.reference);
  const touched = await transfers.whereIn('t.from_account_hash', hashes).orWhereIn('t.id', credited);
  return {
    payouts: await payouts.whereIn('reference', workflowIds).orWhereIn('to_account_hash', hashes),
    transfers: touched,
    // Credits to any account, in scope or not: money credited to someone who did not order it shows.
    ledger: await ledger().whereIn('account_id', accountIds).orWhereIn('reference', touched.map((t) => t.id)),
    received: await received(touched.map((t) => t.id)),
  };
}

async function statementsOf(baseUrl: string, cipher: PiiCipher, numbers: string[]): Promise<StatementFact[]> {
  const api = http(baseUrl);
  return Promise.all(
    numbers.map(async (n) => {
      const res = await api.get(`/sandbox/bank/accounts/${n}/statement`, { token: null });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { label: `${n.slice(0, 4)}****${n.slice(-4)}`, accountHash: bankAccountHash(cipher, n), items: res.body.items };
    }),
  );
}

export async function gatherMoneyFacts(db: Knex, scope: ReconcileScope): Promise<MoneyFacts> {
  const config = loadConfig(inject('serviceEnv'));
  const cipher = createPiiCipher(config.secrets.piiEncryptionKey, config.secrets.piiHashKey);
  const { facts: verifications, numbers } = await verificationsOf(db, cipher, scope);
  const hashes = numbers.map((n) => bankAccountHash(cipher, n));
  const bank = await bankRows(db, scope, verifications.map((v) => v.workflowId), hashes);
  const accountIds = [...new Set([...(scope.accountIds === 'all' ? [] : scope.accountIds), ...bank.ledger.map((e) => e.account_id)])];
  const balanceQuery = db('accounts').select<{ id: string; balance_fen: string | number }[]>('id', 'balance_fen');
  const balances = scope.accountIds === 'all' ? await balanceQuery : await balanceQuery.whereIn('id', accountIds);
  return {
    verifications,
    payouts: bank.payouts.map((p) => ({ requestId: p.request_id, reference: p.reference, toAccountHash: p.to_account_hash, amountFen: p.amount_fen, refused: p.status === 'refused', due: p.due })),
    transfers: bank.transfers.map((t) => ({
      id: t.id,
      fromAccountHash: t.from_account_hash,
      toPlatform: t.to_account_number === config.platformAccount.accountNumber || t.to_virtual_account !== null,
      toAccount: t.to_account_number,
      amountFen: t.amount_fen,
      refundRequestId: t.refund_request_id,
      refundRefused: t.refund_refused_at !== null,
    })),
    received: bank.received.map((r) => ({ transferId: r.transfer_id, state: r.state, verificationId: r.verification_id })),
    ledger: bank.ledger.map((e) => ({ accountId: e.account_id, amountFen: Number(e.amount_fen), reference: e.reference })),
    statements: await statementsOf(scope.baseUrl, cipher, numbers),
    balances: balances.map((b) => ({ accountId: b.id, balanceFen: Number(b.balance_fen) })),
  };
}

/**
 * Asserts the money reconciles. Waits (up to `settleMs`) for what is still
 * settling — a refund being sent, a payout's settlement delay — since money
 * that moved twice never comes back into agreement by waiting.
 */
export async function expectMoneyReconciled(scope: ReconcileScope, { settleMs = 30_000 } = {}): Promise<MoneyFacts> {
  const db = knex({ client: 'pg', connection: scope.databaseUrl, pool: { min: 0, max: 2 } });
  try {
    return await eventually(
      async () => {
        const facts = await gatherMoneyFacts(db, scope);
        expect(moneyDiscrepancies(facts)).toEqual([]);
        return facts;
      },
      { timeoutMs: settleMs, intervalMs: 500 },
    );
  } finally {
    await db.destroy();
  }
}
