import type { Db } from '../platform/db';
import { deleteDueBatch } from './bounded-delete';
import { sqlOf, type Tx } from './tx';

/**
 * One-time links to the hosted pages (SPEC §13): minted by the service role,
 * exchanged once by the browser. Only the token's keyed hash is kept. The row
 * is also the browser session the exchange opened: the cookie names it, and
 * works only while the row is there, spent, within its 24 hours, and its
 * account not closed. Closure and retention end sessions by deleting rows.
 */

export interface PageSessionRow {
  id: string;
  account_id: string;
  token_hash: string;
  locale: string;
  return_url: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  browser_session_expires_at: Date | null;
}

/** Why a link opens nothing: a second use, a link past its hour, or a token no link has. */
export type LinkRefusal = 'used' | 'expired' | 'unknown';

const pageSessions = (db: Db) => db<PageSessionRow>('page_sessions');

export async function insertPageSession(
  db: Db,
  s: { id: string; accountId: string; tokenHash: string; locale: string; returnUrl: string | null; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await pageSessions(db).insert({
    id: s.id,
    account_id: s.accountId,
    token_hash: s.tokenHash,
    locale: s.locale,
    return_url: s.returnUrl,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
  });
}

/**
 * Spends the link whose token has this hash: in one statement, so two browsers
 * racing with the same link cannot both open a session. Answers the link, or
 * why it opens nothing.
 */
export async function spendPageSessionLink(
  db: Db,
  link: { tokenHash: string; now: Date; browserSessionExpiresAt: Date },
): Promise<{ spent: PageSessionRow } | { refused: LinkRefusal; locale?: string }> {
  const [spent] = await pageSessions(db)
    .where({ token_hash: link.tokenHash })
    .whereNull('used_at')
    .where('expires_at', '>', link.now)
    .update({ used_at: link.now, browser_session_expires_at: link.browserSessionExpiresAt })
    .returning('*');
  if (spent) return { spent };
  const row = await pageSessions(db).where({ token_hash: link.tokenHash }).first();
  if (!row) return { refused: 'unknown' };
  // The link's language, so the page says what to do in the person's language (a made-up link has none).
  return { refused: row.used_at ? 'used' : 'expired', locale: row.locale };
}

/**
 * Whether the browser session this row opened still stands: the one read per
 * request on a page cookie, by primary key (and the account's, for closed_at).
 * A closed account's sessions end at the closure's first commit, before its
 * erasure deletes their rows — and a link minted in that instant opens nothing.
 */
export async function pageSessionLive(db: Db, sessionId: string, now: Date): Promise<boolean> {
  const row: { id: string } | undefined = await sqlOf(db)('page_sessions as s')
    .leftJoin('accounts as a', 'a.id', 's.account_id')
    .where('s.id', sessionId)
    .where('s.browser_session_expires_at', '>', now)
    .whereNull('a.closed_at')
    .first('s.id');
  return row !== undefined;
}

/** Account closure (SPEC §11): the account's links and browser sessions go with it. */
export const deletePageSessionsOf = async (tx: Tx, accountId: string): Promise<number> => (await sqlOf(tx)('page_sessions').where({ account_id: accountId }).delete().returning('id')).length;

/** When a row last opened anything: its browser session's end, or the link's hour for a link never used (indexed, migrations/…_0050). */
const ENDED_AT = 'coalesce(browser_session_expires_at, expires_at)';

/** Retention (`page-sessions`): deletes up to `limit` rows whose link and browser session both ended before `cutoff`. */
export const deletePageSessionsBefore = (db: Db, cutoff: Date, limit: number): Promise<number> =>
  deleteDueBatch(db, 'page_sessions', ['id'], (rows) => rows.whereRaw(`${ENDED_AT} < ?`, [cutoff]), limit);
