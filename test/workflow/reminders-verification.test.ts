import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities';
import { parseYuan } from '../../domain/money';
import { enterpriseVerification } from '../../workflows';
import {
  awaitOpenedUpdate,
  decideReviewUpdate,
  providerEventSignal,
  resubmitMaterialsUpdate,
  snapshotQuery,
  submitAmountUpdate,
  type EnterpriseVerificationInput,
  type ProviderEvent,
} from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { DAY, expectSentAtItsInstant, HOUR, MINUTE, REMINDERS_BEFORE, reminderRecorder } from '../support/reminder-fakes';
import { remittanceActivities, remittanceInReview } from '../support/remittance-workflow';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';
import { enterpriseInput } from '../support/workflow-inputs';

/**
 * Reminders before a verification's windows close (SPEC §12), on the
 * time-skipping server: the recharge transfer (TRANSFER_WINDOW), the amount
 * after a public remittance's payout (AMOUNT_ENTRY_WINDOW) and the
 * resubmission after a rejection (RESUBMIT_WINDOW); none while a reviewer or
 * the bank is awaited, none once the step is done, each once across retries
 * and replays.
 */
const harness = timeSkippingHarness();
const { withWorker, track } = harness;
const sleep = (ms: number) => harness.env.sleep(ms);

/** An enterprise verification's input with reminders at 48 h and 24 h (the default configuration). */
const withReminders = (method: EnterpriseVerificationInput['method'], timings: Partial<EnterpriseVerificationInput['timings']> = {}) => {
  const base = enterpriseInput(method);
  return { ...base, timings: { ...base.timings, remindersBeforeMs: REMINDERS_BEFORE, ...timings } };
};

/** The payouts ordered (their amounts in fen), by the fake bank. */
const payouts = new Map<string, number>();

function activities(sendReminder: Activities['sendReminder']): Partial<Activities> {
  return remittanceActivities({
    openReview: async (args) => ({ reviewId: `rev-${args.round}` }),
    requestPayout: async (args) => {
      payouts.set(args.verificationId, args.amountFen);
      return { status: 'pending', bankReference: 'PO-TEST' };
    },
    expectTransfer: async () => {},
    openCollectionAccount: async () => ({ accountNumber: '1105018800000000000017' }),
    returnTransfer: async () => {},
    replaceRemittanceMaterials: async () => {},
    sendReminder,
  });
}

let eventSeq = 0;
/** A bank callback as the API signals it. */
const event = (e: Record<string, unknown>) => ({ ...e, eventId: `evt_${++eventSeq}_${randomUUID()}`, occurredAt: new Date().toISOString() }) as ProviderEvent;

async function startRecharge(taskQueue: string, input: EnterpriseVerificationInput) {
  const handle = await harness.env.client.workflow.start(enterpriseVerification, { args: [input], taskQueue, workflowId: `verification/${input.verificationId}` });
  track(handle.workflowId);
  const opened = await handle.executeUpdate(awaitOpenedUpdate);
  if (!opened.opened) throw new Error(`not opened: ${opened.code}`);
  return { handle, action: opened.snapshot.nextAction as { type: 'remit'; amount: string; deadline: string } };
}

const transfer = (amountFen: number) =>
  event({ provider: 'bank', type: 'transfer.received', transferId: `trf_${randomUUID()}`, amountFen, fromAccountName: '北京某某科技有限公司', fromConfirmedAccount: true });
const resultOf = (handle: WorkflowHandle) => resultWithoutSkipping(harness.env, handle);

