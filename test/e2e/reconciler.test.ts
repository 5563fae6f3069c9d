import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataConverter } from '../../platform/temporal';
import { individualVerification } from '../../workflows';
import { reconcilerScheduleId, refundWorkflowId } from '../../workflows/messages';
import { requestChange, verifiedIndividual } from '../support/changes';
import { enterprise, enterpriseBody, otherAmount, register, remit, startRecharge } from '../support/enterprise';
import { individualBody, mainlandId, uniqueAccount } from '../support/http';
import { startOwnStack, type OwnStack } from '../support/own-stack';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';
import { individualInput } from '../support/workflow-inputs';

/**
 * Every run closes (SPEC §10): runs that end outside their own code — an
 * operator's terminate in the Temporal UI, a timeout — are found by the
 * reconciler's Temporal Schedule (RECONCILE_INTERVAL, 2 s here) and closed
 * failed TERMINATED / INTERNAL_ERROR: the account free, money settled, the user
 * told; a lookup ends showing nothing. A refund workflow terminated mid-way is started again. On a stack of
 * its own (its own schedule, task queue and database; the bank fault switch).
 */
let stack: OwnStack;
let connection: Connection;
let temporal: Client;

beforeAll(async () => {
  stack = await startOwnStack('reconciler', { RECONCILE_INTERVAL: '2s' });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  temporal = new Client({ connection, dataConverter: dataConverter(Buffer.from(inject('secrets').codecKey, 'base64')) });
}, 180_000);
afterAll(async () => {
  await connection?.close();
  await stack?.stop();
});

const terminate = (workflowId: string) => temporal.workflow.getHandle(workflowId).terminate('an operator ended it in the Temporal UI');
const closedWith = (path: string, failureReason: string) =>
  eventually(async () => {
    const body = (await stack.api.get(path)).body;
    expect(body).toMatchObject({ status: 'failed', failureReason });
    return body;
  }, { timeoutMs: 30_000, intervalMs: 250 });

