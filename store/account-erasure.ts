import { erasePersonalFields, personalStrings } from '../domain/erasure';
import { ERASED } from '../domain/sealed-value';
import type { Db } from '../platform/db';
import { eraseLookupsOf } from './lookup-erasure';
import { deletePageSessionsOf } from './page-sessions';
import { deleteFactsOfAccount } from './process-facts';
import { sql, sqlOf, transaction, type Tx } from './tx';
import { sharedLegacyFile } from './upload-erasure';

/**
 * What account closure wipes of the account's rows itself (SPEC §11): the
 * copies made before per-process data keys — columns sealed under the master
 * key (`*_enc`), plaintext names and masked numbers in subjects, requests and
 * applicants — and the keyed hashes that find the identity. Status, method,
 * times and codes stay; a NOT NULL column gets the placeholder `[erased]`.
 * Idempotent: a second run finds nothing left and changes nothing that matters.
 */

export type ErasureCounts = Record<string, number>;

/**
 * Storage keys of the account's uploads whose files have not been erased yet,
 * except a file stored before sealing that another account's upload shares.
 */
export async function uploadFilesOf(db: Db, accountId: string): Promise<string[]> {
  const rows: { storage_key: string }[] = await sqlOf(db)('uploads as u')
    .where('u.account_id', accountId)
    .whereNot('u.storage_key', ERASED)
    .whereRaw(`not ${sharedLegacyFile('o.account_id <> u.account_id')}`)
    .select('u.storage_key');
  return rows.map((r) => r.storage_key);
}

type JsonRow = { id: string } & Record<string, unknown>;

/** Rewrites one JSON column of the account's rows in `table` with its personal fields erased; collects the plaintext it removed. */
async function scrubJson(tx: Tx, table: string, column: string, accountId: string, found: Set<string>, extra: Record<string, unknown> = {}): Promise<number> {
  const trx = sql(tx);
  const rows: JsonRow[] = await trx(table).where({ account_id: accountId }).forUpdate().select('id', column);
  for (const row of rows) {
    personalStrings(row[column], found);
    const value = row[column] === null ? null : JSON.stringify(erasePersonalFields(row[column]));
    await trx(table).where({ id: row.id }).update({ [column]: value, ...extra });
  }
  return rows.length;
}

export async function eraseAccountRecords(db: Db, accountId: string): Promise<ErasureCounts> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    const names = new Set<string>();
    const counts: ErasureCounts = {};
    counts.verifications = await scrubJson(tx, 'verifications', 'subject', accountId, names, { id_number_enc: null, pii_enc: null, identity_hash: ERASED, next_action: null });
    counts.changes = await scrubJson(tx, 'changes', 'request', accountId, names, { request_enc: null, next_action: null });
    counts.reviews = await scrubJson(tx, 'reviews', 'applicant', accountId, names, { applicant_pii_enc: null });
    const account = await trx<{ id: string; subject: Record<string, unknown> | null; subject_name: string | null }>('accounts').where({ id: accountId }).forUpdate().first('subject', 'subject_name');
    personalStrings(account?.subject, names);
    if (account?.subject_name && account.subject_name !== ERASED) names.add(account.subject_name);
    await trx('accounts')
      .where({ id: accountId })
      .update({
        verification_status: 'unverified',
        subject: account?.subject ? JSON.stringify(erasePersonalFields(account.subject)) : null,
        subject_name: null,
        identity_hash: null,
        id_number_enc: null,
        pii_enc: null,
        updated_at: trx.fn.now(),
      });
    // The quota bindings (keyed hashes of the identity): deleting them frees the account's slots.
    counts.quotaBindings = await trx('identity_bindings').where({ account_id: accountId }).delete();
    // The keyed hashes of its processes' facts that reviews' signals match on.
    counts.processFacts = await deleteFactsOfAccount(tx, accountId);
    // The "find my accounts" lookups its token made: the identity's keyed hash and the accounts found.
    counts.lookups = await eraseLookupsOf(tx, accountId);
    // Its links to the hosted pages and the browser sessions they opened (ended already: the account is closed).
    counts.pageSessions = await deletePageSessionsOf(tx, accountId);
    counts.messages = await eraseNamingMessages(tx, accountId, names);
    counts.notifications = await trx('notifications').where({ account_id: accountId }).whereNot({ body: ERASED }).update({ recipient: ERASED, body: ERASED });
    counts.uploads = await trx('uploads')
      .where({ account_id: accountId })
      .whereNot({ storage_key: ERASED })
      .update({ storage_key: ERASED, ocr: null, erased_at: trx.raw('coalesce(erased_at, now())') });
    // Keyed hashes of the bank accounts that paid (money is settled: closure refused otherwise).
    const verifications = trx('verifications').where({ account_id: accountId }).select('id');
    counts.expectedTransfers = await trx('expected_transfers').whereIn('verification_id', verifications.clone()).update({ from_account_hash: ERASED });
    counts.receivedTransfers = await trx('received_transfers')
      .where((q) => q.where({ account_id: accountId }).orWhereIn('verification_id', verifications.clone()))
      .update({ from_account_hash: ERASED });
    counts.webhookEvents = await scrubWebhookEvents(tx, accountId);
    // Stored answers to retried requests repeat the subject, names included: each is kept with the account it concerns,
    // and deleted with it (a retry then meets ACCOUNT_CLOSED). Those stored before that hold the answer in clear and
    // name the account in it; sealed ones from before it go with the idempotency retention (24 h).
    counts.idempotencyAnswers = await trx('idempotency_keys')
      .where({ account_id: accountId })
      .orWhereRaw('response_body @> ?::jsonb', [JSON.stringify({ accountId })])
      .orWhereRaw('response_body @> ?::jsonb', [JSON.stringify({ verification: { accountId } })])
      .delete();
    return counts;
  });
}

/** Message-centre entries whose title or body names the person (or the enterprise): their text becomes the placeholder. */
async function eraseNamingMessages(tx: Tx, accountId: string, names: Set<string>): Promise<number> {
  if (names.size === 0) return 0;
  const trx = sql(tx);
  const rows: { id: string; title: string; body: string }[] = await trx('messages').where({ account_id: accountId }).select('id', 'title', 'body');
  const naming = rows.filter((m) => [...names].some((name) => m.title.includes(name) || m.body.includes(name)));
  for (const m of naming) await trx('messages').where({ id: m.id }).update({ title: ERASED, body: ERASED });
  return naming.length;
}

/** The outbox keeps each event's row as it was: its subjects and requests lose their personal fields too (API.md: replays show placeholders). */
async function scrubWebhookEvents(tx: Tx, accountId: string): Promise<number> {
  const trx = sql(tx);
  const rows: { seq: string; snapshot: Record<string, unknown> }[] = await trx('webhook_events').where({ account_id: accountId }).whereNot({ type: 'account.closed' }).select('seq', 'snapshot');
  for (const row of rows) await trx('webhook_events').where({ seq: row.seq }).update({ snapshot: JSON.stringify(erasePersonalFields(row.snapshot)) });
  return rows.length;
}
