import { parseYuan } from '../../domain/money';

/**
 * Money reconciliation as pure rules over what the sandbox bank, the ledger
 * and the verifications say (test/support/reconcile.ts gathers these facts).
 * Every rule returns what disagrees, in words; an empty list is agreement.
 * Bank accounts appear as the keyed hashes the sandbox bank stores.
 */

export interface VerificationFact {
  id: string;
  accountId: string;
  workflowId: string;
  method: string;
  status: string;
  /** The account a public remittance's payout goes to. */
  payeeHash: string | null;
  /** The account a recharge expects money from, and the amount it asked for. */
  payerHash: string | null;
  expectedFen: number | null;
  /** The collection account the bank opened for this recharge alone (null: a recharge from before dedicated accounts). */
  collectionAccount: string | null;
  /** The status of the change whose new subject this verifies (null: not a change's). */
  changeStatus: string | null;
}

export interface PayoutFact {
  requestId: string;
  /** The workflow that ordered it. */
  reference: string;
  toAccountHash: string;
  amountFen: number;
  refused: boolean;
  /** Its settlement time has come: a payout not refused is then on the statement. */
  due: boolean;
}

export interface TransferFact {
  id: string;
  fromAccountHash: string;
  /** Sent to one of the platform's accounts (its collection account or a recharge's sub-account): money the service must settle. */
  toPlatform: boolean;
  toAccount: string;
  amountFen: number;
  refundRequestId: string | null;
  /** The bank refused the refund for good. */
  refundRefused: boolean;
}

/** The service's money ledger: what it recorded of a transfer and what it decided. */
export interface ReceivedFact {
  transferId: string;
  state: string;
  verificationId: string | null;
}

export interface LedgerFact {
  accountId: string;
  amountFen: number;
  reference: string;
}

export interface StatementFact {
  /** How the account is named in messages (masked). */
  label: string;
  accountHash: string;
  items: { amount: string; reference: string }[];
}

export interface MoneyFacts {
  verifications: VerificationFact[];
  payouts: PayoutFact[];
  transfers: TransferFact[];
  /** The service's ledger of received transfers (received_transfers). */
  received: ReceivedFact[];
  /** Credits to balances (ledger_entries). */
  ledger: LedgerFact[];
  statements: StatementFact[];
  balances: { accountId: string; balanceFen: number }[];
}

const REFUND = 'refund:';
const count = <T>(items: T[], pick: (item: T) => boolean) => items.filter(pick).length;

/** Nothing appears twice on a statement: money that moved twice shows as a repeated reference. */
function statementsOnce(f: MoneyFacts): string[] {
  return f.statements.flatMap((s) =>
    [...new Set(s.items.map((i) => i.reference))].flatMap((ref) => {
      const n = count(s.items, (i) => i.reference === ref);
      return n > 1 ? [`statement of ${s.label}: ${ref} appears ${n} times`] : [];
    }),
  );
}

/** Every payout on a statement is an order the bank took, to that account, for that amount, not refused. */
function statementPayouts(f: MoneyFacts): string[] {
  return f.statements.flatMap((s) =>
    s.items.filter((i) => !i.reference.startsWith(REFUND)).flatMap((item) => {
      const p = f.payouts.find((x) => x.requestId === item.reference);
      if (!p) return [`statement of ${s.label}: ${item.amount} paid under ${item.reference}, which no payout order has`];
      if (p.toAccountHash !== s.accountHash) return [`statement of ${s.label}: payout ${p.requestId} was ordered to another account`];
      if (parseYuan(item.amount) !== p.amountFen) return [`statement of ${s.label}: payout ${p.requestId} shows ${item.amount}, ordered ${p.amountFen} fen`];
      return p.refused ? [`statement of ${s.label}: payout ${p.requestId} was refused but paid`] : [];
    }),
  );
}

/** Every payout order belongs to one public remittance that ordered it, once, to the account it named, by its derived request id. */
function payoutsOrdered(f: MoneyFacts): string[] {
  const problems = f.payouts.flatMap((p) => {
    const v = f.verifications.find((x) => x.workflowId === p.reference);
    if (!v || v.method !== 'public_remittance') return [`payout ${p.requestId} (${p.amountFen} fen) for ${p.reference}, which did not order one`];
    if (p.requestId !== `${v.workflowId}/payout`) return [`payout ${p.requestId} of ${v.id} is not under its derived request id ${v.workflowId}/payout`];
    return p.toAccountHash === v.payeeHash ? [] : [`payout ${p.requestId} of ${v.id} went to an account its application did not name`];
  });
  for (const ref of new Set(f.payouts.map((p) => p.reference))) {
    const n = count(f.payouts, (p) => p.reference === ref);
    if (n > 1) problems.push(`${ref} ordered ${n} payouts`);
  }
  return problems;
}

/** A settled payout shows on its account's statement exactly once (when that statement was read). */
function payoutsOnStatements(f: MoneyFacts): string[] {
  return f.payouts.flatMap((p) => {
    const s = f.statements.find((x) => x.accountHash === p.toAccountHash);
    if (!s || !p.due || p.refused) return [];
    const n = count(s.items, (i) => i.reference === p.requestId);
    return n === 1 ? [] : [`payout ${p.requestId} is on the statement of ${s.label} ${n} times`];
  });
}

