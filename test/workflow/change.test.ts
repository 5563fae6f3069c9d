import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { revokeChangeUpdate, submitChangeMaterialsUpdate } from '../../workflows/change-messages';
import { cancelUpdate, decideReviewUpdate, providerEventSignal, snapshotQuery, type VerificationSnapshot } from '../../workflows/messages';
import { changeFakes, changeSteps, decision, ENTITY_MATERIALS, faceEvent, gate, refusedWith, ticketOf, type ChangeCalls } from '../support/change-fakes';
import { recordHistory } from '../support/record-history';
import { bundleWorkflows, eventually, timeSkippingHarness } from '../support/temporal-test-env';
import { changeInput } from '../support/workflow-inputs';

/**
 * Changes of subject (SPEC §5) on the time-skipping server: CHANGE_VALIDITY,
 * revocation at each step and once it is no longer possible, and a
 * revocation racing a reviewer's approval. Reviews, the switch and the other
 * types: change-review.test.ts.
 */
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const REVOKED = { status: 'revoked', failureReason: null };
const EXPIRED = { status: 'expired', failureReason: null };

const harness = timeSkippingHarness();
const { withWorker } = harness;
const steps = changeSteps(harness);
const { snapshot, resultOf, atStep } = steps;

/** Still open at `step` an hour before CHANGE_VALIDITY (7 days) ran out, expired (and recorded so) an hour after. */
async function expectExpiry(handle: WorkflowHandle, calls: ChangeCalls, step: string) {
  await harness.env.sleep(7 * DAY - HOUR);
  expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step });
  expect(calls.finished).toEqual([]);
  await harness.env.sleep(2 * HOUR);
  expect(await resultOf(handle)).toEqual(EXPIRED);
  expect(calls.finished).toEqual([EXPIRED]);
  expect(calls.notices.at(-1)).toBe('expired');
  expect(calls.completed).toEqual([]);
}

describe('CHANGE_VALIDITY: the steps before the new subject’s verification must be done within 7 days', () => {
  it('an entity change left at awaiting_holder_face expires after 7 days, and not before', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await atStep(handle, 'awaiting_holder_face');
      await expectExpiry(handle, calls, 'awaiting_holder_face');
      expect(calls.reviews).toEqual([]);
    });
  });

  it('an entity change left in awaiting_review expires after 7 days, and its review is withdrawn', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, calls);
      await expectExpiry(handle, calls, 'awaiting_review');
      expect(calls.revokedReviews).toEqual(['rev-1']);
      expect(calls.decisions).toEqual([]);
    });
  });
});

