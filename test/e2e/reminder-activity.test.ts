import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type Activities } from '../../activities';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSandboxProviders } from '../../adapters/sandbox';
import { SandboxCallbackOutbox } from '../../adapters/sandbox/outbox';
import { LocalDiskStorage } from '../../adapters/storage';
import { eventSchema } from '../../contracts/events';
import { createLogger } from '../../platform/logger';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { newId } from '../../platform/ids';
import { dataKeyStore } from '../../store/data-keys';
import type { WebhookEventRow } from '../../store/webhook-events';
import { webhookEventBody } from '../../webhooks/payloads';
import type { ReminderRequest } from '../../workflows/process-messages';
import { http, uniqueAccount } from '../support/http';
import { enterpriseInput } from '../support/workflow-inputs';

/**
 * The reminder activity against the real PostgreSQL (SPEC §12): message
 * centre (kind `reminder`), webhook event, SMS and email, each once however
 * often it runs, and nothing once the step it is about is over. Runs with the
 * stack's own keys, so the stack's API reads what it wrote.
 */
const HOUR = 3_600_000;
let db: Knex;
let acts: Activities;
const api = http(inject('baseUrl'));

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
  const secrets = inject('secrets');
  const cipher = createPiiCipher(Buffer.from(secrets.piiEncryptionKey, 'base64'), Buffer.from(secrets.piiHashKey, 'base64'));
  const outbox = new SandboxCallbackOutbox({ db, callbackBaseUrl: 'http://127.0.0.1:9', secrets: { wechat: 'x', qq: 'x', face: 'x', bank: 'x' }, logger: createLogger('silent'), cipher });
  const real = createActivities({
    db,
    cipher,
    keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }),
    providers: createSandboxProviders({ db, cipher, outbox, payoutDelayMs: 1000, platformAccount: { accountName: '平台', accountNumber: '1234567890' } }),
    storage: new LocalDiskStorage(mkdtempSync(path.join(os.tmpdir(), 'rnv-reminders-')), createBytesSealer(randomBytes(32))),
    refunds: { start: async () => {} },
    inspector: { statusOf: async () => 'RUNNING', runningProcessIds: async () => null },
  });
  const env = new MockActivityEnvironment();
  acts = Object.fromEntries(Object.entries(real).map(([name, fn]) => [name, (...args: unknown[]) => env.run(fn as (...a: unknown[]) => Promise<unknown>, ...args)])) as unknown as Activities;
});
afterAll(async () => {
  await db?.destroy();
});

/** A recharge waiting for its transfer, as its workflow leaves the read model. */
async function rechargeAwaitingTransfer(deadline: string) {
  const input = enterpriseInput('recharge', { accountId: uniqueAccount('rmd') });
  const { verificationId, accountId } = input;
  expect(await acts.openEnterpriseVerification({ verificationId, workflowId: `verification/${verificationId}`, accountId, method: 'recharge', applicant: input.applicant, identityHash: randomBytes(16).toString('hex'), expiresAt: deadline })).toEqual({ opened: true });
  const payee = { accountName: '云平台科技有限公司', accountNumber: '1105018800000000000017', bankName: '建设银行' };
  await acts.recordVerificationProgress({ verificationId, revision: 1, step: 'awaiting_transfer', nextAction: { type: 'remit', amount: '0.37', payee, deadline, attemptsLeft: 2 } });
  return { verificationId, accountId };
}

const reminder = (processId: string, deadline: string, offsetMs = 48 * HOUR): ReminderRequest => ({ process: 'verification', processId, window: 'awaiting_transfer', step: 'awaiting_transfer', action: 'remit', offsetMs, deadline });
const count = async (table: string, where: Record<string, unknown>) => Number((await db(table).where(where).count({ n: '*' }).first())!.n);

