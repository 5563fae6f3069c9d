import { ERASED } from '../domain/sealed-value';
import type { Db } from '../platform/db';
import { sql, sqlOf, transaction, type Tx } from './tx';

/**
 * Retention of uploads (SPEC §11, RETENTION_UNFINISHED): an uploaded file is
 * personal data kept for the processes that use it. Once it is older than the
 * period and no process that still holds personal data refers to it — the
 * uploads of unfinished processes, of replaced subjects, and those no process
 * ever used — its file is deleted and its row stays as a placeholder
 * (`storage_key` '[erased]', no OCR reading), as account closure leaves it.
 *
 * In two steps, because the file is outside the database: the row is marked
 * `erased_at` first, keeping its storage key (from then on the API answers it
 * erased and no new process can take it up), then the file is deleted, then
 * the key is replaced. A crash between the two leaves a marked row that still
 * names its file, which the next batch deletes again (deleting is idempotent):
 * no file is forgotten on disk and no row points at a missing file without
 * saying it was erased.
 */

/** The upload's id as it appears inside JSON text: quoted, so that an id never matches a longer one. */
const QUOTED_ID = `'"' || u.id || '"'`;
const mentions = (column: string) => `strpos(${column}::text, ${QUOTED_ID}) > 0`;
const reviewMentions = (processId: string) => `exists (select 1 from reviews r where r.process_id = ${processId} and (${mentions('r.materials')} or ${mentions('r.applicant')}))`;

/**
 * Whether something that keeps personal data uses upload `u`: the account's
 * current subject, or a process of its account whose personal data is not
 * erased (its subject or request, or one of its reviews' materials and
 * applicant). Upload ids sit at several places of these JSON values
 * (licenseUploadId, bankAccount.idPhotoEmblemUploadId, materials[].uploadId…):
 * looking for the id in their text finds them all, and stays cheap because it
 * only reads the few processes of the upload's own account.
 */
const IN_USE = [
  `exists (select 1 from accounts a where a.id = u.account_id and ${mentions('a.subject')})`,
  `exists (select 1 from verifications v where v.account_id = u.account_id and v.personal_data_erased_at is null and (${mentions('v.subject')} or ${reviewMentions('v.id')}))`,
  `exists (select 1 from changes c where c.account_id = u.account_id and c.personal_data_erased_at is null and (${mentions('c.request')} or ${reviewMentions('c.id')}))`,
].join(' or ');

/**
 * Looks at up to `limit` uploads older than `cutoff` that are neither erased
 * nor known to be in use, oldest first: those in use are marked checked (a
 * later run looks again only once a process of their account is erased), the
 * others are marked erased. Locked rows are left for the next batch. Answers
 * how many it looked at and how many it marked erased.
 */
export function markUnusedUploadsBefore(db: Db, cutoff: Date, limit: number): Promise<{ examined: number; marked: number }> {
  return transaction(db, async (tx) => {
    const trx = sql(tx);
    const rows: { id: string; in_use: boolean }[] = await trx('uploads as u')
      .where('u.created_at', '<', cutoff)
      .whereNull('u.erased_at')
      .whereNull('u.in_use_checked_at')
      .whereNot('u.storage_key', ERASED)
      .orderBy('u.created_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('u.id', trx.raw(`(${IN_USE}) as in_use`));
    const inUse = rows.filter((r) => r.in_use).map((r) => r.id);
    const unused = rows.filter((r) => !r.in_use).map((r) => r.id);
    if (inUse.length > 0) await trx('uploads').whereIn('id', inUse).update({ in_use_checked_at: trx.fn.now() });
    if (unused.length > 0) await trx('uploads').whereIn('id', unused).update({ erased_at: trx.fn.now(), ocr: null });
    return { examined: rows.length, marked: unused.length };
  });
}

/**
 * Uploads stored before sealing share one content-addressed file
 * (`sha256/…`) for the same bytes, across accounts: such a file stays while
 * another upload that is not erased names it.
 */
export const sharedLegacyFile = (others: string) =>
  `exists (select 1 from uploads o where o.storage_key = u.storage_key and o.storage_key like 'sha256/%' and o.erased_at is null and ${others})`;

/** Up to `limit` uploads marked erased whose files may still be there: each with the file to delete, or null when another upload still uses it. */
export async function uploadsBeingErased(db: Db, limit: number): Promise<{ id: string; file: string | null }[]> {
  const rows: { id: string; storage_key: string; shared: boolean }[] = await sqlOf(db)('uploads as u')
    .whereNotNull('u.erased_at')
    .whereNot('u.storage_key', ERASED)
    .orderBy('u.erased_at')
    .limit(limit)
    .select('u.id', 'u.storage_key', sqlOf(db).raw(`${sharedLegacyFile('o.id <> u.id')} as shared`));
  return rows.map((r) => ({ id: r.id, file: r.shared ? null : r.storage_key }));
}

/** The uploads' files are gone: their rows stop naming them. Idempotent. */
export async function finishUploadErasure(db: Db, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return sqlOf(db)('uploads').whereIn('id', ids).whereNotNull('erased_at').whereNot('storage_key', ERASED).update({ storage_key: ERASED });
}

/**
 * Processes of these accounts lost their personal data: the uploads found in
 * use before may no longer be, so retention looks at them again (in the
 * transaction that erased the processes).
 */
export async function recheckUploadsOf(tx: Tx, accountIds: string[]): Promise<void> {
  if (accountIds.length === 0) return;
  await sql(tx)('uploads').whereIn('account_id', [...new Set(accountIds)]).whereNotNull('in_use_checked_at').update({ in_use_checked_at: null });
}
