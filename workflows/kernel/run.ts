/**
 * A process run's state and its read-model writes: status and step, the
 * user-visible next action, revisions, search attributes, the provider-event
 * inbox, and closing. Generic over the process: its snapshot (what callers
 * read), its steps, and what a caller waiting for it to open is answered; its
 * ProcessKind says where it is written and how callers see it
 * (verification/run.ts, change/run.ts). Message handlers are methods here;
 * each workflow registers them itself. Deterministic code only.
 */
import { condition, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { eventHandledQuery, providerEventSignal, SearchAttributes, type ProviderEvent } from '../messages';
import type { RunCarry } from '../process-messages';
import { providerCalls, type ProviderCalls } from './activities';
import { bestEffort, type Credit, type Outcome } from './outcome';
import { Reminders, type ReminderOptions, type UserWindow } from './reminders';
import { isReminderAction } from '../../domain/reminders';

/** What every process's snapshot shows. */
export interface ProcessSnapshot<Step extends string = string> {
  status: string;
  step: Step | null;
  /** What the user is to do next: its type names it (a reminder window is about one). */
  nextAction: { type: string } | null;
  failureReason: string | null;
}

/** How a closed run ended. */
export interface RunEnd<S extends ProcessSnapshot> {
  status: Exclude<S['status'], 'in_progress'>;
  failureReason: string | null;
}

export type ActionOf<S extends ProcessSnapshot> = NonNullable<S['nextAction']>;

/** What a caller waiting for the process to open is answered (the process's own answer extends it). */
export interface OpenAnswer {
  opened: boolean;
}

/** A kind of process (verification, change) as the kernel sees it: where its run is written, and how callers see it. */
export interface ProcessKind<S extends ProcessSnapshot<Step>, Step extends string, Opened extends OpenAnswer> {
  /** Writes the current step and its next action. */
  progress(revision: number, step: Step | null, nextAction: ActionOf<S> | null): Promise<void>;
  /** Writes the outcome, releasing the account's slot ('verify' completes the process through its atomic checks), and says how it ended. */
  close(revision: number, outcome: Outcome, credit?: Credit): Promise<RunEnd<S>>;
  /** The snapshot callers read (the query, update answers). */
  view(run: ProcessRun<S, Step, Opened>): S;
  /** The answer once the first step is visible. */
  shown(run: ProcessRun<S, Step, Opened>): Opened;
}

export interface RunOptions<S extends ProcessSnapshot> {
  providerCallTimeoutMs?: number | undefined;
  /** Tells the user the outcome (SPEC §7's channels). */
  notify?(end: RunEnd<S>): Promise<void>;
  /** Reminds the user before a window of theirs closes (SPEC §12); without it, no reminders. */
  reminders?: ReminderOptions;
}

type Hook = () => Promise<void>;

export class ProcessRun<S extends ProcessSnapshot<Step>, Step extends string, Opened extends OpenAnswer = OpenAnswer> {
  step: Step | null = null;
  opened: Opened | undefined;
  /** The open activity claimed the account's slot: from here on the run must close. */
  claimed = false;
  /** The process function has returned: requests it never answered get their fallback answers (see Requests). */
  finished = false;
  cancelRequested = false;
  /** The process's next action for its current step; each process sets it. */
  nextAction: () => ActionOf<S> | null = () => null;
  /** Set by a process whose step must finish before a cancellation is taken (a reviewer's decision being recorded): throws to refuse. */
  cancelGuard: (() => void) | undefined;
  /** This run's provider calls, bounded by its PROVIDER_CALL_TIMEOUT. */
  readonly providers: ProviderCalls;
  /** The user's window the run is in, and its reminders (SPEC §12). */
  readonly reminders: Reminders;
  private end: RunEnd<S> | undefined;
  private revision = 0;
  private readonly inbox: ProviderEvent[] = [];
  private readonly seen = new Set<string>();
  private readonly handled = new Set<string>();
  private current: string | undefined;
  private readonly beforeClose: Hook[] = [];
  private readonly afterClose: Hook[] = [];

  constructor(
    /** The process's id (ver_…, chg_…). */
    readonly id: string,
    private readonly kind: ProcessKind<S, Step, Opened>,
    private readonly options: RunOptions<S> = {},
  ) {
    this.providers = providerCalls(options.providerCallTimeoutMs);
    this.reminders = new Reminders(id, options.reminders);
  }

  // ---- message handlers

  readonly snapshot = (): S => this.kind.view(this);

  /** An event counts as handled once the process waits again (its consequences are written) or can no longer act on any. */
  readonly eventHandled = (eventId: string): boolean => this.handled.has(eventId) || (this.opened !== undefined && !this.isOpen());

  /** Providers retry their callbacks: an event is acted on once. */
  readonly receive = (event: ProviderEvent): void => {
    if (this.seen.has(event.eventId)) return;
    this.seen.add(event.eventId);
    this.inbox.push(event);
  };

  readonly awaitOpened = async (): Promise<Opened> => {
    await condition(() => this.opened !== undefined);
    return this.opened!;
  };

  /** The user's cancellation: answered once the run has closed. */
  readonly cancel = async (): Promise<S> => {
    this.cancelRequested = true;
    await condition(() => this.status !== 'in_progress');
    return this.snapshot();
  };

  // ---- continuing as new (see RunResume)

  /** What the run continued from this one needs of the kernel's state. */
  carried(): RunCarry<Step> {
    return { revision: this.revision, step: this.step, seenEventIds: [...this.seen], inbox: [...this.inbox] };
  }

  /** A run continued as new: the process is open and holds its slot; read-model writes go on from the carried revision. */
  resumeFrom(state: RunCarry<Step>): void {
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

  get status(): 'in_progress' | RunEnd<S>['status'] {
    return this.end?.status ?? 'in_progress';
  }

  get failureReason(): string | null {
    return this.end?.failureReason ?? null;
  }

  isOpen(): boolean {
    return this.opened?.opened === true && this.status === 'in_progress';
  }

  get closed(): boolean {
    return this.end !== undefined;
  }

  /** The first step is visible: the caller who started the run gets its answer. */
  markOpened(result: Opened = this.kind.shown(this)): void {
    this.opened ??= result;
  }

  /** How the run ended; only a closed run has an outcome. */
  outcome(): RunEnd<S> {
    if (!this.end) throw new Error('the run has not closed yet');
    return { status: this.end.status, failureReason: this.end.failureReason };
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

  /**
   * Operators filter by these in the Temporal UI. Only runs started with them carry them (the time-skipping test server
   * has no custom attributes); every process starts with its ProcessKind, not every one with an AccountId (a lookup the
   * service role made belongs to no account).
   */
  private publishSearchAttributes(): void {
    if (workflowInfo().typedSearchAttributes.get(SearchAttributes.processKind) === undefined) return;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SearchAttributes.processStatus, value: this.status },
      { key: SearchAttributes.step, value: this.step },
    ];
    upsertSearchAttributes(pairs);
  }

  /** Writes the current step and its next action (one call). A reminder window about another action ends. */
  async recordProgress(): Promise<void> {
    this.publishSearchAttributes();
    const action = this.status === 'in_progress' ? this.nextAction() : null;
    this.reminders.shown(action?.type ?? null);
    await this.kind.progress(++this.revision, this.step, action);
  }

  /**
   * The step now shown waits for the user until `deadline` (SPEC §12): the
   * run's waits remind them before it closes, while the next action stays
   * what it is now. `window` names it where its step recurs (a review round).
   */
  remindBefore(deadline: number, window: string = this.step ?? ''): UserWindow {
    const action = this.nextAction()?.type;
    if (!isReminderAction(action)) throw new Error(`step ${this.step} shows no action to remind of (${action})`);
    return this.reminders.open(window, action, deadline, () => this.step);
  }

  /** Enters a step: the step and the user's next action in the read model, in one write. */
  async enter(step: Step): Promise<void> {
    this.step = step;
    await this.recordProgress();
  }

  /** Work for closing: `before` runs ahead of the outcome's write (withdrawing a review), `after` behind it (revoking tickets). */
  onClose(hooks: { before?: Hook; after?: Hook }): void {
    if (hooks.before) this.beforeClose.push(hooks.before);
    if (hooks.after) this.afterClose.push(hooks.after);
  }

  /** Ends the run in the read model (releasing the account's slot), cleans up, and tells the user. */
  async close(outcome: Outcome, credit?: Credit): Promise<void> {
    if (this.closed) return;
    this.reminders.shown(null);
    for (const hook of this.beforeClose) await hook();
    const end = await this.kind.close(++this.revision, outcome, credit);
    for (const hook of this.afterClose) await bestEffort('cleanup after closing', hook);
    this.end = { status: end.status, failureReason: end.failureReason };
    this.step = null;
    this.settleEvent();
    this.publishSearchAttributes();
    log.info('process closed', { status: this.status, failureReason: this.failureReason });
    const { options } = this;
    if (options.notify) await bestEffort('notifying the outcome', () => options.notify!(this.outcome()));
  }
}

/** Any process's run, for the kernel's parts that need none of its types (waiting, closing). */
export type AnyRun = ProcessRun<ProcessSnapshot, string>;

/** Provider callbacks and the sandbox's question whether one was acted on: every process that shows QR codes or waits for money. */
export function setEventHandlers(run: AnyRun): void {
  setHandler(eventHandledQuery, run.eventHandled);
  setHandler(providerEventSignal, run.receive);
}
