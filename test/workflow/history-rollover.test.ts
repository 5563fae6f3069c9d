import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Activities } from '../../activities';
import { submitNewSubjectUpdate, type ChangeInput } from '../../workflows/change-messages';
import {
  claimReviewUpdate,
  decideReviewUpdate,
  providerEventSignal,
  releaseReviewUpdate,
  snapshotQuery,
  submitAmountUpdate,
  type EnterpriseVerificationInput,
} from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { changeFakes, changeSteps, decision, faceEvent, newSubjectFor, ticketOf } from '../support/change-fakes';
import { remittanceActivities, remittanceInReview } from '../support/remittance-workflow';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';
import { changeInput, enterpriseInput } from '../support/workflow-inputs';

/**
 * Bounded histories (issue 21, SPEC §10): every claim or release of a review is
 * an Update and an activity on the process's run, so a claim/release storm
 * would grow its history without bound. Past HISTORY_ROLLOVER_EVENTS (200
 * here) the run continues as new at the review's wait, carrying what it needs,
 * and the process goes on as if nothing happened.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;
const steps = changeSteps(harness);
const BOUND = 200;
/** One claim's events (accepted, activity, completed) and the handover's own: what a run may hold past its bound. */
const MARGIN = 40;
const TTL = 30 * 60_000;

const claim = (h: WorkflowHandle, by: string, reviewId = 'rev-1') => h.executeUpdate(claimReviewUpdate, { args: [{ reviewId, by, ttlMs: TTL }] });
const release = (h: WorkflowHandle, by: string, reviewId = 'rev-1') => h.executeUpdate(releaseReviewUpdate, { args: [{ reviewId, by }] });
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return (err as { cause?: ApplicationFailure }).cause?.type ?? 'unknown';
  }
}

/** The reviewer storm: `pairs` claims each followed by its release. */
async function storm(handle: WorkflowHandle, pairs: number, reviewId = 'rev-1') {
  for (let i = 0; i < pairs; i++) {
    await claim(handle, 'script', reviewId);
    await release(handle, 'script', reviewId);
  }
}

const currentRun = async (handle: WorkflowHandle) => (await handle.describe()).runId;

/** Every run of the workflow, first to current: its event count and its input. */
async function runsOf(handle: WorkflowHandleWithFirstExecutionRunId): Promise<{ runId: string; events: number; startedAt: number; input: unknown }[]> {
  const runs: { runId: string; events: number; startedAt: number; input: unknown }[] = [];
  let runId: string | undefined = handle.firstExecutionRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await harness.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const at = events[0]?.eventTime;
    const startedAt = Number(at?.seconds ?? 0) * 1000 + Math.floor((at?.nanos ?? 0) / 1e6);
    runs.push({ runId, events: events.length, startedAt, input: payload ? JSON.parse(Buffer.from(payload).toString('utf8')) : undefined });
    const last: temporal.api.history.v1.IHistoryEvent | undefined = events.at(-1);
    runId = last?.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ? (last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined) : undefined;
  }
  return runs;
}

/** A reviewer re-claims the review they hold until the run has continued as new after their claim. */
async function holdAcrossRollover(handle: WorkflowHandle, by: string, reviewId = 'rev-1') {
  const before = await currentRun(handle);
  for (let i = 0; i < BOUND && (await currentRun(handle)) === before; i++) await claim(handle, by, reviewId);
  expect(await currentRun(handle)).not.toBe(before);
}