describe('the reconciler', () => {
  it('runs as a Temporal Schedule operators can see, every RECONCILE_INTERVAL', async () => {
    const schedule = await temporal.schedule.getHandle(reconcilerScheduleId(stack.env.TEMPORAL_TASK_QUEUE!)).describe();
    expect(schedule.spec.intervals).toEqual([expect.objectContaining({ every: 2000 })]);
    expect(schedule.action).toMatchObject({ workflowType: 'reconcile', taskQueue: stack.env.TEMPORAL_TASK_QUEUE });
    await eventually(async () => expect((await temporal.schedule.getHandle(reconcilerScheduleId(stack.env.TEMPORAL_TASK_QUEUE!)).describe()).info.recentActions.length).toBeGreaterThan(0), { timeoutMs: 20_000 });
  });

  it('a verification terminated in the Temporal UI closes failed TERMINATED and frees the account for a new one', async () => {
    const accountId = uniqueAccount('term');
    const started = await stack.api.post(`/v1/accounts/${accountId}/verifications`, individualBody());
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await terminate(`verification/${started.body.id}`);
    await closedWith(`/v1/verifications/${started.body.id}`, 'TERMINATED');
    expect((await stack.api.get(`/v1/accounts/${accountId}`)).body.openProcess).toBeNull();
    expect((await stack.api.get(`/v1/accounts/${accountId}/messages`)).body.items).toEqual([expect.objectContaining({ title: expect.stringContaining('failed') })]);
    expect((await stack.api.post(`/v1/accounts/${accountId}/verifications`, individualBody())).status).toBe(201);
  });

  it('an enterprise verification terminated is notified by email and SMS; a recharge’s money goes back', async () => {
    const { api, baseUrl } = stack;
    const r = await startRecharge(baseUrl, 'term');
    const { accountId, payer } = r;
    await terminate(`verification/${r.id}`);
    // Sent after the run was terminated, before it is reconciled or after: either way it goes back.
    await remit(baseUrl, r, r.amount);
    await closedWith(`/v1/verifications/${r.id}`, 'TERMINATED');
    await eventually(async () => {
      const sent = (await api.get(`/sandbox/notifications?accountId=${accountId}`, { token: null })).body.items as { channel: string; title: string }[];
      expect(sent.map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    });
    await expectMoneyReconciled({ baseUrl, databaseUrl: stack.databaseUrl, accountIds: [accountId], bankAccounts: [payer] });
  });

  it('a change terminated closes failed TERMINATED; the account keeps its subject and is free', async () => {
    const { baseUrl, api } = stack;
    const accountId = uniqueAccount('term');
    await verifiedIndividual(baseUrl, accountId);
    const e = enterprise();
    await register(baseUrl, e);
    const { subjectType: _s, ...subject } = await enterpriseBody(baseUrl, accountId, 'legal_person_face', e);
    const change = await requestChange(baseUrl, accountId, { type: 'individual_to_enterprise', agreementAccepted: true, ...subject });
    expect(change).toMatchObject({ step: 'awaiting_holder_face' });
    await terminate(`change/${change.id}`);
    await closedWith(`/v1/changes/${change.id}`, 'TERMINATED');
    const account = (await api.get(`/v1/accounts/${accountId}`)).body;
    expect(account).toMatchObject({ openProcess: null, verification: { status: 'verified', subjectType: 'individual' } });
  });

  it('a "find my accounts" lookup terminated closes failed TERMINATED, showing nothing', async () => {
    const started = await stack.api.post('/v1/identity-lookups', { idType: 'mainland_id', idNumber: mainlandId(), realName: '张三' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    await terminate(`lookup/${started.body.id}`);
    expect(await closedWith(`/v1/identity-lookups/${started.body.id}`, 'TERMINATED')).toMatchObject({ accounts: null, nextAction: null });
  });

  it('a run that timed out (its code never closed it) closes failed INTERNAL_ERROR', async () => {
    const accountId = uniqueAccount('timeout');
    const input = { ...individualInput({ idNumber: mainlandId('1980-01-01'), birthDate: '1980-01-01' }), accountId, identityHash: `hash-${accountId}` };
    const handle = await temporal.workflow.start(individualVerification, {
      args: [input],
      taskQueue: stack.env.TEMPORAL_TASK_QUEUE!,
      workflowId: `verification/${input.verificationId}`,
      workflowExecutionTimeout: '3s',
    });
    await eventually(async () => expect((await stack.api.get(`/v1/verifications/${input.verificationId}`)).body).toMatchObject({ status: 'in_progress' }));
    await closedWith(`/v1/verifications/${input.verificationId}`, 'INTERNAL_ERROR');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
    expect((await stack.api.get(`/v1/accounts/${accountId}`)).body.openProcess).toBeNull();
  });

  it('a refund workflow terminated before the bank took the refund is started again, and the money goes back once', async () => {
    const { api, baseUrl } = stack;
    const r = await startRecharge(baseUrl, 'refund');
    const { accountId, payer } = r;
    const wrong = otherAmount(r.amount);
    await api.put('/sandbox/faults/bank', { down: true }, { token: null });
    let transferId: string;
    try {
      transferId = (await remit(baseUrl, r, wrong)).body.transferId;
      await eventually(async () => expect((await temporal.workflow.getHandle(refundWorkflowId(transferId)).describe()).status.name).toBe('RUNNING'));
      await terminate(refundWorkflowId(transferId));
    } finally {
      await api.put('/sandbox/faults/bank', { down: false }, { token: null });
    }
    await eventually(async () => expect((await api.get(`/sandbox/bank/accounts/${payer}/statement`, { token: null })).body.items).toEqual([expect.objectContaining({ amount: wrong })]), { timeoutMs: 30_000, intervalMs: 500 });
    await api.post(`/v1/verifications/${r.id}/cancel`);
    await expectMoneyReconciled({ baseUrl, databaseUrl: stack.databaseUrl, accountIds: [accountId], bankAccounts: [payer] });
  });
});