describe('sendReminder', () => {
  it('sends each channel once however often it runs: a message of kind reminder, a verification.reminder event as GET shows the resource, an SMS to the contact and an email', async () => {
    const deadline = '2026-12-09T10:00:00.000Z';
    const { verificationId, accountId } = await rechargeAwaitingTransfer(deadline);
    expect(await acts.sendReminder(reminder(verificationId, deadline))).toEqual({ sent: true });
    expect(await acts.sendReminder(reminder(verificationId, deadline))).toEqual({ sent: true });

    const messages = (await api.get(`/v1/accounts/${accountId}/messages`)).body.items;
    expect(messages).toEqual([expect.objectContaining({ kind: 'reminder', title: expect.stringContaining('Your verification closes soon') })]);
    expect(messages[0].body).toContain('2026-12-09 18:00 (北京时间)');
    const notifications = await db('notifications').where({ account_id: accountId }).orderBy('channel');
    expect(notifications.map((n: { channel: string; recipient: string }) => [n.channel, n.recipient])).toEqual([
      ['email', `account:${accountId}`],
      ['sms', '138****5678'],
    ]);

    const events = await db<WebhookEventRow>('webhook_events').where({ resource_id: verificationId, type: 'verification.reminder' });
    expect(events).toHaveLength(1);
    const body = JSON.parse(webhookEventBody(events[0]!, { calendar: {}, publicBaseUrl: 'http://127.0.0.1' }));
    expect(body).toMatchObject({ type: 'verification.reminder', data: { deadline, object: { id: verificationId, accountId, step: 'awaiting_transfer', nextAction: { type: 'remit' } } } });
    expect(() => eventSchema('verification.reminder').parse(body)).not.toThrow();

    // The other offset is a reminder of its own.
    expect(await acts.sendReminder(reminder(verificationId, deadline, 24 * HOUR))).toEqual({ sent: true });
    expect(await count('messages', { account_id: accountId })).toBe(2);
    expect(await count('webhook_events', { resource_id: verificationId, type: 'verification.reminder' })).toBe(2);
  });

  it('sends nothing once the step is over (a retry that outlived it)', async () => {
    const deadline = new Date(Date.now() + 72 * HOUR).toISOString();
    const { verificationId, accountId } = await rechargeAwaitingTransfer(deadline);
    await acts.finishVerification({ verificationId, revision: 2, method: 'recharge', outcome: { status: 'cancelled', failureReason: null } });
    expect(await acts.sendReminder(reminder(verificationId, deadline))).toEqual({ sent: false });
    expect(await count('messages', { account_id: accountId, kind: 'reminder' })).toBe(0);
    expect(await count('notifications', { account_id: accountId })).toBe(0);
    expect(await count('webhook_events', { resource_id: verificationId, type: 'verification.reminder' })).toBe(0);
  });

  it('a change’s reminder: a change.reminder event, SMS and email to the account’s contacts', async () => {
    const accountId = uniqueAccount('rmc');
    const changeId = newId('chg');
    const deadline = new Date(Date.now() + 72 * HOUR).toISOString();
    await db('accounts').insert({ id: accountId, open_process_kind: 'change', open_process_id: changeId });
    await db('changes').insert({ id: changeId, account_id: accountId, workflow_id: `change/${changeId}`, type: 'individual_to_individual', status: 'in_progress', request: '{}', expires_at: new Date(deadline), step: 'awaiting_holder_face', next_action: JSON.stringify({ type: 'scan_qr', provider: 'face', ticket: 't', qrContent: 'q', expiresAt: deadline }) });
    const request: ReminderRequest = { process: 'change', processId: changeId, window: 'awaiting_holder_face', step: 'awaiting_holder_face', action: 'scan_qr', offsetMs: 24 * HOUR, deadline };
    expect(await acts.sendReminder(request)).toEqual({ sent: true });
    expect(await acts.sendReminder(request)).toEqual({ sent: true });
    expect(await db('messages').where({ account_id: accountId }).select('kind')).toEqual([{ kind: 'reminder' }]);
    // The platform resolves `account:` recipients (the sandbox stores an SMS's recipient masked).
    expect((await db('notifications').where({ account_id: accountId }).orderBy('channel')).map((n: { channel: string }) => n.channel)).toEqual(['email', 'sms']);
    expect(await db('notifications').where({ account_id: accountId, channel: 'email' }).first()).toMatchObject({ recipient: `account:${accountId}` });
    const [event] = await db<WebhookEventRow>('webhook_events').where({ resource_id: changeId, type: 'change.reminder' });
    const body = JSON.parse(webhookEventBody(event!, { calendar: {}, publicBaseUrl: 'http://127.0.0.1' }));
    expect(body).toMatchObject({ type: 'change.reminder', data: { deadline, object: { id: changeId, step: 'awaiting_holder_face' } } });
  });
});
