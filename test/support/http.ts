import { randomInt, randomUUID } from 'node:crypto';
import { mainlandIdCheckChar } from '../../domain/id-number';
import { contractChecker } from './contract-check';

export const KEYS = { service: 'dev-service-key', reviewer: 'dev-reviewer-key', admin: 'dev-admin-key' } as const;

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A thin client over fetch: JSON in, JSON (or problem+json) out. */
export function http(baseUrl: string) {
  async function call<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? KEYS.service : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    // timeoutMs: no answer in that time fails the call (a request must never hang).
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), ...(signal ? { signal } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (docs page)
    }
    // Every JSON answer must be what the served document says, and no more (test/support/contract-check.ts).
    if (res.ok && /^application\/json/.test(res.headers.get('content-type') ?? '')) {
      const problems = (await contractChecker(baseUrl)).check(method, path, res.status, parsed);
      if (problems.length > 0) throw new Error(`${method} ${path} answered ${res.status} outside the served OpenAPI document:\n  ${problems.join('\n  ')}\n${text.slice(0, 2000)}`);
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  return {
    get: <T = any>(path: string, options?: Parameters<typeof call>[2]) => call<T>('GET', path, options),
    post: <T = any>(path: string, body?: unknown, options?: Parameters<typeof call>[2]) => call<T>('POST', path, { ...options, body }),
    put: <T = any>(path: string, body?: unknown, options?: Parameters<typeof call>[2]) => call<T>('PUT', path, { ...options, body }),
    call,
  };
}

export const uniqueAccount = (label = 'acct') => `${label}-${randomUUID().slice(0, 12)}`;

/** A valid mainland ID (GB 11643 check digit) for a person born on `birthDate` (YYYY-MM-DD). */
export function mainlandId(birthDate = `19${randomInt(60, 99)}-0${randomInt(1, 10)}-1${randomInt(0, 10)}`): string {
  const first17 = `110105${birthDate.replace(/-/g, '')}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  return first17 + mainlandIdCheckChar(first17);
}

export function individualBody(overrides: { realName?: string; idType?: string; idNumber?: string; method?: string } = {}) {
  return {
    subjectType: 'individual',
    method: overrides.method ?? 'wechat_qr',
    individual: {
      realName: overrides.realName ?? '张三',
      idType: overrides.idType ?? 'mainland_id',
      idNumber: overrides.idNumber ?? mainlandId(),
      industry: 'internet',
      address: { region: '北京市/朝阳区', detail: '望京街 1 号' },
    },
  };
}
