/**
 * What process runs tell each other and carry over, shared by the workflows
 * and the tests: a change's revocation asked of its new subject's
 * verification, and the state a run hands to the run it continues as new.
 * Pure definitions, safe in the workflow sandbox.
 */
import { defineSignal } from '@temporalio/workflow';
import type { ChangeStep } from '../domain/change-rules';
import type { VerificationStep } from '../domain/constants';
import type { ReminderAction } from '../domain/reminders';
import type { ProviderEvent } from './messages';

/**
 * A change being revoked asks the verification of its new subject to end: the verification applies the guard a
 * direct cancel has (a decision being recorded, a payout ordered) and answers the change with ownerRevokeAnswerSignal.
 */
export interface OwnerRevokeRequest {
  requestId: string;
}
export interface OwnerRevokeAnswer {
  requestId: string;
  accepted: boolean;
  /** Why it was refused (the change's revoke is refused PROCESS_NOT_OPEN with it). */
  reason?: string;
}
export const ownerRevokeSignal = defineSignal<[OwnerRevokeRequest]>('ownerRevoke');
export const ownerRevokeAnswerSignal = defineSignal<[OwnerRevokeAnswer]>('ownerRevokeAnswer');

/**
 * What a run carries into the run it continues as new (SPEC §10 "Every run
 * closes": histories stay bounded however long a review is claimed and
 * released). A run waiting for a review decision whose history grew past its
 * bound (HISTORY_ROLLOVER_EVENTS, or the server's continueAsNewSuggested)
 * waits for its handlers in flight, then continues as new with its input plus
 * this; the new run resumes at that wait: it does not open the process again
 * (no second open, registry check or review row) and writes the read model
 * from the same revision on. Only the workflows set it; callers never do.
 */
export type RunResume<Step extends string = VerificationStep | ChangeStep> = RunCarry<Step> & ReviewCarry;

/** The kernel run's part (workflows/kernel/run.ts). */
export interface RunCarry<Step extends string> {
  /** The last read-model revision written: writes are ordered by it (ProcessRun.revision). */
  revision: number;
  /** The step the run waits in (awaiting_review). */
  step: Step | null;
  /** Provider event ids already received: callbacks are retried, each is acted on once. */
  seenEventIds: string[];
  /** Events received and not acted on yet (the review takes none; a later step may). */
  inbox: ProviderEvent[];
}

/** The review round's part (workflows/kernel/review-round.ts). */
export interface ReviewCarry {
  /** The review awaited: its id, round and due time (epoch ms). */
  review: { id: string; round: number; dueAt: number };
  /** A reviewer's claim on it, still held or lapsed (until: epoch ms). */
  claim?: { reviewId: string; name: string; until: number };
  /** Approvals already on the review that needs two (four eyes; at: epoch ms). */
  approvals?: { name: string; at: number; reason: string | null }[];
}

/**
 * A reminder a process asks to be sent before a window of the user's closes
 * (SPEC §12), by message centre, SMS, email and webhook. Sent once per
 * process, window and offset however often it is asked (domain/reminders.ts
 * reminderKey), and not at all once the step it is about is over.
 */
export interface ReminderRequest {
  process: 'verification' | 'change';
  /** ver_… or chg_… */
  processId: string;
  /** The window: its step, with the review round where one step recurs (awaiting_materials/2). */
  window: string;
  /** The step the process shows while it waits: a reminder finding the read model past it is not sent. */
  step: string;
  action: ReminderAction;
  /** How long before the deadline (one of REMINDERS_BEFORE). */
  offsetMs: number;
  /** When the window closes (ISO). */
  deadline: string;
}
