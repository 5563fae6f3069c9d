import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { appError } from '../domain/errors';
import type { Secrets } from '../platform/config';

export type Role = 'service' | 'account' | 'reviewer' | 'admin';

export type Principal =
  | { role: 'service' | 'reviewer' | 'admin' }
  | { role: 'account'; accountId: string }
  /** Public routes (sandbox, signed callbacks): no rights on accounts. */
  | { role: 'anonymous' };

/** Who a bearer token can be. */
export type AuthenticatedPrincipal = Exclude<Principal, { role: 'anonymous' }>;

const ISSUER = 'realname-verification';
const AUDIENCE = 'account';

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface Authenticator {
  authenticate(req: Request): Promise<AuthenticatedPrincipal>;
  mintAccountToken(accountId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: string }>;
}

export function createAuthenticator(secrets: Secrets): Authenticator {
  // Compared as digests so neither the length nor the content leaks through timing.
  const staticKeys: [Buffer, AuthenticatedPrincipal][] = [
    [digest(secrets.serviceApiKey), { role: 'service' }],
    [digest(secrets.reviewerApiKey), { role: 'reviewer' }],
    [digest(secrets.adminApiKey), { role: 'admin' }],
  ];
  const jwtKey = new TextEncoder().encode(secrets.accountTokenSecret);

  return {
    async authenticate(req) {
      const header = req.get('authorization');
      const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!match) throw appError('UNAUTHENTICATED', 'Send `Authorization: Bearer <token>`.');
      const token = match[1]!;
      const presented = digest(token);
      for (const [key, principal] of staticKeys) {
        if (timingSafeEqual(key, presented)) return principal;
      }
      try {
        const { payload } = await jwtVerify(token, jwtKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw new Error('no subject');
        return { role: 'account', accountId: payload.sub };
      } catch (err) {
        const detail = err instanceof joseErrors.JWTExpired ? 'The account token has expired.' : 'The bearer token is not valid.';
        throw appError('UNAUTHENTICATED', detail);
      }
    },

    async mintAccountToken(accountId, ttlSeconds) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + ttlSeconds;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(accountId)
        // Every token is distinct, even two minted in the same second.
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .sign(jwtKey);
      return { token, expiresAt: new Date(exp * 1000).toISOString() };
    },
  };
}

/**
 * An account token sees only its own account: anything else answers 404, so
 * it cannot even learn that another account's resource exists.
 */
export function assertAccountAccess(principal: Principal, accountId: string, what = 'account'): void {
  if (principal.role === 'service' || principal.role === 'admin') return;
  if (principal.role === 'account') {
    if (principal.accountId !== accountId) throw appError('NOT_FOUND', `No such ${what}.`);
    return;
  }
  throw appError('FORBIDDEN', 'This role does not act on accounts.');
}

export const seesPlainPii = (principal: Principal) => principal.role === 'admin';

/** The scope an idempotency key belongs to: keys of different callers never collide. */
export const principalKey = (p: Principal) => (p.role === 'account' ? `account:${p.accountId}` : p.role);