/** Every refund on a statement sends back, in full, a transfer that account made, which the bank has a refund order for. */
function statementRefunds(f: MoneyFacts): string[] {
  return f.statements.flatMap((s) =>
    s.items.filter((i) => i.reference.startsWith(REFUND)).flatMap((item) => {
      const t = f.transfers.find((x) => x.id === item.reference.slice(REFUND.length));
      if (!t) return [`statement of ${s.label}: ${item.reference} refunds no known transfer`];
      if (t.fromAccountHash !== s.accountHash) return [`statement of ${s.label}: ${item.reference} refunds a transfer another account made`];
      if (parseYuan(item.amount) !== t.amountFen) return [`statement of ${s.label}: ${item.reference} refunds ${item.amount} of ${t.amountFen} fen`];
      return t.refundRequestId === null ? [`statement of ${s.label}: ${item.reference} is refunded with no refund order`] : [];
    }),
  );
}

/** Money sent to the platform is either credited to a balance once or refunded once (one refund request per transfer), never both, never kept. */
function transfersSettled(f: MoneyFacts): string[] {
  return f.transfers.filter((t) => t.toPlatform).flatMap((t) => {
    const credited = count(f.ledger, (e) => e.reference === t.id);
    const refunded = t.refundRequestId !== null;
    const problems: string[] = [];
    if (credited > 1) problems.push(`transfer ${t.id} is credited ${credited} times`);
    if (credited > 0 && refunded) problems.push(`transfer ${t.id} is both credited and refunded`);
    if (credited === 0 && !refunded && !t.refundRefused) problems.push(`transfer ${t.id} (${t.amountFen} fen) is neither credited nor refunded`);
    if (refunded && t.refundRequestId !== `refund/${t.id}`) problems.push(`transfer ${t.id} is refunded under ${t.refundRequestId}, not refund/${t.id}`);
    const s = f.statements.find((x) => x.accountHash === t.fromAccountHash);
    const shown = s ? count(s.items, (i) => i.reference === `${REFUND}${t.id}`) : null;
    if (refunded && shown !== null && shown !== 1) problems.push(`refund of ${t.id} is on the statement of ${s!.label} ${shown} times`);
    return problems;
  });
}

/** What the bank did with a transfer is what the service's ledger says it decided, and every transfer the platform received is in that ledger once. */
function ledgerAgreesWithBank(f: MoneyFacts): string[] {
  const expected = (t: TransferFact) => (t.refundRequestId !== null ? 'refunded' : t.refundRefused ? 'refund_refused' : f.ledger.some((e) => e.reference === t.id) ? 'credited' : null);
  return f.transfers.filter((t) => t.toPlatform).flatMap((t) => {
    const rows = f.received.filter((r) => r.transferId === t.id);
    if (rows.length !== 1) return [`transfer ${t.id} is in the service's ledger ${rows.length} times`];
    const { state } = rows[0]!;
    const bank = expected(t);
    return state === bank ? [] : [`transfer ${t.id} is ${state} in the service's ledger, but ${bank ?? 'neither credited nor sent back'} at the bank`];
  });
}

/** Nothing is held by a process that ended: held money belongs to an open recharge, matched money to an open change. */
function nothingHeldByEndedProcesses(f: MoneyFacts): string[] {
  return f.received.flatMap((r) => {
    const v = f.verifications.find((x) => x.id === r.verificationId);
    if (r.state === 'held' && v && v.status !== 'in_progress') return [`transfer ${r.transferId} is still held by ${v.id}, which is ${v.status}`];
    if (r.state === 'matched' && v && v.changeStatus !== 'in_progress') return [`transfer ${r.transferId} is still kept for the switch of a change that is ${v.changeStatus}`];
    return [];
  });
}

/** Every credit is a transfer to the platform, from the payer a verified recharge of that account named, for the amount it asked; one per verification. */
function creditsMatchRecharges(f: MoneyFacts): string[] {
  const creditsOf = new Map<string, string[]>();
  const problems = f.ledger.flatMap((e) => {
    const t = f.transfers.find((x) => x.id === e.reference);
    if (!t) return [`credit ${e.reference} to ${e.accountId} has no transfer`];
    if (!t.toPlatform || t.amountFen !== e.amountFen) return [`credit ${e.reference} to ${e.accountId} is not the ${t.amountFen} fen the platform received`];
    const v = f.verifications.find(
      (x) =>
        x.accountId === e.accountId &&
        x.method === 'recharge' &&
        x.status === 'verified' &&
        x.payerHash === t.fromAccountHash &&
        x.expectedFen === t.amountFen &&
        (x.collectionAccount === null || x.collectionAccount === t.toAccount),
    );
    if (!v) return [`credit ${e.reference} to ${e.accountId} matches no verified recharge of that account that expected it at its own collection account`];
    creditsOf.set(v.id, [...(creditsOf.get(v.id) ?? []), e.reference]);
    return [];
  });
  for (const [id, refs] of creditsOf) if (refs.length > 1) problems.push(`recharge ${id} is credited ${refs.length} times (${refs.join(', ')})`);
  return problems;
}

/** An account's balance is the sum of its credits. */
function balancesMatchLedger(f: MoneyFacts): string[] {
  return f.balances.flatMap((b) => {
    const sum = f.ledger.filter((e) => e.accountId === b.accountId).reduce((total, e) => total + e.amountFen, 0);
    return sum === b.balanceFen ? [] : [`account ${b.accountId} has a balance of ${b.balanceFen} fen, its credits sum to ${sum}`];
  });
}

const RULES = [
  statementsOnce,
  statementPayouts,
  payoutsOrdered,
  payoutsOnStatements,
  statementRefunds,
  transfersSettled,
  ledgerAgreesWithBank,
  nothingHeldByEndedProcesses,
  creditsMatchRecharges,
  balancesMatchLedger,
];

export function moneyDiscrepancies(facts: MoneyFacts): string[] {
  return [...new Set(RULES.flatMap((rule) => rule(facts)))];
}
