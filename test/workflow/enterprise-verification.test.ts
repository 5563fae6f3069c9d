import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { RegistryCheck } from '../../activities/enterprise';
import { addBusinessDays, isBusinessDay } from '../../domain/business-days';
import { chinaDateAt, formatIsoDate } from '../../domain/calendar-date';
import { parseYuan } from '../../domain/money';
import { enterpriseVerification } from '../../workflows';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  decideReviewUpdate,
  providerEventSignal,
  resubmitMaterialsUpdate,
  snapshotQuery,
  submitAmountUpdate,
  type EnterpriseVerificationInput,
  type ProviderEvent,
  type VerificationSnapshot,
} from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';
import { enterpriseInput } from '../support/workflow-inputs';
import { identityChecks } from '../support/identity-fakes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The sub-account the (fake) bank opens for a recharge. */
const COLLECTION_ACCOUNT = '1105018800000000000017';
const harness = timeSkippingHarness();
const { withWorker, track } = harness;

function fakes(options: { registry?: Partial<RegistryCheck>; quotaFull?: boolean } = {}) {
  const calls = {
    finished: [] as unknown[],
    completed: [] as { credit?: { amountFen: number; reference: string } }[],
    refunds: [] as string[],
    /** Transfers the recharge handed back (to their refund workflows), with why. */
    returned: [] as { transferId: string; reason: string }[],
    collectionAccounts: [] as { requestId: string; reference: string }[],
    payouts: [] as { requestId: string; amountFen: number }[],
    /** The steps written to the read model, in order. */
    steps: [] as (string | null)[],
    reviews: [] as { round: number; dueAt: string }[],
    decisions: [] as { decision: string; reason: string | null }[],
    revokedReviews: [] as string[],
    notices: [] as string[],
    replaced: [] as unknown[],
    qr: [] as { provider: string; kind?: string; subject?: { realName: string } }[],
  };
  const activities: Partial<Activities> = {
    ...identityChecks,
    async openEnterpriseVerification() {
      return { opened: true };
    },
    async checkRegistry() {
      return { known: true, nameMatches: true, legalPersonMatches: null, ...options.registry };
    },
    async issueQr(args) {
      calls.qr.push({ provider: args.provider, ...(args.kind ? { kind: args.kind } : {}), ...(args.subject ? { subject: { realName: args.subject.realName } } : {}) });
      return { ticket: `ticket-${calls.qr.length}`, qrContent: 'qr', expiresAt: new Date().toISOString() };
    },
    async revokeQr() {},
    async recordVerificationProgress(args) {
      calls.steps.push(args.step);
    },
    async completeVerification(args) {
      calls.completed.push({ ...(args.credit ? { credit: args.credit } : {}) });
      return options.quotaFull ? { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' } : { status: 'verified', failureReason: null };
    },
    async finishVerification(args) {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
    async notifyEnterprise(args) {
      calls.notices.push(args.event);
    },
    async expectTransfer() {},
    async openCollectionAccount(args) {
      calls.collectionAccounts.push(args);
      return { accountNumber: COLLECTION_ACCOUNT };
    },
    async returnTransfer(args) {
      calls.returned.push({ transferId: args.transferId, reason: args.reason });
    },
    async refundTransfer(args) {
      calls.refunds.push(args.transferId);
      return { outcome: 'refunded' };
    },
    async requestPayout(args) {
      calls.payouts.push({ requestId: args.requestId, amountFen: args.amountFen });
      return { status: 'pending', bankReference: 'PO-TEST' };
    },
    async openReview(args) {
      calls.reviews.push({ round: args.round, dueAt: args.dueAt });
      return { reviewId: `rev-${args.round}` };
    },
    async recordReviewDecision(args) {
      calls.decisions.push({ decision: args.decision, reason: args.reason });
    },
    async revokeReview(args) {
      calls.revokedReviews.push(args.reviewId);
    },
    async replaceRemittanceMaterials(args) {
      calls.replaced.push(args.corrections);
    },
  };
  return { calls, activities };
}


const input = enterpriseInput;

async function start(taskQueue: string, args: EnterpriseVerificationInput) {
  const handle = await harness.env.client.workflow.start(enterpriseVerification, { args: [args], taskQueue, workflowId: `verification/${args.verificationId}` });
  track(handle.workflowId);
  const opened = await handle.executeUpdate(awaitOpenedUpdate);
  if (!opened.opened) throw new Error(`not opened: ${opened.code}`);
  return { handle, snapshot: opened.snapshot };
}

const resultOf = (handle: WorkflowHandle) => resultWithoutSkipping(harness.env, handle);
const snapshot = (handle: WorkflowHandle) => handle.query(snapshotQuery);
/** Still open at `step` an hour before `afterMs`, expired (and recorded so) an hour after it. */
async function expectExpiry(handle: WorkflowHandle, calls: { finished: unknown[] }, afterMs: number, step: string) {
  await harness.env.sleep(afterMs - HOUR);
  expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step });
  await harness.env.sleep(2 * HOUR);
  expect(await resultOf(handle)).toEqual({ status: 'expired', failureReason: null });
  expect(calls.finished).toEqual([{ status: 'expired', failureReason: null }]);
}

