import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { TerminalRecord } from '../../store/verifications';
import { individualVerification } from '../../workflows';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  providerEventSignal,
  refreshQrUpdate,
  snapshotQuery,
  type ProviderEvent,
  type RealNameRecord,
  type VerificationSnapshot,
} from '../../workflows/messages';
import { recordHistory } from '../support/record-history';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';
import { individualInput } from '../support/workflow-inputs';
import { identityChecks } from '../support/identity-fakes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const harness = timeSkippingHarness();
const { withWorker, track } = harness;

/** Orchestration under test; the activities are fakes that record what the workflow asked for. */
function fakeActivities(options: { open?: Awaited<ReturnType<Activities['openIndividualVerification']>>; quotaFull?: boolean } = {}) {
  const calls = {
    progress: [] as { step: string | null; revision: number }[],
    qrRequests: [] as { requestId: string; replaces: string | undefined }[],
    finished: [] as TerminalRecord[],
    completed: 0,
    revoked: [] as string[],
  };
  const activities: Partial<Activities> = {
    ...identityChecks,
    async openIndividualVerification() {
      return options.open ?? { opened: true };
    },
    async issueQr(args) {
      calls.qrRequests.push({ requestId: args.requestId, replaces: args.replaces });
      return { ticket: `ticket-${calls.qrRequests.length}`, qrContent: `qr-${calls.qrRequests.length}`, expiresAt: new Date().toISOString() };
    },
    async revokeQr(args) {
      calls.revoked.push(args.ticket);
    },
    async recordVerificationProgress(args) {
      calls.progress.push({ step: args.step, revision: args.revision });
    },
    async completeVerification() {
      calls.completed++;
      return options.quotaFull ? { status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' } : { status: 'verified', failureReason: null };
    },
    async finishVerification(args) {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
  };
  return { calls, activities };
}

const input = individualInput;

const scan = (ticket: string, record: Partial<RealNameRecord> = {}, provider: 'wechat' | 'qq' = 'wechat', bankCardTicket?: string): ProviderEvent => ({
  eventId: `evt_${randomUUID()}`,
  provider,
  ...(bankCardTicket ? { bankCardTicket } : {}),
  type: 'authorization.scanned',
  ticket,
  occurredAt: new Date().toISOString(),
  record: { realName: '张三', idNumber: '11010519491231002X', idType: 'mainland_id', birthDate: null, bankCardLinked: true, ...record },
});


async function start(taskQueue: string, args = input()) {
  const handle = await harness.env.client.workflow.start(individualVerification, {
    args: [args],
    taskQueue,
    workflowId: `verification/${args.verificationId}`,
  });
  track(handle.workflowId);
  const opened = await handle.executeUpdate(awaitOpenedUpdate);
  return { handle, opened };
}


const liveTicket = (s: VerificationSnapshot) => {
  if (s.nextAction?.type !== 'scan_qr') throw new Error(`no scan_qr action: ${JSON.stringify(s.nextAction)}`);
  return s.nextAction;
};

describe('individual WeChat QR verification workflow', () => {
  it('opens with a QR to scan and verifies on a matching scan with a bank card', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq);
      expect(opened.opened).toBe(true);
      if (!opened.opened) return;
      expect(opened.snapshot.step).toBe('awaiting_scan');
      const action = liveTicket(opened.snapshot);
      expect(action).toMatchObject({ provider: 'wechat', ticket: 'ticket-1', expired: false, refreshesLeft: 5 });

      await handle.signal(providerEventSignal, scan('ticket-1'));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.completed).toBe(1);
      expect(calls.revoked).toEqual(['ticket-1']);
    });
  });

  it('the QR expires after 10 minutes; a refresh issues a new ticket and the old one stops counting', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      await harness.env.sleep(9 * MINUTE);
      expect(liveTicket(await handle.query(snapshotQuery)).expired).toBe(false);
      await harness.env.sleep(2 * MINUTE);
      await eventually(async () => expect(liveTicket(await handle.query(snapshotQuery)).expired).toBe(true));

      const refreshed = await handle.executeUpdate(refreshQrUpdate);
      expect(liveTicket(refreshed)).toMatchObject({ ticket: 'ticket-2', expired: false, refreshesLeft: 4 });
      expect(calls.qrRequests[1]).toEqual({ requestId: `${handle.workflowId}/qr/1`, replaces: 'ticket-1' });

      // A scan of the replaced ticket is ignored; the live one verifies.
      await handle.signal(providerEventSignal, scan('ticket-1'));
      await handle.signal(providerEventSignal, scan('ticket-2'));
      expect(await resultWithoutSkipping(harness.env, handle)).toMatchObject({ status: 'verified' });
      expect(calls.completed).toBe(1);
      await recordHistory('individual-verification.refreshed-then-verified', handle);
    });
  });

  it('allows at most 5 fresh QR codes', async () => {
    const { activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      for (let i = 1; i <= 5; i++) {
        const s = await handle.executeUpdate(refreshQrUpdate);
        expect(liveTicket(s).refreshesLeft).toBe(5 - i);
      }
      const sixth = handle.executeUpdate(refreshQrUpdate);
      await expect(sixth).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(sixth).rejects.toMatchObject({ cause: { type: 'QR_REFRESH_LIMIT' } });
      expect(liveTicket(await handle.query(snapshotQuery)).ticket).toBe('ticket-6');
    });
  });

  it('expires after 24 hours without a scan, even with every QR used up', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      for (let i = 0; i < 5; i++) await handle.executeUpdate(refreshQrUpdate);
      await harness.env.sleep(11 * MINUTE);
      const last = liveTicket(await eventually(async () => {
        const s = await handle.query(snapshotQuery);
        expect(liveTicket(s).expired).toBe(true);
        return s;
      }));
      expect(last.refreshesLeft).toBe(0);
      expect((await handle.query(snapshotQuery)).status).toBe('in_progress');
      await harness.env.sleep(24 * HOUR);
      const result = await resultWithoutSkipping(harness.env, handle);
      expect(result).toEqual({ status: 'expired', failureReason: null });
      await recordHistory('individual-verification.expired', handle);
      expect(calls.finished).toEqual([{ status: 'expired', failureReason: null }]);
      expect(calls.completed).toBe(0);
    });
  });

  it('is still open 23 hours in', async () => {
    const { activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      await harness.env.sleep(23 * HOUR);
      expect((await handle.query(snapshotQuery)).status).toBe('in_progress');
      await handle.executeUpdate(cancelUpdate);
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'cancelled', failureReason: null });
      await recordHistory('individual-verification.cancelled', handle);
    });
  });

  it.each([
    ['another name', { realName: '李四' }, 'IDENTITY_MISMATCH'],
    ['another ID number', { idNumber: '110105194912310021' }, 'IDENTITY_MISMATCH'],
    ['another document type', { idType: 'hk_macao_permit' }, 'IDENTITY_MISMATCH'],
    ['no linked bank card', { bankCardLinked: false }, 'BANK_CARD_REQUIRED'],
  ])('fails on a scan with %s', async (_label, record, reason) => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      await handle.signal(providerEventSignal, scan('ticket-1', record as Partial<RealNameRecord>));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'failed', failureReason: reason });
      expect(calls.completed).toBe(0);
      if (reason === 'BANK_CARD_REQUIRED') await recordHistory('individual-verification.failed-no-bank-card', handle);
    });
  });

  it('counts a repeated event once', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      const event = scan('ticket-1', { realName: '李四' });
      await handle.signal(providerEventSignal, event);
      await handle.signal(providerEventSignal, event);
      expect(await resultWithoutSkipping(harness.env, handle)).toMatchObject({ status: 'failed' });
      expect(calls.finished).toHaveLength(1);
    });
  });

  it('reports the quota outcome of the atomic completion', async () => {
    const { activities } = fakeActivities({ quotaFull: true });
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      await handle.signal(providerEventSignal, scan('ticket-1'));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'failed', failureReason: 'IDENTITY_QUOTA_EXCEEDED' });
    });
  });

  it('is refused at open when the account already has a process open', async () => {
    const { calls, activities } = fakeActivities({ open: { opened: false, code: 'PROCESS_ALREADY_OPEN' } });
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq);
      expect(opened).toEqual({ opened: false, code: 'PROCESS_ALREADY_OPEN' });
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'rejected', code: 'PROCESS_ALREADY_OPEN' });
      expect(calls.qrRequests).toHaveLength(0);
      await expect(handle.executeUpdate(cancelUpdate)).rejects.toBeDefined();
    });
  });

  it('refuses to cancel or refresh once closed', async () => {
    const { activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      await handle.executeUpdate(cancelUpdate);
      await expect(handle.executeUpdate(refreshQrUpdate)).rejects.toBeDefined();
    });
  });

  it('writes progress with increasing revisions', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq);
      await handle.executeUpdate(refreshQrUpdate);
      await handle.executeUpdate(cancelUpdate);
      const revisions = calls.progress.map((p) => p.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
      expect(new Set(revisions).size).toBe(revisions.length);
    });
  });
});

