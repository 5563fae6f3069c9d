import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scanWechat } from '../support/changes';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { uniqueName } from '../support/personal-values';
import { eventually } from '../support/temporal-test-env';
import { webhookReceiver, type Receiver } from '../support/webhook-receiver';

/**
 * The event log and replay (API.md "Webhooks to clients"), end to end: a
 * verification's events are listed newest first, as the endpoint received
 * them, filtered by type and time; a replay by ids or since a time delivers
 * them again to the endpoint, with the same ids, signed when sent; a disabled
 * endpoint is refused a replay until PATCH turns it back on. The stack is
 * shared: other files' events are acknowledged and left out.
 */
const api = http(inject('baseUrl'));
const baseUrl = inject('baseUrl');
const account = uniqueAccount('log');

let receiver: Receiver;
let endpoint: Receiver['endpoint'];
let db: Knex;

beforeAll(async () => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
  receiver = await webhookReceiver(baseUrl, { keep: (event) => event.data.object.accountId === account, description: 'event log receiver' });
  endpoint = receiver.endpoint;
});

afterAll(async () => {
  await receiver?.close();
  await db?.destroy();
});

const received = () => receiver.received;
const ours = (items: any[]): any[] => items.filter((e) => e.data.object.accountId === account);

describe('the webhook event log', () => {
  let verificationId: string;
  let startedAt: string;
  let eventIds: string[];

  beforeAll(async () => {
    startedAt = new Date(Date.now() - 1000).toISOString();
    const idNumber = mainlandId('1991-04-08');
    const realName = uniqueName();
    const started = await api.post(`/v1/accounts/${account}/verifications`, individualBody({ idNumber, realName }));
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    verificationId = started.body.id;
    await scanWechat(baseUrl, started.body.nextAction.ticket, { realName, idNumber });
    await eventually(async () => expect(received().some((r) => r.event.data.object.status === 'verified')).toBe(true), { timeoutMs: 60_000, intervalMs: 100 });
    eventIds = received().map((r) => r.event.id);
  });

  it('lists the events newest first, as the endpoint received them, by type and since a time', async () => {
    const listed = await api.get(`/v1/events?type=verification.updated&since=${encodeURIComponent(startedAt)}&limit=100`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const mine = ours(listed.body.items);
    expect(mine.map((e: { id: string }) => e.id)).toEqual([...eventIds].reverse());
    // Exactly what was delivered: the name opened, the ID number masked.
    expect(mine[0]).toEqual(received().find((r) => r.event.id === eventIds.at(-1))!.event);
    expect(mine[0].data.object.id).toBe(verificationId);

    expect(ours((await api.get(`/v1/events?type=change.updated&since=${encodeURIComponent(startedAt)}&limit=100`)).body.items)).toEqual([]);
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect((await api.get(`/v1/events?since=${encodeURIComponent(later)}`)).body.items).toEqual([]);
    expect((await api.get('/v1/events?type=nothing')).status).toBe(422);
    // Paged like the other lists.
    const first = await api.get(`/v1/events?since=${encodeURIComponent(startedAt)}&limit=1`);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await api.get(`/v1/events?since=${encodeURIComponent(startedAt)}&limit=1&cursor=${first.body.nextCursor}`);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('is for the service and admins only', async () => {
    expect((await api.get('/v1/events', { token: 'nope' })).status).toBe(401);
  });

  it('replays named events to the endpoint: the same ids, signed again', async () => {
    const replayed = await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { eventIds: [eventIds[0]] });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(202);
    expect(replayed.body).toEqual({ queued: 1 });
    await eventually(async () => expect(receiver.times(eventIds[0]!)).toBe(2), { timeoutMs: 30_000, intervalMs: 100 });
    expect(received().every(receiver.signed)).toBe(true);
    expect(receiver.times(eventIds[1]!)).toBe(1);
  });

  it('replays every event since a time, in order', async () => {
    const before = received().length;
    const replayed = await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { since: startedAt });
    expect(replayed.status, JSON.stringify(replayed.body)).toBe(202);
    expect(replayed.body.queued).toBeGreaterThanOrEqual(eventIds.length);
    await eventually(async () => expect(received().length - before).toBe(eventIds.length), { timeoutMs: 30_000, intervalMs: 100 });
    const again = received().slice(before);
    expect(again.map((r) => r.event.id)).toEqual(eventIds);
    expect(again.every(receiver.signed)).toBe(true);
  });

  it('refuses bad replays: both or neither selection, an unknown endpoint', async () => {
    expect((await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, {})).status).toBe(422);
    expect((await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { since: startedAt, eventIds: [eventIds[0]] })).status).toBe(422);
    expect((await api.post('/v1/webhook-endpoints/whe_doesnotexist1/replay', { since: startedAt })).status).toBe(404);
  });

  it('a disabled endpoint gets no new events and no replay until PATCH turns it back on', async () => {
    // As the delivery leaves it after WEBHOOK_DISABLE_AFTER of failures (test/e2e/webhook-disable.test.ts).
    await db('webhook_endpoints').where({ id: endpoint.id }).update({ status: 'disabled', disabled_at: db.fn.now() });
    const listed = (await api.get('/v1/webhook-endpoints?limit=100')).body.items.find((e: { id: string }) => e.id === endpoint.id);
    expect(listed).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
    const refused = await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { since: startedAt });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/enable it first/);

    expect((await api.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { body: { status: 'disabled' } })).status).toBe(422);
    const enabled = await api.call('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { body: { status: 'enabled' } });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(enabled.body).toMatchObject({ id: endpoint.id, status: 'enabled', disabledAt: null });
    expect((await api.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, { eventIds: [eventIds[0]] })).status).toBe(202);
    expect((await api.call('PATCH', '/v1/webhook-endpoints/whe_doesnotexist1', { body: { status: 'enabled' } })).status).toBe(404);
  });
});
