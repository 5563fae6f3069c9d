import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { appError } from '../../domain/errors';
import type { Secrets } from '../../platform/config';
import { CSRF_HEADER, needsCsrfHeader, pageCookieOf } from './page-cookie';

export type Role = 'service' | 'account' | 'reviewer' | 'admin';

/** Reviewers and admins are named people (API.md "Reviews"): the shared keys act as the staff named `reviewer` and `admin`. */
export type StaffRole = 'reviewer' | 'admin';

export type Principal =
  | { role: 'service' }
  | { role: StaffRole; name: string }
  | { role: 'account'; accountId: string }
  /** Public routes (sandbox, signed callbacks): no rights on accounts. */
  | { role: 'anonymous' };

/** Who a bearer token can be. */
export type AuthenticatedPrincipal = Exclude<Principal, { role: 'anonymous' }>;

const ISSUER = 'realname-verification';
const AUDIENCE = 'account';
const STAFF_AUDIENCE = 'staff';
/** A hosted page's browser session (SPEC §13): accepted from the cookie only, never as a bearer token, so it never skips the CSRF check. */
const PAGE_AUDIENCE = 'page';

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface Authenticator {
  authenticate(req: Request): Promise<AuthenticatedPrincipal>;
  mintAccountToken(accountId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: string }>;
  mintStaffToken(role: StaffRole, name: string, ttlSeconds: number): Promise<{ token: string; expiresAt: string }>;
  /**
   * A browser session acting as the account's own token, with the CSRF value its state-changing requests must send back.
   * It names its page_sessions row (`sid`): it works only while that row says the session stands.
   */
  mintPageSession(accountId: string, sessionId: string, ttlSeconds: number): Promise<{ token: string; csrfToken: string; expiresAt: string }>;
}

/** What the authenticator asks the database: whether a page session still stands (not ended by closure or retention). */
export interface PageSessionCheck {
  isPageSessionLive(sessionId: string): Promise<boolean>;
}

/** Who a verified token names: an account (audience `account`) or a member of staff (audience `staff`, `role` claim). */
function principalOf(payload: { sub?: string; aud?: string | string[]; role?: unknown }): AuthenticatedPrincipal {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new Error('no subject');
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audience.includes(STAFF_AUDIENCE)) {
    if (payload.role !== 'reviewer' && payload.role !== 'admin') throw new Error('no staff role');
    return { role: payload.role, name: payload.sub };
  }
  return { role: 'account', accountId: payload.sub };
}

export function createAuthenticator(secrets: Secrets, pageSessions: PageSessionCheck): Authenticator {
  // Compared as digests so neither the length nor the content leaks through timing.
  const staticKeys: [Buffer, AuthenticatedPrincipal][] = [
    [digest(secrets.serviceApiKey), { role: 'service' }],
    [digest(secrets.reviewerApiKey), { role: 'reviewer', name: 'reviewer' }],
    [digest(secrets.adminApiKey), { role: 'admin', name: 'admin' }],
  ];
  const jwtKey = new TextEncoder().encode(secrets.accountTokenSecret);

  return {
    async authenticate(req) {
      const header = req.get('authorization');
      const cookie = header === undefined ? pageCookieOf(req) : undefined;
      if (cookie !== undefined) return pageSessionPrincipal(jwtKey, pageSessions, cookie, req);
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match) throw appError('UNAUTHENTICATED', 'Send `Authorization: Bearer <token>`.');
      const token = match[1]!;
      const presented = digest(token);
      for (const [key, principal] of staticKeys) {
        if (timingSafeEqual(key, presented)) return principal;
      }
      try {
        const { payload } = await jwtVerify(token, jwtKey, { issuer: ISSUER, audience: [AUDIENCE, STAFF_AUDIENCE], algorithms: ['HS256'] });
        return principalOf(payload);
      } catch (err) {
        const detail = err instanceof joseErrors.JWTExpired ? 'The account token has expired.' : 'The bearer token is not valid.';
        throw appError('UNAUTHENTICATED', detail);
      }
    },

    mintAccountToken: (accountId, ttlSeconds) => mint(jwtKey, { subject: accountId, audience: AUDIENCE, claims: {}, ttlSeconds }),
    mintStaffToken: (role, name, ttlSeconds) => mint(jwtKey, { subject: name, audience: STAFF_AUDIENCE, claims: { role }, ttlSeconds }),
    async mintPageSession(accountId, sessionId, ttlSeconds) {
      const csrfToken = randomBytes(32).toString('base64url');
      return { ...(await mint(jwtKey, { subject: accountId, audience: PAGE_AUDIENCE, claims: { csrf: csrfToken, sid: sessionId }, ttlSeconds })), csrfToken };
    },
  };
}

const PAGE_SESSION_ENDED = 'The page session has ended: open a new link from the console.';
const PAGE_SESSION_INVALID = 'The page session is not valid: open a new link from the console.';

/**
 * The account a page session's cookie names, while its row says the session stands (the account's closure and
 * retention end it); a request that changes something must echo the session's CSRF value.
 */
async function pageSessionPrincipal(key: Uint8Array, sessions: PageSessionCheck, cookie: string, req: Request): Promise<AuthenticatedPrincipal> {
  let payload: { sub?: string; csrf?: unknown; sid?: unknown };
  try {
    ({ payload } = await jwtVerify<{ csrf?: unknown; sid?: unknown }>(cookie, key, { issuer: ISSUER, audience: PAGE_AUDIENCE, algorithms: ['HS256'] }));
  } catch (err) {
    throw appError('UNAUTHENTICATED', err instanceof joseErrors.JWTExpired ? PAGE_SESSION_ENDED : PAGE_SESSION_INVALID);
  }
  if (typeof payload.sub !== 'string' || typeof payload.csrf !== 'string' || typeof payload.sid !== 'string') throw appError('UNAUTHENTICATED', PAGE_SESSION_INVALID);
  if (needsCsrfHeader(req)) {
    const sent = req.get(CSRF_HEADER) ?? '';
    if (!timingSafeEqual(digest(sent), digest(payload.csrf))) throw appError('FORBIDDEN', `A request of the hosted pages that changes something must send ${CSRF_HEADER}.`);
  }
  // Last: the one database read, spent on a request that passed every other check.
  if (!(await sessions.isPageSessionLive(payload.sid))) throw appError('UNAUTHENTICATED', PAGE_SESSION_ENDED);
  return { role: 'account', accountId: payload.sub };
}

async function mint(key: Uint8Array, t: { subject: string; audience: string; claims: Record<string, string>; ttlSeconds: number }) {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + t.ttlSeconds;
  const token = await new SignJWT(t.claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(t.subject)
    // Every token is distinct, even two minted in the same second.
    .setJti(randomUUID())
    .setIssuer(ISSUER)
    .setAudience(t.audience)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The name a principal acts under in records (decisions, claims, the audit log). */
export const actorName = (p: AuthenticatedPrincipal) => (p.role === 'account' ? p.accountId : p.role === 'service' ? 'service' : p.name);

export const seesPlainPii = (principal: Principal) => principal.role === 'admin';

/** The scope an idempotency key belongs to: keys of different callers never collide. */
export const principalKey = (p: Principal) => (p.role === 'account' ? `account:${p.accountId}` : p.role);
