// The pages' calls to the API: same origin, the browser session's cookie, the CSRF header on every write, an
// Idempotency-Key per action (a retried click is answered once), and problem documents turned into ApiError.
import { currentSession } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: Record<string, unknown>,
  ) {
    super(`${status} ${code}`);
  }
}

async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const session = currentSession();
  if (method !== 'GET') {
    if (session) headers['x-csrf-token'] = session.csrfToken;
    headers['idempotency-key'] = idempotencyKey ?? crypto.randomUUID();
  }
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const problem = (parsed ?? {}) as Record<string, unknown>;
    throw new ApiError(res.status, typeof problem.code === 'string' ? problem.code : `HTTP_${res.status}`, typeof problem.detail === 'string' ? problem.detail : '', problem);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown, idempotencyKey?: string) => call<T>('POST', path, body ?? {}, idempotencyKey),
  upload: <T>(path: string, form: FormData) => call<T>('POST', path, form),
};

/** The account's own paths. */
export const accountPath = (suffix = '') => `/v1/accounts/${encodeURIComponent(currentSession()?.accountId ?? '')}${suffix}`;
