import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { addBusinessDays } from '../../domain/business-days';
import { refreshChangeQrUpdate, submitChangeMaterialsUpdate, submitNewSubjectUpdate } from '../../workflows/change-messages';
import { decideReviewUpdate, providerEventSignal, snapshotQuery, type ProviderEvent } from '../../workflows/messages';
import { changeFakes, changeSteps, decision, ENTITY_MATERIALS, faceEvent, NAME_MATERIALS, newSubjectFor, refusedWith, ticketOf, type ChangeCalls } from '../support/change-fakes';
import { recordHistory } from '../support/record-history';
import { eventually, timeSkippingHarness } from '../support/temporal-test-env';
import { changeInput } from '../support/workflow-inputs';

/**
 * Changes of subject (SPEC §5) on the time-skipping server: materials and
 * review rounds, the new subject of an entity change, name changes,
 * legal-representative updates, individual → individual and the switch.
 * Validity, revocation and its race with an approval: change.test.ts.
 */
const COMPLETED = { status: 'completed', failureReason: null };

const harness = timeSkippingHarness();
const { withWorker } = harness;
const steps = changeSteps(harness);
const { snapshot, resultOf, atStep } = steps;

const approve = (handle: WorkflowHandle, reviewId: string) => handle.executeUpdate(decideReviewUpdate, { args: [decision(reviewId)] });
const scanned = (ticket: string, record: { realName: string; idNumber: string; idType: string }): ProviderEvent => ({
  eventId: `evt_${ticket}_${record.idType}`,
  provider: 'wechat',
  type: 'authorization.scanned',
  ticket,
  occurredAt: new Date().toISOString(),
  record: { ...record, birthDate: '1985-04-04', bankCardLinked: true },
});

describe('an entity change: materials and review rounds', () => {
  it('face → materials → review (due in 3 business days) → the declared new subject → its verification → switched', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const input = changeInput('enterprise_entity_change');
      const handle = await steps.start(tq, input);
      expect(calls.qr[0]).toMatchObject({ provider: 'face', subject: '法人甲' });
      await steps.passFace(handle, calls, 'awaiting_materials');
      expect((await snapshot(handle)).nextAction).toEqual({ type: 'submit_materials', required: Object.keys(ENTITY_MATERIALS) });
      const inReview = await handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] });
      expect(inReview.nextAction).toMatchObject({ dueAt: addBusinessDays(new Date(await harness.env.currentTimeMs()), 3).toISOString() });
      expect(calls.reviews).toEqual([{ round: 1, kind: 'enterprise_entity_change', purposes: Object.keys(ENTITY_MATERIALS).sort() }]);
      expect(await approve(handle, 'rev-1')).toEqual({ status: 'approved' });
      expect(calls.notices).toEqual(['review_approved']);

      // Full-width brackets aside, the name is the declared one.
      const subject = newSubjectFor(input, { name: '上海某某新科技有限公司(分部)' });
      const child = steps.child(subject.verificationId);
      expect(await handle.executeUpdate(submitNewSubjectUpdate, { args: [subject] })).toMatchObject({ step: 'verifying_new_subject' });
      await eventually(async () => expect(await child.query(snapshotQuery)).toMatchObject({ step: 'awaiting_face' }));
      expect(calls.qr.at(-1)).toMatchObject({ reference: child.workflowId, subject: '新法人' });
      await child.signal(providerEventSignal, faceEvent(ticketOf(calls, child.workflowId)));
      expect(await resultOf(handle)).toEqual(COMPLETED);
      expect(calls.child.completed).toEqual([subject.verificationId]);
      expect(calls.completed).toEqual([input.changeId]);
      expect(calls.finished).toEqual([]);
      expect(calls.notices).toEqual(['review_approved', 'completed']);
      expect(calls.steps).toEqual(['awaiting_holder_face', 'awaiting_materials', 'awaiting_review', 'awaiting_new_subject', 'verifying_new_subject']);
      await recordHistory('change.entity-change-completed', handle);
    });
  });

  it('a rejection sends it back to awaiting_materials; resubmitted materials open review round 2', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await steps.toReview(handle, calls);
      await expect(handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1', 'reject', ' ')] })).rejects.toMatchObject(refusedWith('VALIDATION_FAILED'));
      expect(await handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1', 'reject', 'form unsigned')] })).toEqual({ status: 'rejected' });
      expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'awaiting_materials', nextAction: { type: 'submit_materials' } });
      expect(calls.decisions).toEqual([{ reviewId: 'rev-1', decision: 'rejected', reason: 'form unsigned' }]);
      expect(calls.notices).toEqual(['review_rejected']);
      await expect(approve(handle, 'rev-1')).rejects.toMatchObject(refusedWith('REVIEW_NOT_OPEN'));

      const { current_license: _license, ...rest } = ENTITY_MATERIALS;
      const resubmitted = await handle.executeUpdate(submitChangeMaterialsUpdate, { args: [{ ...rest, deregistration_proof: 'upl_dereg' }] });
      expect(resubmitted).toMatchObject({ step: 'awaiting_review', nextAction: { type: 'await_review', reviewId: 'rev-2' } });
      expect(calls.reviews.map((r) => r.round)).toEqual([1, 2]);
      // Round 2 takes decisions on its own review only.
      await expect(approve(handle, 'rev-1')).rejects.toMatchObject(refusedWith('REVIEW_NOT_OPEN'));
      expect(await approve(handle, 'rev-2')).toEqual({ status: 'approved' });
      await atStep(handle, 'awaiting_new_subject');
      expect(calls.finished).toEqual([]);
    });
  });

  it('refuses materials missing a required purpose (VALIDATION_FAILED), and materials at another step (PROCESS_NOT_OPEN)', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('enterprise_entity_change'));
      await atStep(handle, 'awaiting_holder_face');
      await expect(handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] })).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      await steps.passFace(handle, calls, 'awaiting_materials');
      const { id_photo_emblem: _emblem, ...withoutEmblem } = ENTITY_MATERIALS;
      await expect(handle.executeUpdate(submitChangeMaterialsUpdate, { args: [withoutEmblem] })).rejects.toMatchObject(refusedWith('VALIDATION_FAILED'));
      await expect(handle.executeUpdate(submitChangeMaterialsUpdate, { args: [{ ...ENTITY_MATERIALS, current_license: '' }] })).rejects.toMatchObject(refusedWith('VALIDATION_FAILED'));
      expect(calls.reviews).toEqual([]);
      expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'awaiting_materials' });
      await handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] });
      await expect(handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] })).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      expect(calls.reviews).toHaveLength(1);
    });
  });

  it.each([
    ['another enterprise name', { name: '上海另一家科技有限公司' }],
    ['another credit code', { creditCode: '91310000MA1K000025' }],
  ])('refuses a new subject with %s than the declared one (VALIDATION_FAILED), and one sent before approval (PROCESS_NOT_OPEN)', async (_label, applicant) => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const input = changeInput('enterprise_entity_change');
      const handle = await steps.start(tq, input);
      await steps.toReview(handle, calls);
      await expect(handle.executeUpdate(submitNewSubjectUpdate, { args: [newSubjectFor(input)] })).rejects.toMatchObject(refusedWith('PROCESS_NOT_OPEN'));
      await approve(handle, 'rev-1');
      await atStep(handle, 'awaiting_new_subject');
      await expect(handle.executeUpdate(submitNewSubjectUpdate, { args: [newSubjectFor(input, applicant)] })).rejects.toMatchObject(refusedWith('VALIDATION_FAILED'));
      expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'awaiting_new_subject' });
      expect(calls.child.opened).toEqual([]);
    });
  });
});

