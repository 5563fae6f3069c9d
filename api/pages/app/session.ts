// The browser session (SPEC §13): the link's one-time token is exchanged for an HttpOnly cookie the script never sees,
// and this tab keeps what the exchange answered (the account, the CSRF value for writes, the language, the way back).
import type { PageLocale, PageSession } from '../../../contracts/session';

const KEY = 'rnv-page-session';

export type DoorRefusal = 'used' | 'expired' | 'unknown' | 'ended' | 'none' | 'failed';

export function currentSession(): PageSession | undefined {
  const stored = sessionStorage.getItem(KEY);
  return stored ? (JSON.parse(stored) as PageSession) : undefined;
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}

/** Reads the token out of the address bar (and takes it out at once), then exchanges it; or resumes this tab's session. */
export async function openSession(): Promise<{ session: PageSession } | { refused: DoorRefusal; locale?: PageLocale }> {
  const token = new URLSearchParams(location.hash.slice(1)).get('t');
  if (token) history.replaceState(null, '', location.pathname + location.search);
  if (!token) {
    const session = currentSession();
    return session ? { session } : { refused: 'none' };
  }
  const res = await fetch('/v1/sessions/exchange', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const reason = typeof body.reason === 'string' ? (body.reason as DoorRefusal) : 'failed';
    return { refused: reason, locale: (body.locale as PageLocale | undefined) ?? currentSession()?.locale };
  }
  const session = body as unknown as PageSession;
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return { session };
}
