/**
 * Reminders before a window of the user's closes (SPEC §12). A step that
 * waits for the user until a deadline opens a window (ProcessRun.remindBefore);
 * the kernel's `wait` then also wakes at each reminder instant
 * (REMINDERS_BEFORE before the deadline, those after the step began) and
 * sends it, so the timers race the step's completion inside the process's own
 * workflow. The window ends when the step is over: another window opens, the
 * user's next action changes, or the run closes; a send still in flight is
 * cancelled then, and the sending activity refuses a step the read model shows
 * over. Each offset is sent once per window (the activity is idempotent by
 * process, window and offset). Deterministic code only.
 */
import { CancellationScope, isCancellation, log, patched } from '@temporalio/workflow';
import { DEFAULT_REMINDERS_BEFORE_MS, dueReminder, reminderPlan, type ReminderAction, type ReminderInstant } from '../../domain/reminders';
import { iso } from '../../domain/instant';
import type { ReminderRequest } from '../process-messages';
import { reminderCalls } from './activities';

/** Patch id: waits wake at reminder instants (runs recorded before sent none: they replay without those timers). */
export const REMINDERS_PATCH = 'reminders';

/** How a kind of process sends its reminders (verification, change). */
export interface ReminderOptions {
  /** REMINDERS_BEFORE of the run (runs whose input predates it: the SPEC's 48 h and 24 h). */
  offsetsMs?: readonly number[] | undefined;
  process: ReminderRequest['process'];
}

/** The window's part of a reminder; the run adds who it is. */
type WindowReminder = Pick<ReminderRequest, 'window' | 'action' | 'offsetMs' | 'deadline'>;

/** A step that waits for the user until `deadline`: its reminders, sent while `action` is the user's next action. */
export class UserWindow {
  private readonly plan: ReminderInstant[];
  private handled = 0;
  private ended = false;
  /** Sends in flight run here, so that the window's end cancels them. */
  private readonly scope = new CancellationScope();

  constructor(
    readonly key: string,
    readonly action: ReminderAction,
    readonly deadline: number,
    offsetsMs: readonly number[],
    private readonly send: (reminder: WindowReminder) => Promise<unknown>,
  ) {
    this.plan = reminderPlan({ startedAt: Date.now(), deadline }, offsetsMs);
  }

  /** Epoch ms of the next reminder; null: none left, the window is over, or the run predates reminders. */
  nextAt(): number | null {
    const next = this.plan[this.handled];
    if (!next || this.ended) return null;
    return patched(REMINDERS_PATCH) ? next.at : null;
  }

  /** A reminder is due now. */
  due(): boolean {
    const at = this.nextAt();
    return at !== null && Date.now() >= at;
  }

  /** Sends the reminder due now (the latest one due: see dueReminder), without holding up the step's wait. */
  sendDue(): void {
    const due = this.nextAt() === null ? null : dueReminder(this.plan, this.handled, Date.now());
    if (!due) return;
    this.handled = due.handled;
    const reminder = { window: this.key, action: this.action, offsetMs: due.reminder.offsetMs, deadline: iso(this.deadline) };
    this.scope.run(() => this.send(reminder)).catch((err: unknown) => {
      // Cancelled: the step ended first. Otherwise the notifier stayed down: the step goes on without it.
      if (!isCancellation(err)) log.warn('a reminder could not be sent', { window: this.key, offsetMs: reminder.offsetMs, error: err instanceof Error ? err.message : String(err) });
    });
  }

  /** The step is over: no more reminders, and a send in flight is cancelled. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.scope.cancel();
  }
}

/** A run's reminder windows, one open at a time. */
export class Reminders {
  /** The window the user is in, if any. */
  current: UserWindow | undefined;

  constructor(
    private readonly processId: string,
    private readonly options: ReminderOptions | undefined,
  ) {}

  /** Opens the window of the step now shown (ending the previous one): reminders before `deadline` while `action` stays the next action. */
  open(key: string, action: ReminderAction, deadline: number, step: () => string | null): UserWindow {
    this.current?.end();
    const { options, processId } = this;
    const offsets = options ? (options.offsetsMs ?? DEFAULT_REMINDERS_BEFORE_MS) : [];
    const send = (r: WindowReminder) => reminderCalls.sendReminder({ ...r, process: options!.process, processId, step: step() ?? '' });
    this.current = new UserWindow(key, action, deadline, offsets, send);
    return this.current;
  }

  /** The user's next action is now `action` (null: none, or the run closed): a window about another one ends. */
  shown(action: string | null): void {
    if (this.current && this.current.action !== action) this.current.end();
  }
}
