// Config durations (`QR_TTL=10m`, `TRANSFER_WINDOW=7d`). Units are lower-case
// only so that `M` can never be misread as months.

import { addBusinessDays, type CalendarOverrides } from './business-days';

const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
} as const;
type Unit = keyof typeof UNIT_MS;

// Largest first, for formatDuration.
const UNITS_DESC: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  const amount = m ? Number(m[1]) : NaN;
  const unit = m?.[2] as Unit | undefined;
  if (!unit || !(amount > 0)) {
    throw new Error(
      `Invalid duration "${text}": expected a positive integer followed by ms, s, m, h or d (e.g. 10m, 24h, 7d)`,
    );
  }
  const ms = amount * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) throw new Error(`Invalid duration "${text}": too large`);
  return ms;
}

export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new Error(`Cannot format duration ${ms}: expected a non-negative integer of milliseconds`);
  }
  if (ms === 0) return '0ms';
  for (const unit of UNITS_DESC) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A bound that is either a fixed length or a number of business days on the
 * mainland calendar (`PAYOUT_SETTLEMENT_TIMEOUT=5bd`): a bank's "5 business
 * days" is not a number of hours, so it is kept as days until an instant is
 * known to count from.
 */
export type Span = { ms: number } | { businessDays: number };

/** `10m`, `24h`, `7d` (as parseDuration), or `5bd`: business days. */
export function parseSpan(text: string): Span {
  const bd = /^(\d+)bd$/.exec(text);
  if (bd) {
    const days = Number(bd[1]);
    if (!(days > 0) || days > 10_000) throw new Error(`Invalid duration "${text}": expected 1 to 10000 business days`);
    return { businessDays: days };
  }
  try {
    return { ms: parseDuration(text) };
  } catch (err) {
    if ((err as Error).message.includes('too large')) throw err;
    throw new Error(`Invalid duration "${text}": expected a positive integer followed by ms, s, m, h, d or bd (business days), e.g. 10m, 24h, 5bd`);
  }
}

/** The instant a span that starts at `at` ends: business days end with the China calendar day (see addBusinessDays). */
export function endOfSpan(at: Date, span: Span, calendar?: CalendarOverrides): Date {
  return 'ms' in span ? new Date(at.getTime() + span.ms) : addBusinessDays(at, span.businessDays, calendar);
}
