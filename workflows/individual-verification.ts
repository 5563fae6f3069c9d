import { log, workflowInfo } from '@temporalio/workflow';
import type { VerificationStep } from '../domain/constants';
import { evaluateRealNameRecord } from '../domain/real-name-record';
import type { IndividualVerificationWorkflow, ProviderEvent, QrProvider } from './messages';
import { provider, QrSession, runQrStep, store, VerificationRun } from './verification-run';

/** Each instant method: whose QR the user scans and the step that waits for it. */
const METHOD = {
  wechat_qr: { qrProvider: 'wechat', waitingStep: 'awaiting_scan' },
  qq_qr: { qrProvider: 'qq', waitingStep: 'awaiting_scan' },
  face: { qrProvider: 'face', waitingStep: 'awaiting_face' },
} as const satisfies Record<string, { qrProvider: QrProvider; waitingStep: VerificationStep }>;

/**
 * Individual verification by an instant method (SPEC §3):
 * - WeChat QR: the WeChat Pay real-name record must name the applicant and have a bank card;
 * - QQ QR: the same match, but without a card the user is sent to link one and the verification waits for it;
 * - face: a mini-program QR per attempt; FACE_MAX_ATTEMPTS failures end it with FACE_MISMATCH.
 * QR codes live QR_TTL and may be refreshed QR_REFRESH_LIMIT times; the whole
 * verification expires after INSTANT_METHOD_TTL.
 */
export const individualVerification: IndividualVerificationWorkflow = async (input) => {
  const { verificationId, applicant, timings } = input;
  const { qrProvider, waitingStep } = METHOD[input.method];
  const deadline = Date.now() + timings.instantMethodTtlMs;

  const run = new VerificationRun(verificationId, input.method);
  let faceFailures = 0;
  let bankCardTicket: string | undefined;
  const qr = new QrSession(run, {
    provider: qrProvider,
    waitingStep,
    timings,
    ...(qrProvider === 'face'
      ? { subject: { realName: applicant.realName, idNumber: applicant.idNumber }, attemptsLeft: () => timings.faceMaxAttempts - faceFailures }
      : {}),
  });
  run.nextAction = () => (run.step === 'awaiting_bank_card' && bankCardTicket ? { type: 'link_bank_card', ticket: bankCardTicket } : qr.action());

  const close = (outcome: Parameters<VerificationRun['close']>[0]) =>
    run.close(outcome, {
      cleanup: async () => {
        await qr.revoke();
        if (bankCardTicket) await provider.revokeQr({ provider: 'qq', ticket: bankCardTicket });
      },
    });

  const handleEvent = async (event: ProviderEvent) => {
    switch (event.type) {
      case 'authorization.scanned': {
        if (!qr.isLive(event)) break;
        const viaQq = input.method === 'qq_qr';
        const reason = evaluateRealNameRecord(applicant, event.record, new Date(Date.now()), { bankCardRequired: !viaQq });
        if (reason) return close({ status: 'failed', failureReason: reason });
        if (viaQq && !event.record.bankCardLinked) {
          // SPEC §3: QQ sends the user to link a card, and the verification waits for it.
          if (!event.bankCardTicket) return close({ status: 'failed', failureReason: 'BANK_CARD_REQUIRED' });
          bankCardTicket = event.bankCardTicket;
          qr.drop();
          run.step = 'awaiting_bank_card';
          return run.recordProgress();
        }
        return close('verify');
      }
      case 'bank_card.linked':
        if (run.step !== 'awaiting_bank_card' || event.ticket !== bankCardTicket) break;
        bankCardTicket = undefined;
        return close('verify');
      case 'face.completed': {
        if (!qr.isLive(event)) break;
        if (event.passed) return close('verify');
        faceFailures++;
        if (faceFailures >= timings.faceMaxAttempts) return close({ status: 'failed', failureReason: 'FACE_MISMATCH' });
        return qr.issue(false);
      }
    }
    log.info('ignored a provider event that is not for the current step', { eventId: event.eventId, type: event.type });
  };

  // ---- open: claim the account's single process slot, or be refused
  const open = await store.openIndividualVerification({
    verificationId,
    workflowId: workflowInfo().workflowId,
    accountId: input.accountId,
    method: input.method,
    realName: applicant.realName,
    idType: applicant.idType,
    idNumber: applicant.idNumber,
    industry: applicant.industry,
    address: applicant.address,
    identityHash: input.identityHash,
    expiresAt: new Date(deadline).toISOString(),
  });
  if (!open.opened) {
    run.markOpened(open);
    return { status: 'rejected', code: open.code };
  }

  await qr.issue(false);
  run.markOpened({ opened: true, snapshot: run.snapshot() });

  // ---- wait for a provider event, a refresh, a cancellation, a QR expiry or the deadline
  await runQrStep(run, qr, deadline, close, handleEvent);

  return { status: run.status as 'verified' | 'failed' | 'expired' | 'cancelled', failureReason: run.failureReason };
};
