/**
 * The QR code a user scans (WeChat, QQ, the face mini-program): valid QR_TTL,
 * refreshable QR_REFRESH_LIMIT times, each fresh one revoking the one it
 * replaces; face sessions count failed attempts. And `awaitQrEvent`, the step
 * of waiting for the user to scan it.
 */
import { log, workflowInfo } from '@temporalio/workflow';
import { iso } from '../../domain/instant';
import { FailureType, type NextAction, type ProviderEvent, type QrProvider, type QrPurpose } from '../messages';
import { CANCELLED, ended, EXPIRED, refuse, type Ended } from './outcome';
import { Requests } from './requests';
import type { OpenAnswer, ProcessRun, ProcessSnapshot } from './run';
import { wait } from './wait';

interface LiveQr {
  ticket: string;
  qrContent: string;
  expiresAt: number;
  expired: boolean;
}

export interface QrSessionOptions<Step extends string = string> {
  provider: QrProvider;
  /** WeChat's official-account authorisation QR instead of the personal one. */
  kind?: 'authorization' | 'official_account';
  waitingStep: Step;
  timings: { qrTtlMs: number; qrRefreshLimit: number; faceMaxAttempts: number };
  /** Face sessions: whom to compare the face with. */
  subject?: { realName: string; idNumber: string };
  purpose?: QrPurpose;
  /** Distinguishes the QR requests of several sessions in one run (a change's holder and new-person steps); default: the run's only session. */
  sessionKey?: string;
}

export class QrSession<S extends ProcessSnapshot<Step>, Step extends string> {
  /** Callers' fresh-QR requests (the refreshQr update), answered once the fresh QR is in the read model. */
  readonly refreshes: Requests<void, S>;
  private qr: LiveQr | undefined;
  private generation = 0;
  private refreshed = 0;
  private faceFailures = 0;

  constructor(
    private readonly run: ProcessRun<S, Step, OpenAnswer>,
    readonly options: QrSessionOptions<Step>,
  ) {
    this.refreshes = new Requests(() => run.finished, () => run.snapshot());
    // Whatever ends the run, the QR the user is looking at stops working.
    run.onClose({ after: () => this.revoke() });
  }

  readonly validateRefresh = (): void => {
    if (!this.run.isOpen() || this.run.step !== this.options.waitingStep) {
      throw refuse(FailureType.processNotOpen, 'this verification is not waiting for a QR scan');
    }
    const limit = this.options.timings.qrRefreshLimit;
    if (this.refreshes.count >= limit) throw refuse(FailureType.qrRefreshLimit, `a verification may ask for a fresh QR code at most ${limit} times`);
  };

  action(): Extract<NextAction, { type: 'scan_qr' }> | null {
    if (!this.qr) return null;
    const { options } = this;
    return {
      type: 'scan_qr',
      provider: options.provider,
      ticket: this.qr.ticket,
      qrContent: this.qr.qrContent,
      expiresAt: iso(this.qr.expiresAt),
      expired: this.qr.expired,
      refreshesLeft: options.timings.qrRefreshLimit - this.refreshed,
      ...(options.provider === 'face' ? { attemptsLeft: options.timings.faceMaxAttempts - this.faceFailures } : {}),
      ...(options.purpose ? { purpose: options.purpose } : {}),
    };
  }

  /** A fresh QR: the first, or (face) the next attempt. The ticket it replaces stops working; the step and QR are recorded. */
  async issue(): Promise<void> {
    await this.replace();
    await this.run.enter(this.options.waitingStep);
  }

  /** A caller asked for a fresh QR (the wait woke for it): issued, recorded, then answered. */
  async refresh(): Promise<void> {
    const request = this.refreshes.take();
    await this.replace();
    this.refreshed++;
    await this.run.enter(this.options.waitingStep);
    this.refreshes.answer(request, this.run.snapshot());
  }

  /** Face again from the first attempt, for (possibly) another person. */
  async restart(subject: { realName: string; idNumber: string }): Promise<void> {
    this.options.subject = subject;
    this.faceFailures = 0;
    await this.issue();
  }