describe('an enterprise name change', () => {
  it('automatic, the registry confirming the new name for the code: completed without a review', async () => {
    const { calls, activities } = changeFakes({ registry: { nameMatches: true } });
    await withWorker(activities, async (tq) => {
      const input = changeInput('enterprise_name_change', { automatic: true });
      const handle = await steps.start(tq, input);
      expect(await resultOf(handle)).toEqual(COMPLETED);
      expect(calls.registry).toEqual([{ creditCode: '91350100M000100Y43', enterpriseName: '北京某某新名科技有限公司' }]);
      expect(calls.completed).toEqual([input.changeId]);
      expect(calls.reviews).toEqual([]);
      expect(calls.qr).toEqual([]);
      expect(calls.notices).toEqual(['completed']);
    });
  });

  it.each([
    ['automatic, but the registry does not confirm the new name', true, false],
    ['not automatic (the record lacks a 91/92 code), whatever the registry says', false, true],
  ])('%s: materials → review; the approval switches, then the reviewer is answered', async (_label, automatic, nameMatches) => {
    const { calls, activities } = changeFakes({ registry: { nameMatches } });
    await withWorker(activities, async (tq) => {
      const input = changeInput('enterprise_name_change', { automatic });
      const handle = await steps.start(tq, input);
      expect(await snapshot(handle)).toMatchObject({ step: 'awaiting_materials', nextAction: { type: 'submit_materials', required: Object.keys(NAME_MATERIALS) } });
      expect(calls.registry).toHaveLength(automatic ? 1 : 0);
      expect(calls.completed).toEqual([]);
      await expect(handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] })).rejects.toMatchObject(refusedWith('VALIDATION_FAILED'));
      expect(await handle.executeUpdate(submitChangeMaterialsUpdate, { args: [NAME_MATERIALS] })).toMatchObject({ step: 'awaiting_review' });
      expect(calls.reviews).toEqual([{ round: 1, kind: 'enterprise_name_change', purposes: Object.keys(NAME_MATERIALS).sort() }]);
      expect(await approve(handle, 'rev-1')).toEqual({ status: 'approved' });
      // The answer came once the switch was written.
      expect(calls.completed).toEqual([input.changeId]);
      expect(await resultOf(handle)).toEqual(COMPLETED);
      expect(calls.notices).toEqual(['review_approved', 'completed']);
    });
  });
});

