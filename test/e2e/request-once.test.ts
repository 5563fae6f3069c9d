import { randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestHash } from '../../api/http/idempotency';
import { updateIdOf } from '../../api/verifications/process-start';
import { dataConverter } from '../../platform/temporal';
import { submitAmountUpdate, verificationWorkflowId } from '../../workflows/messages';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * One request, one effect (SPEC §10), over HTTP: an action retried with its
 * Idempotency-Key, or clicked twice, is one amount entry, one decision. The
 * payout amount is 1-99 fen, so 1.00 yuan is always a wrong amount.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const reviewer = { token: KEYS.reviewer };
const WRONG = { amount: '1.00' };
let db: Knex;
let temporal: Client;

beforeAll(async () => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection, dataConverter: dataConverter(Buffer.from(inject('secrets').codecKey, 'base64')) });
});
afterAll(async () => {
  await db?.destroy();
  await temporal?.connection.close();
});

const withKey = (key: string, token?: { token: string }) => ({ ...token, headers: { 'idempotency-key': key } });

/** A public remittance approved (with a key, twice: one decision) and paid out: it waits for the amount. */
async function awaitingAmount() {
  const e = enterprise();
  await register(baseUrl, e);
  const v = await remittanceInReview(baseUrl, uniqueAccount('once'), e);
  const key = randomUUID();
  const decided = await api.post(`/v1/reviews/${v.reviewId}/decision`, { decision: 'approve' }, withKey(key, reviewer));
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  const again = await api.post(`/v1/reviews/${v.reviewId}/decision`, { decision: 'approve' }, withKey(key, reviewer));
  expect(again.status, JSON.stringify(again.body)).toBe(200);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).toEqual(decided.body);
  return eventually(async () => {
    const current = (await api.get(`/v1/verifications/${v.id}`)).body;
    expect(current).toMatchObject({ step: 'awaiting_amount', nextAction: { type: 'enter_amount', attemptsLeft: 2 } });
    return current as { id: string; accountId: string };
  }, { timeoutMs: 20_000 });
}

const stateOf = async (id: string) => (await api.get(`/v1/verifications/${id}`)).body;

describe('an amount entry retried with its Idempotency-Key', () => {
  it('the same wrong amount sent twice with one key is one mismatch; the repeat is the first answer, replayed', async () => {
    const v = await awaitingAmount();
    const path = `/v1/verifications/${v.id}/remittance-amount`;
    const key = randomUUID();
    const first = await api.post(path, WRONG, withKey(key));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ result: 'mismatch', attemptsLeft: 1, verification: { status: 'in_progress' } });
    const again = await api.post(path, WRONG, withKey(key));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await stateOf(v.id)).toMatchObject({ status: 'in_progress', step: 'awaiting_amount', nextAction: { attemptsLeft: 1 } });
    // The approval sent twice under one key ordered one payout.
    await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [v.accountId] });
  });

  it('a first attempt whose Update reached the workflow but whose answer was lost: the retry gets that answer, not a second mismatch', async () => {
    const v = await awaitingAmount();
    const path = `/v1/verifications/${v.id}/remittance-amount`;
    const key = randomUUID();
    const seed = randomUUID();
    // As if an API process had reserved the key, sent the Update, and died before answering.
    await db('idempotency_keys').insert({ principal: 'service', key, request_hash: requestHash('POST', path, WRONG), seed, state: 'processing', updated_at: new Date(Date.now() - 60_000) });
    const handle = temporal.workflow.getHandle(verificationWorkflowId(v.id));
    expect(await handle.executeUpdate(submitAmountUpdate, { args: [100], updateId: updateIdOf(submitAmountUpdate, seed) })).toEqual({ result: 'mismatch', attemptsLeft: 1 });

    const retried = await api.post(path, WRONG, withKey(key));
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ result: 'mismatch', attemptsLeft: 1, verification: { status: 'in_progress' } });
    expect(await stateOf(v.id)).toMatchObject({ status: 'in_progress', step: 'awaiting_amount', nextAction: { attemptsLeft: 1 } });
    // The approval sent twice under one key ordered one payout.
    await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [v.accountId] });
  });
});
