import type { Request } from 'express';

/**
 * The hosted pages' browser session (SPEC §13) travels in a cookie the page's
 * script cannot read (HttpOnly), sent to this origin only (SameSite=Strict)
 * and, behind https, never in clear (Secure). Requests it authenticates that
 * change something must also carry CSRF_HEADER with the value the exchange
 * answered: a form on another site can send the cookie, never the header.
 */
export const PAGE_COOKIE = 'rnv_page_session';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Methods that change nothing: the only ones the cookie authenticates without the CSRF header. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const needsCsrfHeader = (req: Request) => !SAFE_METHODS.has(req.method);

/** The cookie's value in the request, if any (no cookie parser: this is the one cookie the service reads). */
export function pageCookieOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === PAGE_COOKIE && value.length > 0) return value.join('=');
  }
  return undefined;
}

/** The Set-Cookie header that opens the browser session, for its lifetime. */
export function pageCookieHeader(token: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [`${PAGE_COOKIE}=${token}`, 'Path=/', `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])].join('; ');
}
