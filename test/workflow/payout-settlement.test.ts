import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { addBusinessDays } from '../../domain/business-days';
import { CHINA_UTC_OFFSET_MS, chinaDateAt, formatIsoDate } from '../../domain/calendar-date';
import { decideReviewUpdate, providerEventSignal, snapshotQuery, type NextAction, type ProviderEvent } from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { remittanceActivities, remittanceInReview } from '../support/remittance-workflow';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';
import { enterpriseInput } from '../support/workflow-inputs';

/**
 * The payout wait is bounded (issue 21, SPEC §4.1 step 4): with neither a
 * settlement nor a refusal notice within PAYOUT_SETTLEMENT_TIMEOUT (5 business
 * days by default) of the order, the verification ends failed
 * PAYOUT_NOT_CONFIRMED; meanwhile the applicant sees the bank's reference and
 * the payout's state.
 */
const harness = timeSkippingHarness();
const { withWorker } = harness;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

function fakes() {
  const calls = { finished: [] as unknown[], payouts: [] as string[] };
  const activities = remittanceActivities({
    async requestPayout(args) {
      calls.payouts.push(args.requestId);
      return { status: 'pending', bankReference: 'PO7F3A9C' };
    },
    async finishVerification(args) {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
  });
  return { calls, activities };
}

const payoutEvent = (type: 'payout.sent' | 'payout.settled', requestId: string): ProviderEvent => ({
  eventId: `evt_${randomUUID()}`,
  provider: 'bank',
  type,
  requestId,
  occurredAt: new Date().toISOString(),
});

const payoutOf = async (handle: WorkflowHandle) => {
  const action = (await handle.query(snapshotQuery)).nextAction as Extract<NextAction, { type: 'await_payout' }> | null;
  return action?.payout;
};

/** 10:00 in China on the next Friday after `nowMs`, and the five working days of the week after it. */
function nextFriday(nowMs: number): { at: number; followingWeek: string[] } {
  for (let d = 1; d <= 7; d++) {
    const date = chinaDateAt(new Date(nowMs + d * DAY));
    const midnight = Date.UTC(date.year, date.month - 1, date.day) - CHINA_UTC_OFFSET_MS;
    if (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() !== 5) continue;
    const followingWeek = [3, 4, 5, 6, 7].map((n) => formatIsoDate(chinaDateAt(new Date(midnight + n * DAY + HOUR))));
    return { at: midnight + 10 * HOUR, followingWeek };
  }
  throw new Error('no Friday within a week');
}

describe('public remittance: the payout wait is bounded', () => {
  it('an order on a Friday before a holiday week is confirmed-by 5 business days later; without a notice by then it ends PAYOUT_NOT_CONFIRMED', async () => {
    const { calls, activities } = fakes();
    const friday = nextFriday(await harness.env.currentTimeMs());
    // Nothing runs yet: the clock moves to that Friday morning.
    await harness.env.sleep(friday.at - (await harness.env.currentTimeMs()));
    await withWorker(activities, async (tq) => {
      const calendar = { holidays: friday.followingWeek };
      const handle = await remittanceInReview(harness, tq, enterpriseInput('public_remittance', { calendar }));
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      const orderedAt = new Date(await harness.env.currentTimeMs());
      const ordered = await eventually(async () => {
        const payout = await payoutOf(handle);
        expect(payout).toMatchObject({ reference: 'PO7F3A9C', state: 'ordered' });
        return payout!;
      });
      const confirmBy = Date.parse(ordered.confirmBy);
      expect(Math.abs(Date.parse(ordered.orderedAt) - orderedAt.getTime())).toBeLessThan(HOUR);
      expect(ordered.confirmBy).toBe(addBusinessDays(new Date(ordered.orderedAt), 5, calendar).toISOString());
      // The declared holiday week does not count: five working days after it, at the earliest two weeks on.
      expect(confirmBy).toBeGreaterThanOrEqual(friday.at + 14 * DAY);
      expect(confirmBy).toBeGreaterThan(addBusinessDays(new Date(ordered.orderedAt), 5).getTime());

      // The money left the platform's account: the applicant sees it sent.
      await handle.signal(providerEventSignal, payoutEvent('payout.sent', calls.payouts[0]!));
      await eventually(async () => expect(await payoutOf(handle)).toMatchObject({ reference: 'PO7F3A9C', state: 'sent' }));

      await harness.env.sleep(confirmBy - (await harness.env.currentTimeMs()) - HOUR);
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_payout' });
      expect(calls.finished).toEqual([]);
      await harness.env.sleep(2 * HOUR);
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'failed', failureReason: 'PAYOUT_NOT_CONFIRMED' });
      expect(calls.finished).toEqual([{ status: 'failed', failureReason: 'PAYOUT_NOT_CONFIRMED' }]);
      expect(calls.payouts).toHaveLength(1);
      await recordHistory('enterprise-verification.payout-not-confirmed', handle);
    });
  });

  it('a settlement notice before confirmBy goes on to the amount', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const handle = await remittanceInReview(harness, tq, enterpriseInput('public_remittance', { timings: { ...enterpriseInput('public_remittance').timings, payoutSettlementTimeout: { ms: 2 * HOUR } } }));
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      const ordered = await eventually(async () => {
        const payout = await payoutOf(handle);
        expect(payout).toMatchObject({ reference: 'PO7F3A9C', state: 'ordered' });
        return payout!;
      });
      // A PAYOUT_SETTLEMENT_TIMEOUT written as a duration counts from the order.
      expect(Date.parse(ordered.confirmBy) - Date.parse(ordered.orderedAt)).toBe(2 * HOUR);
      await harness.env.sleep(HOUR);
      await handle.signal(providerEventSignal, payoutEvent('payout.settled', calls.payouts[0]!));
      await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_amount', nextAction: { type: 'enter_amount' } }));
      // Past the bound, the process is still waiting for the amount: the bound ended with the settlement.
      await harness.env.sleep(2 * HOUR);
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_amount' });
      expect(calls.finished).toEqual([]);
    });
  });
});