const until = (handle: WorkflowHandle, check: (s: VerificationSnapshot) => void) =>
  eventually(async () => {
    const s = await snapshot(handle);
    check(s);
    return s;
  });

let eventSeq = 0;
const evt = () => `evt_${++eventSeq}_${randomUUID()}`;
const now = () => new Date().toISOString();
const transfer = (transferId: string, amountFen: number, fromAccountName = '北京某某科技有限公司', fromConfirmedAccount = true): ProviderEvent => ({
  eventId: evt(),
  provider: 'bank',
  type: 'transfer.received',
  occurredAt: now(),
  transferId,
  amountFen,
  fromAccountName,
  fromConfirmedAccount,
});
const face = (ticket: string, passed: boolean): ProviderEvent => ({ eventId: evt(), provider: 'face', type: 'face.completed', ticket, passed, occurredAt: now() });
const settled = (requestId: string): ProviderEvent => ({ eventId: evt(), provider: 'bank', type: 'payout.settled', occurredAt: now(), requestId });


describe('registry check', () => {
  it.each([
    ['an unknown business licence', { known: false }, 'ENTERPRISE_NOT_IN_REGISTRY'],
    ['another registered name', { nameMatches: false }, 'ENTERPRISE_NAME_MISMATCH'],
    ['another legal representative', { legalPersonMatches: false }, 'LEGAL_PERSON_MISMATCH'],
  ])('fails at once for %s, and notifies', async (_label, registry, reason) => {
    const { calls, activities } = fakes({ registry });
    await withWorker(activities, async (tq) => {
      const { handle, snapshot: s } = await start(tq, input('legal_person_face'));
      expect(s).toMatchObject({ status: 'failed', failureReason: reason });
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: reason });
      expect(calls.qr).toHaveLength(0);
      expect(calls.notices).toEqual(['failed']);
    });
  });
});

