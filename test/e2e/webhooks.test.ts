import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newSubjectBody, requestChange, scanWechat } from '../support/changes';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { decodedHistory } from '../support/history';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { uniqueName } from '../support/personal-values';
import { webhookDeliveryWorkflowId } from '../../workflows/webhook-messages';
import { eventually } from '../support/temporal-test-env';
import { webhookReceiver, type ReceivedEvent, type Receiver } from '../support/webhook-receiver';

/**
 * Webhooks to clients (API.md), end to end: a local receiver registered as an
 * endpoint answers 500 to the first two attempts of every event of this file's
 * accounts, then 200. Every status or step change of a verification and of a
 * change, and a review decision, arrives signed with the endpoint's secret,
 * retried, in order, masked, and as GET shows it. The stack is shared: the
 * receiver also gets other files' events, acknowledged at once and left out.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);

const accounts = { wechat: uniqueAccount('hook'), remittance: uniqueAccount('hook') };
const mine = new Set(Object.values(accounts));
let receiver: Receiver;
let received: ReceivedEvent[];
let signed: Receiver['signed'];
let db: Knex;
let endpoint: Receiver['endpoint'];

beforeAll(async () => {
  db = knex({ client: 'pg', connection: inject('databaseUrl') });
  // Fails the first two attempts of each of this file's events, then acknowledges.
  receiver = await webhookReceiver(baseUrl, {
    keep: (event) => mine.has(event.data.object.accountId),
    answer: (_event, attempt) => (attempt <= 2 ? 500 : 200),
    path: '/hooks?source=e2e',
    headers: { 'Idempotency-Key': `hook-${accounts.wechat}` },
  });
  ({ endpoint, received, signed } = receiver);
});

afterAll(async () => {
  await receiver?.close();
  await db?.destroy();
});

/** What the endpoint acknowledged for one resource, in arrival order. */
const acknowledged = (resourceId: string) => received.filter((r) => r.answered === 200 && r.event.data.object.id === resourceId);

