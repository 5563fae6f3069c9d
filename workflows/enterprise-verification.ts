import { condition, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { addBusinessDays } from '../domain/business-days';
import type { FailureReason } from '../domain/constants';
import { registryVerdict } from '../domain/enterprise-rules';
import { sameEntityName } from '../domain/entity-name';
import { sameIndividual } from '../domain/identity-match';
import { fenToYuan } from '../domain/money';
import {
  decideReviewUpdate,
  FailureType,
  resubmitMaterialsUpdate,
  submitAmountUpdate,
  type AmountAnswer,
  type CorrectedMaterials,
  type EnterpriseVerificationInput,
  type EnterpriseVerificationWorkflow,
  type Person,
  type ProviderEvent,
  type RefundTransferWorkflow,
  type ReviewDecision,
  type VerificationOutcome,
} from './messages';
import { QrSession, refuse, runQrStep, store, VerificationRun, type Outcome } from './verification-run';

// Money moves: no overall deadline (it must happen eventually); every call is idempotent at the bank.
const bank = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Patch id: a recharge transfer is refused unless the bank reports the enterprise as the payer. */
const PAYER_NAME_CHECK = 'recharge-payer-name-check';
/** Patch id: an approval records the payout step before the decision is answered. */
const PAYOUT_STEP_AT_APPROVAL = 'payout-step-at-approval';
/** Two tries (SPEC §4): wrong transfers from the confirmed account, and wrong amounts entered. */
const ATTEMPTS = 2;
/** A random amount below one yuan: 0.01–0.99. Workflow Math.random is seeded per run, so replays draw the same. */
export const randomFen = () => 1 + Math.floor(Math.random() * 99);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Enterprise verification (SPEC §4): the registry check, then one of
 * - an instant method: WeChat Official Account, legal-person WeChat QR, legal-person face;
 * - platform recharge: an exact small transfer from the confirmed corporate account within TRANSFER_WINDOW;
 * - corporate public remittance: handler face, human review (revocable; a rejection may be corrected
 *   and resubmitted), a 0.01–0.99 payout, and the amount entered within AMOUNT_ENTRY_WINDOW of its arrival.
 * Review results and outcomes are notified (§7).
 */
export const enterpriseVerification: EnterpriseVerificationWorkflow = async (input) => {
  const { verificationId, applicant, timings, method } = input;
  const workflowId = workflowInfo().workflowId;
  const startedAt = Date.now();
  const run = new VerificationRun(verificationId, method);
  const calendar = input.calendar ?? {};

  const outcome = (): VerificationOutcome => ({ status: run.status as 'verified' | 'failed' | 'expired' | 'cancelled', failureReason: run.failureReason });

  /** Closes, then tells the user by every channel of SPEC §7. */
  const finish = async (result: Outcome, options: Parameters<VerificationRun['close']>[1] = {}) => {
    await run.close(result, options);
    await store.notifyEnterprise({ verificationId, event: run.status as 'verified' | 'failed' | 'expired' | 'cancelled', round: 0, reason: run.failureReason });
  };
  const fail = (failureReason: FailureReason, options?: Parameters<VerificationRun['close']>[1]) => finish({ status: 'failed', failureReason }, options);

  // ---- open: claim the account's single process slot, or be refused
  const instant = method === 'wechat_official_account' || method === 'legal_person_wechat' || method === 'legal_person_face';
  const deadline = instant ? startedAt + timings.instantMethodTtlMs : method === 'recharge' ? startedAt + timings.transferWindowMs : null;
  const open = await store.openEnterpriseVerification({
    verificationId,
    workflowId,
    accountId: input.accountId,
    method,
    applicant,
    identityHash: input.identityHash,
    expiresAt: deadline === null ? null : iso(deadline),
  });
  if (!open.opened) {
    run.markOpened(open);
    return { status: 'rejected', code: open.code };
  }

  // ---- the business registry (a newly issued licence may not be there yet)
  const check = await store.checkRegistry({
    creditCode: applicant.creditCode,
    enterpriseName: applicant.name,
    ...(applicant.legalPerson ? { legalPerson: applicant.legalPerson } : {}),
  });
  const registryFailure = registryVerdict({ licenseType: applicant.licenseType, method }, check);
  if (registryFailure) {
    await fail(registryFailure);
    run.markOpened({ opened: true, snapshot: run.snapshot() });
    return outcome();
  }

  if (instant) await instantMethod(input, run, deadline!, finish);
  else if (method === 'recharge') await recharge(input, run, deadline!, finish, fail);
  else await publicRemittance(input, run, calendar, finish, fail);
  return outcome();
};

type Finish = (result: Outcome, options?: Parameters<VerificationRun['close']>[1]) => Promise<void>;
type Fail = (reason: FailureReason, options?: Parameters<VerificationRun['close']>[1]) => Promise<void>;

/** Official account (its certified name must be the enterprise's), legal-person WeChat (its real-name record must be the legal person), legal-person face. */
async function instantMethod(input: EnterpriseVerificationInput, run: VerificationRun, deadline: number, finish: Finish) {
  const { applicant, timings, method } = input;
  const legalPerson = applicant.legalPerson;
  let faceFailures = 0;
  const qr = new QrSession(
    run,
    method === 'wechat_official_account'
      ? { provider: 'wechat', kind: 'official_account', waitingStep: 'awaiting_scan', timings, purpose: 'official_account' }
      : method === 'legal_person_wechat'
        ? { provider: 'wechat', waitingStep: 'awaiting_scan', timings, purpose: 'legal_person' }
        : {
            provider: 'face',
            waitingStep: 'awaiting_face',
            timings,
            purpose: 'legal_person',
            subject: { realName: legalPerson!.name, idNumber: legalPerson!.idNumber },
            attemptsLeft: () => timings.faceMaxAttempts - faceFailures,
          },
  );
  run.nextAction = () => qr.action();
  const close = (result: Outcome) => finish(result, { cleanup: () => qr.revoke() });

  const handle = async (event: ProviderEvent): Promise<void> => {
    if (!('ticket' in event) || !qr.isLive(event)) return;
    if (event.type === 'official_account.authorized' && method === 'wechat_official_account') {
      // The official account must be enterprise-certified under exactly this enterprise's name.
      const ok = event.certified && sameEntityName(event.enterpriseName, applicant.name);
      return close(ok ? 'verify' : { status: 'failed', failureReason: 'ENTERPRISE_NAME_MISMATCH' });
    }
    if (event.type === 'authorization.scanned' && method === 'legal_person_wechat') {
      const isLegalPerson = event.record.idType === 'mainland_id' && sameIndividual({ realName: legalPerson!.name, idNumber: legalPerson!.idNumber }, event.record);
      return close(isLegalPerson ? 'verify' : { status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' });
    }
    if (event.type === 'face.completed' && method === 'legal_person_face') {
      if (event.passed) return close('verify');
      faceFailures++;
      if (faceFailures >= timings.faceMaxAttempts) return close({ status: 'failed', failureReason: 'FACE_MISMATCH' });
      return qr.issue(false);
    }
  };

  await qr.issue(false);
  run.markOpened({ opened: true, snapshot: run.snapshot() });
  await runQrStep(run, qr, deadline, close, handle);
}

/**
 * Platform recharge: the exact random amount from the confirmed payer account
 * completes it and is credited to the account balance; any other amount from
 * that account is refunded and counts as a wrong transfer (two fail it). A
 * transfer the bank reports under another payer name is refunded and not counted.
 * Transfers from other accounts never reach this workflow: the API refunds them.
 */
async function recharge(input: EnterpriseVerificationInput, run: VerificationRun, deadline: number, finish: Finish, fail: Fail) {
  const { verificationId } = input;
  const workflowId = workflowInfo().workflowId;
  const amountFen = randomFen();
  let wrongTransfers = 0;
  const refund = (transferId: string) => bank.refundTransfer({ transferId, requestId: `${workflowId}/refund/${transferId}` });

  await store.expectTransfer({ verificationId, workflowId, amountFen });
  run.step = 'awaiting_transfer';
  run.nextAction = () => ({ type: 'remit', amount: fenToYuan(amountFen), payee: input.collectionAccount, deadline: iso(deadline), attemptsLeft: ATTEMPTS - wrongTransfers });
  await run.recordProgress();
  run.markOpened({ opened: true, snapshot: run.snapshot() });

  while (run.status === 'in_progress') {
    if (Date.now() >= deadline) {
      await finish({ status: 'expired', failureReason: null });
      break;
    }
    await run.waitForWork(deadline);
    if (run.cancelRequested) {
      await finish({ status: 'cancelled', failureReason: null });
    } else if (run.hasEvents) {
      const event = run.takeEvent()!;
      if (event.type === 'transfer.received') {
        if (patched(PAYER_NAME_CHECK) && !sameEntityName(event.fromAccountName, input.applicant.name)) {
          // The bank reports a payer in someone else's name: not the enterprise's own account. Refunded, not an attempt.
          log.warn('transfer refunded: payer name differs from the enterprise name', { transferId: event.transferId });
          await refund(event.transferId);
        } else if (event.amountFen === amountFen) {
          await finish('verify', { credit: { amountFen, reference: event.transferId } });
          // Matched but the identity's quota was used up meanwhile: the money goes back.
          if ((run.status as string) !== 'verified') await refund(event.transferId);
        } else {
          await refund(event.transferId);
          wrongTransfers++;
          if (wrongTransfers >= ATTEMPTS) await fail('REMITTANCE_AMOUNT_MISMATCH');
          else await run.recordProgress();
        }
      }
      run.markHandled(event.eventId);
    }
  }
  // Money that arrived while the verification was closing is not kept either.
  for (let event = run.takeEvent(); event; event = run.takeEvent()) {
    if (event.type === 'transfer.received') await refund(event.transferId);
  }
}

/** Corporate public remittance (SPEC §4.1). */
async function publicRemittance(
  input: EnterpriseVerificationInput,
  run: VerificationRun,
  calendar: NonNullable<EnterpriseVerificationInput['calendar']>,
  finish: Finish,
  fail: Fail,
) {
  const { verificationId, applicant, timings } = input;
  const workflowId = workflowInfo().workflowId;
  let handler: Person = applicant.handler!;
  let faceFailures = 0;
  let faceDeadline = Date.now() + timings.instantMethodTtlMs;
  let round = 0;
  let review: { id: string; dueAt: number } | undefined;
  let rejection: { reason: string; deadline: number } | undefined;
  let expectedBy = 0;
  let amountFen = 0;
  let amountDeadline = 0;
  let amountAttemptsLeft = ATTEMPTS;
  // The passing face result counts as handled once its consequence, the review, is in the read model.
  let passedFaceEvent: string | undefined;

  // Requests from update handlers, taken by the main loop one at a time; `done` counts the ones in the read model.
  const decisions: ReviewDecision[] = [];
  const amounts: { fen: number; answer?: AmountAnswer }[] = [];
  const corrections: CorrectedMaterials[] = [];
  let decisionsDone = 0;
  let correctionsDone = 0;

  const qr = new QrSession(run, {
    provider: 'face',
    waitingStep: 'awaiting_handler_face',
    timings,
    purpose: 'handler',
    subject: { realName: handler.name, idNumber: handler.idNumber },
    attemptsLeft: () => timings.faceMaxAttempts - faceFailures,
  });

  run.nextAction = () => {
    switch (run.step) {
      case 'awaiting_handler_face':
        return qr.action();
      case 'awaiting_review':
        if (!review) return null;
        return rejection
          ? { type: 'resubmit_materials', reviewId: review.id, reason: rejection.reason, deadline: iso(rejection.deadline) }
          : { type: 'await_review', reviewId: review.id, dueAt: iso(review.dueAt) };
      case 'awaiting_payout':
        return { type: 'await_payout', expectedBy: iso(expectedBy) };
      case 'awaiting_amount':
        return { type: 'enter_amount', attemptsLeft: amountAttemptsLeft, deadline: iso(amountDeadline) };
      default:
        return null;
    }
  };

  setHandler(
    decideReviewUpdate,
    async (decision) => {
      const wanted = decisions.push(decision);
      await condition(() => decisionsDone >= wanted || run.status !== 'in_progress');
      return { status: decision.decision === 'approve' ? 'approved' : 'rejected' };
    },
    {
      validator: (decision: ReviewDecision) => {
        const waiting = run.isOpen() && run.step === 'awaiting_review' && !rejection && review?.id === decision.reviewId && decisions.length === decisionsDone;
        if (!waiting) throw refuse(FailureType.reviewNotOpen, 'this review is no longer open');
        if (decision.decision === 'reject' && !decision.reason?.trim()) throw refuse('VALIDATION_FAILED', 'a rejection needs a reason');
      },
    },
  );
  setHandler(
    submitAmountUpdate,
    async (fen) => {
      const request: { fen: number; answer?: AmountAnswer } = { fen };
      amounts.push(request);
      await condition(() => request.answer !== undefined);
      return request.answer!;
    },
    {
      validator: (fen) => {
        if (!run.isOpen() || run.step !== 'awaiting_amount') throw refuse(FailureType.processNotOpen, 'this verification is not waiting for an amount');
        if (!Number.isSafeInteger(fen) || fen < 1) throw refuse('VALIDATION_FAILED', 'the amount must be a positive number of fen');
      },
    },
  );
  setHandler(
    resubmitMaterialsUpdate,
    async (materials) => {
      const wanted = corrections.push(materials);
      await condition(() => correctionsDone >= wanted || run.status !== 'in_progress');
      return run.snapshot();
    },
    {
      validator: (materials: CorrectedMaterials) => {
        if (!materials.bankAccount && !materials.handler) throw refuse('VALIDATION_FAILED', 'send a corrected bankAccount and/or handler');
        if (!run.isOpen() || run.step !== 'awaiting_review' || !rejection || corrections.length > correctionsDone) {
          throw refuse(FailureType.processNotOpen, 'there is no rejection to correct');
        }
      },
    },
  );

  const closeReview = async () => {
    if (review && run.step === 'awaiting_review' && !rejection) await store.revokeReview({ reviewId: review.id });
  };
  const cancel = async () => {
    await closeReview();
    await finish({ status: 'cancelled', failureReason: null }, { cleanup: () => qr.revoke() });
  };

  /** Shows the handler a face-recognition QR (again, for a new handler after a rejection). */
  const startHandlerFace = async () => {
    faceFailures = 0;
    faceDeadline = Date.now() + timings.instantMethodTtlMs;
    await qr.issue(false);
  };

  /** Waits for the handler's face recognition; false when the verification ended there. */
  const handlerFace = async (): Promise<boolean> => {
    while (run.status === 'in_progress') {
      if (Date.now() >= faceDeadline) {
        await finish({ status: 'expired', failureReason: null }, { cleanup: () => qr.revoke() });
        return false;
      }
      await run.waitForWork(qr.wakeAt(faceDeadline), () => qr.refreshPending);
      if (run.cancelRequested) {
        await cancel();
        return false;
      }
      if (qr.refreshPending) await qr.issue(true);
      else if (run.hasEvents) {
        const event = run.takeEvent()!;
        if (event.type === 'face.completed' && qr.isLive(event)) {
          if (event.passed) {
            passedFaceEvent = event.eventId;
            qr.drop();
            return true;
          }
          run.markHandled(event.eventId);
          faceFailures++;
          if (faceFailures >= timings.faceMaxAttempts) {
            await fail('FACE_MISMATCH');
            return false;
          }
          await qr.issue(false);
        } else run.markHandled(event.eventId);
      } else await qr.expireIfDue();
    }
    return false;
  };

  /** After approval: the amount to pay out, and when it is expected (3 business days). */
  const drawPayout = () => {
    amountFen = randomFen();
    expectedBy = addBusinessDays(new Date(Date.now()), 3, calendar).getTime();
  };
  const showPayoutStep = async () => {
    run.step = 'awaiting_payout';
    await run.recordProgress();
  };

  /** Review rounds until approval; false when the verification ended (revoked, expired). */
  const reviewed = async (): Promise<boolean> => {
    for (;;) {
      round++;
      const dueAt = addBusinessDays(new Date(Date.now()), 2, calendar).getTime();
      const { reviewId } = await store.openReview({ verificationId, workflowId, round, kind: 'public_remittance', dueAt: iso(dueAt) });
      review = { id: reviewId, dueAt };
      rejection = undefined;
      run.step = 'awaiting_review';
      await run.recordProgress();
      if (passedFaceEvent) run.markHandled(passedFaceEvent);
      passedFaceEvent = undefined;
      // A resubmission is answered once its new review round is visible.
      if (corrections.length > correctionsDone) correctionsDone++;

      // Wait for the reviewer. Never decided automatically, however overdue.
      await condition(() => run.cancelRequested || decisions.length > decisionsDone);
      if (run.cancelRequested) {
        await cancel();
        return false;
      }
      const decision = decisions[decisionsDone]!;
      const approved = decision.decision === 'approve';
      await store.recordReviewDecision({ reviewId, decision: approved ? 'approved' : 'rejected', reason: decision.reason, reviewer: decision.reviewer });
      await store.notifyEnterprise({ verificationId, event: approved ? 'review_approved' : 'review_rejected', round, reason: decision.reason });
      if (approved) {
        // The reviewer's answer already shows the payout step (runs that began before this patch show it after the order).
        if (patched(PAYOUT_STEP_AT_APPROVAL)) {
          drawPayout();
          await showPayoutStep();
        }
        decisionsDone++;
        return true;
      }
      rejection = { reason: decision.reason ?? '', deadline: Date.now() + timings.resubmitWindowMs };
      await run.recordProgress();
      decisionsDone++;

      // Corrected materials, a cancellation, or the end of the window to resubmit.
      const resubmitted = await condition(() => run.cancelRequested || corrections.length > correctionsDone, Math.max(1, rejection.deadline - Date.now()));
      if (run.cancelRequested) {
        await cancel();
        return false;
      }
      if (!resubmitted) {
        await finish({ status: 'expired', failureReason: null });
        return false;
      }
      const correction = corrections[correctionsDone]!;
      await store.replaceRemittanceMaterials({ verificationId, corrections: correction });
      if (correction.handler) {
        // A new handler passes face recognition before the materials go back to review.
        handler = correction.handler;
        qr.options.subject = { realName: handler.name, idNumber: handler.idNumber };
        await startHandlerFace();
        correctionsDone++;
        if (!(await handlerFace())) return false;
      }
    }
  };

  await startHandlerFace();
  run.markOpened({ opened: true, snapshot: run.snapshot() });
  if (!(await handlerFace())) return;
  if (!(await reviewed())) return;

  // ---- the payout: ordered once (idempotent at the bank), expected within 1-3 business days
  const requestId = `${workflowId}/payout`;
  // Runs from before PAYOUT_STEP_AT_APPROVAL draw the amount here and show the step once the order is placed.
  const shown = run.step === 'awaiting_payout';
  if (!shown) drawPayout();
  await bank.requestPayout({ verificationId, requestId, reference: workflowId, amountFen });
  if (!shown) await showPayoutStep();
  // The bank's settlement notice is the arrival; there is no timer to wait out.
  while (run.status === 'in_progress' && run.step === 'awaiting_payout') {
    await run.waitForWork(null);
    if (run.cancelRequested) return cancel();
    const event = run.takeEvent();
    if (!event) continue;
    run.markHandled(event.eventId);
    if (event.type === 'payout.refused' && event.requestId === requestId) return fail('BANK_ACCOUNT_INVALID');
    if (event.type === 'payout.settled' && event.requestId === requestId) {
      amountDeadline = Date.now() + timings.amountEntryWindowMs;
      run.step = 'awaiting_amount';
      await run.recordProgress();
    }
  }

  // ---- the amount, within AMOUNT_ENTRY_WINDOW of the arrival; two mismatches in a row fail it
  let answered = 0;
  while (run.status === 'in_progress') {
    if (Date.now() >= amountDeadline) {
      await finish({ status: 'expired', failureReason: null });
      break;
    }
    await run.waitForWork(amountDeadline, () => amounts.length > answered);
    if (run.cancelRequested) return cancel();
    if (amounts.length > answered) {
      const request = amounts[answered++]!;
      if (request.fen === amountFen) {
        await finish('verify');
        request.answer = { result: 'matched', attemptsLeft: amountAttemptsLeft };
      } else {
        amountAttemptsLeft--;
        if (amountAttemptsLeft <= 0) await fail('REMITTANCE_AMOUNT_MISMATCH');
        else await run.recordProgress();
        request.answer = { result: 'mismatch', attemptsLeft: amountAttemptsLeft };
      }
    } else if (run.hasEvents) {
      run.markHandled(run.takeEvent()!.eventId);
    }
  }
  // Answer anyone still waiting once the process ended.
  for (const request of amounts) request.answer ??= { result: 'mismatch', attemptsLeft: 0 };
  log.info('public remittance ended', { status: run.status });
}

/** Money that reached the platform but belongs to no open process goes back to its sender. */
export const refundTransfer: RefundTransferWorkflow = async ({ transferId, reason }) => {
  log.info('refunding a transfer', { transferId, reason });
  await bank.refundTransfer({ transferId, requestId: `refund/${transferId}` });
};
