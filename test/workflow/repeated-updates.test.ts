import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { decideReviewUpdate, providerEventSignal, snapshotQuery, submitAmountUpdate, type ReviewDecision } from '../../workflows/messages';
import { remittanceActivities, remittanceInReview } from '../support/remittance-workflow';
import { eventually, timeSkippingHarness } from '../support/temporal-test-env';

/**
 * One request, one effect (SPEC §10): the API sends each request's Update with
 * an id derived from its Idempotency-Key, so a retry or a double click carries
 * the id of the first. Temporal answers a repeated id with the first Update's
 * outcome: the workflow counts one amount entry, records one decision.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;

function fakes() {
  const calls = { decisions: [] as string[], payouts: [] as number[] };
  const activities = remittanceActivities({
    async recordReviewDecision(args) {
      calls.decisions.push(args.decision);
    },
    async requestPayout(args) {
      calls.payouts.push(args.amountFen);
      return { status: 'pending', bankReference: 'PO-TEST' };
    },
  });
  return { calls, activities };
}

const approval: ReviewDecision = { reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'reviewer' };

/** Approved and paid out: the remittance waits for the amount read on the statement. */
async function awaitingAmount(taskQueue: string): Promise<WorkflowHandle> {
  const handle = await remittanceInReview(harness, taskQueue);
  await handle.executeUpdate(decideReviewUpdate, { args: [approval] });
  await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_payout' }));
  await handle.signal(providerEventSignal, { eventId: `evt_${randomUUID()}`, provider: 'bank', type: 'payout.settled', requestId: `${handle.workflowId}/payout`, occurredAt: new Date().toISOString() });
  await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_amount' }));
  return handle;
}

// The payout is 1-99 fen: 100 fen (1.00 yuan) never matches.
const WRONG_FEN = 100;

describe('an Update repeated with its id is one effect', () => {
  it('a wrong amount sent twice together and once more after, under one update id, is one mismatch', async () => {
    const { activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await awaitingAmount(tq);
      const send = () => handle.executeUpdate(submitAmountUpdate, { args: [WRONG_FEN], updateId: 'submitAmount/seed-1' });
      const answers = await Promise.all([send(), send()]);
      answers.push(await send());
      expect(answers).toEqual(Array(3).fill({ result: 'mismatch', attemptsLeft: 1 }));
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_amount', nextAction: { type: 'enter_amount', attemptsLeft: 1 } });
      // A new request (another id) is a second entry: the count is not stuck.
      expect(await handle.executeUpdate(submitAmountUpdate, { args: [WRONG_FEN], updateId: 'submitAmount/seed-2' })).toEqual({ result: 'mismatch', attemptsLeft: 0 });
    });
  });

  it('a decision sent again under its update id gets the first answer: recorded once, paid out once', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await remittanceInReview(harness, tq);
      const decide = () => handle.executeUpdate(decideReviewUpdate, { args: [approval], updateId: 'decideReview/seed-1' });
      const answers = await Promise.all([decide(), decide()]);
      answers.push(await decide());
      expect(answers).toEqual(Array(3).fill({ status: 'approved' }));
      await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_payout' }));
      expect(calls.decisions).toEqual(['approved']);
      expect(calls.payouts).toHaveLength(1);
    });
  });
});
