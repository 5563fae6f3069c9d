import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities';
import { recordMissing } from '../../platform/failures';
import { ProviderUnavailableError } from '../../adapters/types';
import { enterpriseVerification, individualVerification, refundTransfer } from '../../workflows';
import { decideReviewUpdate, providerEventSignal, snapshotQuery, type VerificationSnapshot } from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';
import { enterpriseInput, individualInput } from '../support/workflow-inputs';
import { identityChecks } from '../support/identity-fakes';

/**
 * Every run closes: a provider that stays down past PROVIDER_CALL_TIMEOUT ends
 * the process failed PROVIDER_UNAVAILABLE (terminal in the read model, so the
 * account's slot is free, and notified); refunds outlast any bound, in workflows of their own;
 * notifications never change an outcome; a permanent activity failure closes too.
 */
const MINUTE = 60_000;
const BOUND = 5 * MINUTE;
const harness = timeSkippingHarness();
const { withWorker, track } = harness;

const down = (provider: string) => async (): Promise<never> => {
  throw new ProviderUnavailableError(provider);
};

/** Activities that record what closed the run; `overrides` replace them (an outage, a failure). */
function fakes(overrides: Partial<Activities> = {}) {
  const calls = { finished: [] as unknown[], notices: [] as string[], returned: [] as string[], refunds: [] as string[], payouts: 0, progress: [] as (string | null)[] };
  const activities: Partial<Activities> = {
    ...identityChecks,
    openIndividualVerification: async () => ({ opened: true }),
    openEnterpriseVerification: async () => ({ opened: true }),
    checkRegistry: async () => ({ known: true, nameMatches: true, legalPersonMatches: null }),
    issueQr: async (args) => ({ ticket: `ticket-${args.requestId.split('/').at(-1)}`, qrContent: 'qr', expiresAt: new Date().toISOString() }),
    revokeQr: async () => {},
    recordVerificationProgress: async (args) => void calls.progress.push(args.step),
    completeVerification: async () => ({ status: 'verified', failureReason: null }),
    finishVerification: async (args) => {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
    notifyEnterprise: async (args) => void calls.notices.push(args.event),
    expectTransfer: async () => {},
    openCollectionAccount: async () => ({ accountNumber: '1105018800000000000017' }),
    returnTransfer: async (args) => void calls.returned.push(args.transferId),
    refundTransfer: async (args) => {
      calls.refunds.push(args.transferId);
      return { outcome: 'refunded' as const };
    },
    requestPayout: async () => {
      calls.payouts++;
      return { status: 'pending', bankReference: 'PO-TEST' };
    },
    openReview: async (args) => ({ reviewId: `rev-${args.round}` }),
    recordReviewDecision: async () => {},
    revokeReview: async () => {},
    ...overrides,
  };
  return { calls, activities };
}

const bounded = <T extends { timings: object }>(input: T): T => ({ ...input, timings: { ...input.timings, providerCallTimeoutMs: BOUND } });
const resultOf = (handle: WorkflowHandle) => resultWithoutSkipping(harness.env, handle);
const until = (handle: WorkflowHandle, check: (s: VerificationSnapshot) => void) =>
  eventually(async () => {
    const s = await handle.query(snapshotQuery);
    check(s);
    return s;
  });

async function startIndividual(taskQueue: string) {
  const args = bounded(individualInput());
  const handle = await harness.env.client.workflow.start(individualVerification, { args: [args], taskQueue, workflowId: `verification/${args.verificationId}` });
  track(handle.workflowId);
  return handle;
}

async function startEnterprise(taskQueue: string, method: Parameters<typeof enterpriseInput>[0]) {
  const args = bounded(enterpriseInput(method));
  const handle = await harness.env.client.workflow.start(enterpriseVerification, { args: [args], taskQueue, workflowId: `verification/${args.verificationId}` });
  track(handle.workflowId);
  return handle;
}

const UNAVAILABLE = { status: 'failed', failureReason: 'PROVIDER_UNAVAILABLE' };

describe('a provider down past PROVIDER_CALL_TIMEOUT', () => {
  it('registry: the enterprise verification fails PROVIDER_UNAVAILABLE, closed and notified', async () => {
    const { calls, activities } = fakes({ checkRegistry: down('registry') });
    await withWorker(activities, async (tq) => {
      const handle = await startEnterprise(tq, 'legal_person_face');
      await harness.env.sleep(BOUND - MINUTE);
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress' });
      await harness.env.sleep(2 * MINUTE);
      expect(await resultOf(handle)).toEqual(UNAVAILABLE);
      expect(calls.finished).toEqual([UNAVAILABLE]);
      expect(calls.notices).toEqual(['failed']);
      await recordHistory('enterprise-verification.registry-unavailable', handle);
    });
  });

  it('QR issue: the individual verification fails PROVIDER_UNAVAILABLE, with nothing left to do', async () => {
    const { calls, activities } = fakes({ issueQr: down('wechat') });
    await withWorker(activities, async (tq) => {
      const handle = await startIndividual(tq);
      await harness.env.sleep(BOUND + MINUTE);
      expect(await resultOf(handle)).toEqual(UNAVAILABLE);
      expect(calls.finished).toEqual([UNAVAILABLE]);
      expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'failed', failureReason: 'PROVIDER_UNAVAILABLE', nextAction: null });
    });
  });

  it('bank payout: the public remittance fails PROVIDER_UNAVAILABLE after its approval', async () => {
    const { calls, activities } = fakes({ requestPayout: down('bank') });
    await withWorker(activities, async (tq) => {
      const handle = await startEnterprise(tq, 'public_remittance');
      await until(handle, (s) => expect(s.step).toBe('awaiting_handler_face'));
      await handle.signal(providerEventSignal, { eventId: 'evt-face', provider: 'face', type: 'face.completed', ticket: 'ticket-0', passed: true, occurredAt: new Date().toISOString() });
      await until(handle, (s) => expect(s.step).toBe('awaiting_review'));
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      await harness.env.sleep(BOUND + MINUTE);
      expect(await resultOf(handle)).toEqual(UNAVAILABLE);
      expect(calls.notices).toEqual(['review_approved', 'failed']);
      await recordHistory('enterprise-verification.payout-unavailable', handle);
    });
  });

  it('a provider back within the bound: the process goes on', async () => {
    let failures = 0;
    const { activities } = fakes({
      checkRegistry: async () => {
        if (failures++ < 3) throw new ProviderUnavailableError('registry');
        return { known: true, nameMatches: true, legalPersonMatches: null };
      },
    });
    await withWorker(activities, async (tq) => {
      const handle = await startEnterprise(tq, 'legal_person_face');
      await harness.env.sleep(MINUTE);
      await until(handle, (s) => expect(s).toMatchObject({ status: 'in_progress', step: 'awaiting_face' }));
      expect(failures).toBe(4);
    });
  });
});

