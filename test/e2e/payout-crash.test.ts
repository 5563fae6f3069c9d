import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bankAccountNumber, enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';
import { eventually } from '../support/temporal-test-env';

/**
 * A crash at the worst moment: the bank has taken the payout order but the
 * activity has not reported back when its worker dies. Temporal retries the
 * activity on another worker; the order carries the same request id, so the
 * bank pays once.
 */
const env = inject('serviceEnv');
const taskQueue = `crash-${randomUUID().slice(0, 8)}`;
const processes: ServiceProcess[] = [];

afterAll(async () => {
  for (const p of processes) await p.stop('SIGKILL');
});

async function worker(faulty: boolean, name: string) {
  const logFile = path.join(env.DATA_DIR!, `${taskQueue}-${name}.log`);
  const proc = await startServiceProcess({
    entry: 'worker/main.ts',
    port: await freePort(),
    logFile,
    env: { ...env, TEMPORAL_TASK_QUEUE: taskQueue, MIGRATE_ON_START: 'false', ...(faulty ? { TEST_FAULT_PAUSE_AFTER: 'requestPayout' } : {}) },
    readyLogLine: 'Worker polling on',
  });
  processes.push(proc);
  return { proc, logFile };
}

describe('a worker crash during the payout', () => {
  it('pays exactly once when the worker dies after the bank took the order', async () => {
    const first = await worker(true, 'first');
    const apiPort = await freePort();
    const apiProc = await startServiceProcess({
      entry: 'api/main.ts',
      port: apiPort,
      logFile: path.join(env.DATA_DIR!, `${taskQueue}-api.log`),
      env: { ...env, TEMPORAL_TASK_QUEUE: taskQueue, MIGRATE_ON_START: 'false', CALLBACK_BASE_URL: `http://127.0.0.1:${apiPort}` },
    });
    processes.push(apiProc);
    const baseUrl = apiProc.baseUrl;
    const api = http(baseUrl);

    const e = enterprise();
    await register(baseUrl, e);
    const bankAccount = bankAccountNumber();
    const accountId = uniqueAccount('crash');
    const v = await remittanceInReview(baseUrl, accountId, e, { bankAccount });
    const reviewId = v.nextAction.reviewId as string;
    expect((await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'approve' }, { token: KEYS.reviewer })).body.status).toBe('decided');

    // The bank has the order; the activity is paused before reporting back. Kill the worker there.
    await eventually(async () => expect(readFileSync(first.logFile, 'utf8')).toContain('test fault: pausing after requestPayout'), { timeoutMs: 30_000 });
    await first.proc.stop('SIGKILL');
    const second = await worker(false, 'second');

    // The activity times out and is retried on the new worker: the same request id, one payout.
    const amountStep = await eventually(
      async () => {
        const now = (await api.get(`/v1/verifications/${v.id}`)).body;
        expect(now.step).toBe('awaiting_amount');
        return now;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(amountStep.status).toBe('in_progress');
    const statement = (await api.get(`/sandbox/bank/accounts/${bankAccount}/statement`, { token: null })).body.items;
    expect(statement).toHaveLength(1);
    // The retry ran on the new worker and found the order the bank already had.
    await eventually(async () => expect(readFileSync(second.logFile, 'utf8')).toContain('payout ordered'), { timeoutMs: 10_000 });

    const answer = await api.post(`/v1/verifications/${v.id}/remittance-amount`, { amount: statement[0].amount });
    expect(answer.body).toMatchObject({ result: 'matched', verification: { status: 'verified' } });
    expect((await api.get(`/sandbox/bank/accounts/${bankAccount}/statement`, { token: null })).body.items).toHaveLength(1);
    const money = await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [accountId] });
    expect(money.payouts).toEqual([expect.objectContaining({ reference: `verification/${v.id}`, due: true })]);
  });
});
