import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/processes';
import { newSubjectBody, requestChange, verifiedIndividual } from '../support/changes';
import { enterprise, register, remit, startRecharge } from '../support/enterprise';
import { uniqueAccount } from '../support/http';
import { startOwnStack, type OwnStack } from '../support/own-stack';
import { eventually } from '../support/temporal-test-env';

/**
 * Reminders end to end (SPEC §12), on a stack of its own whose windows are a
 * minute (TRANSFER_WINDOW, CHANGE_VALIDITY) and whose reminders come 45 s and
 * 20 s before they close: the message centre shows a message of kind
 * `reminder`, the sandbox sent an SMS and an email, and a webhook endpoint
 * receives `verification.reminder` / `change.reminder` with the deadline; a
 * recharge verified after its first reminder gets no second one.
 */
let stack: OwnStack;
let server: Server;
const received: { type: string; data: { object: Record<string, any>; deadline?: string } }[] = [];

beforeAll(async () => {
  stack = await startOwnStack('reminders', { TRANSFER_WINDOW: '60s', CHANGE_VALIDITY: '60s', REMINDERS_BEFORE: '45s,20s' });
  const port = await freePort();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const endpoint = await stack.api.post('/v1/webhook-endpoints', { url: `http://127.0.0.1:${port}/hooks`, description: 'reminders' });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
}, 180_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

const reminders = async (accountId: string) => ((await stack.api.get(`/v1/accounts/${accountId}/messages`)).body.items as { kind: string; title: string; body: string }[]).filter((m) => m.kind === 'reminder');
const reminderEvents = (id: string) => received.filter((e) => e.type.endsWith('.reminder') && e.data.object.id === id);
const sandboxSent = async (accountId: string) => (await stack.api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items as { channel: string; title: string }[];

describe('reminders before a window closes', () => {
  it('a recharge reminds 45 s before its deadline by message centre, SMS, email and webhook; verified then, it gets no second one', async () => {
    const r = await startRecharge(stack.baseUrl, 'rmd');
    const { deadline } = (await stack.api.get(`/v1/verifications/${r.id}`)).body.nextAction as { deadline: string };
    const [message] = await eventually(async () => {
      const got = await reminders(r.accountId);
      expect(got).toHaveLength(1);
      return got;
    }, { timeoutMs: 40_000, intervalMs: 500 });
    expect(message!.body).toContain('(北京时间)');
    expect((await sandboxSent(r.accountId)).filter((n) => n.title === message!.title).map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    await eventually(async () => expect(reminderEvents(r.id)).toEqual([expect.objectContaining({ type: 'verification.reminder', data: { deadline, object: expect.objectContaining({ id: r.id, step: 'awaiting_transfer', nextAction: expect.objectContaining({ type: 'remit' }) }) } })]), { timeoutMs: 20_000 });

    expect((await remit(stack.baseUrl, r, r.amount)).body).toMatchObject({ delivered: true });
    await eventually(async () => expect((await stack.api.get(`/v1/verifications/${r.id}`)).body.status).toBe('verified'));
    // Past the second reminder's instant (20 s before the deadline): still the one.
    const pastSecond = Date.parse(deadline) - 20_000 + 3_000 - Date.now();
    if (pastSecond > 0) await new Promise((resolve) => setTimeout(resolve, pastSecond));
    expect(await reminders(r.accountId)).toHaveLength(1);
    expect(reminderEvents(r.id)).toHaveLength(1);
  });

  it('a change’s holder step reminds with change.reminder; its messages list every kind', async () => {
    const accountId = uniqueAccount('rmc');
    await verifiedIndividual(stack.baseUrl, accountId);
    const e = enterprise();
    await register(stack.baseUrl, e);
    const change = await requestChange(stack.baseUrl, accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...(await newSubjectBody(stack.baseUrl, accountId, 'legal_person_face', e)) });
    expect(change).toMatchObject({ step: 'awaiting_holder_face' });
    await eventually(async () => expect(reminderEvents(change.id)).toEqual([expect.objectContaining({ type: 'change.reminder', data: { deadline: change.expiresAt, object: expect.objectContaining({ id: change.id, step: 'awaiting_holder_face' }) } })]), { timeoutMs: 40_000, intervalMs: 500 });
    const kinds = ((await stack.api.get(`/v1/accounts/${accountId}/messages`)).body.items as { kind: string }[]).map((m) => m.kind);
    // Newest first: the reminder, then the verification's outcome.
    expect(kinds).toEqual(['reminder', 'result']);
    expect((await stack.api.post(`/v1/changes/${change.id}/revoke`, {})).body).toMatchObject({ status: 'revoked' });
  });
});
