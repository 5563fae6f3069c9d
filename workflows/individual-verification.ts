import {
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import type { FailureReason, VerificationStatus, VerificationStep } from '../domain/constants';
import { evaluateRealNameRecord } from '../domain/real-name-record';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  eventHandledQuery,
  FailureType,
  providerEventSignal,
  refreshQrUpdate,
  SearchAttributes,
  snapshotQuery,
  type IndividualVerificationWorkflow,
  type NextAction,
  type OpenResult,
  type ProviderEvent,
  type QrProvider,
  type VerificationSnapshot,
} from './messages';

// Database writes: short, retried until the database is back.
const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Provider calls: bounded, so a provider outage surfaces instead of hanging a step.
const provider = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

interface LiveQr {
  ticket: string;
  qrContent: string;
  expiresAt: number;
  expired: boolean;
}

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
  const workflowId = workflowInfo().workflowId;
  const deadline = Date.now() + timings.instantMethodTtlMs;

  let status: VerificationStatus = 'in_progress';
  let step: VerificationStep | null = null;
  let failureReason: FailureReason | null = null;
  let qr: LiveQr | undefined;
  let qrGeneration = 0;
  let bankCardTicket: string | undefined;
  let faceFailures = 0;
  let revision = 0;
  let opened: OpenResult | undefined;
  let cancelRequested = false;
  let refreshesRequested = 0;
  let refreshesDone = 0;
  // Separate from refreshesDone: an update answers only after the fresh QR is in the read model.
  let refreshesRecorded = 0;
  const events: ProviderEvent[] = [];
  const seenEventIds = new Set<string>();
  const handledEventIds = new Set<string>();

  const nextAction = (): NextAction | null => {
    if (status !== 'in_progress') return null;
    if (step === 'awaiting_bank_card' && bankCardTicket) return { type: 'link_bank_card', ticket: bankCardTicket };
    if (!qr) return null;
    return {
      type: 'scan_qr',
      provider: qrProvider,
      ticket: qr.ticket,
      qrContent: qr.qrContent,
      expiresAt: new Date(qr.expiresAt).toISOString(),
      expired: qr.expired,
      refreshesLeft: timings.qrRefreshLimit - refreshesDone,
      ...(qrProvider === 'face' ? { attemptsLeft: timings.faceMaxAttempts - faceFailures } : {}),
    };
  };

  const snapshot = (): VerificationSnapshot => ({ verificationId, status, step, nextAction: nextAction(), failureReason });
  const isOpen = () => opened?.opened === true && status === 'in_progress';

  // Operators filter by these in the Temporal UI. Only runs started with them
  // carry them (the time-skipping test server has no custom attributes).
  const publishSearchAttributes = () => {
    if (workflowInfo().typedSearchAttributes.get(SearchAttributes.accountId) === undefined) return;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SearchAttributes.processStatus, value: status },
      { key: SearchAttributes.step, value: step },
    ];
    upsertSearchAttributes(pairs);
  };

  const recordProgress = async () => {
    publishSearchAttributes();
    await store.recordVerificationProgress({ verificationId, revision: ++revision, step, nextAction: nextAction() });
  };

  setHandler(snapshotQuery, snapshot);
  setHandler(eventHandledQuery, (eventId) => handledEventIds.has(eventId) || (opened !== undefined && !isOpen()));

  setHandler(providerEventSignal, (event) => {
    if (seenEventIds.has(event.eventId)) return;
    seenEventIds.add(event.eventId);
    events.push(event);
  });

  setHandler(awaitOpenedUpdate, async () => {
    await condition(() => opened !== undefined);
    return opened!;
  });

  setHandler(
    refreshQrUpdate,
    async () => {
      const wanted = ++refreshesRequested;
      await condition(() => refreshesRecorded >= wanted || status !== 'in_progress');
      return snapshot();
    },
    {
      validator: () => {
        if (!isOpen() || step !== waitingStep) {
          throw ApplicationFailure.create({ type: FailureType.processNotOpen, message: 'this verification is not waiting for a QR scan', nonRetryable: true });
        }
        if (refreshesRequested >= timings.qrRefreshLimit) {
          throw ApplicationFailure.create({
            type: FailureType.qrRefreshLimit,
            message: `a verification may ask for a fresh QR code at most ${timings.qrRefreshLimit} times`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    cancelUpdate,
    async () => {
      cancelRequested = true;
      await condition(() => status !== 'in_progress');
      return snapshot();
    },
    {
      validator: () => {
        if (!isOpen()) {
          throw ApplicationFailure.create({ type: FailureType.processNotOpen, message: 'this verification is no longer open', nonRetryable: true });
        }
      },
    },
  );

  /** A fresh QR: the first, a refresh, or (face) the next attempt. The ticket it replaces stops working. */
  const issueQr = async (refresh: boolean) => {
    const ticket = await provider.issueQr({
      provider: qrProvider,
      reference: workflowId,
      requestId: `${workflowId}/qr/${qrGeneration}`,
      ttlSeconds: Math.ceil(timings.qrTtlMs / 1000),
      replaces: qr?.ticket,
      ...(qrProvider === 'face' ? { subject: { realName: applicant.realName, idNumber: applicant.idNumber } } : {}),
    });
    qrGeneration++;
    qr = { ticket: ticket.ticket, qrContent: ticket.qrContent, expiresAt: Date.now() + timings.qrTtlMs, expired: false };
    step = waitingStep;
    if (refresh) refreshesDone++;
    await recordProgress();
    if (refresh) refreshesRecorded = refreshesDone;
  };

  const close = async (outcome: { status: 'failed' | 'expired' | 'cancelled'; failureReason: FailureReason | null } | 'verify') => {
    const result =
      outcome === 'verify'
        ? await store.completeVerification({ verificationId, revision: ++revision, method: input.method })
        : await store.finishVerification({ verificationId, revision: ++revision, method: input.method, outcome });
    if (qr && !qr.expired) await provider.revokeQr({ provider: qrProvider, ticket: qr.ticket });
    if (bankCardTicket) await provider.revokeQr({ provider: 'qq', ticket: bankCardTicket });
    status = result.status;
    failureReason = result.failureReason as FailureReason | null;
    step = null;
    publishSearchAttributes();
    log.info('verification closed', { status, failureReason });
  };

  /** Is this event about the QR the user is looking at right now? Anything else is stale and ignored. */
  const forLiveQr = (event: ProviderEvent) => step === waitingStep && event.provider === qrProvider && qr !== undefined && event.ticket === qr.ticket && !qr.expired;

  const handleEvent = async (event: ProviderEvent) => {
    switch (event.type) {
      case 'authorization.scanned': {
        if (!forLiveQr(event)) break;
        const viaQq = input.method === 'qq_qr';
        const reason = evaluateRealNameRecord(applicant, event.record, new Date(Date.now()), { bankCardRequired: !viaQq });
        if (reason) return close({ status: 'failed', failureReason: reason });
        if (viaQq && !event.record.bankCardLinked) {
          // SPEC §3: QQ sends the user to link a card, and the verification waits for it.
          if (!event.bankCardTicket) return close({ status: 'failed', failureReason: 'BANK_CARD_REQUIRED' });
          bankCardTicket = event.bankCardTicket;
          qr = undefined;
          step = 'awaiting_bank_card';
          return recordProgress();
        }
        return close('verify');
      }
      case 'bank_card.linked':
        if (step !== 'awaiting_bank_card' || event.ticket !== bankCardTicket) break;
        bankCardTicket = undefined;
        return close('verify');
      case 'face.completed': {
        if (!forLiveQr(event)) break;
        if (event.passed) return close('verify');
        faceFailures++;
        if (faceFailures >= timings.faceMaxAttempts) return close({ status: 'failed', failureReason: 'FACE_MISMATCH' });
        return issueQr(false);
      }
    }
    log.info('ignored a provider event that is not for the current step', { eventId: event.eventId, type: event.type });
  };

  // ---- open: claim the account's single process slot, or be refused
  const open = await store.openIndividualVerification({
    verificationId,
    workflowId,
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
    opened = open;
    return { status: 'rejected', code: open.code };
  }

  await issueQr(false);
  opened = { opened: true, snapshot: snapshot() };

  // ---- wait for a provider event, a refresh, a cancellation, a QR expiry or the deadline
  while (status === 'in_progress') {
    const now = Date.now();
    if (now >= deadline) {
      await close({ status: 'expired', failureReason: null });
      break;
    }
    const wakeAt = qr && !qr.expired ? Math.min(qr.expiresAt, deadline) : deadline;
    await condition(() => events.length > 0 || cancelRequested || refreshesRequested > refreshesDone, Math.max(1, wakeAt - now));

    if (cancelRequested) {
      await close({ status: 'cancelled', failureReason: null });
    } else if (refreshesRequested > refreshesDone) {
      await issueQr(true);
    } else if (events.length > 0) {
      const event = events.shift()!;
      await handleEvent(event);
      handledEventIds.add(event.eventId);
    } else if (qr && !qr.expired && Date.now() >= qr.expiresAt) {
      qr.expired = true;
      await recordProgress();
    }
  }

  return { status: status as 'verified' | 'failed' | 'expired' | 'cancelled', failureReason };
};
