/**
 * What every verification workflow shares: its status and step, the read-model
 * writes with increasing revisions, search attributes, the provider-event
 * queue, the open/cancel/snapshot handlers, and closing. Plus QrSession, the
 * QR code a user scans (expiry, refresh, replacement). Deterministic code only.
 */
import { ApplicationFailure, condition, log, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities';
import type { FailureReason, VerificationStatus, VerificationStep } from '../domain/constants';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  eventHandledQuery,
  FailureType,
  providerEventSignal,
  refreshQrUpdate,
  SearchAttributes,
  snapshotQuery,
  type NextAction,
  type OpenResult,
  type ProviderEvent,
  type QrProvider,
  type VerificationSnapshot,
} from './messages';

// Database writes: short, retried until the database is back.
export const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Provider calls: bounded, so a provider outage surfaces instead of hanging a step.
export const provider = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export type Outcome = { status: 'failed' | 'expired' | 'cancelled'; failureReason: FailureReason | null } | 'verify';

export const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

export class VerificationRun {
  status: VerificationStatus = 'in_progress';
  step: VerificationStep | null = null;
  failureReason: FailureReason | null = null;
  opened: OpenResult | undefined;
  cancelRequested = false;
  /** The method's next action for the current step; each workflow sets it. */
  nextAction: () => NextAction | null = () => null;
  private revision = 0;
  private readonly queue: ProviderEvent[] = [];
  private readonly seen = new Set<string>();
  private readonly handled = new Set<string>();

  constructor(
    readonly verificationId: string,
    readonly method: string,
  ) {
    setHandler(snapshotQuery, () => this.snapshot());
    setHandler(eventHandledQuery, (eventId) => this.handled.has(eventId) || (this.opened !== undefined && !this.isOpen()));
    setHandler(providerEventSignal, (event) => {
      // Providers retry their callbacks: an event is acted on once.
      if (this.seen.has(event.eventId)) return;
      this.seen.add(event.eventId);
      this.queue.push(event);
    });
    setHandler(awaitOpenedUpdate, async () => {
      await condition(() => this.opened !== undefined);
      return this.opened!;
    });
    setHandler(
      cancelUpdate,
      async () => {
        this.cancelRequested = true;
        await condition(() => this.status !== 'in_progress');
        return this.snapshot();
      },
      {
        validator: () => {
          if (!this.isOpen()) throw refuse(FailureType.processNotOpen, 'this verification is no longer open');
        },
      },
    );
  }

  snapshot(): VerificationSnapshot {
    return {
      verificationId: this.verificationId,
      status: this.status,
      step: this.step,
      nextAction: this.status === 'in_progress' ? this.nextAction() : null,
      failureReason: this.failureReason,
    };
  }

  isOpen(): boolean {
    return this.opened?.opened === true && this.status === 'in_progress';
  }

  markOpened(result: OpenResult): void {
    this.opened = result;
  }

  get hasEvents(): boolean {
    return this.queue.length > 0;
  }

  takeEvent(): ProviderEvent | undefined {
    return this.queue.shift();
  }

  markHandled(eventId: string): void {
    this.handled.add(eventId);
  }

  nextRevision(): number {
    return ++this.revision;
  }

  /** Operators filter by these in the Temporal UI. Only runs started with them carry them (the time-skipping test server has no custom attributes). */
  publishSearchAttributes(): void {
    if (workflowInfo().typedSearchAttributes.get(SearchAttributes.accountId) === undefined) return;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SearchAttributes.processStatus, value: this.status },
      { key: SearchAttributes.step, value: this.step },
    ];
    upsertSearchAttributes(pairs);
  }

  async recordProgress(): Promise<void> {
    this.publishSearchAttributes();
    await store.recordVerificationProgress({
      verificationId: this.verificationId,
      revision: this.nextRevision(),
      step: this.step,
      nextAction: this.snapshot().nextAction,
    });
  }

  /**
   * Ends the verification: 'verify' completes it through the atomic quota check
   * (which may still fail it); anything else finishes it as given. `cleanup`
   * runs after the outcome is recorded (revoking tickets that must stop working).
   */
  async close(outcome: Outcome, options: { cleanup?: () => Promise<void>; credit?: { amountFen: number; reference: string } } = {}): Promise<void> {
    const result =
      outcome === 'verify'
        ? await store.completeVerification({
            verificationId: this.verificationId,
            revision: this.nextRevision(),
            method: this.method,
            ...(options.credit ? { credit: options.credit } : {}),
          })
        : await store.finishVerification({ verificationId: this.verificationId, revision: this.nextRevision(), method: this.method, outcome });
    await options.cleanup?.();
    this.status = result.status;
    this.failureReason = result.failureReason as FailureReason | null;
    this.step = null;
    this.publishSearchAttributes();
    log.info('verification closed', { status: this.status, failureReason: this.failureReason });
  }

  /** Sleeps until there is something to do (an event, a cancellation, `also`) or `wakeAt` (epoch ms; null: no deadline) passes. */
  async waitForWork(wakeAt: number | null, also: () => boolean = () => false): Promise<void> {
    const ready = () => this.hasEvents || this.cancelRequested || also();
    if (wakeAt === null) await condition(ready);
    else await condition(ready, Math.max(1, wakeAt - Date.now()));
  }
}

interface LiveQr {
  ticket: string;
  qrContent: string;
  expiresAt: number;
  expired: boolean;
}