describe('revocation', () => {
  /** Revoked: answered with the closed change, recorded and notified, the workflow ended revoked. */
  async function expectRevoked(handle: WorkflowHandle, calls: ChangeCalls) {
    expect(await handle.executeUpdate(revokeChangeUpdate)).toMatchObject({ status: 'revoked', step: null, nextAction: null });
    expect(await resultOf(handle)).toEqual(REVOKED);
    expect(calls.finished).toEqual([REVOKED]);
    expect(calls.notices.at(-1)).toBe('revoked');
    expect(calls.completed).toEqual([]);
  }

  it('at awaiting_holder_face: revoked, and the live face QR stops working', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await atStep(handle, 'awaiting_holder_face');
      await expectRevoked(handle, calls);
      expect(calls.revokedQr).toEqual([ticketOf(calls, handle.workflowId)]);
    });
  });

  it('at awaiting_materials: revoked, no review opened', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.passFace(handle, calls, 'awaiting_materials');
      await expectRevoked(handle, calls);
      expect(calls.reviews).toEqual([]);
      expect(calls.revokedReviews).toEqual([]);
    });
  });

  it('at awaiting_review: revoked, and the review is withdrawn from the queue', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, calls);
      await expectRevoked(handle, calls);
      expect(calls.revokedReviews).toEqual(['rev-1']);
      expect(calls.decisions).toEqual([]);
      await recordHistory('change.entity-change-revoked-in-review', handle);
    });
  });

  it('individual → enterprise at verifying_new_subject: the new subject’s verification ends cancelled, the change revoked', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const input = changeInput('individual_to_enterprise');
      const handle = await steps.start(tq, input);
      expect(calls.qr[0]).toMatchObject({ provider: 'face', subject: '张三' });
      await steps.passFace(handle, calls, 'verifying_new_subject');
      const child = steps.child(input.request.newSubject.verificationId);
      await eventually(async () => expect(await child.query(snapshotQuery)).toMatchObject<Partial<VerificationSnapshot>>({ status: 'in_progress', step: 'awaiting_face' }));
      expect(calls.child.opened).toEqual([input.changeId]);
      // Only the change ends it: cancelling the verification itself is refused.
      await expect(child.executeUpdate(cancelUpdate)).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));

      await expectRevoked(handle, calls);
      expect(await resultOf(child)).toEqual({ status: 'cancelled', failureReason: null });
      expect(calls.child.finished).toEqual([{ status: 'cancelled', failureReason: null }]);
      expect(calls.child.completed).toEqual([]);
      expect(calls.revokedQr).toContain(ticketOf(calls, child.workflowId));
      await recordHistory('change.individual-to-enterprise-revoked-verifying', handle);
    });
  });

  it('is refused once a reviewer approved (awaiting_new_subject): the change goes on', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toNewSubject(handle, calls);
      await expect(handle.executeUpdate(revokeChangeUpdate)).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'awaiting_new_subject', nextAction: { type: 'submit_new_subject' } });
      expect(calls.finished).toEqual([]);
    });
  });

  it('is refused once the change is over: failed, while its outcome is being notified, and after its workflow ended', async () => {
    const notice = gate();
    const { calls, activities } = changeFakes({ hold: { notifyChange: notice.opened } });
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      for (let attempt = 1; attempt <= 3; attempt++) {
        const ticket = ticketOf(calls, handle.workflowId);
        await handle.signal(providerEventSignal, faceEvent(ticket, false));
        // The attempts left show while the next attempt's QR is being issued: the next event goes to that QR.
        if (attempt < 3) await steps.until(handle, (s) => expect(s.nextAction).toMatchObject({ attemptsLeft: 3 - attempt, ticket: expect.not.stringMatching(`^${ticket}$`) }));
      }
      await steps.until(handle, (s) => expect(s).toMatchObject({ status: 'failed', failureReason: 'FACE_MISMATCH' }));
      // The workflow still runs (the notification waits), but the change has ended.
      await expect(handle.executeUpdate(revokeChangeUpdate)).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      notice.open();
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'FACE_MISMATCH' });
      expect(calls.finished).toEqual([{ status: 'failed', failureReason: 'FACE_MISMATCH' }]);
      // (The API refuses it from the read model before asking the workflow.)
      await expect(handle.executeUpdate(revokeChangeUpdate)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });
  });

  it('is refused a second time (PROCESS_NOT_OPEN), the change staying revoked', async () => {
    const notice = gate();
    const { calls, activities } = changeFakes({ hold: { notifyChange: notice.opened } });
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.passFace(handle, calls, 'awaiting_materials');
      expect(await handle.executeUpdate(revokeChangeUpdate)).toMatchObject({ status: 'revoked' });
      await expect(handle.executeUpdate(revokeChangeUpdate)).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      await expect(handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] })).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      notice.open();
      expect(await resultOf(handle)).toEqual(REVOKED);
      expect(calls.finished).toEqual([REVOKED]);
    });
  });
});