  private async replace(): Promise<void> {
    const { options } = this;
    const workflowId = workflowInfo().workflowId;
    const ticket = await this.run.providers.issueQr({
      provider: options.provider,
      ...(options.kind && options.kind !== 'authorization' ? { kind: options.kind } : {}),
      reference: workflowId,
      requestId: `${workflowId}${options.sessionKey ? `/${options.sessionKey}` : ''}/qr/${this.generation}`,
      ttlSeconds: Math.ceil(options.timings.qrTtlMs / 1000),
      replaces: this.qr?.ticket,
      ...(options.provider === 'face' && options.subject ? { subject: options.subject } : {}),
    });
    this.generation++;
    this.qr = { ticket: ticket.ticket, qrContent: ticket.qrContent, expiresAt: Date.now() + options.timings.qrTtlMs, expired: false };
  }

  /** A failed face attempt: true when it was the last one allowed, otherwise the next attempt's QR is shown. */
  async failedAttempt(): Promise<boolean> {
    this.faceFailures++;
    if (this.faceFailures >= this.options.timings.faceMaxAttempts) return true;
    await this.issue();
    return false;
  }

  /** The next instant the session needs attention (its expiry), capped by `deadline`. */
  wakeAt(deadline: number): number {
    return this.qr && !this.qr.expired ? Math.min(this.qr.expiresAt, deadline) : deadline;
  }

  expiryDue(): boolean {
    return this.qr !== undefined && !this.qr.expired && Date.now() >= this.qr.expiresAt;
  }

  /** Shows the QR as expired (the user must ask for a fresh one). */
  async markExpired(): Promise<void> {
    if (!this.qr) return;
    this.qr.expired = true;
    await this.run.recordProgress();
  }

  /** Is this event about the QR the user is looking at right now? Anything else is stale. */
  isLive(event: ProviderEvent): boolean {
    return (
      this.run.step === this.options.waitingStep &&
      event.provider === this.options.provider &&
      this.qr !== undefined &&
      'ticket' in event &&
      event.ticket === this.qr.ticket &&
      !this.qr.expired
    );
  }

  /** Stops the live QR from working (the process ended or moved on). */
  async revoke(): Promise<void> {
    if (this.qr && !this.qr.expired) await this.run.providers.revokeQr({ provider: this.options.provider, ticket: this.qr.ticket });
  }

  /** The QR was used: nothing is left to scan (or to revoke). */
  drop(): void {
    this.qr = undefined;
  }

  /** QRs issued so far: their request ids are numbered, so a run continued as new goes on from here (see `continueFrom`). */
  get issued(): number {
    return this.generation;
  }

  /** A run continued as new: its next QR gets a request id the provider has not seen (it would answer the old ticket). */
  continueFrom(issued: number): void {
    this.generation = issued;
  }
}

/**
 * The user scans the QR: fresh QRs on request, expiry shown, stale events
 * ignored, until an event about the live QR arrives or the step ends
 * (`deadline`: expired; the user's cancellation: cancelled).
 */
export async function awaitQrEvent<S extends ProcessSnapshot<Step>, Step extends string>(
  run: ProcessRun<S, Step, OpenAnswer>,
  qr: QrSession<S, Step>,
  deadline: number,
): Promise<{ kind: 'event'; event: ProviderEvent } | Ended> {
  for (;;) {
    const wake = await wait(run, { until: deadline, events: true, qr });
    switch (wake.kind) {
      case 'deadline':
        return ended(EXPIRED);
      case 'cancel':
        return ended(CANCELLED);
      case 'refresh':
        await qr.refresh();
        break;
      case 'qr_expired':
        await qr.markExpired();
        break;
      case 'event':
        if (qr.isLive(wake.event)) return { kind: 'event', event: wake.event };
        log.info('ignored a provider event that is not for the current QR', { eventId: wake.event.eventId, type: wake.event.type });
        break;
    }
  }
}