export interface QrSessionOptions {
  provider: QrProvider;
  /** WeChat's official-account authorisation QR instead of the personal one. */
  kind?: 'authorization' | 'official_account';
  waitingStep: VerificationStep;
  timings: { qrTtlMs: number; qrRefreshLimit: number };
  /** Face sessions: whom to compare the face with. */
  subject?: { realName: string; idNumber: string };
  purpose?: 'official_account' | 'legal_person' | 'handler';
  /** Face: attempts left, shown in the action. */
  attemptsLeft?: () => number;
}

/**
 * The QR code a user is looking at: valid QR_TTL, refreshable QR_REFRESH_LIMIT
 * times (each fresh one revokes the one it replaces). Registers the refresh
 * update, so a workflow has at most one.
 */
export class QrSession {
  private qr: LiveQr | undefined;
  private generation = 0;
  private requested = 0;
  private done = 0;
  // Separate from `done`: an update answers only after the fresh QR is in the read model.
  private recorded = 0;

  constructor(
    private readonly run: VerificationRun,
    readonly options: QrSessionOptions,
  ) {
    setHandler(
      refreshQrUpdate,
      async () => {
        const wanted = ++this.requested;
        await condition(() => this.recorded >= wanted || run.status !== 'in_progress');
        return run.snapshot();
      },
      {
        validator: () => {
          if (!run.isOpen() || run.step !== options.waitingStep) {
            throw refuse(FailureType.processNotOpen, 'this verification is not waiting for a QR scan');
          }
          if (this.requested >= options.timings.qrRefreshLimit) {
            throw refuse(FailureType.qrRefreshLimit, `a verification may ask for a fresh QR code at most ${options.timings.qrRefreshLimit} times`);
          }
        },
      },
    );
  }

  get refreshPending(): boolean {
    return this.requested > this.done;
  }

  action(): NextAction | null {
    if (!this.qr) return null;
    const { options } = this;
    return {
      type: 'scan_qr',
      provider: options.provider,
      ticket: this.qr.ticket,
      qrContent: this.qr.qrContent,
      expiresAt: new Date(this.qr.expiresAt).toISOString(),
      expired: this.qr.expired,
      refreshesLeft: options.timings.qrRefreshLimit - this.done,
      ...(options.attemptsLeft ? { attemptsLeft: options.attemptsLeft() } : {}),
      ...(options.purpose ? { purpose: options.purpose } : {}),
    };
  }

  /** A fresh QR: the first, a refresh, or (face) the next attempt. The ticket it replaces stops working. */
  async issue(refresh: boolean): Promise<void> {
    const { options } = this;
    const workflowId = workflowInfo().workflowId;
    const ticket = await provider.issueQr({
      provider: options.provider,
      ...(options.kind && options.kind !== 'authorization' ? { kind: options.kind } : {}),
      reference: workflowId,
      requestId: `${workflowId}/qr/${this.generation}`,
      ttlSeconds: Math.ceil(options.timings.qrTtlMs / 1000),
      replaces: this.qr?.ticket,
      ...(options.provider === 'face' && options.subject ? { subject: options.subject } : {}),
    });
    this.generation++;
    this.qr = { ticket: ticket.ticket, qrContent: ticket.qrContent, expiresAt: Date.now() + options.timings.qrTtlMs, expired: false };
    this.run.step = options.waitingStep;
    if (refresh) this.done++;
    await this.run.recordProgress();
    if (refresh) this.recorded = this.done;
  }

  /** The next instant the session needs attention (its expiry), capped by `deadline`. */
  wakeAt(deadline: number): number {
    return this.qr && !this.qr.expired ? Math.min(this.qr.expiresAt, deadline) : deadline;
  }

  /** Marks an expired QR as such (the user must ask for a fresh one). */
  async expireIfDue(): Promise<boolean> {
    if (!this.qr || this.qr.expired || Date.now() < this.qr.expiresAt) return false;
    this.qr.expired = true;
    await this.run.recordProgress();
    return true;
  }

  /** Is this event about the QR the user is looking at right now? Anything else is stale. */
  isLive(event: { provider: string; ticket?: string }): boolean {
    return (
      this.run.step === this.options.waitingStep &&
      event.provider === this.options.provider &&
      this.qr !== undefined &&
      event.ticket === this.qr.ticket &&
      !this.qr.expired
    );
  }

  /** Stops the live QR from working (the process ended or moved on). */
  async revoke(): Promise<void> {
    if (this.qr && !this.qr.expired) await provider.revokeQr({ provider: this.options.provider, ticket: this.qr.ticket });
  }

  /** The QR was used: nothing is left to scan. */
  drop(): void {
    this.qr = undefined;
  }
}

/**
 * A step in which the user scans QR codes: until the run closes, handles the
 * step's deadline (expired), a cancellation, fresh-QR requests, provider events
 * (given to `onEvent`, then marked handled) and the QR's own expiry.
 */
export async function runQrStep(
  run: VerificationRun,
  qr: QrSession,
  deadline: number,
  close: (outcome: Outcome) => Promise<void>,
  onEvent: (event: ProviderEvent) => Promise<void>,
): Promise<void> {
  while (run.status === 'in_progress') {
    if (Date.now() >= deadline) {
      await close({ status: 'expired', failureReason: null });
      break;
    }
    await run.waitForWork(qr.wakeAt(deadline), () => qr.refreshPending);
    if (run.cancelRequested) {
      await close({ status: 'cancelled', failureReason: null });
    } else if (qr.refreshPending) {
      await qr.issue(true);
    } else if (run.hasEvents) {
      const event = run.takeEvent()!;
      await onEvent(event);
      run.markHandled(event.eventId);
    } else {
      await qr.expireIfDue();
    }
  }
}
