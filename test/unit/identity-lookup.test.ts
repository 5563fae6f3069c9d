import { describe, expect, it } from 'vitest';
import { AccountId } from '../../api/http/schemas';
import { lookupAllowance, lookupKeyOwner, LOOKUPS_PER_DAY, serviceLookupKeyOwner } from '../../domain/identity-lookup';

const NOW = new Date('2026-12-09T12:00:00.000Z');
const HOUR = 3600_000;
/** Starts `hoursAgo` hours before NOW. */
const ago = (...hoursAgo: number[]) => hoursAgo.map((h) => new Date(NOW.getTime() - h * HOUR));

describe('at most 5 lookups of one identity in any 24 hours (SPEC §12)', () => {
  it('allows five a day', () => expect(LOOKUPS_PER_DAY).toBe(5));

  it.each([
    ['none before', ago(), { allowed: true }],
    ['four in the last hours: the fifth is allowed', ago(1, 2, 3, 4), { allowed: true }],
    ['five in the window: the sixth waits until the oldest leaves it', ago(1, 2, 3, 4, 20), { allowed: false, retryAfterSeconds: 4 * 3600 }],
    ['five, the oldest 23 h 59 min 59 s ago: one second to wait', [...ago(1, 2, 3, 4), new Date(NOW.getTime() - 24 * HOUR + 1000)], { allowed: false, retryAfterSeconds: 1 }],
    ['five, the oldest exactly 24 h ago: it has left the window', ago(1, 2, 3, 4, 24), { allowed: true }],
    ['five, the oldest 25 h ago: allowed', ago(1, 2, 3, 4, 25), { allowed: true }],
    ['five at the same instant just now: a full day to wait', ago(0, 0, 0, 0, 0), { allowed: false, retryAfterSeconds: 24 * 3600 }],
    ['seven in the window (a race let two through): waits until three have left', ago(1, 2, 3, 4, 5, 6, 7), { allowed: false, retryAfterSeconds: 19 * 3600 }],
    ['order does not matter', ago(20, 4, 1, 3, 2), { allowed: false, retryAfterSeconds: 4 * 3600 }],
    ['a start stamped after now (a concurrent request that took its time first) counts', [...ago(1, 2, 3, 4), new Date(NOW.getTime() + 5)], { allowed: false, retryAfterSeconds: 20 * 3600 }],
  ])('%s', (_case, starts, expected) => {
    expect(lookupAllowance(starts, NOW)).toEqual(expected);
  });

  it('takes another limit', () => {
    expect(lookupAllowance(ago(1), NOW, 1)).toEqual({ allowed: false, retryAfterSeconds: 23 * 3600 });
    expect(lookupAllowance(ago(1), NOW, 2)).toEqual({ allowed: true });
  });
});

describe("a lookup's data key owner", () => {
  it.each([
    ['made with an account token: that account (its closure erases the key)', 'acct-1001', 'acct-1001'],
    ['made by the service role: a placeholder of its own', null, 'lookup/lkp_ABCDEFGH12345678'],
  ])('%s', (_case, accountId, expected) => {
    expect(lookupKeyOwner('lkp_ABCDEFGH12345678', accountId)).toBe(expected);
  });

  it('the placeholder can never be an account id, so no closure erases it by mistake', () => {
    expect(AccountId.safeParse(serviceLookupKeyOwner('lkp_ABCDEFGH12345678')).success).toBe(false);
  });
});