describe('instant enterprise methods', () => {
  const official = (ticket: string, certified: boolean, enterpriseName: string): ProviderEvent => ({
    eventId: evt(),
    provider: 'wechat',
    type: 'official_account.authorized',
    ticket,
    certified,
    enterpriseName,
    occurredAt: now(),
  });

  it.each([
    ['certified under the enterprise name (full-width brackets aside)', true, '北京某某科技有限公司', { status: 'verified', failureReason: null }],
    ['certified under another name', true, '上海某某科技有限公司', { status: 'failed', failureReason: 'ENTERPRISE_NAME_MISMATCH' }],
    ['not enterprise-certified', false, '北京某某科技有限公司', { status: 'failed', failureReason: 'ENTERPRISE_NAME_MISMATCH' }],
  ])('WeChat Official Account %s', async (_label, certified, name, expected) => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle, snapshot: s } = await start(tq, input('wechat_official_account'));
      expect(s.nextAction).toMatchObject({ type: 'scan_qr', provider: 'wechat', purpose: 'official_account' });
      expect(calls.qr[0]).toMatchObject({ provider: 'wechat', kind: 'official_account' });
      await handle.signal(providerEventSignal, official('ticket-1', certified, name));
      expect(await resultOf(handle)).toEqual(expected);
    });
  });

  it.each([
    ['the legal person', { realName: '法人甲', idNumber: '11010519491231002X', bankCardLinked: true }, 'verified', null],
    // SPEC §4: the legal person's WeChat must have a linked bank card (微信需绑定银行卡).
    ['the legal person, no bank card linked', { realName: '法人甲', idNumber: '11010519491231002X', bankCardLinked: false }, 'failed', 'BANK_CARD_REQUIRED'],
    ['someone else', { realName: '路人乙', idNumber: '11010519491231002X', bankCardLinked: true }, 'failed', 'LEGAL_PERSON_MISMATCH'],
  ])('legal-person WeChat scanned by %s', async (_label, who, status, failureReason) => {
    const { activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('legal_person_wechat'));
      await handle.signal(providerEventSignal, {
        eventId: evt(),
        provider: 'wechat',
        type: 'authorization.scanned',
        ticket: 'ticket-1',
        occurredAt: now(),
        record: { ...who, idType: 'mainland_id', birthDate: null },
      });
      expect(await resultOf(handle)).toMatchObject({ status, failureReason });
    });
  });

  it('legal-person face: the third failure ends FACE_MISMATCH', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('legal_person_face'));
      expect(calls.qr[0]).toEqual({ provider: 'face', subject: { realName: '法人甲' } });
      for (const ticket of ['ticket-1', 'ticket-2']) {
        await handle.signal(providerEventSignal, face(ticket, false));
        await until(handle, (s) => expect(s.nextAction).toMatchObject({ ticket: `ticket-${Number(ticket.slice(-1)) + 1}` }));
      }
      await handle.signal(providerEventSignal, face('ticket-3', false));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'FACE_MISMATCH' });
    });
  });

  // SPEC §4: mainland legal persons only. A permit holder's WeChat record never proves the legal person,
  // even when it carries the legal person's name and number.
  it.each(['hk_macao_permit', 'taiwan_permit'] as const)('legal-person WeChat: a %s record with the legal person’s name and number fails LEGAL_PERSON_MISMATCH', async (idType) => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('legal_person_wechat'));
      await handle.signal(providerEventSignal, {
        eventId: evt(),
        provider: 'wechat',
        type: 'authorization.scanned',
        ticket: 'ticket-1',
        occurredAt: now(),
        record: { realName: '法人甲', idNumber: '11010519491231002X', idType, birthDate: '1949-12-31', bankCardLinked: true },
      });
      await until(handle, (s) => expect(s).toMatchObject({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' }));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'LEGAL_PERSON_MISMATCH' });
      expect(calls.completed).toEqual([]);
    });
  });

  it.each([
    ['wechat_official_account', 'awaiting_scan'],
    ['legal_person_wechat', 'awaiting_scan'],
    ['legal_person_face', 'awaiting_face'],
  ] as const)('%s expires 24 hours after the start, and is still open just before', async (method, step) => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input(method));
      await expectExpiry(handle, calls, DAY, step);
      expect(calls.completed).toEqual([]);
      expect(calls.notices).toEqual(['expired']);
    });
  });
});

