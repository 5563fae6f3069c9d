import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { RegistryCheck } from '../../activities/enterprise';
import type { SwitchResult } from '../../activities/subject-switch';
import { subjectChange } from '../../workflows';
import {
  awaitChangeOpenedUpdate,
  changeSnapshotQuery,
  changeWorkflowId,
  submitChangeMaterialsUpdate,
  type ChangeInput,
  type ChangeSnapshot,
} from '../../workflows/change-messages';
import { decideReviewUpdate, providerEventSignal, verificationWorkflowId, type EnterpriseVerificationInput, type ProviderEvent } from '../../workflows/messages';
import { eventually, resultWithoutSkipping, type timeSkippingHarness } from './temporal-test-env';
import { enterpriseInput } from './workflow-inputs';
import { identityChecks } from './identity-fakes';

/** Fakes and steps for the change-of-subject workflow tests (time-skipping server, no database). */

type Harness = ReturnType<typeof timeSkippingHarness>;

export const ENTITY_MATERIALS = { change_application_form: 'upl_form', current_license: 'upl_lic', id_photo_emblem: 'upl_emb', id_photo_portrait: 'upl_por' };
export const NAME_MATERIALS = { change_application_form: 'upl_form', name_change_proof: 'upl_proof', current_license: 'upl_lic' };

/** A gate a fake activity waits at until the test opens it. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

export interface ChangeFakeOptions {
  registry?: Partial<RegistryCheck>;
  /** What the switch (completeChange) answers; default completed. */
  switchResult?: SwitchResult;
  /** Activities that wait for a gate before doing anything. */
  hold?: Partial<Record<keyof Activities, Promise<void>>>;
}