describe('the recharge transfer (awaiting_transfer, TRANSFER_WINDOW 7 days)', () => {
  it('reminds 48 h and 24 h before the deadline, each at its instant, then expires', async () => {
    const reminders = reminderRecorder();
    await withWorker(activities(reminders.sendReminder), async (tq) => {
      const { handle, action } = await startRecharge(tq, withReminders('recharge'));
      await sleep(5 * DAY - MINUTE);
      expect(reminders.sent()).toEqual([]);
      await sleep(2 * MINUTE);
      const [first] = await reminders.sentCount(1);
      expect(first).toMatchObject({ process: 'verification', window: 'awaiting_transfer', step: 'awaiting_transfer', action: 'remit', offsetMs: 48 * HOUR, deadline: action.deadline });
      expectSentAtItsInstant(first!);
      await sleep(DAY);
      const [, second] = await reminders.sentCount(2);
      expect(second).toMatchObject({ window: 'awaiting_transfer', offsetMs: 24 * HOUR });
      expectSentAtItsInstant(second!);
      await sleep(DAY);
      expect(await resultOf(handle)).toEqual({ status: 'expired', failureReason: null });
      expect(reminders.sent()).toHaveLength(2);
      await recordHistory('enterprise-verification.recharge-reminded-expired', handle);
    });
  });

  it('a transfer a second before the 24 h reminder: none after it', async () => {
    const reminders = reminderRecorder();
    await withWorker(activities(reminders.sendReminder), async (tq) => {
      const { handle, action } = await startRecharge(tq, withReminders('recharge'));
      await sleep(5 * DAY + MINUTE);
      await reminders.sentCount(1);
      await sleep(DAY - MINUTE - 1000);
      await handle.signal(providerEventSignal, transfer(parseYuan(action.amount)!));
      expect(await resultOf(handle)).toEqual({ status: 'verified', failureReason: null });
      await sleep(2 * DAY);
      expect(reminders.sent().map((r) => r.offsetMs)).toEqual([48 * HOUR]);
    });
  });

  it('runs from before REMINDERS_BEFORE remind at the SPEC’s 48 h and 24 h', async () => {
    const reminders = reminderRecorder();
    await withWorker(activities(reminders.sendReminder), async (tq) => {
      const { remindersBeforeMs: _none, ...timings } = withReminders('recharge').timings;
      await startRecharge(tq, { ...withReminders('recharge'), timings });
      await sleep(6 * DAY + MINUTE);
      expect((await reminders.sentCount(2)).map((r) => r.offsetMs)).toEqual([48 * HOUR, 24 * HOUR]);
    });
  });

  it('with no workflow cache (every task replays the history), a new worker, and each send retried after its effect: each offset is asked once, with one key', async () => {
    const reminders = reminderRecorder({ failFirstAttempt: true });
    const taskQueue = `tq-${randomUUID()}`;
    const worker = () => Worker.create({ connection: harness.env.nativeConnection, taskQueue, workflowBundle: harness.bundle, activities: activities(reminders.sendReminder), maxCachedWorkflows: 0 });
    const { handle } = await (await worker()).runUntil(async () => {
      const started = await startRecharge(taskQueue, withReminders('recharge'));
      await sleep(5 * DAY + MINUTE);
      await eventually(async () => expect(reminders.attempts.map((a) => a.attempt)).toEqual([1, 2]));
      return started;
    });
    try {
      await (await worker()).runUntil(async () => {
        await sleep(DAY);
        await eventually(async () => expect(reminders.attempts.map((a) => a.attempt)).toEqual([1, 2, 1, 2]));
        await sleep(DAY);
        expect(await resultOf(handle)).toEqual({ status: 'expired', failureReason: null });
      });
      const asked = reminders.attempts.map(({ at: _at, attempt: _attempt, ...request }) => JSON.stringify(request));
      // A retry asks with the same arguments (the activity dedupes by them); the two offsets never share a key.
      expect(asked[0]).toBe(asked[1]);
      expect(asked[2]).toBe(asked[3]);
      expect(new Set(asked).size).toBe(2);
    } finally {
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
});

describe('the amount after a public remittance’s payout (awaiting_amount)', () => {
  it('none while the reviewer or the bank is awaited; with a 36-hour window the 48 h offset falls before the step and only the 24 h one is sent', async () => {
    const reminders = reminderRecorder();
    await withWorker(activities(reminders.sendReminder), async (tq) => {
      const input = withReminders('public_remittance', { amountEntryWindowMs: 36 * HOUR });
      const handle = await remittanceInReview(harness, tq, input);
      await sleep(8 * DAY);
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      await sleep(DAY);
      await handle.signal(providerEventSignal, event({ provider: 'bank', type: 'payout.settled', requestId: `${handle.workflowId}/payout` }));
      await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_amount' }));
      expect(reminders.sent()).toEqual([]);
      await sleep(12 * HOUR - MINUTE);
      expect(reminders.sent()).toEqual([]);
      await sleep(2 * MINUTE);
      const [only] = await reminders.sentCount(1);
      expect(only).toMatchObject({ window: 'awaiting_amount', step: 'awaiting_amount', action: 'enter_amount', offsetMs: 24 * HOUR });
      expectSentAtItsInstant(only!);
      expect(await handle.executeUpdate(submitAmountUpdate, { args: [payouts.get(input.verificationId)!] })).toMatchObject({ result: 'matched' });
      expect(await resultOf(handle)).toEqual({ status: 'verified', failureReason: null });
      await sleep(DAY);
      expect(reminders.sent()).toHaveLength(1);
    });
  });
});

describe('the resubmission after a rejection (RESUBMIT_WINDOW 7 days)', () => {
  it('reminds in its round’s window until the corrections come, then no more', async () => {
    const reminders = reminderRecorder();
    await withWorker(activities(reminders.sendReminder), async (tq) => {
      const handle = await remittanceInReview(harness, tq, withReminders('public_remittance'));
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'reject', reason: 'blurred photo', reviewer: 'r1' }] });
      const rejected = await handle.query(snapshotQuery);
      expect(rejected.nextAction).toMatchObject({ type: 'resubmit_materials' });
      await sleep(5 * DAY + MINUTE);
      const [first] = await reminders.sentCount(1);
      expect(first).toMatchObject({ window: 'awaiting_review/2', step: 'awaiting_review', action: 'resubmit_materials', offsetMs: 48 * HOUR });
      expect(first!.deadline).toBe((rejected.nextAction as { deadline: string }).deadline);
      const corrected = await handle.executeUpdate(resubmitMaterialsUpdate, { args: [{ bankAccount: { accountNumber: '6222000011113333', bankName: '工商银行', bankLocation: '北京', branchName: '朝阳支行', idPhotoEmblemUploadId: 'upl_2', idPhotoPortraitUploadId: 'upl_3' } }] });
      expect(corrected.nextAction).toMatchObject({ type: 'await_review', reviewId: 'rev-2' });
      await sleep(3 * DAY);
      expect(reminders.sent()).toHaveLength(1);
    });
  });
});
