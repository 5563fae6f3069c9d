// Money is integer fen inside; yuan strings exist only at the edge, so no
// float ever carries an amount.

export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`Amount in fen must be a safe integer, got ${fen}`);
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${fen < 0 ? '-' : ''}${yuan}.${String(cents).padStart(2, '0')}`;
}

/**
 * `"0.37"` → 37, `"1.5"` → 150. Null for a sign, exponent, spaces, more than
 * two decimals, a bare dot, or leading zeros like `"01"` (ambiguous input).
 */
export function parseYuan(text: string): number | null {
  const m = /^(0|[1-9]\d*)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/**
 * SPEC §4 / §4.1: the recharge amount and the remittance payout are random
 * amounts below one yuan, 0.01–0.99. `random` is a draw in [0, 1): workflows
 * pass their seeded Math.random(), so a replay draws the same amount.
 */
export const randomFen = (random: number): number => 1 + Math.floor(random * 99);

/** Two tries (SPEC §4): wrong transfers from the confirmed account, and wrong amounts entered. */
export const AMOUNT_ATTEMPTS = 2;
