import { randomBytes } from 'node:crypto';
import type { PageLocale, PageSession } from '../../contracts/session';
import { appError } from '../../domain/errors';
import { pageLinkTokenHash, type KeyedHasher } from '../../domain/keyed-hashes';
import { returnUrlAllowed } from '../../domain/return-url';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { insertPageSession, spendPageSessionLink, type LinkRefusal } from '../../store/page-sessions';
import type { Authenticator } from '../http/auth';
import { pageCookieHeader } from '../http/page-cookie';
import { validationError } from '../http/problem';
import type { MintSession } from './schemas';

/** SPEC §13: a link works once, within 1 hour; the browser session it opens lasts 24 hours. */
export const LINK_TTL_MS = 60 * 60 * 1000;
export const BROWSER_SESSION_SECONDS = 24 * 60 * 60;

export interface SessionDeps {
  db: Db;
  hasher: KeyedHasher;
  auth: Authenticator;
  publicBaseUrl: string;
  /** The origins a returnUrl may point at (config.sessions.returnOrigins). */
  returnOrigins: readonly string[];
  /** Whether the account was closed (SPEC §11): its pages could start nothing, so no link is minted. */
  isClosed: (accountId: string) => Promise<boolean>;
}

/** What each refusal tells the person: the same way out for all, ask the console for a new link. */
const REFUSALS: Record<LinkRefusal, string> = {
  used: 'This link was already used: each link opens the pages once.',
  expired: 'This link has expired: a link works for 1 hour.',
  unknown: 'This link is not valid.',
};

export function buildSessionService(deps: SessionDeps) {
  return {
    /**
     * A one-time link for the account. The token goes in the URL's fragment (#t=…), which browsers send to no server
     * and in no Referer, so it reaches neither access logs nor a proxy; the page's script reads it and exchanges it.
     */
    async mint(accountId: string, body: MintSession) {
      if (await deps.isClosed(accountId)) throw appError('ACCOUNT_CLOSED', 'The account is closed: its pages open no more.');
      if (body.returnUrl !== undefined && !returnUrlAllowed(body.returnUrl, deps.returnOrigins)) {
        throw validationError([{ path: 'returnUrl', message: `must be on one of the origins in SESSION_RETURN_ORIGINS: ${deps.returnOrigins.join(', ')}` }]);
      }
      const token = randomBytes(32).toString('base64url');
      const createdAt = new Date();
      const expiresAt = new Date(createdAt.getTime() + LINK_TTL_MS);
      const id = newId('ses');
      await insertPageSession(deps.db, {
        id,
        accountId,
        tokenHash: pageLinkTokenHash(deps.hasher, token),
        locale: body.locale,
        returnUrl: body.returnUrl ?? null,
        createdAt,
        expiresAt,
      });
      return { id, url: `${deps.publicBaseUrl}/apply#t=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /** Spends the link and opens a browser session as the account's own token: the answer and its Set-Cookie. */
    async exchange(token: string): Promise<{ session: PageSession; setCookie: string }> {
      const now = new Date();
      const browserSessionExpiresAt = new Date(now.getTime() + BROWSER_SESSION_SECONDS * 1000);
      const result = await spendPageSessionLink(deps.db, { tokenHash: pageLinkTokenHash(deps.hasher, token), now, browserSessionExpiresAt });
      if ('refused' in result) {
        throw appError('PAGE_LINK_INVALID', `${REFUSALS[result.refused]} Ask the site that sent you here for a new link.`, {
          reason: result.refused,
          ...(result.locale ? { locale: result.locale } : {}),
        });
      }
      const link = result.spent;
      const minted = await deps.auth.mintPageSession(link.account_id, link.id, BROWSER_SESSION_SECONDS);
      const secure = deps.publicBaseUrl.startsWith('https:');
      return {
        session: { accountId: link.account_id, locale: link.locale as PageLocale, returnUrl: link.return_url, csrfToken: minted.csrfToken, expiresAt: minted.expiresAt },
        setCookie: pageCookieHeader(minted.token, { maxAgeSeconds: BROWSER_SESSION_SECONDS, secure }),
      };
    },
  };
}

export type SessionService = ReturnType<typeof buildSessionService>;