describe('platform recharge', () => {
  async function remitAction(handle: WorkflowHandle) {
    const s = await snapshot(handle);
    if (s.nextAction?.type !== 'remit') throw new Error('no remit action');
    return s.nextAction;
  }

  it('shows a random amount below one yuan and a collection account of its own; the exact transfer verifies and is credited', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const args = input('recharge');
      const { handle, snapshot: s } = await start(tq, args);
      const payee = { ...args.collectionAccount, accountNumber: COLLECTION_ACCOUNT };
      expect(s).toMatchObject({ step: 'awaiting_transfer', nextAction: { type: 'remit', payee, attemptsLeft: 2 } });
      // Opened at the bank once per run, by a request id derived from the workflow.
      expect(calls.collectionAccounts).toEqual([{ requestId: `${handle.workflowId}/collection-account`, reference: handle.workflowId }]);
      const action = await remitAction(handle);
      const fen = parseYuan(action.amount)!;
      expect(fen).toBeGreaterThanOrEqual(1);
      expect(fen).toBeLessThanOrEqual(99);
      expect(Date.parse(action.deadline) - Date.now()).toBeGreaterThan(7 * DAY - HOUR);

      await handle.signal(providerEventSignal, transfer('trf-1', fen));
      expect(await resultOf(handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.completed).toEqual([{ credit: { amountFen: fen, reference: 'trf-1' } }]);
      expect(calls.returned).toEqual([]);
      expect(calls.notices).toEqual(['verified']);
      await recordHistory('enterprise-verification.recharge-dedicated-verified', handle);
    });
  });

  it('hands a wrong amount back to its refund workflow and fails after the second wrong transfer', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('recharge'));
      const fen = parseYuan((await remitAction(handle)).amount)!;
      const wrong = fen === 99 ? 98 : fen + 1;
      await handle.signal(providerEventSignal, transfer('trf-1', wrong));
      await until(handle, (s) => expect(s.nextAction).toMatchObject({ attemptsLeft: 1 }));
      expect(calls.returned).toEqual([{ transferId: 'trf-1', reason: 'wrong_amount' }]);
      await handle.signal(providerEventSignal, transfer('trf-2', 100));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'REMITTANCE_AMOUNT_MISMATCH' });
      expect(calls.returned.map((r) => r.transferId)).toEqual(['trf-1', 'trf-2']);
      // The verification itself never calls the bank.
      expect(calls.refunds).toEqual([]);
    });
  });

  it('hands back the exact amount paid under another payer name, or from another account, without counting it as an attempt', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('recharge'));
      const fen = parseYuan((await remitAction(handle)).amount)!;
      await handle.signal(providerEventSignal, transfer('trf-1', fen, '某某个人'));
      await handle.signal(providerEventSignal, transfer('trf-2', fen, '北京某某科技有限公司', false));
      await until(handle, () =>
        expect(calls.returned).toEqual([
          { transferId: 'trf-1', reason: 'payer_name_mismatch' },
          { transferId: 'trf-2', reason: 'other_payer' },
        ]),
      );
      expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', nextAction: { attemptsLeft: 2 } });
      // Names compare as entity names (trimmed, NFKC): the enterprise's own name with stray spaces matches.
      await handle.signal(providerEventSignal, transfer('trf-3', fen, ' 北京某某科技有限公司 '));
      expect(await resultOf(handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.completed).toEqual([{ credit: { amountFen: fen, reference: 'trf-3' } }]);
    });
  });

  it('expires when nothing arrives within 7 days', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('recharge'));
      await expectExpiry(handle, calls, 7 * DAY, 'awaiting_transfer');
    });
  });

  it('leaves a matching transfer to the completion when the identity quota was used up meanwhile (its transaction sends it back)', async () => {
    const { calls, activities } = fakes({ quotaFull: true });
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('recharge'));
      const fen = parseYuan((await remitAction(handle)).amount)!;
      await handle.signal(providerEventSignal, transfer('trf-9', fen));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' });
      expect(calls.completed).toEqual([{ credit: { amountFen: fen, reference: 'trf-9' } }]);
      expect(calls.returned).toEqual([]);
      expect(calls.refunds).toEqual([]);
    });
  });
});

