import { describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import { refreshChangeQrUpdate, submitChangeMaterialsUpdate, submitNewSubjectUpdate, type ChangeInput } from '../../workflows/change-messages';
import { providerEventSignal } from '../../workflows/messages';
import { changeFakes, changeSteps, ENTITY_MATERIALS, faceEvent, newSubjectFor, ticketOf } from '../support/change-fakes';
import { DAY, expectSentAtItsInstant, HOUR, MINUTE, REMINDERS_BEFORE, reminderRecorder } from '../support/reminder-fakes';
import { recordHistory } from '../support/record-history';
import { timeSkippingHarness } from '../support/temporal-test-env';
import { changeInput } from '../support/workflow-inputs';

/**
 * Reminders before a change's validity ends (SPEC §12, CHANGE_VALIDITY 7
 * days), on the time-skipping server: the change's own user steps (the
 * holder's face, materials, the new subject) remind at 48 h and 24 h before
 * the validity ends, an offset that falls before the step began is skipped,
 * and nothing reminds while a reviewer or the new subject's verification is
 * awaited.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;
const steps = changeSteps(harness);
const sleep = (ms: number) => harness.env.sleep(ms);

const entityChange = (): ChangeInput => {
  const input = changeInput('enterprise_entity_change');
  return { ...input, timings: { ...input.timings, remindersBeforeMs: REMINDERS_BEFORE } };
};

function fakes() {
  const reminders = reminderRecorder();
  const { calls, activities } = changeFakes();
  return { calls, reminders, activities: { ...activities, sendReminder: reminders.sendReminder } satisfies Partial<Activities> };
}

describe('a change’s own steps remind before its validity ends', () => {
  it('the holder’s face at 48 h (a failed attempt and a fresh QR keep the window); the materials step that began after it only at 24 h', async () => {
    const { calls, reminders, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, entityChange());
      await steps.atStep(handle, 'awaiting_holder_face');
      await handle.signal(providerEventSignal, faceEvent(ticketOf(calls, handle.workflowId), false));
      await steps.until(handle, (s) => expect(s.nextAction).toMatchObject({ attemptsLeft: 2 }));
      await sleep(DAY);
      await handle.executeUpdate(refreshChangeQrUpdate);
      await sleep(4 * DAY - MINUTE);
      expect(reminders.sent()).toEqual([]);
      await sleep(2 * MINUTE);
      const [face] = await reminders.sentCount(1);
      expect(face).toMatchObject({ process: 'change', processId: handle.workflowId.replace('change/', ''), window: 'awaiting_holder_face', step: 'awaiting_holder_face', action: 'scan_qr', offsetMs: 48 * HOUR });
      expectSentAtItsInstant(face!);

      // The materials step begins 5 days and 2 minutes in: its 48 h instant (5 days in) is already past.
      await handle.executeUpdate(refreshChangeQrUpdate);
      await steps.passFace(handle, calls, 'awaiting_materials');
      await sleep(DAY - 3 * MINUTE);
      expect(reminders.sent()).toHaveLength(1);
      await sleep(2 * MINUTE);
      const [, materials] = await reminders.sentCount(2);
      expect(materials).toMatchObject({ window: 'awaiting_materials/1', step: 'awaiting_materials', action: 'submit_materials', offsetMs: 24 * HOUR, deadline: face!.deadline });
      expectSentAtItsInstant(materials!);

      await handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] });
      await sleep(DAY);
      expect(await steps.resultOf(handle)).toMatchObject({ status: 'expired' });
      expect(reminders.sent()).toHaveLength(2);
      await recordHistory('change.entity-change-reminded-expired', handle);
    });
  });

  it('none while the reviewer is awaited: a change in review from its first minute expires without one', async () => {
    const { calls, reminders, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, entityChange());
      await steps.toReview(handle, calls);
      await sleep(7 * DAY + MINUTE);
      expect(await steps.resultOf(handle)).toMatchObject({ status: 'expired' });
      expect(reminders.sent()).toEqual([]);
    });
  });

  it('the new subject after approval reminds until it is sent; its verification, a process of its own, is not the change’s window', async () => {
    const { calls, reminders, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const input = entityChange();
      const handle = await steps.start(tq, input);
      await steps.toNewSubject(handle, calls);
      await sleep(5 * DAY + MINUTE);
      const [first] = await reminders.sentCount(1);
      expect(first).toMatchObject({ window: 'awaiting_new_subject', step: 'awaiting_new_subject', action: 'submit_new_subject', offsetMs: 48 * HOUR });
      // The new subject's verification (legal-person face, no reminders of its own) runs past the change's 24 h instant.
      const subject = newSubjectFor(input);
      steps.child(subject.verificationId);
      expect(await handle.executeUpdate(submitNewSubjectUpdate, { args: [subject] })).toMatchObject({ step: 'verifying_new_subject' });
      await sleep(DAY + HOUR);
      expect(reminders.sent()).toHaveLength(1);
    });
  });

  it('an individual → individual change reminds the new person in their own step', async () => {
    const { calls, reminders, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const base = changeInput('individual_to_individual');
      const handle = await steps.start(tq, { ...base, timings: { ...base.timings, remindersBeforeMs: REMINDERS_BEFORE } });
      await steps.atStep(handle, 'awaiting_holder_face');
      await steps.passFace(handle, calls, 'awaiting_new_person_face');
      await sleep(6 * DAY + MINUTE);
      expect((await reminders.sentCount(2)).map((r) => [r.window, r.offsetMs])).toEqual([
        ['awaiting_new_person_face', 48 * HOUR],
        ['awaiting_new_person_face', 24 * HOUR],
      ]);
    });
  });
});
