import { expect } from 'vitest';
import type { http, HttpResult } from './http';

/**
 * What a client sees while PostgreSQL or the Temporal server is down, and
 * right after: answers in bounded time (never a hang), 503 problem documents
 * with a code and Retry-After (never a 500), and a create retried with its
 * Idempotency-Key that succeeds once when the part is back.
 */
type Api = ReturnType<typeof http>;

/** Longer than any bound the service puts on waiting for a dependency: past it, the request hung. */
export const ANSWER_WITHIN_MS = 30_000;

/** A request that must be answered within ANSWER_WITHIN_MS, whatever is down. */
export async function promptly(api: Api, method: string, path: string, options: Parameters<Api['call']>[2] = {}): Promise<HttpResult> {
  try {
    return await api.call(method, path, { ...options, timeoutMs: ANSWER_WITHIN_MS });
  } catch (err) {
    throw new Error(`${method} ${path} got no answer within ${ANSWER_WITHIN_MS} ms: ${(err as Error).message}`);
  }
}

export function expectUnavailable(res: HttpResult, label: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(503);
  expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
  expect(res.body, label).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(Number(res.headers.get('retry-after')), `${label}: Retry-After`).toBeGreaterThan(0);
}

export interface Create {
  accountId: string;
  body: unknown;
  key: string;
}

const createOf = (api: Api, c: Create) => promptly(api, 'POST', `/v1/accounts/${c.accountId}/verifications`, { body: c.body, headers: { 'idempotency-key': c.key } });

/** The create while a dependency is down: refused 503, and nothing of it exists. */
export async function expectCreateRefused(api: Api, c: Create, label: string): Promise<void> {
  expectUnavailable(await createOf(api, c), `${label}: create`);
}

/**
 * After recovery: the same create, retried with its key until it goes through
 * (503 or 409 IDEMPOTENCY_IN_PROGRESS meanwhile, never another answer), makes
 * one verification; a replay answers the same one.
 */
export async function expectCreatedOnce(api: Api, c: Create): Promise<{ id: string; nextAction: { ticket: string } }> {
  const created = await createWhenBack(api, c);
  const replay = await createOf(api, c);
  expect(replay.status, JSON.stringify(replay.body)).toBe(201);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.body.id).toBe(created.id);
  const list = await promptly(api, 'GET', `/v1/accounts/${c.accountId}/verifications`);
  expect(list.body.items.map((v: { id: string }) => v.id)).toEqual([created.id]);
  return created;
}

/** Retries the create until 201; any answer but 503 or 409 IDEMPOTENCY_IN_PROGRESS on the way fails at once. */
async function createWhenBack(api: Api, c: Create): Promise<{ id: string; nextAction: { ticket: string } }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await createOf(api, c);
    if (res.status === 201) {
      expect(res.body).toMatchObject({ accountId: c.accountId, status: 'in_progress' });
      return res.body as { id: string; nextAction: { ticket: string } };
    }
    if (res.status === 503) expectUnavailable(res, 'create while recovering');
    else expect({ status: res.status, code: res.body?.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
    if (Date.now() > deadline) throw new Error(`the create was not answered 201 within 60 s after recovery: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
