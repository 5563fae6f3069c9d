/**
 * A change of the verified subject (SPEC §5), workflow change/<id>, one
 * sequence per type:
 * - individual → enterprise: the holder's face (WeChat for a permit holder) → the new enterprise's verification → switched;
 * - individual → individual: the holder's step → the new person's step → switched at once;
 * - enterprise entity A → B: the former legal person's face → materials → review → the new subject → its verification → switched;
 * - enterprise name: automatic when the record holds name and a 91/92 code and the registry confirms the new name, else materials → review → updated;
 * - legal representative: the registry names the new legal person → their face or WeChat step → updated.
 * Steps before the new subject's verification expire after CHANGE_VALIDITY; the
 * requester may revoke until the decision (or the switch); nothing of the
 * account changes until the switch, which changes all of it at once.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import { iso } from '../../domain/instant';
import { runToClose } from '../kernel/closing';
import { failed, type Outcome } from '../kernel/outcome';
import { setEventHandlers } from '../kernel/run';
import {
  awaitChangeOpenedUpdate,
  changeSnapshotQuery,
  refreshChangeQrUpdate,
  revokeChangeUpdate,
  submitChangeMaterialsUpdate,
  submitNewSubjectUpdate,
  type ChangeRequest,
  type SubjectChangeWorkflow,
} from '../change-messages';
import { ownerRevokeAnswerSignal } from '../process-messages';
import { database } from './activities';
import { awaitNewSubject, verifyNewSubject } from './new-subject';
import { ChangeProcess } from './process';
import { materialsAndReview } from './review';
import { personStep, viaFor } from './steps';

export const subjectChange: SubjectChangeWorkflow = async (input) => {
  const c = new ChangeProcess(input);
  // A run continued as new takes over its predecessor's state before any handler is registered: Updates and signals
  // that reached it first are delivered on registration and must see the change as it is.
  const resumed = c.resumed();
  setEventHandlers(c.run);
  setHandler(changeSnapshotQuery, c.run.snapshot);
  setHandler(awaitChangeOpenedUpdate, c.run.awaitOpened);
  setHandler(revokeChangeUpdate, c.revoke, { validator: c.validateRevoke });
  setHandler(ownerRevokeAnswerSignal, c.revocation.answered);
  setHandler(refreshChangeQrUpdate, c.refreshQr, { validator: c.validateRefresh });
  setHandler(submitChangeMaterialsUpdate, c.review.submissions.ask, { validator: c.validateMaterials });
  c.review.install();
  setHandler(submitNewSubjectUpdate, c.newSubjects.ask, { validator: c.validateNewSubject });

  return runToClose(c.run, async () => {
    // Continued as new while its review waited: open already, in review.
    if (resumed) {
      await c.run.close(await stepsOf(c, input.request));
      return c.run.outcome();
    }
    const open = await database.openChange({
      changeId: input.changeId,
      workflowId: workflowInfo().workflowId,
      accountId: input.accountId,
      request: input.request,
      expiresAt: iso(c.deadline),
      cooldownMs: input.timings.changeCooldownMs,
    });
    if (!open.opened) {
      c.run.markOpened(open);
      return { status: 'rejected', refusal: open.refusal };
    }
    c.run.claimed = true;
    await c.run.close(await stepsOf(c, input.request));
    c.shown();
    return c.run.outcome();
  });
};

/** The type's steps, to the outcome the run closes with ('verify': the switch). */
async function stepsOf(c: ChangeProcess, request: ChangeRequest): Promise<Outcome> {
  switch (request.type) {
    case 'individual_to_enterprise': {
      const holder = await personStep(c, 'holder', request.holder, viaFor(request.holder), 'IDENTITY_MISMATCH');
      if (holder.kind === 'ended') return holder.outcome;
      return commitOn(c, await verifyNewSubject(c, request.newSubject));
    }
    case 'individual_to_individual': {
      const holder = await personStep(c, 'holder', request.holder, viaFor(request.holder), 'IDENTITY_MISMATCH');
      if (holder.kind === 'ended') return holder.outcome;
      const newPerson = await personStep(c, 'new_person', request.newPerson, viaFor(request.newPerson), 'IDENTITY_MISMATCH');
      return newPerson.kind === 'ended' ? newPerson.outcome : commitOn(c, 'verify');
    }
    case 'enterprise_entity_change': {
      const formerLegalPerson = { realName: request.formerLegalPerson.name, idType: 'mainland_id', idNumber: request.formerLegalPerson.idNumber };
      const face = c.input.resume ? ({ kind: 'passed' } as const) : await personStep(c, 'holder', formerLegalPerson, 'face', 'LEGAL_PERSON_MISMATCH');
      if (face.kind === 'ended') return face.outcome;
      const review = await materialsAndReview(c, 'enterprise_entity_change');
      if (review.kind === 'ended') return review.outcome;
      const subject = await awaitNewSubject(c, review);
      if (subject.kind === 'ended') return subject.outcome;
      return verifyNewSubject(c, subject.request.request, subject.request);
    }
    case 'enterprise_name_change':
      return nameChange(c, request);
    case 'legal_representative_update': {
      const { enterprise, newLegalPerson } = request;
      const check = await c.run.providers.checkRegistry({ creditCode: enterprise.creditCode, enterpriseName: enterprise.name, legalPerson: newLegalPerson });
      if (!check.known) return failed('ENTERPRISE_NOT_IN_REGISTRY');
      if (!check.legalPersonMatches) return failed('LEGAL_PERSON_MISMATCH');
      const person = { realName: newLegalPerson.name, idType: 'mainland_id', idNumber: newLegalPerson.idNumber };
      const step = await personStep(c, 'new_person', person, request.method === 'face' ? 'face' : 'wechat', 'LEGAL_PERSON_MISMATCH', { bankCardRequired: true });
      return step.kind === 'ended' ? step.outcome : commitOn(c, 'verify');
    }
  }
}

/** Automatic when the registry confirms the new name for the code; otherwise (or when it does not yet) by materials and review. */
async function nameChange(c: ChangeProcess, request: Extract<ChangeRequest, { type: 'enterprise_name_change' }>): Promise<Outcome> {
  if (request.automatic && !c.input.resume) {
    const check = await c.run.providers.checkRegistry({ creditCode: request.enterprise.creditCode, enterpriseName: request.newName });
    if (check.known && check.nameMatches) return commitOn(c, 'verify');
  }
  const review = await materialsAndReview(c, 'enterprise_name_change');
  if (review.kind === 'ended') return review.outcome;
  // The reviewer's answer comes once the switch is written.
  await c.run.close('verify');
  c.review.answerApproval(review);
  return 'verify';
}

/** The switch is next: from here on the change can no longer be revoked. */
function commitOn(c: ChangeProcess, outcome: Outcome): Outcome {
  if (outcome === 'verify') c.committed = true;
  return outcome;
}
