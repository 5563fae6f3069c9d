import type { EnterpriseApplication } from './enterprise-subject';
import { SIGNAL_KINDS, signalFactHash, type KeyedHasher, type SignalKind } from './keyed-hashes';

/**
 * Signals (SPEC §6): the facts of a process that other accounts' processes may
 * share — a corporate bank account, a handler, a legal person, a contact
 * mobile — and how a review shows the processes that share them. Only the
 * facts' keyed hashes are stored (process_facts); the values never are.
 */

export interface ProcessFact {
  kind: SignalKind;
  hash: string;
}

type Fact = { kind: SignalKind; value: string | undefined };

/** The enterprise application's facts: the public-remittance account and a recharge's paying account are both its bank accounts. */
export const enterpriseFactValues = (a: EnterpriseApplication): Fact[] => [
  { kind: 'bank_account', value: a.bankAccount?.accountNumber },
  { kind: 'bank_account', value: a.payerAccount?.accountNumber },
  { kind: 'handler', value: a.handler?.idNumber },
  { kind: 'legal_person', value: a.legalPerson?.idNumber },
  { kind: 'contact_mobile', value: a.contact.mobile },
];

/** A change request's facts: the legal person it names (an entity change's former one, an update's new one). */
export const changeFactValues = (request: { type: string; formerLegalPerson?: { idNumber: string }; newLegalPerson?: { idNumber: string } }): Fact[] => [
  { kind: 'legal_person', value: request.formerLegalPerson?.idNumber },
  { kind: 'legal_person', value: request.newLegalPerson?.idNumber },
];

/** The facts' keyed hashes, each once; a missing or blank value is no fact. */
export function factHashes(hasher: KeyedHasher, facts: Fact[]): ProcessFact[] {
  const out = new Map<string, ProcessFact>();
  for (const { kind, value } of facts) {
    if (!value?.trim()) continue;
    const hash = signalFactHash(hasher, kind, value);
    out.set(`${kind}:${hash}`, { kind, hash });
  }
  return [...out.values()];
}

export interface SharedFactRow {
  kind: string;
  account_id: string;
  process_id: string;
  status: string | null;
}

export interface Signal {
  kind: SignalKind;
  processes: { accountId: string; processId: string; status: string }[];
}

/** The processes sharing each kind of fact, kinds in a fixed order, each process once per kind; kinds nothing shares are left out. */
export function signalsOf(rows: SharedFactRow[]): Signal[] {
  return SIGNAL_KINDS.map((kind) => {
    const seen = new Set<string>();
    const processes = rows
      .filter((r) => r.kind === kind && !seen.has(r.process_id) && seen.add(r.process_id))
      .map((r) => ({ accountId: r.account_id, processId: r.process_id, status: r.status ?? 'unknown' }));
    return { kind, processes };
  }).filter((s) => s.processes.length > 0);
}