const linked = (ticket: string): ProviderEvent => ({ eventId: `evt_${randomUUID()}`, provider: 'qq', type: 'bank_card.linked', ticket, occurredAt: new Date().toISOString() });
const faceResult = (ticket: string, passed: boolean): ProviderEvent => ({
  eventId: `evt_${randomUUID()}`,
  provider: 'face',
  type: 'face.completed',
  ticket,
  passed,
  occurredAt: new Date().toISOString(),
});

describe('individual QQ QR verification workflow', () => {
  it('verifies at once when QQ has a linked bank card', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq, input({}, 'qq_qr'));
      expect(opened.opened && liveTicket(opened.snapshot).provider).toBe('qq');
      await handle.signal(providerEventSignal, scan('ticket-1', {}, 'qq'));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.completed).toBe(1);
    });
  });

  it('without a card, waits in awaiting_bank_card for the card to be linked, then verifies', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input({}, 'qq_qr'));
      await handle.signal(providerEventSignal, scan('ticket-1', { bankCardLinked: false }, 'qq', 'card-ticket'));
      await eventually(async () => {
        const s = await handle.query(snapshotQuery);
        expect(s).toMatchObject({ status: 'in_progress', step: 'awaiting_bank_card', nextAction: { type: 'link_bank_card', ticket: 'card-ticket' } });
      });
      expect(calls.progress.at(-1)?.step).toBe('awaiting_bank_card');
      // Hours later (but within 24 h), and a QR refresh is no longer possible.
      await harness.env.sleep(20 * HOUR);
      await expect(handle.executeUpdate(refreshQrUpdate)).rejects.toMatchObject({ cause: { type: 'PROCESS_NOT_OPEN' } });
      await handle.signal(providerEventSignal, linked('some-other-ticket'));
      await handle.signal(providerEventSignal, linked('card-ticket'));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.completed).toBe(1);
      await recordHistory('individual-verification.qq-bank-card-wait', handle);
    });
  });

  it('still expires 24 hours after the start while waiting for the card', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input({}, 'qq_qr'));
      await handle.signal(providerEventSignal, scan('ticket-1', { bankCardLinked: false }, 'qq', 'card-ticket'));
      await eventually(async () => expect((await handle.query(snapshotQuery)).step).toBe('awaiting_bank_card'));
      await harness.env.sleep(24 * HOUR);
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'expired', failureReason: null });
      expect(calls.completed).toBe(0);
      expect(calls.revoked).toContain('card-ticket');
    });
  });

  it('applies the WeChat match rules', async () => {
    const { activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input({}, 'qq_qr'));
      await handle.signal(providerEventSignal, scan('ticket-1', { realName: '李四', bankCardLinked: false }, 'qq', 'card-ticket'));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'failed', failureReason: 'IDENTITY_MISMATCH' });
    });
  });

  it('ignores a WeChat event on a QQ verification', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input({}, 'qq_qr'));
      await handle.signal(providerEventSignal, scan('ticket-1', {}, 'wechat'));
      await handle.executeUpdate(cancelUpdate);
      expect(await resultWithoutSkipping(harness.env, handle)).toMatchObject({ status: 'cancelled' });
      expect(calls.completed).toBe(0);
    });
  });
});

