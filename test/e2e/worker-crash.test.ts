import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { passFace, requestAfterCooldown, scanWechat, verifiedIndividual } from '../support/changes';
import { bankAccountNumber, enterprise, enterpriseBody, register } from '../support/enterprise';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * kill -9 of the worker at the worst moment of each class of activity — the
 * quota commit, a balance credit, a refund, a notification, a change's switch:
 * each has done its effect and not reported back. Temporal retries it on the
 * next worker; every process completes and every effect happened once.
 * Notifications come after the completion they announce, so a second faulty
 * worker pauses them once the first one's completions were retried.
 */
const env = inject('serviceEnv');
const shared = http(inject('baseUrl'));
const taskQueue = `kill-${randomUUID().slice(0, 8)}`;
const PAUSED = ['completeVerification', 'refundTransfer', 'completeChange'];
const PAUSED_NOTICES = ['notifyEnterprise', 'notifyChange'];
const processes: ServiceProcess[] = [];
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  for (const p of processes) await p.stop('SIGKILL');
  await db?.destroy();
});

async function start(entry: 'worker' | 'api', name: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const logFile = path.join(env.DATA_DIR!, `${taskQueue}-${name}.log`);
  const proc = await startServiceProcess({
    entry: `${entry}/main.ts`,
    port,
    logFile,
    env: { ...env, TEMPORAL_TASK_QUEUE: taskQueue, MIGRATE_ON_START: 'false', ...(entry === 'api' ? { CALLBACK_BASE_URL: `http://127.0.0.1:${port}` } : {}), ...extra },
    ...(entry === 'worker' ? { readyLogLine: 'Worker polling on' } : {}),
  });
  processes.push(proc);
  return { proc, logFile };
}

const pausedAt = (logFile: string, activity: string) => readFileSync(logFile, 'utf8').split(`test fault: pausing after ${activity}`).length - 1;

