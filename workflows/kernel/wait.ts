/**
 * The one way a process waits. It races the step's deadline, the user's
 * cancellation, fresh-QR requests and the QR's own expiry, provider events and
 * callers' requests, and returns what woke it, first things first:
 * cancel › refresh › request › event › QR expiry › deadline; and, for a wait
 * with a history bound, `rollover` once the history is past it and no handler
 * is in flight (the process then continues as new). While the run is in a
 * window of the user's (kernel/reminders.ts), it also wakes at each reminder
 * instant, sends the reminder and waits on (everything else comes first).
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { ProviderEvent } from '../messages';
import type { Pending, Requests } from './requests';
import type { Reminders } from './reminders';
import type { HistoryBound } from './rollover';

export type Wake<Q, A> =
  | { kind: 'cancel' }
  | { kind: 'deadline' }
  | { kind: 'refresh' }
  | { kind: 'request'; request: Pending<Q, A> }
  | { kind: 'event'; event: ProviderEvent }
  | { kind: 'qr_expired' }
  | { kind: 'rollover' };

/** What a wait needs of the run: its cancellation and its provider-event inbox. */
export interface Waiting {
  readonly cancelRequested: boolean;
  readonly hasEvents: boolean;
  takeEvent(): ProviderEvent | undefined;
  settleEvent(): void;
  /** The user's window the run is in: its reminders (SPEC §12). */
  readonly reminders?: Pick<Reminders, 'current'>;
}

/** What a wait needs of the QR the user is looking at (QrSession): its refresh requests, its expiry. */
export interface QrWake {
  readonly refreshes: { readonly waiting: boolean };
  wakeAt(deadline: number): number;
  expiryDue(): boolean;
}

export interface WaitFor<Q, A> {
  /** Epoch ms at which the step ends; null: it has no deadline. */
  until: number | null;
  /** Whether this step acts on provider events (others keep them queued for a later step). */
  events: boolean;
  /** The QR code the user is looking at: its refresh requests and its expiry. */
  qr?: QrWake;
  requests?: Requests<Q, A>;
  /** The run's history bound: past it, this wait hands over to a new run (waits whose state a RunResume carries). */
  bound?: HistoryBound;
}

export async function wait<Q = never, A = never>(run: Waiting, on: WaitFor<Q, A>): Promise<Wake<Q, A>> {
  run.settleEvent();
  for (;;) {
    if (on.until !== null && Date.now() >= on.until) return { kind: 'deadline' };
    const ready = () => run.cancelRequested || !!on.qr?.refreshes.waiting || !!on.requests?.waiting || (on.events && run.hasEvents);
    const wake = () => ready() || !!on.bound?.reached();
    const window = run.reminders?.current;
    const wakeAt = earliest(on.qr && on.until !== null ? on.qr.wakeAt(on.until) : on.until, window?.nextAt() ?? null);
    if (wakeAt === null) await condition(wake);
    else await condition(wake, Math.max(1, wakeAt - Date.now()));

    if (run.cancelRequested) return { kind: 'cancel' };
    // The QR session takes the request itself (QrSession.refresh).
    if (on.qr?.refreshes.waiting) return { kind: 'refresh' };
    if (on.requests?.waiting) return { kind: 'request', request: on.requests.take() };
    if (on.events && run.hasEvents) return { kind: 'event', event: run.takeEvent()! };
    if (on.qr?.expiryDue()) return { kind: 'qr_expired' };
    if (window?.due()) {
      window.sendDue();
      continue;
    }
    if (on.bound?.reached() && on.bound.mayRollOver()) {
      // Updates in flight (a claim being recorded) are answered by this run; a request or cancel meanwhile comes first.
      await condition(() => allHandlersFinished() || ready());
      if (!ready()) return { kind: 'rollover' };
    }
  }
}

/** The earlier of two instants, either of which may be absent (null). */
const earliest = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