describe('corporate public remittance', () => {
  async function throughHandlerFace(handle: WorkflowHandle) {
    await handle.signal(providerEventSignal, face('ticket-1', true));
    return until(handle, (s) => expect(s.step).toBe('awaiting_review'));
  }

  async function toAmountEntry(handle: WorkflowHandle, calls: ReturnType<typeof fakes>['calls']) {
    await throughHandlerFace(handle);
    await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
    // The approval is answered once the read model shows the payout step.
    expect(calls.steps.at(-1)).toBe('awaiting_payout');
    const payout = await until(handle, (s) => expect(s.step).toBe('awaiting_payout'));
    expect(calls.payouts).toHaveLength(1);
    await handle.signal(providerEventSignal, settled(calls.payouts[0]!.requestId));
    await until(handle, (s) => expect(s.step).toBe('awaiting_amount'));
    return { payout, fen: calls.payouts[0]!.amountFen };
  }

  it('handler face → review due in 2 business days → payout → the right amount verifies (one wrong try allowed)', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle, snapshot: s } = await start(tq, input('public_remittance'));
      expect(s).toMatchObject({ step: 'awaiting_handler_face', nextAction: { type: 'scan_qr', provider: 'face', purpose: 'handler', attemptsLeft: 3 } });
      expect(calls.qr[0]).toEqual({ provider: 'face', subject: { realName: '经办人' } });
      const inReview = await throughHandlerFace(handle);
      expect(inReview.nextAction).toMatchObject({ type: 'await_review', reviewId: 'rev-1' });
      expect(calls.reviews[0]!.dueAt).toBe(addBusinessDays(new Date(await harness.env.currentTimeMs()), 2).toISOString());

      const { fen } = await toAmountEntry(handle, calls);
      expect(calls.payouts[0]!.requestId).toBe(`${handle.workflowId}/payout`);
      expect(fen).toBeGreaterThanOrEqual(1);
      expect(fen).toBeLessThanOrEqual(99);
      expect(calls.notices).toEqual(['review_approved']);

      const wrong = await handle.executeUpdate(submitAmountUpdate, { args: [fen === 99 ? 98 : fen + 1] });
      expect(wrong).toEqual({ result: 'mismatch', attemptsLeft: 1 });
      const right = await handle.executeUpdate(submitAmountUpdate, { args: [fen] });
      expect(right).toEqual({ result: 'matched', attemptsLeft: 1 });
      expect(await resultOf(handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.notices).toEqual(['review_approved', 'verified']);
      await recordHistory('enterprise-verification.remittance-verified', handle);
    });
  });

  it('the third failed handler face ends it FACE_MISMATCH; nothing goes to review', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      for (const [ticket, attemptsLeft] of [['ticket-1', 2], ['ticket-2', 1]] as const) {
        await handle.signal(providerEventSignal, face(ticket, false));
        // Each failed attempt shows a new face QR for the same handler, one attempt fewer.
        await until(handle, (s) =>
          expect(s).toMatchObject({ status: 'in_progress', step: 'awaiting_handler_face', nextAction: { ticket: `ticket-${calls.qr.length}`, attemptsLeft } }),
        );
      }
      expect(calls.qr).toHaveLength(3);
      expect(calls.qr.every((q) => q.provider === 'face' && q.subject?.realName === '经办人')).toBe(true);
      await handle.signal(providerEventSignal, face('ticket-3', false));
      await until(handle, (s) => expect(s).toMatchObject({ status: 'failed', failureReason: 'FACE_MISMATCH' }));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'FACE_MISMATCH' });
      expect(calls.reviews).toEqual([]);
      expect(calls.notices).toEqual(['failed']);
    });
  });

  it('expires when the handler has not passed face recognition within 24 hours', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await expectExpiry(handle, calls, DAY, 'awaiting_handler_face');
      expect(calls.reviews).toEqual([]);
      expect(calls.notices).toEqual(['expired']);
    });
  });

  it('fails after two mismatches in a row, and refuses an amount once closed', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      const { fen } = await toAmountEntry(handle, calls);
      const wrong = fen === 99 ? 98 : fen + 1;
      expect(await handle.executeUpdate(submitAmountUpdate, { args: [wrong] })).toEqual({ result: 'mismatch', attemptsLeft: 1 });
      expect(await handle.executeUpdate(submitAmountUpdate, { args: [wrong] })).toEqual({ result: 'mismatch', attemptsLeft: 0 });
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'REMITTANCE_AMOUNT_MISMATCH' });
    });
  });

  it('expires when no amount is entered within 7 days of the arrival', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      const { fen } = await toAmountEntry(handle, calls);
      await harness.env.sleep(7 * DAY - HOUR);
      expect((await snapshot(handle)).step).toBe('awaiting_amount');
      await expect(handle.executeUpdate(submitAmountUpdate, { args: [fen === 1 ? 2 : 1] })).resolves.toEqual({ result: 'mismatch', attemptsLeft: 1 });
      await harness.env.sleep(2 * HOUR);
      expect(await resultOf(handle)).toEqual({ status: 'expired', failureReason: null });
    });
  });

  it('fails BANK_ACCOUNT_INVALID when the bank refuses the payout', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await throughHandlerFace(handle);
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      await until(handle, (s) => expect(s.step).toBe('awaiting_payout'));
      await handle.signal(providerEventSignal, { eventId: evt(), provider: 'bank', type: 'payout.refused', occurredAt: now(), requestId: calls.payouts[0]!.requestId, reason: 'no such account' });
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'BANK_ACCOUNT_INVALID' });
      expect(calls.notices).toEqual(['review_approved', 'failed']);
    });
  });

  it('expects the payout within 3 business days, counting around a holiday', async () => {
    // The two business days after today are declared holidays: the expectation moves past them.
    const today = await harness.env.currentTimeMs();
    const holidays: string[] = [];
    for (let d = 1; holidays.length < 2; d++) {
      const date = formatIsoDate(chinaDateAt(new Date(today + d * DAY)));
      if (isBusinessDay(date)) holidays.push(date);
    }
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance', { calendar: { holidays } }));
      await throughHandlerFace(handle);
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      const s = await until(handle, (x) => expect(x.step).toBe('awaiting_payout'));
      if (s.nextAction?.type !== 'await_payout') throw new Error('no await_payout action');
      const approvedAt = new Date(await harness.env.currentTimeMs());
      expect(s.nextAction.expectedBy).toBe(addBusinessDays(approvedAt, 3, { holidays }).toISOString());
      expect(Date.parse(s.nextAction.expectedBy)).toBeGreaterThan(addBusinessDays(approvedAt, 3).getTime());
      expect(calls.reviews[0]!.dueAt).toBe(addBusinessDays(approvedAt, 2, { holidays }).toISOString());
    });
  });

  it('never decides an overdue review by itself', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await throughHandlerFace(handle);
      await harness.env.sleep(30 * DAY);
      const s = await snapshot(handle);
      expect(s).toMatchObject({ status: 'in_progress', step: 'awaiting_review' });
      expect(calls.decisions).toEqual([]);
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] });
      await until(handle, (x) => expect(x.step).toBe('awaiting_payout'));
    });
  });

  it('a rejection is corrected and resubmitted (a new handler passes face first); a new review round follows', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await throughHandlerFace(handle);
      await expect(handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'reject', reason: '  ', reviewer: 'r1' }] })).rejects.toMatchObject({
        cause: { type: 'VALIDATION_FAILED' },
      });
      expect(await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'reject', reason: 'photo unreadable', reviewer: 'r1' }] })).toEqual({ status: 'rejected' });
      const rejected = await snapshot(handle);
      expect(rejected).toMatchObject({ step: 'awaiting_review', nextAction: { type: 'resubmit_materials', reviewId: 'rev-1', reason: 'photo unreadable' } });
      expect(calls.notices).toEqual(['review_rejected']);
      // The decided review no longer takes decisions.
      await expect(handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r2' }] })).rejects.toMatchObject({
        cause: { type: 'REVIEW_NOT_OPEN' },
      });

      const afterResubmit = await handle.executeUpdate(resubmitMaterialsUpdate, { args: [{ handler: { name: '新经办人', idNumber: '11010519491231002X' } }] });
      expect(afterResubmit.step).toBe('awaiting_handler_face');
      expect(calls.qr.at(-1)).toEqual({ provider: 'face', subject: { realName: '新经办人' } });
      await handle.signal(providerEventSignal, face(`ticket-${calls.qr.length}`, true));
      await until(handle, (s) => expect(s.nextAction).toMatchObject({ type: 'await_review', reviewId: 'rev-2' }));
      expect(calls.reviews.map((r) => r.round)).toEqual([1, 2]);
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-2', decision: 'approve', reason: null, reviewer: 'r1' }] });
      await until(handle, (s) => expect(s.step).toBe('awaiting_payout'));
      await recordHistory('enterprise-verification.remittance-rejected-resubmitted', handle);
    });
  });

  it('expires when a rejection is not corrected within the resubmission window', async () => {
    const { activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await throughHandlerFace(handle);
      await handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'reject', reason: 'wrong account', reviewer: 'r1' }] });
      await harness.env.sleep(7 * DAY + HOUR);
      expect(await resultOf(handle)).toEqual({ status: 'expired', failureReason: null });
    });
  });

  it('revoking during the review cancels it and closes the review', async () => {
    const { calls, activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await throughHandlerFace(handle);
      const s = await handle.executeUpdate(cancelUpdate);
      expect(s.status).toBe('cancelled');
      expect(calls.revokedReviews).toEqual(['rev-1']);
      await expect(handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: 'rev-1', decision: 'approve', reason: null, reviewer: 'r1' }] })).rejects.toBeDefined();
    });
  });

  it('refuses an amount before the payout arrived', async () => {
    const { activities } = fakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input('public_remittance'));
      await expect(handle.executeUpdate(submitAmountUpdate, { args: [37] })).rejects.toMatchObject({ cause: { type: 'PROCESS_NOT_OPEN' } });
    });
  });
});