describe('a legal-representative update', () => {
  it.each([
    ['does not name the new legal person', { legalPersonMatches: false }, 'LEGAL_PERSON_MISMATCH'],
    ['does not know the enterprise', { known: false }, 'ENTERPRISE_NOT_IN_REGISTRY'],
  ])('fails at once when the registry %s, without a QR', async (_label, registry, reason) => {
    const { calls, activities } = changeFakes({ registry });
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('legal_representative_update'));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: reason });
      expect(calls.finished).toEqual([{ status: 'failed', failureReason: reason }]);
      expect(calls.registry[0]).toMatchObject({ legalPerson: { name: '法人乙' } });
      expect(calls.qr).toEqual([]);
      expect(calls.completed).toEqual([]);
      expect(calls.notices).toEqual(['failed']);
    });
  });

  it('the registry names the new legal person: their face (awaiting_new_person_face), then updated', async () => {
    const { calls, activities } = changeFakes({ registry: { legalPersonMatches: true } });
    await withWorker(activities, async (tq) => {
      const input = changeInput('legal_representative_update');
      const handle = await steps.start(tq, input);
      expect(await snapshot(handle)).toMatchObject({ step: 'awaiting_new_person_face', nextAction: { type: 'scan_qr', provider: 'face', purpose: 'new_person' } });
      expect(calls.qr).toEqual([expect.objectContaining({ provider: 'face', subject: '法人乙' })]);
      expect(calls.completed).toEqual([]);
      await handle.signal(providerEventSignal, faceEvent(ticketOf(calls, handle.workflowId)));
      expect(await resultOf(handle)).toEqual(COMPLETED);
      expect(calls.completed).toEqual([input.changeId]);
    });
  });

  it('a fresh QR for the new legal person’s face: issued and answered with the change’s own snapshot', async () => {
    const { calls, activities } = changeFakes({ registry: { legalPersonMatches: true } });
    await withWorker(activities, async (tq) => {
      const input = changeInput('legal_representative_update');
      const handle = await steps.start(tq, input);
      const first = ticketOf(calls, handle.workflowId);
      const answer = await handle.executeUpdate(refreshChangeQrUpdate);
      const fresh = ticketOf(calls, handle.workflowId);
      expect(fresh).not.toBe(first);
      expect(answer).toMatchObject({ changeId: input.changeId, step: 'awaiting_new_person_face', nextAction: { type: 'scan_qr', ticket: fresh, refreshesLeft: 4 } });
    });
  });

  // SPEC §3/§5: the WeChat record must be the person's own document (type, name and number): a permit with the same number is someone else's.
  it.each([
    ['a mainland record of the new legal person: updated', 'mainland_id', COMPLETED],
    ['a permit record with the same name and number: LEGAL_PERSON_MISMATCH', 'hk_macao_permit', { status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' }],
  ])('by WeChat QR (awaiting_new_person_scan), %s', async (_label, idType, expected) => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('legal_representative_update', { method: 'wechat_qr' }));
      expect(await snapshot(handle)).toMatchObject({ step: 'awaiting_new_person_scan', nextAction: { provider: 'wechat' } });
      await handle.signal(providerEventSignal, scanned(ticketOf(calls, handle.workflowId), { realName: '法人乙', idNumber: '110105198504040011', idType }));
      expect(await resultOf(handle)).toEqual(expected);
      expect(calls.completed).toHaveLength(expected === COMPLETED ? 1 : 0);
    });
  });
});

describe('individual → individual, and the switch', () => {
  async function bothFaces(handle: WorkflowHandle, calls: ChangeCalls) {
    await atStep(handle, 'awaiting_holder_face');
    await steps.passFace(handle, calls, 'awaiting_new_person_face');
    expect(calls.qr.map((q) => q.subject)).toEqual(['张三', '李四']);
    await handle.signal(providerEventSignal, faceEvent(ticketOf(calls, handle.workflowId)));
  }

  it('the holder’s face, then the new person’s: switched at once', async () => {
    const { calls, activities } = changeFakes();
    await withWorker(activities, async (tq) => {
      const input = changeInput('individual_to_individual');
      const handle = await steps.start(tq, input);
      await bothFaces(handle, calls);
      expect(await resultOf(handle)).toEqual(COMPLETED);
      expect(calls.completed).toEqual([input.changeId]);
      expect(calls.refunds).toEqual([]);
      expect(calls.notices).toEqual(['completed']);
      await recordHistory('change.individual-to-individual-completed', handle);
    });
  });

  it('the switch failing on the quota after a matched recharge: failed IDENTITY_QUOTA_EXCEEDED, the transfer refunded', async () => {
    const refund = { transferId: 'trf-7', requestId: 'refund/trf-7' };
    const { calls, activities } = changeFakes({ switchResult: { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED', refund } });
    await withWorker(activities, async (tq) => {
      const handle = await steps.start(tq, changeInput('individual_to_individual'));
      await bothFaces(handle, calls);
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' });
      expect(calls.refunds).toEqual([refund]);
      expect(calls.finished).toEqual([]);
      expect(calls.notices).toEqual(['failed']);
    });
  });
});