describe('a public remittance in review under a claim/release storm', () => {
  it('continues as new within its bound, keeps the claim held across it, and goes on to pay out and verify once approved', async () => {
    const calls = { opened: 0, registry: 0, reviews: 0, claims: 0, revisions: [] as number[], payouts: [] as { requestId: string; amountFen: number }[] };
    const activities = remittanceActivities({
      openEnterpriseVerification: async () => (calls.opened++, { opened: true }),
      checkRegistry: async () => (calls.registry++, { known: true, nameMatches: true, legalPersonMatches: true }),
      openReview: async () => (calls.reviews++, { reviewId: 'rev-1' }),
      recordReviewClaim: async () => void calls.claims++,
      recordVerificationProgress: async (args) => void calls.revisions.push(args.revision),
      requestPayout: async (args) => (calls.payouts.push({ requestId: args.requestId, amountFen: args.amountFen }), { status: 'pending', bankReference: 'PO-TEST' }),
    });
    await withWorker(activities, async (tq) => {
      const base = enterpriseInput('public_remittance');
      const input: EnterpriseVerificationInput = { ...base, timings: { ...base.timings, historyRolloverEvents: BOUND } };
      const handle = await remittanceInReview(harness, tq, input);
      await storm(handle, 200);
      await holdAcrossRollover(handle, '王芳');
      // The new run holds the claim its predecessor recorded and answers as before.
      expect(await refusal(claim(handle, 'li.lei'))).toBe('REVIEW_CLAIMED');
      expect(await refusal(handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'li.lei' }] }))).toBe('REVIEW_CLAIMED');
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_review', nextAction: { type: 'await_review', reviewId: 'rev-1' } });

      expect(await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: '王芳' }] })).toEqual({ status: 'approved' });
      await eventually(async () => expect(calls.payouts).toHaveLength(1));
      await handle.signal(providerEventSignal, { eventId: `evt_${randomUUID()}`, provider: 'bank', type: 'payout.settled', requestId: calls.payouts[0]!.requestId, occurredAt: new Date().toISOString() });
      await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_amount' }));
      expect(await handle.executeUpdate(submitAmountUpdate, { args: [calls.payouts[0]!.amountFen] })).toMatchObject({ result: 'matched' });
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'verified', failureReason: null });

      const runs = await runsOf(handle);
      expect(runs.length).toBeGreaterThan(3);
      for (const run of runs) expect(run.events).toBeLessThanOrEqual(BOUND + MARGIN);
      // Opened, checked and sent to review once; every claim recorded; read-model writes in order across runs.
      expect([calls.opened, calls.registry, calls.reviews]).toEqual([1, 1, 1]);
      expect(calls.claims).toBeGreaterThan(400);
      expect(calls.revisions).toEqual([...calls.revisions].sort((a, b) => a - b));
      expect(new Set(calls.revisions).size).toBe(calls.revisions.length);
      await recordHistory('enterprise-verification.remittance-rolled-over-verified', handle);
    });
  });
});

describe('an enterprise entity change in review under a claim/release storm', () => {
  it('continues as new keeping its CHANGE_VALIDITY deadline, and goes on once approved', async () => {
    const { calls, activities } = changeFakes();
    let opened = 0;
    const all: Partial<Activities> = {
      ...activities,
      openChange: async (args) => (opened++, activities.openChange!(args)),
      recordReviewClaim: async () => {},
    };
    await withWorker(all, async (tq) => {
      const base = changeInput('enterprise_entity_change');
      const input: ChangeInput = { ...base, timings: { ...base.timings, historyRolloverEvents: BOUND } };
      const handle = await steps.start(tq, input);
      await steps.toReview(handle, calls);
      await storm(handle, 60);
      await holdAcrossRollover(handle, 'r1');
      expect(await refusal(claim(handle, 'li.lei'))).toBe('REVIEW_CLAIMED');

      const runs = await runsOf(handle);
      expect(runs.length).toBeGreaterThan(1);
      for (const run of runs) expect(run.events).toBeLessThanOrEqual(BOUND + MARGIN);
      // Every run after the first carries the deadline fixed when the change opened (CHANGE_VALIDITY from its start).
      const deadlines = new Set(runs.slice(1).map((r) => (r.input as ChangeInput).resume!.deadline));
      expect(deadlines.size).toBe(1);
      expect(Math.abs([...deadlines][0]! - (runs[0]!.startedAt + input.timings.changeValidityMs))).toBeLessThan(5_000);
      expect((runs.at(-1)!.input as ChangeInput).resume).toMatchObject({ run: { step: 'awaiting_review', review: { id: 'rev-1', round: 1 }, claim: { name: 'r1' } }, committed: false });

      expect(await handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1')] })).toEqual({ status: 'approved' });
      await steps.atStep(handle, 'awaiting_new_subject');
      const subject = newSubjectFor(input);
      const child = steps.child(subject.verificationId);
      await handle.executeUpdate(submitNewSubjectUpdate, { args: [subject] });
      await eventually(async () => expect(await child.query(snapshotQuery)).toMatchObject({ step: 'awaiting_face' }));
      await child.signal(providerEventSignal, faceEvent(ticketOf(calls, child.workflowId)));
      expect(await steps.resultOf(handle)).toEqual({ status: 'completed', failureReason: null });
      expect(opened).toBe(1);
      expect(calls.reviews).toHaveLength(1);
      expect(calls.completed).toEqual([input.changeId]);
      expect(calls.steps).toEqual(['awaiting_holder_face', 'awaiting_materials', 'awaiting_review', 'awaiting_new_subject', 'verifying_new_subject']);
      await recordHistory('change.entity-change-rolled-over-completed', handle);
    });
  });
});
