import { describe, expect, it } from 'vitest';
import { verificationView } from '../../views/verification';
import type { PiiCipher } from '../../platform/crypto';
import type { VerificationRow } from '../../store/verifications';

// Masked views never decrypt: a cipher that is called is a bug.
const cipher: PiiCipher = {
  encrypt: () => {
    throw new Error('not expected');
  },
  decrypt: () => {
    throw new Error('not expected');
  },
  keyedHash: () => {
    throw new Error('not expected');
  },
};

function row(overrides: Partial<VerificationRow>): VerificationRow {
  const at = new Date('2025-09-20T02:00:00Z');
  return {
    id: 'ver_1',
    account_id: 'acct-1',
    workflow_id: 'verification/ver_1',
    subject_type: 'enterprise',
    method: 'wechat_official_account',
    status: 'failed',
    step: null,
    next_action: null,
    failure_reason: 'ENTERPRISE_NOT_IN_REGISTRY',
    change_id: null,
    pending_credit: null,
    subject: { name: '北京某某科技有限公司' },
    id_number_enc: null,
    pii_enc: null,
    review_id: null,
    rejection: null,
    identity_hash: 'hash',
    revision: 2,
    created_at: at,
    updated_at: at,
    completed_at: at,
    expires_at: null,
    ...overrides,
  };
}

// SPEC §4: ENTERPRISE_NOT_IN_REGISTRY comes with advice to retry after 7 business days (mainland calendar).
describe('verificationView retryAfter', () => {
  it.each([
    // Thursday 2025-09-25 10:00 in China. Business days after it: Fri 26, Sun 28 (adjusted working day),
    // Mon 29, Tue 30, (National Day 1–8 Oct), Thu 9, Fri 10, Sat 11 (adjusted working day): the end of 11 Oct in China.
    ['across National Day 2025', '2025-09-25T02:00:00Z', '2025-10-11T16:00:00.000Z'],
    // 01:00 on Friday 26 September in China (still Thursday in UTC): counting starts from the China date.
    ['from the China date, not the UTC date', '2025-09-25T17:00:00Z', '2025-10-13T16:00:00.000Z'],
    // Monday 2025-03-03: seven weekdays, no holiday, ending Wednesday 12 March.
    ['an ordinary fortnight', '2025-03-03T02:00:00Z', '2025-03-12T16:00:00.000Z'],
  ])('is 7 business days after completion, %s', (_label, completedAt, retryAfter) => {
    const view = verificationView(row({ completed_at: new Date(completedAt) }), { revealPii: false, cipher });
    expect(view).toMatchObject({ failureReason: 'ENTERPRISE_NOT_IN_REGISTRY', completedAt: new Date(completedAt).toISOString(), retryAfter });
  });

  it('honours the operator’s calendar additions', () => {
    const view = verificationView(row({ completed_at: new Date('2025-03-03T02:00:00Z') }), { revealPii: false, cipher, calendar: { holidays: ['2025-03-06'] } });
    expect(view.retryAfter).toBe('2025-03-13T16:00:00.000Z');
  });

  it.each([
    ['another failure reason', { failure_reason: 'ENTERPRISE_NAME_MISMATCH' }],
    ['a verification still open', { status: 'in_progress', failure_reason: null, completed_at: null }],
  ])('is absent for %s', (_label, overrides) => {
    expect(verificationView(row(overrides), { revealPii: false, cipher })).not.toHaveProperty('retryAfter');
  });
});
