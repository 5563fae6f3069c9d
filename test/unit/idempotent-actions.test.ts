import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from '../../api/http/auth';
import { IdempotencyStore } from '../../api/http/idempotency';
import { problemMiddleware } from '../../api/http/problem';
import { verificationRoutes } from '../../api/verifications/routes';
import { createPiiCipher } from '../../platform/crypto';
import { createDb, migrateLatest, type Db } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { mainlandId } from '../support/http';
import { recordingTemporal, servicesOver, updateTimedOut, VERIFICATION_ID, type UpdateAnswer } from '../support/temporal-double';

/**
 * The verification actions over HTTP, through the route machinery and the
 * idempotency store (on an embedded PGlite database), with Temporal replaced
 * by a double that records the Updates sent: a request retried with its key
 * after a 503 sends the first attempt's update id, and a duplicate while the
 * first is being answered is refused without sending anything.
 */
let db: Db;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'rnv-idempotent-actions-'));
  db = createDb({ databaseUrl: undefined, dataDir: dir });
  await migrateLatest(db);
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const logger = createLogger('silent');
const asService = { authenticate: async () => ({ role: 'service' }) } as unknown as Authenticator;

/** The verification routes over a Temporal double that answers Updates with `answer`. */
async function serve(answer: UpdateAnswer) {
  const { client, sent } = recordingTemporal(answer);
  const app = express();
  app.use(express.json());
  const idempotency = new IdempotencyStore(db, createPiiCipher(randomBytes(32), randomBytes(32)));
  verificationRoutes({ app, registry: new OpenAPIRegistry(), auth: asService, idempotency, logger, db }, servicesOver(client).verifications);
  app.use(problemMiddleware(logger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (action: string, key: string, body?: unknown) => {
    const res = await fetch(`${base}/v1/verifications/${VERIFICATION_ID}/${action}`, {
      method: 'POST',
      headers: { 'idempotency-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  return { post, sent, close: () => new Promise((resolve) => server.close(resolve)) };
}

const mismatch = { result: 'mismatch', attemptsLeft: 1 };

/** Each action with a body that stays the same across a request's retries. */
const ACTIONS: [string, string, () => unknown][] = [
  ['qr', 'refreshQr', () => undefined],
  ['remittance-amount', 'submitAmount', () => ({ amount: '1.00' })],
  ['materials', 'resubmitMaterials', () => ({ handler: { name: '张三', idNumber: mainlandId() } })],
  ['cancel', 'cancel', () => undefined],
];

describe('a verification action retried with its Idempotency-Key', () => {
  it.each(ACTIONS)('POST …/%s after a 503 sends the first attempt’s update id; once answered, a retry is replayed and sends nothing', async (action, update, bodyOf) => {
    const app = await serve((_sent, index) => (index === 0 ? updateTimedOut() : Promise.resolve(mismatch)));
    try {
      const [key, body] = [randomUUID(), bodyOf()];
      const unanswered = await app.post(action, key, body);
      expect(unanswered.status, JSON.stringify(unanswered.body)).toBe(503);
      expect(unanswered.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);

      const retried = await app.post(action, key, body);
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      const replayed = await app.post(action, key, body);
      expect(replayed.status).toBe(200);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.body).toEqual(retried.body);

      expect(app.sent.map((s) => s.update)).toEqual([update, update]);
      expect(app.sent[0]!.updateId).toEqual(expect.any(String));
      expect(app.sent[1]!.updateId).toBe(app.sent[0]!.updateId);
      // Another request (another key) is another effect.
      expect((await app.post(action, randomUUID(), body)).status).toBe(200);
      expect(app.sent[2]!.updateId).not.toBe(app.sent[0]!.updateId);
    } finally {
      await app.close();
    }
  });

  it.each(ACTIONS)('POST …/%s sent again while the first is answered: 409 IDEMPOTENCY_IN_PROGRESS with Retry-After, one Update', async (action, update, bodyOf) => {
    let answerFirst!: () => void;
    const held = new Promise<void>((resolve) => (answerFirst = resolve));
    const app = await serve(async () => {
      await held;
      return mismatch;
    });
    try {
      const [key, body] = [randomUUID(), bodyOf()];
      const first = app.post(action, key, body);
      await vi.waitFor(() => expect(app.sent).toHaveLength(1));

      const second = await app.post(action, key, body);
      expect(second.status, JSON.stringify(second.body)).toBe(409);
      expect(second.body).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
      const retryAfter = Number(second.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(15);

      answerFirst();
      expect((await first).status).toBe(200);
      expect(app.sent.map((s) => s.update)).toEqual([update]);
    } finally {
      answerFirst();
      await app.close();
    }
  });
});
