import type { MessageKind, SubjectType } from '../domain/constants';
import type { Db } from '../platform/db';
import { newId } from '../platform/ids';
import { newestFirst, type Page } from './paging';
import { sql, sqlOf, type Tx } from './tx';

/**
 * Accounts: the verified subject (written by the processes' closings only),
 * the single open-process slot, the balance, and the message centre.
 */

export interface AccountRow {
  id: string;
  verification_status: 'unverified' | 'verified';
  subject_type: SubjectType | null;
  subject: Record<string, unknown> | null;
  subject_name: string | null;
  identity_hash: string | null;
  verified_method: string | null;
  verified_at: Date | null;
  /** The last verification or change that completed (SPEC §5's cooling-off runs from it). */
  last_completed_at: Date | null;
  verification_id: string | null;
  /** The current subject's sealed personal fields, when a change set it (else the verification's row holds them). */
  id_number_enc: string | null;
  pii_enc: string | null;
  open_process_kind: 'verification' | 'change' | null;
  open_process_id: string | null;
  /** Set when the account's closure began (SPEC §11): from then on it opens no new process. */
  closed_at: Date | null;
  balance_fen: string | number;
  created_at: Date;
  updated_at: Date;
}

export interface InboxMessageRow {
  id: string;
  account_id: string;
  kind: MessageKind;
  title: string;
  body: string;
  dedupe_key: string;
  created_at: Date;
  read_at: Date | null;
}

/** A message's words (activities/texts.ts writes them). */
export interface MessageText {
  title: string;
  body: string;
}

/** A message-centre entry: its kind, then its words. */
export interface InboxMessage extends MessageText {
  kind: MessageKind;
}

/** The account's row, created when first seen, locked for the rest of the transaction. */
export async function ensureAccount(tx: Tx, accountId: string) {
  const trx = sql(tx);
  await trx('accounts').insert({ id: accountId }).onConflict('id').ignore();
  const account = await trx<AccountRow>('accounts').where({ id: accountId }).forUpdate().first();
  if (!account) throw new Error(`account ${accountId} vanished inside its transaction`);
  return account;
}

/** A message-centre entry, once per dedupe key: alone, or in the transaction that writes the outcome it tells. */
export async function postToInbox(handle: Db | Tx, accountId: string, dedupeKey: string, message: InboxMessage) {
  await sqlOf(handle)('messages')
    .insert({ id: newId('msg'), account_id: accountId, dedupe_key: dedupeKey, ...message })
    .onConflict('dedupe_key')
    .ignore();
}

/** The account's single open-process slot, taken by a verification or a change as it opens. */
export async function claimSlot(tx: Tx, accountId: string, process: { kind: 'verification' | 'change'; id: string }): Promise<void> {
  const trx = sql(tx);
  await trx('accounts').where({ id: accountId }).update({ open_process_kind: process.kind, open_process_id: process.id, updated_at: trx.fn.now() });
}

/** Frees the slot if this process holds it. */
export async function freeSlot(tx: Tx, accountId: string, processId: string): Promise<void> {
  const trx = sql(tx);
  await trx('accounts').where({ id: accountId, open_process_id: processId }).update({ open_process_kind: null, open_process_id: null, updated_at: trx.fn.now() });
}

/** A person's name (sealed, as the subject holds it) or an enterprise's: what ICP filings are compared with. */
export const shownName = (subject: Record<string, unknown>) => {
  const { realName, name } = subject as { realName?: string; name?: string };
  return realName ?? name ?? null;
};

/** A verification's completion: the account takes its subject. */
export async function markVerified(
  tx: Tx,
  v: { id: string; account_id: string; subject_type: SubjectType; subject: Record<string, unknown>; identity_hash: string; method: string },
): Promise<void> {
  const trx = sql(tx);
  await trx('accounts')
    .where({ id: v.account_id })
    .update({
      verification_status: 'verified',
      subject_type: v.subject_type,
      subject: JSON.stringify(v.subject),
      subject_name: shownName(v.subject),
      identity_hash: v.identity_hash,
      verified_method: v.method,
      verified_at: trx.fn.now(),
      last_completed_at: trx.fn.now(),
      verification_id: v.id,
    });
}

/** What a change's switch makes of the account. */
export interface NextSubject {
  subjectType: SubjectType;
  subject: Record<string, unknown>;
  idNumberEnc: string | null;
  piiEnc: string | null;
  identityHash: string;
  method: string;
  verificationId: string | null;
  credit: { amountFen: number; reference: string } | null;
}

/** A change's switch: the new subject with its sealed fields; a new identity is verified now (SPEC §5's cooling-off restarts either way). */
export async function switchAccountSubject(tx: Tx, accountId: string, next: NextSubject, newIdentity: boolean): Promise<void> {
  const trx = sql(tx);
  await trx('accounts')
    .where({ id: accountId })
    .update({
      subject_type: next.subjectType,
      subject: JSON.stringify(next.subject),
      subject_name: shownName(next.subject),
      identity_hash: next.identityHash,
      id_number_enc: next.idNumberEnc,
      pii_enc: next.piiEnc,
      verified_method: next.method,
      ...(newIdentity ? { verified_at: trx.fn.now(), verification_id: next.verificationId } : {}),
      last_completed_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    });
}

// ---------------------------------------------------------------- reads

export const accountById = (db: Db, id: string): Promise<AccountRow | undefined> => db<AccountRow>('accounts').where({ id }).first();

/** Only the account's current subject (what a change's review shows beside the request). */
export const accountSubject = (db: Db, id: string): Promise<Pick<AccountRow, 'subject'> | undefined> => db<AccountRow>('accounts').where({ id }).first('subject');

export const inboxOf = (db: Db, accountId: string, limit: number, cursor?: string): Promise<Page<InboxMessageRow>> =>
  newestFirst<InboxMessageRow>(db('messages').where({ account_id: accountId }), limit, cursor);
