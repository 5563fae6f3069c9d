import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { onProcessClosed, type ProcessClosed } from '../../store/process-closed';
import * as repo from '../../store/verifications';
import { newId } from '../../platform/ids';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * Metrics (issue 10): the worker on its own serves its series and the Temporal
 * SDK's; the API's scrape has open processes by kind, method and step; an
 * outcome is counted once per process, however often its activity ran.
 */
const api = http(inject('baseUrl'));
const scrape = async (url: string) => (await fetch(url)).text();
const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}()[\]|.*+?^$\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

let db: Knex;
beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl') });
});
afterAll(() => db?.destroy());

describe('metrics', () => {
  it('the API counts open processes by kind, method and step; the worker counts the outcome and shows the SDK', async () => {
    const idNumber = mainlandId();
    const series = 'open_processes{kind="verification",method="wechat_qr",step="awaiting_scan"}';
    const started = await api.post(`/v1/accounts/${uniqueAccount('metrics')}/verifications`, individualBody({ idNumber }));
    expect(started.status).toBe(201);
    const apiText = await scrape(`${inject('baseUrl')}/metrics`);
    expect(value(apiText, series)).toBeGreaterThanOrEqual(1);
    // Its database pool: connections by state, and how long queries waited for one (the start's queries did).
    expect(apiText).toMatch(/^db_pool_connections\{state="used"\} \d+$/m);
    expect(apiText).toMatch(/^db_pool_connections\{state="pending"\} \d+$/m);
    expect(value(apiText, 'db_pool_acquire_seconds_count')).toBeGreaterThan(0);

    const verified = 'verification_outcomes_total{method="wechat_qr",status="verified",reason=""}';
    const before = value(await scrape(inject('workerMetricsUrl')), verified);
    await api.post('/sandbox/wechat/scans', { ticket: started.body.nextAction.ticket, realName: '张三', idNumber, bankCardLinked: true }, { token: null });
    const worker = await eventually(async () => {
      const text = await scrape(inject('workerMetricsUrl'));
      expect(value(text, verified)).toBeGreaterThan(before);
      return text;
    });
    // The SDK's own series, from the core runtime: task slots, polls, latencies.
    expect(worker).toMatch(/^temporal_\w+/m);
    expect(worker).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
    expect(worker).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(worker).toContain('process_cpu_user_seconds_total');
    expect(value(worker, 'db_pool_acquire_seconds_count')).toBeGreaterThan(0);
  });

  it('an outcome is told once per process: a retried completion finds it written and tells nobody', async () => {
    const heard: ProcessClosed[] = [];
    const unsubscribe = onProcessClosed((closed) => heard.push(closed));
    try {
      const verificationId = newId('ver');
      await repo.openVerification(db, {
        id: verificationId,
        accountId: uniqueAccount('metrics'),
        workflowId: `verification/${verificationId}`,
        subjectType: 'individual',
        method: 'face',
        subject: { realName: '张三' },
        idNumberEnc: null,
        identityHash: randomBytes(16).toString('hex'),
        expiresAt: null,
      });
      const messages = { verified: { title: 'v', body: 'b' }, quotaExceeded: { title: 'q', body: 'b' } };
      for (let attempt = 0; attempt < 3; attempt++) await repo.completeVerification(db, { verificationId, revision: 5, messages });
      await eventually(async () => expect(heard).toEqual([{ kind: 'verification', method: 'face', status: 'verified', failureReason: null }]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toHaveLength(1);
    } finally {
      unsubscribe();
    }
  });
});

describe('money metrics', () => {
  it('shows operators the money not settled for good, by ledger state (a refund the bank refused needs one of them)', async () => {
    const refused = 'money_unsettled_transfers{state="refund_refused"}';
    const fen = 'money_unsettled_fen{state="refund_refused"}';
    const before = await scrape(`${inject('baseUrl')}/metrics`);
    await db('received_transfers').insert({ transfer_id: newId('trf'), amount_fen: 42, to_account: '1', from_account_hash: 'x', state: 'refund_refused' });
    const after = await scrape(`${inject('baseUrl')}/metrics`);
    // (Other tests on the stack may add some meanwhile.)
    expect(value(after, refused)).toBeGreaterThanOrEqual(value(before, refused) + 1);
    expect(value(after, fen)).toBeGreaterThanOrEqual(value(before, fen) + 42);
  });
});