/** The activities of a change and of its new subject's verification (a child on the same task queue), recording their calls. */
export function changeFakes(options: ChangeFakeOptions = {}) {
  const calls = {
    steps: [] as (string | null)[],
    finished: [] as { status: string; failureReason: string | null }[],
    completed: [] as string[],
    reviews: [] as { round: number; kind: string; purposes: string[] }[],
    decisions: [] as { reviewId: string; decision: string; reason: string | null }[],
    /** First approvals of reviews that need two (four eyes): `rev-1:reviewer`. */
    approvals: [] as string[],
    revokedReviews: [] as string[],
    notices: [] as string[],
    qr: [] as { reference: string; ticket: string; provider: string; subject?: string }[],
    revokedQr: [] as string[],
    registry: [] as Parameters<Activities['checkRegistry']>[0][],
    refunds: [] as { transferId: string; requestId: string }[],
    child: { opened: [] as (string | undefined)[], steps: [] as (string | null)[], finished: [] as unknown[], completed: [] as string[] },
  };
  const held = async (name: keyof Activities) => {
    await options.hold?.[name];
  };
  const activities: Partial<Activities> = {
    ...identityChecks,
    openChange: async () => ({ opened: true }),
    recordChangeProgress: async (args) => void calls.steps.push(args.step),
    finishChange: async (args) => {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
    completeChange: async (args) => {
      calls.completed.push(args.changeId);
      return options.switchResult ?? { status: 'completed', failureReason: null };
    },
    openChangeReview: async (args) => {
      calls.reviews.push({ round: args.round, kind: args.kind, purposes: args.materials.map((m) => m.purpose).sort() });
      return { reviewId: `rev-${args.round}` };
    },
    recordReviewDecision: async (args) => {
      await held('recordReviewDecision');
      calls.decisions.push({ reviewId: args.reviewId, decision: args.decision, reason: args.reason });
    },
    recordReviewApproval: async (args) => void calls.approvals.push(`${args.reviewId}:${args.reviewer}`),
    recordReviewClaim: async () => {},
    revokeReview: async (args) => {
      await held('revokeReview');
      calls.revokedReviews.push(args.reviewId);
    },
    notifyChange: async (args) => {
      await held('notifyChange');
      calls.notices.push(args.event);
    },
    issueQr: async (args) => {
      const ticket = `ticket-${calls.qr.length + 1}`;
      calls.qr.push({ reference: args.reference, ticket, provider: args.provider, ...(args.subject ? { subject: args.subject.realName } : {}) });
      return { ticket, qrContent: 'qr', expiresAt: new Date().toISOString() };
    },
    revokeQr: async (args) => void calls.revokedQr.push(args.ticket),
    checkRegistry: async (args) => {
      calls.registry.push(args);
      return { known: true, nameMatches: true, legalPersonMatches: args.legalPerson ? true : null, ...options.registry };
    },
    refundTransfer: async (args) => {
      calls.refunds.push(args);
      return { outcome: 'refunded' as const };
    },
    openEnterpriseVerification: async (args) => {
      calls.child.opened.push(args.changeId);
      return { opened: true };
    },
    recordVerificationProgress: async (args) => void calls.child.steps.push(args.step),
    completeVerification: async (args) => {
      calls.child.completed.push(args.verificationId);
      return { status: 'verified', failureReason: null };
    },
    finishVerification: async (args) => {
      calls.child.finished.push(args.outcome);
      return args.outcome;
    },
    notifyEnterprise: async () => {},
  };
  return { calls, activities };
}

export type ChangeCalls = ReturnType<typeof changeFakes>['calls'];

let eventSeq = 0;
export const faceEvent = (ticket: string, passed = true): ProviderEvent => ({
  eventId: `evt_${++eventSeq}_${randomUUID()}`,
  provider: 'face',
  type: 'face.completed',
  ticket,
  passed,
  occurredAt: new Date().toISOString(),
});

/** The ticket of the QR a workflow showed last. */
export function ticketOf(calls: ChangeCalls, workflowId: string): string {
  const qr = calls.qr.filter((q) => q.reference === workflowId).at(-1);
  if (!qr) throw new Error(`no QR issued for ${workflowId}`);
  return qr.ticket;
}

/** The new enterprise's verification input as the API sends it after approval: the declared enterprise by legal-person face. */
export function newSubjectFor(input: ChangeInput, applicant: Partial<EnterpriseVerificationInput['applicant']> = {}): EnterpriseVerificationInput {
  if (input.request.type !== 'enterprise_entity_change') throw new Error('only an entity change declares a new enterprise');
  const base = enterpriseInput('legal_person_face', { accountId: input.accountId });
  const { name, creditCode } = input.request.newEnterprise;
  return { ...base, applicant: { ...base.applicant, name, creditCode, legalPerson: { name: '新法人', idNumber: '110105198504040011' }, ...applicant } };
}

export const decision = (reviewId: string, decided: 'approve' | 'reject' = 'approve', reason: string | null = null) => ({ reviewId, decision: decided, reason, reviewer: 'r1' });

/** An update refused by its validator (or the process) with this ApplicationFailure type. */
export const refusedWith = (type: string) => ({ cause: { type } });

/** Starting changes and walking them through their steps, on `harness`. */
export function changeSteps(harness: Harness) {
  const snapshot = (handle: WorkflowHandle) => handle.query(changeSnapshotQuery);
  const until = (handle: WorkflowHandle, check: (s: ChangeSnapshot) => void) =>
    eventually(async () => {
      const s = await snapshot(handle);
      check(s);
      return s;
    });
  const atStep = (handle: WorkflowHandle, step: string) => until(handle, (s) => expect(s).toMatchObject({ status: 'in_progress', step }));

  return {
    snapshot,
    until,
    atStep,
    resultOf: (handle: WorkflowHandle) => resultWithoutSkipping(harness.env, handle),

    /** Starts the change and waits until its first step is shown (the API's awaitChangeOpened). */
    async start(taskQueue: string, input: ChangeInput) {
      const handle = await harness.env.client.workflow.start(subjectChange, { args: [input], taskQueue, workflowId: changeWorkflowId(input.changeId) });
      harness.track(handle.workflowId);
      if (input.request.type === 'individual_to_enterprise') harness.track(verificationWorkflowId(input.request.newSubject.verificationId));
      const opened = await handle.executeUpdate(awaitChangeOpenedUpdate);
      expect(opened).toEqual({ opened: true });
      return handle;
    },

    /** The child verification of the new subject (terminated after the test with the change). */
    child(verificationId: string) {
      harness.track(verificationWorkflowId(verificationId));
      return harness.env.client.workflow.getHandle(verificationWorkflowId(verificationId));
    },

    /** The person in front of the live face QR passes; the change moves on to `next`. */
    async passFace(handle: WorkflowHandle, calls: ChangeCalls, next: string) {
      await handle.signal(providerEventSignal, faceEvent(ticketOf(calls, handle.workflowId)));
      return atStep(handle, next);
    },

    /** An entity change from its start to awaiting_review (the former legal person's face, the materials). */
    async toReview(handle: WorkflowHandle, calls: ChangeCalls) {
      await atStep(handle, 'awaiting_holder_face');
      await this.passFace(handle, calls, 'awaiting_materials');
      const s = await handle.executeUpdate(submitChangeMaterialsUpdate, { args: [ENTITY_MATERIALS] });
      expect(s).toMatchObject({ step: 'awaiting_review', nextAction: { type: 'await_review', reviewId: `rev-${calls.reviews.length}` } });
      return s;
    },

    /** An entity change approved by the reviewer: awaiting the new subject. */
    async toNewSubject(handle: WorkflowHandle, calls: ChangeCalls) {
      await this.toReview(handle, calls);
      expect(await handle.executeUpdate(decideReviewUpdate, { args: [decision('rev-1')] })).toEqual({ status: 'approved' });
      return atStep(handle, 'awaiting_new_subject');
    },
  };
}