describe('what never ends a process', () => {
  it('a bank outage never holds a recharge: a wrong transfer goes to its refund workflow at once, which retries past the bound', async () => {
    let bankBackAt = Infinity;
    const { calls, activities } = fakes({
      refundTransfer: async (args) => {
        if (Date.now() < bankBackAt) throw new ProviderUnavailableError('bank');
        calls.refunds.push(args.transferId);
        return { outcome: 'refunded' };
      },
    });
    await withWorker(activities, async (tq) => {
      const handle = await startEnterprise(tq, 'recharge');
      await until(handle, (s) => expect(s.step).toBe('awaiting_transfer'));
      const amount = (await handle.query(snapshotQuery)).nextAction;
      const fen = amount?.type === 'remit' ? Math.round(Number(amount.amount) * 100) : 0;
      const wrong = fen === 99 ? 98 : fen + 1;
      await handle.signal(providerEventSignal, { eventId: 'evt-t1', provider: 'bank', type: 'transfer.received', occurredAt: new Date().toISOString(), transferId: 'trf-1', amountFen: wrong, fromAccountName: '北京某某科技有限公司', fromConfirmedAccount: true });
      // Counted and handed back at once, whatever the bank does.
      await until(handle, (s) => expect(s.nextAction).toMatchObject({ attemptsLeft: 1 }));
      expect(calls.returned).toEqual(['trf-1']);

      // The refund itself, in its own workflow: down past the provider bound, retried until the bank is back.
      const refund = await harness.env.client.workflow.start(refundTransfer, { args: [{ transferId: 'trf-1', reason: 'wrong_amount' }], taskQueue: tq, workflowId: `refund/trf-1-${tq}` });
      track(refund.workflowId);
      await harness.env.sleep(3 * BOUND);
      expect(calls.refunds).toEqual([]);
      bankBackAt = Date.now();
      await harness.env.sleep(10 * MINUTE);
      await eventually(async () => expect(calls.refunds).toEqual(['trf-1']));
    });
  });

  it('a notification that cannot be sent: the outcome stands', async () => {
    const { calls, activities } = fakes({
      checkRegistry: async () => ({ known: false, nameMatches: false, legalPersonMatches: null }),
      notifyEnterprise: down('notify'),
    });
    await withWorker(activities, async (tq) => {
      const handle = await startEnterprise(tq, 'legal_person_face');
      await harness.env.sleep(2 * 60 * MINUTE);
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'ENTERPRISE_NOT_IN_REGISTRY' });
      expect(calls.finished).toEqual([{ status: 'failed', failureReason: 'ENTERPRISE_NOT_IN_REGISTRY' }]);
    });
  });
});

describe('a permanent activity failure', () => {
  it('closes the run INTERNAL_ERROR instead of leaving it open', async () => {
    const { calls, activities } = fakes({
      expectTransfer: async () => {
        throw recordMissing('the sealed application of verification ver_x');
      },
    });
    await withWorker(activities, async (tq) => {
      const handle = await startEnterprise(tq, 'recharge');
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'INTERNAL_ERROR' });
      expect(calls.finished).toEqual([{ status: 'failed', failureReason: 'INTERNAL_ERROR' }]);
      expect(calls.notices).toEqual(['failed']);
    });
  });
});
