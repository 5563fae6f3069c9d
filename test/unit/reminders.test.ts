import { describe, expect, it } from 'vitest';
import { beijingTime, chinaWallClock } from '../../domain/calendar-date';
import { reminderNotice } from '../../activities/reminder-texts';
import { dueReminder, isReminderAction, ReminderAction, parseRemindersBefore, reminderKey, reminderPlan, reminderStillApplies, type ReminderInstant } from '../../domain/reminders';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const offsets = [48 * HOUR, 24 * HOUR];

describe('reminderPlan: the instants a window reminds at (SPEC §12)', () => {
  it.each([
    ['a 7-day window: 48 h and 24 h before its deadline', 0, 7 * DAY, offsets, [5 * DAY, 6 * DAY]],
    ['a 36-hour window: the 48 h offset falls before the step began', 0, 36 * HOUR, offsets, [12 * HOUR]],
    ['a step that began 5 days into a 7-day validity: only the 24 h reminder', 5 * DAY + 1, 7 * DAY, offsets, [6 * DAY]],
    ['an offset exactly at the step’s start is skipped (the user was just shown it)', 0, 48 * HOUR, offsets, [24 * HOUR]],
    ['a window shorter than every offset: none', 0, 12 * HOUR, offsets, []],
    ['offsets in any order, duplicates once: earliest first', 0, 7 * DAY, [24 * HOUR, 48 * HOUR, 24 * HOUR], [5 * DAY, 6 * DAY]],
    ['no offsets: none', 0, 7 * DAY, [], []],
    ['a zero or negative offset never reminds at or after the deadline', 0, 7 * DAY, [0, -HOUR, 24 * HOUR], [6 * DAY]],
    ['a deadline already passed: none', 0, -1, offsets, []],
  ])('%s', (_name, startedAfter, closesAfter, given, expectedAfterStart) => {
    const plan = reminderPlan({ startedAt: T0 + startedAfter, deadline: T0 + closesAfter }, given);
    expect(plan.map((r) => r.at - T0)).toEqual(expectedAfterStart);
    for (const r of plan) expect(r.at).toBe(T0 + closesAfter - r.offsetMs);
  });
});

describe('dueReminder: which reminder to send now', () => {
  const plan: ReminderInstant[] = [
    { offsetMs: 48 * HOUR, at: T0 + 5 * DAY },
    { offsetMs: 24 * HOUR, at: T0 + 6 * DAY },
  ];
  it.each([
    ['before the first instant: none', 0, 5 * DAY - 1, null],
    ['at the first instant: the 48 h reminder', 0, 5 * DAY, { offsetMs: 48 * HOUR, handled: 1 }],
    ['the 48 h one sent, a second before the 24 h one: none', 1, 6 * DAY - 1000, null],
    ['the 48 h one sent, at the 24 h instant: the 24 h one', 1, 6 * DAY, { offsetMs: 24 * HOUR, handled: 2 }],
    ['both due at once (the process was not running): only the 24 h one, the 48 h one passed over', 0, 6 * DAY + HOUR, { offsetMs: 24 * HOUR, handled: 2 }],
    ['all handled: none, ever again', 2, 7 * DAY, null],
  ])('%s', (_name, handled, after, expected) => {
    const due = dueReminder(plan, handled, T0 + after);
    expect(due && { offsetMs: due.reminder.offsetMs, handled: due.handled }).toEqual(expected);
  });

  it('an empty plan has nothing due', () => {
    expect(dueReminder([], 0, T0 + 10 * DAY)).toBeNull();
  });
});

describe('reminderStillApplies: a send that outlives its step sends nothing', () => {
  const reminder = { step: 'awaiting_review', action: 'resubmit_materials' } as const;
  it.each([
    ['the rejection still waits for corrections', 'in_progress', 'awaiting_review', 'resubmit_materials', true],
    ['corrected: the same step, now waiting for the reviewer', 'in_progress', 'awaiting_review', 'await_review', false],
    ['another step', 'in_progress', 'awaiting_payout', 'await_payout', false],
    ['the process ended', 'expired', null, null, false],
    ['the process ended, its row still naming the step', 'cancelled', 'awaiting_review', 'resubmit_materials', false],
  ])('%s → %s', (_name, status, step, nextActionType, expected) => {
    expect(reminderStillApplies({ status, step, nextActionType }, reminder)).toBe(expected);
  });

  it.each([
    ['remit', true],
    ['scan_qr', true],
    ['await_review', false],
    ['toString', false],
    [undefined, false],
  ])('%s is an action to remind of: %s', (value, expected) => {
    expect(isReminderAction(value)).toBe(expected);
  });
});

describe('REMINDERS_BEFORE', () => {
  it.each([
    ['48h,24h', [48 * HOUR, 24 * HOUR]],
    ['24h,48h', [48 * HOUR, 24 * HOUR]],
    [' 2m , 1m ', [120_000, 60_000]],
    ['3d', [3 * DAY]],
    ['', []],
  ])('%j → %j', (text, expected) => {
    expect(parseRemindersBefore(text)).toEqual(expected);
  });

  it.each([
    ['48h,', /empty entry/],
    [',24h', /empty entry/],
    ['48h,,24h', /empty entry/],
    ['48h;24h', /Invalid duration/],
    ['0s', /Invalid duration/],
    ['-1h', /Invalid duration/],
    ['2d,48h', /48h is given twice|2d is given twice/],
    ['1h,2h,3h,4h,5h,6h,7h,8h,9h,10h,11h', /at most 10/],
  ])('%j is refused', (text, message) => {
    expect(() => parseRemindersBefore(text)).toThrow(message);
  });
});

describe('the reminder key and the deadline as the message writes it', () => {
  it('names the process, the window and the offset', () => {
    expect(reminderKey({ processId: 'ver_1', window: 'awaiting_transfer', offsetMs: 48 * HOUR })).toBe('ver_1/reminder/awaiting_transfer/2d');
    expect(reminderKey({ processId: 'chg_1', window: 'awaiting_materials/2', offsetMs: 90_000 })).toBe('chg_1/reminder/awaiting_materials/2/90s');
  });

  it.each([
    ['2026-12-09T10:00:00.000Z', '2026-12-09 18:00 (北京时间)'],
    ['2026-12-09T16:30:59.999Z', '2026-12-10 00:30 (北京时间)'],
    ['2026-12-31T15:59:00.000Z', '2026-12-31 23:59 (北京时间)'],
    ['2028-02-28T16:05:00.000Z', '2028-02-29 00:05 (北京时间)'],
  ])('%s is %s', (instant, shown) => {
    expect(beijingTime(new Date(instant))).toBe(shown);
    expect(chinaWallClock(new Date(instant))).toBe(shown.replace(' (北京时间)', ''));
  });
});

describe('reminder texts', () => {
  it.each(Object.values(ReminderAction).flatMap((action) => (['verification', 'change'] as const).map((process) => [action, process] as const)))('%s in a %s: Chinese and English, the deadline in Beijing time', (action, process) => {
    const { title, body } = reminderNotice(action, process, new Date('2026-12-09T10:00:00.000Z'));
    expect(title).toMatch(/截止 \/ Your .* closes soon/);
    expect(body).toContain('请于 2026-12-09 18:00 (北京时间) 前');
    expect(body).toContain('before 2026-12-09 18:00 Beijing time');
  });
});
