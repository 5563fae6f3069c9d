import { Context } from '@temporalio/activity';
import { expect } from 'vitest';
import type { ReminderRequest } from '../../workflows/process-messages';
import { eventually } from './temporal-test-env';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** SPEC §12's REMINDERS_BEFORE. */
export const REMINDERS_BEFORE = [48 * HOUR, 24 * HOUR];

export type SentReminder = ReminderRequest & { at: number; attempt: number };

/**
 * A fake sendReminder for the time-skipping tests: it records each attempt
 * with the server's time it was scheduled at (the skipped clock).
 * `failFirstAttempt` plays a worker that died after the effect, before it
 * reported back: Temporal retries it with the same arguments.
 */
export function reminderRecorder(options: { failFirstAttempt?: boolean } = {}) {
  const attempts: SentReminder[] = [];
  const sendReminder = async (args: ReminderRequest): Promise<{ sent: boolean }> => {
    const info = Context.current().info;
    attempts.push({ ...args, at: info.currentAttemptScheduledTimestampMs, attempt: info.attempt });
    if (options.failFirstAttempt && info.attempt === 1) throw new Error('the worker died after sending, before reporting back');
    return { sent: true };
  };
  /** The reminders sent, one per window and offset (first attempts). */
  const sent = () => attempts.filter((a) => a.attempt === 1);
  /** Waits until `n` reminders have been sent; answers them. */
  const sentCount = (n: number) =>
    eventually(async () => {
      expect(sent()).toHaveLength(n);
      return sent();
    });
  return { attempts, sent, sentCount, sendReminder };
}

/** The reminder was scheduled at its instant: `offsetMs` before its deadline (within a minute of skipped time). */
export function expectSentAtItsInstant(r: SentReminder): void {
  const instant = Date.parse(r.deadline) - r.offsetMs;
  expect(Math.abs(r.at - instant), `sent at ${new Date(r.at).toISOString()}, due at ${new Date(instant).toISOString()}`).toBeLessThan(MINUTE);
}
