/**
 * A process run's state and its read-model writes: status and step, the
 * user-visible next action, revisions, search attributes, the provider-event
 * inbox, and closing. Verifications and changes of subject both run on it;
 * where the state is written is the run's ledger (the verifications table by
 * default). Message handlers are methods here; each workflow registers them
 * itself (see `setRunHandlers`). Deterministic code only.
 */
import { ApplicationFailure, condition, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { TemporalFailure, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { ChangeStatus, ChangeStep } from '../../domain/change-rules';
import type { FailureReason, VerificationStatus, VerificationStep } from '../../domain/constants';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  changeRevokedSignal,
  eventHandledQuery,
  FailureType,
  providerEventSignal,
  SearchAttributes,
  snapshotQuery,
  type NextAction,
  type OpenResult,
  type ProviderEvent,
  type VerificationOutcome,
  type VerificationSnapshot,
} from '../messages';
import { ownerRevokeSignal, type RunResume } from '../process-messages';
import { database, providerCalls, type ProviderCalls } from './activities';
import { answerOwner } from './owner';

/** How a step ends the process: 'verify' completes it through the atomic quota check; anything else finishes it as given. */
export type Outcome = { status: 'failed' | 'expired' | 'cancelled'; failureReason: FailureReason | null } | 'verify';
export const EXPIRED: Outcome = { status: 'expired', failureReason: null };
export const CANCELLED: Outcome = { status: 'cancelled', failureReason: null };
export const failed = (failureReason: FailureReason): Outcome => ({ status: 'failed', failureReason });

/** What a step returns when the process ended inside it (the caller closes with `outcome`). */
export type Ended = { kind: 'ended'; outcome: Outcome };
export const ended = (outcome: Outcome): Ended => ({ kind: 'ended', outcome });

export const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

type Hook = () => Promise<void>;

export type ProcessStatus = VerificationStatus | ChangeStatus;
export type ProcessStep = VerificationStep | ChangeStep;
export interface Credit {
  amountFen: number;
  reference: string;
}

/** Where a run's progress and outcome are written. */
export interface RunLedger {
  progress(revision: number, step: ProcessStep | null, nextAction: NextAction | null): Promise<void>;
  close(revision: number, outcome: Outcome, credit?: Credit): Promise<{ status: ProcessStatus; failureReason: string | null }>;
}

/** A verification's ledger: its row in `verifications`; 'verify' completes it through the atomic quota check. */
export const verificationLedger = (verificationId: string, method: string): RunLedger => ({
  progress: async (revision, step, nextAction) => {
    await database.recordVerificationProgress({ verificationId, revision, step, nextAction });
  },
  close: (revision, outcome, credit) =>
    outcome === 'verify'
      ? database.completeVerification({ verificationId, revision, method, ...(credit ? { credit } : {}) })
      : database.finishVerification({ verificationId, revision, method, outcome }),
});

export interface RunOptions {
  providerCallTimeoutMs?: number | undefined;
  /** Tells the user the outcome (enterprise processes: SPEC §7's channels). */
  notify?: (run: ProcessRun) => Promise<void>;
  /** Default: the verification's own row. */
  ledger?: RunLedger;
  /** A run that belongs to another process (a change's verification of its new subject): its own cancel is refused with this, the parent revokes it. */
  ownedBy?: string;
}

export class ProcessRun {
  status: ProcessStatus = 'in_progress';
  step: ProcessStep | null = null;
  failureReason: FailureReason | null = null;
  opened: OpenResult | { opened: boolean } | undefined;
  /** The open activity claimed the account's slot: from here on the run must close. */
  claimed = false;
  /** The process function has returned: requests it never answered get their fallback answers (see Requests). */
  finished = false;
  cancelRequested = false;
  /** The process's next action for its current step; each process sets it. */
  nextAction: () => NextAction | null = () => null;
  /** This run's provider calls, bounded by its PROVIDER_CALL_TIMEOUT. */
  readonly providers: ProviderCalls;
  private revision = 0;
  private readonly inbox: ProviderEvent[] = [];
  private readonly seen = new Set<string>();
  private readonly handled = new Set<string>();
  private current: string | undefined;
  private readonly beforeClose: Hook[] = [];
  private readonly afterClose: Hook[] = [];
  private readonly ledger: RunLedger;

  constructor(
    /** The process's id (ver_…, chg_…). */
    readonly id: string,
    readonly method: string,
    private readonly options: RunOptions = {},
  ) {
    this.providers = providerCalls(options.providerCallTimeoutMs);
    this.ledger = options.ledger ?? verificationLedger(id, method);
  }

  // ---- message handlers

  readonly snapshot = (): VerificationSnapshot => ({
    verificationId: this.id,
    status: this.status as VerificationStatus,
    step: this.step as VerificationStep | null,
    nextAction: this.status === 'in_progress' ? this.nextAction() : null,
    failureReason: this.failureReason,
  });

  /** An event counts as handled once the process waits again (its consequences are written) or can no longer act on any. */
  readonly eventHandled = (eventId: string): boolean => this.handled.has(eventId) || (this.opened !== undefined && !this.isOpen());

  /** Providers retry their callbacks: an event is acted on once. */
  readonly receive = (event: ProviderEvent): void => {
    if (this.seen.has(event.eventId)) return;
    this.seen.add(event.eventId);
    this.inbox.push(event);
  };

  readonly awaitOpened = async (): Promise<OpenResult> => {
    await condition(() => this.opened !== undefined);
    return this.opened as OpenResult;
  };

  readonly cancel = async (): Promise<VerificationSnapshot> => {
    this.cancelRequested = true;
    await condition(() => this.status !== 'in_progress');
    return this.snapshot();
  };

  /** Set by a process whose step must finish before a cancellation is taken (a reviewer's decision being recorded): throws to refuse. */
  cancelGuard: (() => void) | undefined;

  readonly validateCancel = (): void => {
    if (this.options.ownedBy) throw refuse(FailureType.processNotOpen, this.options.ownedBy);
    if (!this.isOpen()) throw refuse(FailureType.processNotOpen, 'this verification is no longer open');
    this.cancelGuard?.();
  };

  /** The owning process was revoked: this run ends as if its user had cancelled it (owners that predate ownerRevokeSignal). */
  readonly revokedByOwner = (): void => {
    this.cancelRequested = true;
  };

  /** Whether another process owns this run (see RunOptions.ownedBy). */
  get owned(): boolean {
    return this.options.ownedBy !== undefined;
  }

  // ---- continuing as new (see RunResume)

  /** What the run continued from this one needs of the kernel's state. */
  carried(): Pick<RunResume, 'revision' | 'step' | 'seenEventIds' | 'inbox'> {
    return { revision: this.revision, step: this.step as RunResume['step'], seenEventIds: [...this.seen], inbox: [...this.inbox] };
  }

  /** A run continued as new: the process is open and holds its slot; read-model writes go on from the carried revision. */
  resumeFrom(state: RunResume): void {
    this.revision = state.revision;
    this.step = state.step;
    this.claimed = true;
    const waiting = new Set(state.inbox.map((e) => e.eventId));
    for (const id of state.seenEventIds) {
      this.seen.add(id);
      if (!waiting.has(id)) this.handled.add(id);
    }
    this.inbox.push(...state.inbox);
  }

  // ---- state

  isOpen(): boolean {
    return this.opened?.opened === true && this.status === 'in_progress';
  }

  get closed(): boolean {
    return this.status !== 'in_progress';
  }

  /** The first step is visible: the caller who started the run gets its answer. */
  markOpened(result: OpenResult | { opened: boolean } = { opened: true, snapshot: this.snapshot() }): void {
    this.opened ??= result;
  }

  outcome(): VerificationOutcome {
    return { status: this.status as 'verified' | 'failed' | 'expired' | 'cancelled', failureReason: this.failureReason };
  }

  get hasEvents(): boolean {
    return this.inbox.length > 0;
  }

  /** The next provider event; the previous one is handled by now. */
  takeEvent(): ProviderEvent | undefined {
    this.settleEvent();
    const event = this.inbox.shift();
    this.current = event?.eventId;
    return event;
  }

  /** The event taken last has had its consequences written. */
  settleEvent(): void {
    if (this.current) this.handled.add(this.current);
    this.current = undefined;
  }

  // ---- read-model writes

  /** Operators filter by these in the Temporal UI. Only runs started with them carry them (the time-skipping test server has no custom attributes). */
  private publishSearchAttributes(): void {
    if (workflowInfo().typedSearchAttributes.get(SearchAttributes.accountId) === undefined) return;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SearchAttributes.processStatus, value: this.status },
      { key: SearchAttributes.step, value: this.step },
    ];
    upsertSearchAttributes(pairs);
  }

  /** Writes the current step and its next action (one call). */
  async recordProgress(): Promise<void> {
    this.publishSearchAttributes();
    await this.ledger.progress(++this.revision, this.step, this.snapshot().nextAction);
  }

  /** Enters a step: the step and the user's next action in the read model, in one write. */
  async enter(step: ProcessStep): Promise<void> {
    this.step = step;
    await this.recordProgress();
  }

  /** Work for closing: `before` runs ahead of the outcome's write (revoking a review), `after` behind it (revoking tickets). */
  onClose(hooks: { before?: Hook; after?: Hook }): void {
    if (hooks.before) this.beforeClose.push(hooks.before);
    if (hooks.after) this.afterClose.push(hooks.after);
  }

  /** Ends the run in the read model (releasing the account's slot), cleans up, and tells the user. */
  async close(outcome: Outcome, credit?: Credit): Promise<void> {
    if (this.closed) return;
    for (const hook of this.beforeClose) await hook();
    const result = await this.ledger.close(++this.revision, outcome, credit);
    for (const hook of this.afterClose) await bestEffort('cleanup after closing', hook);
    this.status = result.status;
    this.failureReason = result.failureReason as FailureReason | null;
    this.step = null;
    this.settleEvent();
    this.publishSearchAttributes();
    log.info('process closed', { status: this.status, failureReason: this.failureReason });
    const { notify } = this.options;
    if (notify) await bestEffort('notifying the outcome', () => notify(this));
  }
}

/** Runs `work`; a failure is logged and changes nothing (cleanups and notifications never change an outcome). */
export async function bestEffort(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    // A bug (a plain error) still fails the workflow task, to be retried once fixed.
    if (!(err instanceof TemporalFailure)) throw err;
    log.warn(`${what} failed; the outcome stands`, { error: err instanceof Error ? err.message : String(err) });
  }
}

/** The handlers every verification run answers; registered by each workflow function, first thing. */
export function setRunHandlers(run: ProcessRun): void {
  setHandler(snapshotQuery, run.snapshot);
  setEventHandlers(run);
  setHandler(awaitOpenedUpdate, run.awaitOpened);
  setHandler(cancelUpdate, run.cancel, { validator: run.validateCancel });
  if (run.owned) {
    setHandler(changeRevokedSignal, run.revokedByOwner);
    setHandler(ownerRevokeSignal, (request) => answerOwner(run, request));
  }
}

/** Provider callbacks and the sandbox's question whether one was acted on: every process that shows QR codes or waits for money. */
export function setEventHandlers(run: ProcessRun): void {
  setHandler(eventHandledQuery, run.eventHandled);
  setHandler(providerEventSignal, run.receive);
}
