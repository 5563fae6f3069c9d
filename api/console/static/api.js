// The console's only way to the API: the bearer token from this tab's session, problem documents turned into messages.

const TOKEN_KEY = 'rnv.console.token';
const NAME_KEY = 'rnv.console.name';

/** Thrown for every answer that is not 2xx; `problem` is the RFC 9457 document (or what stood in for it). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

const listeners = new Set();

/**
 * The token lives in sessionStorage: gone when the tab closes, never in the URL (URLs end up in
 * histories, logs and Referer headers).
 */
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  /** Who the token names: a staff token says so in its payload; the shared key acts as `reviewer`. */
  get who() {
    const token = this.token;
    if (!token) return null;
    const claims = jwtPayload(token);
    if (claims && typeof claims.sub === 'string') return { name: claims.sub, role: claims.role ?? null, expiresAt: claims.exp ? claims.exp * 1000 : null, shared: false };
    return { name: sessionStorage.getItem(NAME_KEY) ?? 'reviewer', role: null, expiresAt: null, shared: true };
  },
  signIn(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.removeItem(NAME_KEY);
  },
  /** A shared key's holder learns its name from the first claim it makes (the admin key acts as `admin`). */
  learnName(name) {
    if (this.who?.shared && name) sessionStorage.setItem(NAME_KEY, name);
  },
  /** `reason`: why the reviewer is back at sign-in (shown there), or null for a sign-out. */
  signOut(reason = null) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(NAME_KEY);
    for (const listener of listeners) listener(reason);
  },
  onSignOut(listener) {
    listeners.add(listener);
  },
};

function jwtPayload(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

async function send(method, path, { body, token = session.token } = {}) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, { code: 'NETWORK', title: 'Network error', detail: 'The API could not be reached.' });
  }
  return res;
}

async function problemOf(res) {
  try {
    return await res.json();
  } catch {
    return { title: res.statusText, status: res.status };
  }
}

/** A JSON call. A 401 ends the session: the sign-in page says why. */
export async function api(method, path, body) {
  const token = session.token;
  const res = await send(method, path, { body, token });
  if (res.ok) return res.status === 204 ? null : res.json();
  const problem = await problemOf(res);
  if (res.status === 401 && token) session.signOut(messageFor(new ApiError(401, problem)));
  throw new ApiError(res.status, problem);
}

/** Checks a token before keeping it: any reviewer or admin may read the queue. */
export async function checkToken(token) {
  const res = await send('GET', '/v1/reviews?status=open&limit=1', { token });
  if (res.ok) return;
  throw new ApiError(res.status, await problemOf(res));
}

/**
 * An upload's bytes with the bearer token (an <img src> cannot send one), as a blob. The link is built from
 * the server's PUBLIC_BASE_URL, which may name this host differently (localhost / 127.0.0.1, a proxy):
 * the console asks its own origin, the only one its Content-Security-Policy lets it reach.
 */
export async function fetchContent(contentUrl) {
  const url = new URL(contentUrl, location.origin);
  const path = url.origin === location.origin ? url.href : url.pathname + url.search;
  const token = session.token;
  const res = await send('GET', path, { token });
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && token) session.signOut(messageFor(new ApiError(401, problem)));
    throw new ApiError(res.status, problem);
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return { type, blob: await res.blob() };
}

/** What a refusal means for the reviewer, in Chinese and English. */
export function messageFor(error) {
  const problem = error.problem ?? {};
  const code = problem.code;
  if (code === 'REVIEW_CLAIMED') {
    const name = problem.claimedBy?.name ?? '另一位审核员';
    const en = problem.claimedBy?.name ?? 'another reviewer';
    return { zh: `此案件已由 ${name} 认领，只有认领人可以处理或释放。`, en: `This case is claimed by ${en}; only they can decide or release it.` };
  }
  if (code === 'SECOND_REVIEWER_REQUIRED') return { zh: '您已批准此案件，需由另一位审核员批准。', en: 'You approved this case already: another reviewer must approve it.' };
  if (code === 'REVIEW_NOT_OPEN') return { zh: '此案件已不再待审核（已决定、撤回或过期）。', en: 'This case is no longer open: it was decided, revoked or expired.' };
  if (error.status === 401) return { zh: '登录已失效（令牌过期或无效），请重新登录。', en: 'Your sign-in has ended (the token expired or is not valid); sign in again.' };
  if (error.status === 403) return { zh: '此令牌无权使用审核台，仅限审核员和管理员。', en: 'This token may not use the console: reviewers and admins only.' };
  if (error.status === 404) return { zh: '找不到此案件或操作。', en: `Not found: ${problem.detail ?? 'no such case or action.'}` };
  if (code === 'VALIDATION_FAILED') {
    const details = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
    return { zh: '输入有误，请检查。', en: `Check the input${details ? `: ${details}` : '.'}` };
  }
  if (error.status === 429 || error.status === 503) return { zh: '服务暂时不可用，请稍后重试。', en: `The service is busy or unavailable; try again shortly. ${problem.detail ?? ''}`.trim() };
  if (error.status === 0) return { zh: '无法连接服务。', en: 'The API could not be reached.' };
  return { zh: '操作失败。', en: `${problem.title ?? 'Error'}${problem.detail ? `: ${problem.detail}` : ''}` };
}
