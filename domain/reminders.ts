// Reminders before a window of the user's closes (SPEC §12): which instants
// remind, which one is due, and the REMINDERS_BEFORE setting. Pure rules,
// safe in the workflow sandbox.

import { formatDuration, parseDuration } from './duration';

/** What a reminder asks the user to do before the window closes: the next action of the step that waits for them. */
export const ReminderAction = {
  remit: 'remit',
  enter_amount: 'enter_amount',
  resubmit_materials: 'resubmit_materials',
  submit_materials: 'submit_materials',
  scan_qr: 'scan_qr',
  submit_new_subject: 'submit_new_subject',
} as const;
export type ReminderAction = (typeof ReminderAction)[keyof typeof ReminderAction];
// Array membership, not `in`: "toString" must not pass as an action.
export const isReminderAction = (value: unknown): value is ReminderAction => (Object.values(ReminderAction) as unknown[]).includes(value);

/** SPEC §12's default: 48 h and 24 h before the deadline. */
export const DEFAULT_REMINDERS_BEFORE_MS: readonly number[] = [48 * 3_600_000, 24 * 3_600_000];

/** More offsets than this is a mistake in the setting, not a wish to remind every hour of a week. */
export const MAX_REMINDERS = 10;

/** One reminder of a window: so long before its deadline, at this instant (epoch ms). */
export interface ReminderInstant {
  offsetMs: number;
  at: number;
}

/**
 * The reminders of a window that began at `startedAt` and closes at
 * `deadline`, earliest first: one per offset, at the deadline less that
 * offset. An instant at or before the step began is skipped (the user has
 * just been shown the step), and so is one at or after the deadline.
 */
export function reminderPlan(window: { startedAt: number; deadline: number }, offsetsMs: readonly number[]): ReminderInstant[] {
  const offsets = [...new Set(offsetsMs)].filter((ms) => ms > 0);
  return offsets
    .map((offsetMs) => ({ offsetMs, at: window.deadline - offsetMs }))
    .filter((r) => r.at > window.startedAt && r.at < window.deadline)
    .sort((a, b) => a.at - b.at);
}

/**
 * Which reminder of `plan` to send `now`, given that the first `handled` ones
 * were sent (or passed over): the latest one due. Earlier ones that are also
 * due (the process was not running when they fell due) are passed over, so
 * the user gets one reminder, the most pressing, and never a burst. Null:
 * none is due. `handled` is what to remember once it is sent.
 */
export function dueReminder(plan: readonly ReminderInstant[], handled: number, now: number): { reminder: ReminderInstant; handled: number } | null {
  let due = -1;
  for (let i = handled; i < plan.length && plan[i]!.at <= now; i++) due = i;
  return due < 0 ? null : { reminder: plan[due]!, handled: due + 1 };
}

/**
 * REMINDERS_BEFORE: a comma list of durations before a deadline (`48h,24h`),
 * each positive, none twice, at most MAX_REMINDERS; an empty value turns
 * reminders off. Throws its explanation.
 */
export function parseRemindersBefore(text: string): number[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === '') return [];
  const offsets = items.map((item) => {
    if (item === '') throw new Error(`Invalid reminder list "${text}": an empty entry between commas`);
    return parseDuration(item);
  });
  const twice = offsets.find((ms, i) => offsets.indexOf(ms) !== i);
  if (twice !== undefined) throw new Error(`Invalid reminder list "${text}": ${formatDuration(twice)} is given twice`);
  if (offsets.length > MAX_REMINDERS) throw new Error(`Invalid reminder list "${text}": at most ${MAX_REMINDERS} reminders`);
  return offsets.sort((a, b) => b - a);
}

/**
 * One reminder's key, the same however often it is sent: the process, its
 * window (a step, or a step and round) and the offset. Every channel's
 * dedupe key and the webhook event's id derive from it.
 */
export const reminderKey = (r: { processId: string; window: string; offsetMs: number }) => `${r.processId}/reminder/${r.window}/${formatDuration(r.offsetMs)}`;

/**
 * Whether a reminder is still about what the process shows (its read-model
 * row): open, at the reminder's step, asking the user for the reminder's
 * action. A send that outlives its step (retried while the notifier was down,
 * say) finds it over and sends nothing.
 */
export function reminderStillApplies(row: { status: string; step: string | null; nextActionType: string | null }, reminder: { step: string; action: ReminderAction }): boolean {
  return row.status === 'in_progress' && row.step === reminder.step && row.nextActionType === reminder.action;
}
