import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifiedIndividual } from '../support/changes';
import { http, uniqueAccount } from '../support/http';
import { uniqueName } from '../support/personal-values';
import { eventually } from '../support/temporal-test-env';
import { webhookReceiver, type Receiver } from '../support/webhook-receiver';

/**
 * The event log after an account's erasure (API.md "Webhooks to clients", SPEC §11): the events stay listed for their
 * 30 days and can be replayed, with the same ids, but the names they carried read `[erased]`: the bodies are sealed
 * with the process's data key, and closure destroys the key. Nothing of the person comes back through the log.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const account = uniqueAccount('erased-log');
const realName = uniqueName();

let receiver: Receiver;
beforeAll(async () => {
  receiver = await webhookReceiver(baseUrl, { keep: (event) => event.data.object.accountId === account, description: 'erased event log receiver' });
});
afterAll(async () => {
  await receiver?.close();
});

const ours = (items: any[]): any[] => items.filter((e) => e.data.object.accountId === account);

describe('the event log of an erased account', () => {
  it('lists and replays its events with the same ids and placeholders for the names', { timeout: 90_000 }, async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    await verifiedIndividual(baseUrl, account, { realName });
    await eventually(async () => expect(receiver.received.some((r) => r.event.data.object.status === 'verified')).toBe(true), { timeoutMs: 60_000, intervalMs: 100 });
    const delivered = receiver.received.map((r) => r.event.id);
    // Before the closure the log shows the name, as the endpoint received it.
    const before = ours((await api.get(`/v1/events?since=${encodeURIComponent(since)}&limit=100`)).body.items);
    expect(before.map((e) => e.id)).toEqual([...delivered].reverse());
    expect(JSON.stringify(before)).toContain(realName);

    const closing = await api.post(`/v1/accounts/${account}/closure`, { reason: 'the customer asked' });
    expect(closing.status, JSON.stringify(closing.body)).toBe(202);
    await eventually(async () => expect((await api.get(`/v1/accounts/${account}/closure`)).body.status).toBe('completed'), { timeoutMs: 30_000 });

    // Listed: the same events, the name gone.
    const after = ours((await api.get(`/v1/events?since=${encodeURIComponent(since)}&limit=100`)).body.items);
    expect(after.map((e) => e.id)).toEqual(expect.arrayContaining(delivered));
    expect(JSON.stringify(after)).not.toContain(realName);
    const verified = after.find((e) => e.data.object.status === 'verified');
    expect(JSON.stringify(verified.data.object)).toContain('[erased]');

    // Replayed: the same ids again, signed, carrying the placeholder and not the name.
    const count = receiver.received.length;
    const replay = await api.post(`/v1/webhook-endpoints/${receiver.endpoint.id}/replay`, { eventIds: delivered });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body).toEqual({ queued: delivered.length });
    await eventually(async () => expect(receiver.received.length - count).toBeGreaterThanOrEqual(delivered.length), { timeoutMs: 30_000, intervalMs: 100 });
    const again = receiver.received.slice(count).filter((r) => delivered.includes(r.event.id));
    expect(again.map((r) => r.event.id)).toEqual(delivered);
    expect(again.every(receiver.signed)).toBe(true);
    expect(again.map((r) => r.raw).join('\n')).not.toContain(realName);
    expect(again.find((r) => r.event.data.object.status === 'verified')!.raw).toContain('[erased]');
  });
});