describe('a worker killed after an effect, before reporting it', () => {
  it('every process completes and every effect happened once', async () => {
    const faulty = await start('worker', 'faulty', { TEST_FAULT_PAUSE_AFTER: PAUSED.join(',') });
    const apiProc = (await start('api', 'api')).proc;
    const api = http(apiProc.baseUrl);
    const baseUrl = apiProc.baseUrl;

    // Prepared on the shared stack (its own workers): an account old enough for a change.
    const changing = uniqueAccount('kill');
    await verifiedIndividual(inject('baseUrl'), changing);

    // 1. The quota commit: a WeChat verification completes.
    const person = mainlandId('1986-06-06');
    const individual = uniqueAccount('kill');
    const v1 = (await api.post(`/v1/accounts/${individual}/verifications`, individualBody({ idNumber: person }))).body;
    await scanWechat(baseUrl, v1.nextAction.ticket, { realName: '张三', idNumber: person }).catch(() => undefined);

    // 2 and 3. A recharge: a wrong amount (refunded), then the exact one (credited).
    const e = enterprise();
    await register(baseUrl, e);
    const payer = bankAccountNumber();
    const recharging = uniqueAccount('kill');
    const v2 = (await api.post(`/v1/accounts/${recharging}/verifications`, await enterpriseBody(baseUrl, recharging, 'recharge', e, { payerAccount: payer }))).body;
    const { amount, payee } = v2.nextAction as { amount: string; payee: { accountNumber: string } };
    const transfer = (a: string) => api.post('/sandbox/bank/transfers', { fromAccountNumber: payer, fromAccountName: e.name, toAccountNumber: payee.accountNumber, amount: a }, { token: null });
    const wrongAmount = amount === '0.99' ? '0.98' : '0.99';
    await transfer(wrongAmount);

    // 4. A notification: an enterprise verified by legal-person face is told so by email and SMS.
    const e2 = enterprise();
    await register(baseUrl, e2);
    const notified = uniqueAccount('kill');
    const v3 = (await api.post(`/v1/accounts/${notified}/verifications`, await enterpriseBody(baseUrl, notified, 'legal_person_face', e2))).body;
    await passFace(baseUrl, v3.nextAction.ticket).catch(() => undefined);

    // 5. A change's switch: individual → individual.
    const newPerson = mainlandId('1993-03-03');
    const change = await requestAfterCooldown(baseUrl, changing, { type: 'individual_to_individual', agreementAccepted: true, individual: { ...individualBody().individual, realName: '李四', idNumber: newPerson } });
    await passFace(baseUrl, change.nextAction.ticket);
    await passFace(baseUrl, (await api.get(`/v1/changes/${change.id}`)).body.nextAction.ticket).catch(() => undefined);

    // The refund is paused after the bank took it: now send the exact amount (its credit pauses too).
    await eventually(async () => expect(pausedAt(faulty.logFile, 'refundTransfer')).toBeGreaterThanOrEqual(1), { timeoutMs: 30_000 });
    await transfer(amount).catch(() => undefined);
    await eventually(
      async () => {
        expect(pausedAt(faulty.logFile, 'completeVerification')).toBeGreaterThanOrEqual(3);
        expect(pausedAt(faulty.logFile, 'completeChange')).toBe(1);
      },
      { timeoutMs: 30_000 },
    );

    await faulty.proc.stop('SIGKILL');

    // The completions retried on a second faulty worker; the notices that follow them pause after sending.
    const noticing = await start('worker', 'noticing', { TEST_FAULT_PAUSE_AFTER: PAUSED_NOTICES.join(',') });
    await eventually(
      async () => {
        expect(pausedAt(noticing.logFile, 'notifyEnterprise')).toBeGreaterThanOrEqual(2); // the recharge and the face verification
        expect(pausedAt(noticing.logFile, 'notifyChange')).toBe(1);
      },
      { timeoutMs: 60_000 },
    );
    await noticing.proc.stop('SIGKILL');
    await start('worker', 'healthy');

    const settled = (id: string) =>
      eventually(async () => {
        const now = (await api.get(`/v1/verifications/${id}`)).body;
        expect(now.status).not.toBe('in_progress');
        return now;
      }, { timeoutMs: 90_000, intervalMs: 500 });
    expect((await settled(v1.id)).status).toBe('verified');
    expect((await settled(v2.id)).status).toBe('verified');
    expect((await settled(v3.id)).status).toBe('verified');
    await eventually(async () => expect((await api.get(`/v1/changes/${change.id}`)).body.status).toBe('completed'), { timeoutMs: 90_000, intervalMs: 500 });

    // Once each: the quota slot, the credit, the refund, the notifications, the switch.
    const bindings = async (accountId: string) => db('identity_bindings').where({ account_id: accountId }).whereNull('released_at').select('identity_hash');
    expect(await bindings(individual)).toHaveLength(1);
    expect(await db('ledger_entries').where({ account_id: recharging })).toHaveLength(1);
    expect((await api.get(`/v1/accounts/${recharging}`)).body.balance).toBe(amount);
    const statement = (await api.get(`/sandbox/bank/accounts/${payer}/statement`, { token: null })).body.items;
    expect(statement).toEqual([expect.objectContaining({ amount: wrongAmount })]);
    const sandboxNotices = async (accountId: string, title: string) =>
      (await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items
        .filter((n: { title: string }) => n.title.includes(title))
        .map((n: { channel: string }) => n.channel)
        .sort();
    await eventually(async () => expect(await sandboxNotices(notified, '企业实名认证成功')).toEqual(['email', 'sms']), { timeoutMs: 60_000, intervalMs: 500 });
    await eventually(async () => expect(await sandboxNotices(changing, '认证主体变更成功')).toEqual(['email', 'sms']), { timeoutMs: 60_000, intervalMs: 500 });
    expect(await bindings(changing)).toHaveLength(1);
    expect((await shared.get(`/v1/accounts/${changing}`)).body.verification.subject.realName).toBe('李四');
    const messages = (await api.get(`/v1/accounts/${individual}/messages`)).body.items;
    expect(messages).toHaveLength(1);
    // The bank, the ledger and the processes agree: the wrong amount refunded once, the exact one credited once, nothing else moved.
    const money = await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [individual, recharging, notified, changing] });
    expect(money.transfers.map((t) => t.refundRequestId === null).sort()).toEqual([false, true]);
  }, 240_000);
});
