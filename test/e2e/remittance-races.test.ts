import { describe, expect, inject, it } from 'vitest';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * A reviewer's decision racing the applicant's cancel, over HTTP (issue 9):
 * exactly one wins, the loser gets 409, and the process ends as the winner
 * said. Once the approval ordered the payout, a cancel is refused.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const reviewer = { token: KEYS.reviewer };

async function inReview() {
  const e = enterprise();
  await register(baseUrl, e);
  return remittanceInReview(baseUrl, uniqueAccount('race'), e);
}

describe('public remittance: decision vs cancel', () => {
  it('exactly one of an approval and a cancel sent together wins; the other is refused 409', async () => {
    const cases = await Promise.all([0, 1, 2].map(() => inReview()));
    for (const v of cases) {
      const [decision, cancel] = await Promise.all([
        api.post(`/v1/reviews/${v.reviewId}/decision`, { decision: 'approve' }, reviewer),
        api.post(`/v1/verifications/${v.id}/cancel`),
      ]);
      expect([decision.status, cancel.status].sort(), JSON.stringify([decision.body, cancel.body])).toEqual([200, 409]);
      const after = (await api.get(`/v1/verifications/${v.id}`)).body;
      const review = (await api.get(`/v1/reviews/${v.reviewId}`, reviewer)).body;
      if (decision.status === 200) {
        expect(cancel.body.code).toBe('PROCESS_NOT_OPEN');
        expect(after).toMatchObject({ status: 'in_progress' });
        expect(['awaiting_payout', 'awaiting_amount']).toContain(after.step);
        expect(review).toMatchObject({ status: 'decided', decision: { decision: 'approve' } });
      } else {
        expect(['REVIEW_NOT_OPEN', 'PROCESS_NOT_OPEN']).toContain(decision.body.code);
        expect(after.status).toBe('cancelled');
        expect(review.status).toBe('closed');
      }
    }
    // Where the approval won, one payout; where the cancel won, none.
    await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: cases.map((v) => v.accountId as string) });
  });

  it('refuses a cancel once the payout was ordered', async () => {
    const v = await inReview();
    expect((await api.post(`/v1/reviews/${v.reviewId}/decision`, { decision: 'approve' }, reviewer)).status).toBe(200);
    const refused = await api.post(`/v1/verifications/${v.id}/cancel`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('PROCESS_NOT_OPEN');
    await eventually(async () => expect((await api.get(`/v1/verifications/${v.id}`)).body.step).toBe('awaiting_amount'), { timeoutMs: 30_000, intervalMs: 250 });
    expect((await api.post(`/v1/verifications/${v.id}/cancel`)).body.code).toBe('PROCESS_NOT_OPEN');
    await expectMoneyReconciled({ baseUrl, databaseUrl: inject('databaseUrl'), accountIds: [v.accountId as string] });
  });
});