/** Waits for the endpoint to acknowledge an event of the resource that satisfies `until`; returns the resource's acknowledged events. */
async function deliveredUntil(resourceId: string, until: (object: Record<string, any>) => boolean) {
  return eventually(
    async () => {
      const events = acknowledged(resourceId);
      expect(events.some((r) => until(r.event.data.object))).toBe(true);
      return events;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** Every attempt signed; each event tried three times (500, 500, 200); the next event only after the one before it was acknowledged. */
function expectSignedRetriedInOrder(resourceId: string) {
  const all = received.filter((r) => r.event.data.object.id === resourceId);
  expect(all.every(signed)).toBe(true);
  expect(all.every((r) => r.contentType.startsWith('application/json'))).toBe(true);
  const events = acknowledged(resourceId);
  expect(new Set(events.map((r) => r.event.id)).size).toBe(events.length);
  for (const [i, event] of events.entries()) {
    const tries = all.filter((r) => r.event.id === event.event.id);
    expect(tries.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(100);
    if (i > 0) expect(tries[0]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
  }
  return events;
}

const states = (events: ReceivedEvent[]) => events.map((r) => `${r.event.data.object.status}:${r.event.data.object.step}`);

describe('webhook endpoints', () => {
  it('are for the service and admins only, list without secrets, and keep the secret sealed', async () => {
    expect(endpoint).toMatchObject({ id: expect.stringMatching(/^whe_/), url: expect.stringContaining('/hooks?source=e2e'), secret: expect.stringMatching(/^whsec_/) });
    expect(Number.isNaN(Date.parse(endpoint.createdAt))).toBe(false);
    // A retry with the same key answers the same endpoint, without its secret.
    const replay = await api.post('/v1/webhook-endpoints', { url: endpoint.url, description: 'e2e receiver' }, { headers: { 'Idempotency-Key': `hook-${accounts.wechat}` } });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual({ id: endpoint.id, url: endpoint.url, description: 'e2e receiver', createdAt: endpoint.createdAt, status: 'enabled', disabledAt: null });

    const listed = await api.get('/v1/webhook-endpoints?limit=100', { token: KEYS.admin });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual({ id: endpoint.id, url: endpoint.url, description: 'e2e receiver', createdAt: endpoint.createdAt, status: 'enabled', disabledAt: null });
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    const accountToken = (await api.post('/v1/admin/account-tokens', { accountId: accounts.wechat, ttlSeconds: 600 })).body.token as string;
    for (const [token, status] of [[KEYS.reviewer, 403], [accountToken, 403], [null, 401]] as const) {
      expect((await api.get('/v1/webhook-endpoints', { token })).status).toBe(status);
      expect((await api.post('/v1/webhook-endpoints', { url: 'https://example.com/hook' }, { token })).status).toBe(status);
      expect((await api.call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { token })).status).toBe(status);
    }
    for (const url of ['ftp://example.com/hook', 'http://user:pass@example.com/hook', 'example.com/hook', 'http://1.2.3.999/']) {
      const refused = await api.post('/v1/webhook-endpoints', { url });
      expect(refused.status, url).toBe(422);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    // SPEC §10: no door to the inside (loopback is allowed here: this stack does not run in production).
    for (const [url, reason] of [
      ['http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
      ['http://169.254.169.254/latest/meta-data/', /a cloud metadata address/],
      ['http://100.100.100.200/latest/meta-data/', /a cloud metadata address/],
      ['http://100.64.0.7/hook', /a carrier-grade NAT address/],
      ['http://metadata.google.internal/computeMetadata/v1/', /a cloud metadata host name/],
      ['https://nowhere.invalid/hook', /nowhere\.invalid does not resolve/],
    ] as const) {
      const refused = await api.post('/v1/webhook-endpoints', { url });
      expect(refused.status, url).toBe(422);
      expect(refused.body, url).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'url', message: expect.stringMatching(reason) }] });
    }

    const row = await db('webhook_endpoints').where({ id: endpoint.id }).first();
    expect(row.secret_enc).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(endpoint.secret);
  });

  it('receive every status and step change of a WeChat verification: signed, retried, in order, masked, as GET shows it', async () => {
    const idNumber = mainlandId('1990-03-07');
    const realName = uniqueName();
    const started = await api.post(`/v1/accounts/${accounts.wechat}/verifications`, individualBody({ idNumber, realName }));
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await scanWechat(baseUrl, started.body.nextAction.ticket, { realName, idNumber });

    await deliveredUntil(started.body.id, (v) => v.status === 'verified');
    const events = expectSignedRetriedInOrder(started.body.id);
    expect(states(events)).toEqual(['in_progress:null', 'in_progress:awaiting_scan', 'verified:null']);
    for (const { event, raw } of events) {
      expect(event).toMatchObject({ id: expect.stringMatching(/^evt_/), type: 'verification.updated', data: { object: { id: started.body.id, accountId: accounts.wechat } } });
      expect(raw).not.toContain(idNumber);
      expect(event.data.object.subject.idNumber).toBe(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`);
    }
    // Each event shows the verification as it was then; the last one, as GET shows it now.
    expect(events[1]!.event.data.object.nextAction).toMatchObject({ type: 'scan_qr', ticket: started.body.nextAction.ticket });
    expect(events[2]!.event.data.object).toEqual((await api.get(`/v1/verifications/${started.body.id}`)).body);
    // The name is shown, but travels sealed through the delivery's history: the delivery opens it as it sends (SPEC §11).
    expect(events[2]!.event.data.object.subject.realName).toBe(realName);
    const history = await decodedHistory(webhookDeliveryWorkflowId(endpoint.id, started.body.id));
    expect(history).toMatch(new RegExp(`realName\\\\":\\\\"pd1\\.${started.body.id}\\.`));
    expect(history).not.toContain(realName);

    const delivery = await db('webhook_deliveries').where({ endpoint_id: endpoint.id, event_id: events[2]!.event.id }).first();
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status: 200 });
  });

  it('receive a change of subject step by step, to its revocation', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const change = await requestChange(baseUrl, accounts.wechat, { type: 'individual_to_enterprise', agreementAccepted: true, ...(await newSubjectBody(baseUrl, accounts.wechat, 'legal_person_face', e)) });
    await deliveredUntil(change.id, (c) => c.step === 'awaiting_holder_face');
    expect((await api.post(`/v1/changes/${change.id}/revoke`)).status).toBe(200);

    const events = expectSignedRetriedInOrder(change.id);
    await deliveredUntil(change.id, (c) => c.status === 'revoked');
    const all = expectSignedRetriedInOrder(change.id);
    expect(all.length).toBeGreaterThan(events.length);
    expect(states(all)).toEqual(['in_progress:null', 'in_progress:awaiting_holder_face', 'revoked:null']);
    expect(all.every((r) => r.event.type === 'change.updated')).toBe(true);
    expect(all.at(-1)!.event.data.object).toEqual((await api.get(`/v1/changes/${change.id}`)).body);
  });

  it('receive a review decision, and nothing once the endpoint is deleted', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const inReview = await remittanceInReview(baseUrl, accounts.remittance, e);
    const reviewId = inReview.reviewId as string;
    const decided = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'reject', reason: '照片不清晰 photo unclear' }, { token: KEYS.reviewer });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    const [decision] = await deliveredUntil(reviewId, () => true);
    expect(decision!.event).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'review.decided',
      data: { object: { id: reviewId, kind: 'public_remittance', processId: inReview.id, status: 'decided', decision: { decision: 'reject', reason: '照片不清晰 photo unclear', by: { name: 'reviewer' } } } },
    });
    expect(signed(decision!)).toBe(true);
    expect(decision!.raw).not.toContain(e.legalPerson.idNumber);
    // The verification's own events show the rejection.
    await deliveredUntil(inReview.id, (v) => v.rejection?.reason === '照片不清晰 photo unclear');
    expectSignedRetriedInOrder(inReview.id);

    expect((await api.call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
    expect((await api.get('/v1/webhook-endpoints?limit=100')).body.items.map((x: { id: string }) => x.id)).not.toContain(endpoint.id);
    const cancelled = await api.post(`/v1/verifications/${inReview.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(received.filter((r) => r.event.data.object.id === inReview.id && r.event.data.object.status === 'cancelled')).toEqual([]);
  });
});