describe('individual face recognition workflow', () => {
  it('gives every attempt its own ticket and fails after the third failure with FACE_MISMATCH', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq, input({}, 'face'));
      expect(opened.opened && opened.snapshot).toMatchObject({ step: 'awaiting_face', nextAction: { provider: 'face', attemptsLeft: 3 } });
      await handle.signal(providerEventSignal, faceResult('ticket-1', false));
      const second = await eventually(async () => {
        const s = await handle.query(snapshotQuery);
        expect(liveTicket(s)).toMatchObject({ ticket: 'ticket-2', attemptsLeft: 2 });
        return s;
      });
      expect(second.status).toBe('in_progress');
      // The failed attempt's ticket no longer counts.
      await handle.signal(providerEventSignal, faceResult('ticket-1', false));
      await handle.signal(providerEventSignal, faceResult('ticket-2', false));
      await eventually(async () => expect(liveTicket(await handle.query(snapshotQuery))).toMatchObject({ ticket: 'ticket-3', attemptsLeft: 1 }));
      await handle.signal(providerEventSignal, faceResult('ticket-3', false));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'failed', failureReason: 'FACE_MISMATCH' });
      expect(calls.qrRequests).toHaveLength(3);
      expect(calls.qrRequests[1]?.replaces).toBe('ticket-1');
      await recordHistory('individual-verification.face-three-failures', handle);
    });
  });

  it('verifies when a later attempt passes', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input({}, 'face'));
      await handle.signal(providerEventSignal, faceResult('ticket-1', false));
      await eventually(async () => expect(liveTicket(await handle.query(snapshotQuery)).ticket).toBe('ticket-2'));
      await handle.signal(providerEventSignal, faceResult('ticket-2', true));
      expect(await resultWithoutSkipping(harness.env, handle)).toEqual({ status: 'verified', failureReason: null });
      expect(calls.completed).toBe(1);
    });
  });

  it('lets the face QR expire and be refreshed like any QR', async () => {
    const { activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, input({}, 'face'));
      await harness.env.sleep(11 * MINUTE);
      await eventually(async () => expect(liveTicket(await handle.query(snapshotQuery)).expired).toBe(true));
      await handle.signal(providerEventSignal, faceResult('ticket-1', true));
      const refreshed = await handle.executeUpdate(refreshQrUpdate);
      expect(liveTicket(refreshed)).toMatchObject({ ticket: 'ticket-2', expired: false, attemptsLeft: 3 });
      expect(refreshed.status).toBe('in_progress');
    });
  });
});
