import type { Db } from '../platform/db';

/**
 * One-time links to the hosted pages (SPEC §13): minted by the service role,
 * exchanged once by the browser. Only the token's keyed hash is kept.
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