describe('a revocation racing an approval: whichever is accepted first wins, the other is refused', () => {
  type Settled = PromiseSettledResult<unknown>;
  const settle = async (p: Promise<unknown>): Promise<Settled> => (await Promise.allSettled([p]))[0];
  /** Exactly one of the two succeeded, and the change shows the winner's outcome. */
  async function expectOneWinner(handle: WorkflowHandle, calls: ChangeCalls, approval: Settled, revocation: Settled) {
    expect([approval.status, revocation.status].sort()).toEqual(['fulfilled', 'rejected']);
    if (approval.status === 'fulfilled') {
      expect(approval.value).toEqual({ status: 'approved' });
      expect(revocation.status === 'rejected' && revocation.reason).toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      await atStep(handle, 'awaiting_new_subject');
      expect(calls.decisions).toEqual([{ reviewId: 'rev-1', decision: 'approved', reason: null }]);
      expect(calls.finished).toEqual([]);
      expect(calls.revokedReviews).toEqual([]);
      return 'approved';
    }
    expect(revocation.status === 'fulfilled' && revocation.value).toMatchObject({ status: 'revoked' });
    expect(approval.reason).toMatchObject(refusedWith('REVIEW_NOT_OPEN'));
    expect(await resultOf(handle)).toEqual(REVOKED);
    expect(calls.finished).toEqual([REVOKED]);
    expect(calls.decisions).toEqual([]);
    expect(calls.revokedReviews).toEqual(['rev-1']);
    return 'revoked';
  }

  // Both updates wait at the server until a worker polls; the next workflow task then carries both, in the order
  // sent, so the main loop never runs between them: only the validators can keep the loser out.
  describe('delivered in one workflow task (sent while no worker polls)', () => {
    let bundle: WorkflowBundleWithSourceMap;
    beforeAll(async () => {
      bundle = await bundleWorkflows();
    });

    it.each(['the approval', 'the revocation'] as const)('%s first: it wins, the validators refusing the other', async (first) => {
      const { calls, activities } = changeFakes();
      const taskQueue = `tq-${randomUUID()}`;
      // No workflow cache: the next workflow task goes to whichever worker polls the task queue.
      const worker = () => Worker.create({ connection: harness.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, maxCachedWorkflows: 0 });
      const handle = await (await worker()).runUntil(async () => {
        const h = await steps.start(taskQueue, changeInput('enterprise_entity_change'));
        await steps.toReview(h, calls);
        return h;
      });
      try {
        const approve = () => handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1')] });
        const revoke = () => handle.executeUpdate(revokeChangeUpdate);
        const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
        const sent: Promise<unknown>[] = [first === 'the approval' ? approve() : revoke()];
        await pause();
        sent.push(first === 'the approval' ? revoke() : approve());
        await pause();
        await (await worker()).runUntil(async () => {
          const settled = await Promise.allSettled(sent);
          const [approval, revocation] = first === 'the approval' ? settled : settled.reverse();
          expect(await expectOneWinner(handle, calls, approval!, revocation!)).toBe(first === 'the approval' ? 'approved' : 'revoked');
        });
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  });

  it.each([1, 2, 3, 4, 5, 6].map((n) => [n % 2 ? 'the approval' : 'the revocation', n] as const))('sent at once, %s first (run %i)', async (first) => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, calls);
      const approve = () => handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1')] });
      const revoke = () => handle.executeUpdate(revokeChangeUpdate);
      const [approval, revocation] =
        first === 'the approval' ? await Promise.allSettled([approve(), revoke()]) : (await Promise.allSettled([revoke(), approve()])).reverse();
      await expectOneWinner(handle, calls, approval!, revocation!);
    });
  });

  it('the revocation accepted first: the approval that follows is refused REVIEW_NOT_OPEN', async () => {
    const withdrawal = gate();
    const { calls, activities } = changeFakes({ hold: { revokeReview: withdrawal.opened } });
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, calls);
      const revocation = await handle.startUpdate(revokeChangeUpdate, { waitForStage: 'ACCEPTED' });
      // The change is still closing (its review being withdrawn) when the reviewer's approval comes.
      const approval = await settle(handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1')] }));
      withdrawal.open();
      expect(await expectOneWinner(handle, calls, approval, await settle(revocation.result()))).toBe('revoked');
    });
  });

  it('the approval accepted first: the revocation that follows is refused PROCESS_NOT_OPEN', async () => {
    const recording = gate();
    const { calls, activities } = changeFakes({ hold: { recordReviewDecision: recording.opened } });
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, calls);
      const approval = await handle.startUpdate(decideReviewUpdate, { args: [decision('rev-1')], waitForStage: 'ACCEPTED' });
      // The decision is still being written when the revocation comes.
      const revocation = await settle(handle.executeUpdate(revokeChangeUpdate));
      recording.open();
      expect(await expectOneWinner(handle, calls, await settle(approval.result()), revocation)).toBe('approved');
    });
  });
});
