/**
 * After a public remittance's approval (SPEC §4.1 steps 4–5): the payout,
 * bounded by PAYOUT_SETTLEMENT_TIMEOUT, and the amount the applicant reads on
 * the bank statement.
 */
import { patched, workflowInfo } from '@temporalio/workflow';
import { addBusinessDays } from '../../domain/business-days';
import { endOfSpan, type Span } from '../../domain/duration';
import { randomFen } from '../../domain/money';
import type { Pending } from '../kernel/requests';
import { CANCELLED, ended, EXPIRED, failed, type Ended, type Outcome } from '../kernel/outcome';
import { wait } from '../kernel/wait';
import type { AmountAnswer } from '../messages';
import type { Remittance } from './remittance';

/** Patch id: the payout wait ends at PAYOUT_SETTLEMENT_TIMEOUT and shows the bank's reference and the payout's state. */
const PAYOUT_SETTLEMENT_BOUND = 'payout-settlement-bound';
/** SPEC §4.1 step 4, for runs whose input predates PAYOUT_SETTLEMENT_TIMEOUT. */
const DEFAULT_SETTLEMENT_TIMEOUT: Span = { businessDays: 5 };

/** After approval: the amount to pay out, when it is expected (3 business days), and by when the bank must report on it. */
export function drawPayout(r: Remittance): void {
  const now = Date.now();
  const calendar = r.input.calendar ?? {};
  r.amountFen = randomFen(Math.random());
  r.expectedBy = addBusinessDays(new Date(now), 3, calendar).getTime();
  const timeout = r.input.timings.payoutSettlementTimeout ?? DEFAULT_SETTLEMENT_TIMEOUT;
  r.payout = { reference: null, state: 'ordered', orderedAt: now, confirmBy: endOfSpan(new Date(now), timeout, calendar).getTime() };
}

/**
 * Orders the payout once (idempotent at the bank) and waits for the bank's
 * notice: settled (the amount step follows), refused (BANK_ACCOUNT_INVALID),
 * or neither by the payout's confirmBy (PAYOUT_NOT_CONFIRMED: the account is
 * free again). A notice after that finds the process closed and changes nothing.
 */
export async function payOut(r: Remittance): Promise<{ kind: 'settled' } | Ended> {
  const { run } = r;
  const requestId = `${workflowInfo().workflowId}/payout`;
  // Runs from before PAYOUT_STEP_AT_APPROVAL draw the amount here and show the step once the order is placed.
  const shown = run.step === 'awaiting_payout';
  if (!shown) drawPayout(r);
  // Runs already waiting for the settlement when the bound came keep waiting as they were.
  const bounded = patched(PAYOUT_SETTLEMENT_BOUND);
  if (!bounded) r.payout = undefined;
  const order = await run.providers.requestPayout({ verificationId: r.input.verificationId, requestId, reference: workflowInfo().workflowId, amountFen: r.amountFen });
  if (r.payout) r.payout.reference = order.bankReference ?? null;
  if (!shown) await run.enter('awaiting_payout');
  else if (bounded) await run.recordProgress();
  for (;;) {
    const wake = await wait(run, { until: r.payout?.confirmBy ?? null, events: true });
    if (wake.kind === 'deadline') return ended(failed('PAYOUT_NOT_CONFIRMED'));
    if (wake.kind !== 'event') return ended(CANCELLED);
    const { event } = wake;
    if (!('requestId' in event) || event.requestId !== requestId) continue;
    if (event.type === 'payout.refused') {
      if (r.payout) r.payout.state = 'returned';
      return ended(failed('BANK_ACCOUNT_INVALID'));
    }
    if (event.type === 'payout.sent' && r.payout?.state === 'ordered') {
      r.payout.state = 'sent';
      await run.recordProgress();
    }
    if (event.type === 'payout.settled') {
      if (r.payout) r.payout.state = 'settled';
      r.amountDeadline = Date.now() + r.input.timings.amountEntryWindowMs;
      await run.enter('awaiting_amount');
      return { kind: 'settled' };
    }
  }
}

type AmountResult = { outcome: Outcome; request?: Pending<number, AmountAnswer>; answer: AmountAnswer };

/** The amount read on the bank statement, within AMOUNT_ENTRY_WINDOW of the arrival; two mismatches fail it. */
export async function awaitRemittanceAmount(r: Remittance): Promise<AmountResult> {
  const none = { result: 'mismatch', attemptsLeft: 0 } as const;
  r.run.remindBefore(r.amountDeadline);
  for (;;) {
    const wake = await wait(r.run, { until: r.amountDeadline, events: true, requests: r.amounts });
    if (wake.kind === 'deadline') return { outcome: EXPIRED, answer: none };
    if (wake.kind === 'cancel') return { outcome: CANCELLED, answer: none };
    if (wake.kind !== 'request') continue;
    const { request } = wake;
    if (request.request === r.amountFen) return { outcome: 'verify', request, answer: { result: 'matched', attemptsLeft: r.amountAttemptsLeft } };
    r.amountAttemptsLeft--;
    if (r.amountAttemptsLeft <= 0) return { outcome: failed('REMITTANCE_AMOUNT_MISMATCH'), request, answer: { result: 'mismatch', attemptsLeft: 0 } };
    await r.run.recordProgress();
    r.amounts.answer(request, { result: 'mismatch', attemptsLeft: r.amountAttemptsLeft });
  }
}
