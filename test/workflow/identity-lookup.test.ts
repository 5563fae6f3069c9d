import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { RegistryCheck } from '../../activities/enterprise';
import { identityLookup } from '../../workflows';
import {
  awaitLookupOpenedUpdate,
  lookupSnapshotQuery,
  lookupWorkflowId,
  refreshLookupQrUpdate,
  type IdentityLookupInput,
  type LookupSnapshot,
  type LookupSubject,
} from '../../workflows/lookup-messages';
import { providerEventSignal, type ProviderEvent } from '../../workflows/messages';
import { faceEvent } from '../support/change-fakes';
import { identityChecks } from '../support/identity-fakes';
import { recordHistory } from '../support/record-history';
import { eventually, resultWithoutSkipping, timeSkippingHarness } from '../support/temporal-test-env';

/**
 * Find my accounts (SPEC §12) on the time-skipping server: the check passed →
 * completed (the accounts are written by the completion); failed → failed,
 * nothing found; no check within LOOKUP_TTL → expired; the daily limit
 * refusing at open; an enterprise's registry check and legal representative.
 */
const MINUTE = 60_000;
const LOOKUP_TTL = 15 * MINUTE;

const harness = timeSkippingHarness();
const { withWorker } = harness;

const PERSON: LookupSubject = { kind: 'individual', realName: '张三', idType: 'mainland_id', idNumber: '11010519491231002X' };
const PERMIT_HOLDER: LookupSubject = { kind: 'individual', realName: '陈大文', idType: 'hk_macao_permit', idNumber: 'H12345678' };
const ENTERPRISE: LookupSubject = { kind: 'enterprise', creditCode: '91350100M000100Y43', legalPerson: { name: '王法人', idNumber: '110105198504040011' } };

function lookupInput(subject: LookupSubject = PERSON): IdentityLookupInput {
  return {
    lookupId: `lkp_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    accountId: 'acct-1001',
    subject,
    identityHash: 'hash-of-the-identity',
    timings: { qrTtlMs: 10 * MINUTE, qrRefreshLimit: 5, faceMaxAttempts: 3, lookupTtlMs: LOOKUP_TTL, providerCallTimeoutMs: 10 * MINUTE },
  };
}

/** The lookup's activities, recording what the workflow asked for. */
function lookupFakes(options: { refuse?: boolean; registry?: Partial<RegistryCheck> } = {}) {
  const calls = {
    opened: [] as Parameters<Activities['openLookup']>[0][],
    steps: [] as (string | null)[],
    completed: [] as string[],
    finished: [] as { status: string; failureReason: string | null }[],
    qr: [] as { ticket: string; provider: string; subject?: string }[],
    registry: [] as Parameters<Activities['checkRegistry']>[0][],
  };
  const activities: Partial<Activities> = {
    ...identityChecks,
    openLookup: async (args) => {
      calls.opened.push(args);
      return options.refuse ? { opened: false, code: 'RATE_LIMITED', retryAfterSeconds: 3600 } : { opened: true };
    },
    recordLookupProgress: async (args) => void calls.steps.push(args.step),
    completeLookup: async (args) => {
      calls.completed.push(args.lookupId);
      return { status: 'completed', failureReason: null };
    },
    finishLookup: async (args) => {
      calls.finished.push(args.outcome);
      return args.outcome;
    },
    issueQr: async (args) => {
      const ticket = `ticket-${calls.qr.length + 1}`;
      calls.qr.push({ ticket, provider: args.provider, ...(args.subject ? { subject: args.subject.realName } : {}) });
      return { ticket, qrContent: `qr-${ticket}`, expiresAt: new Date().toISOString() };
    },
    revokeQr: async () => {},
    checkRegistry: async (args) => {
      calls.registry.push(args);
      return { known: true, nameMatches: null, legalPersonMatches: true, ...options.registry };
    },
  };
  return { calls, activities };
}
type Calls = ReturnType<typeof lookupFakes>['calls'];

const lastTicket = (calls: Calls) => calls.qr.at(-1)!.ticket;
const snapshot = (handle: WorkflowHandle) => handle.query(lookupSnapshotQuery);
const resultOf = (handle: WorkflowHandle) => resultWithoutSkipping(harness.env, handle);

/** Starts the lookup and answers what the API's start would: its opening answer. */
async function start(taskQueue: string, input: IdentityLookupInput) {
  const handle = await harness.env.client.workflow.start(identityLookup, { args: [input], taskQueue, workflowId: lookupWorkflowId(input.lookupId) });
  harness.track(handle.workflowId);
  return { handle, opened: await handle.executeUpdate(awaitLookupOpenedUpdate) };
}

const wechatScan = (ticket: string, record: { realName: string; idNumber: string; idType: string }): ProviderEvent => ({
  eventId: `evt_${randomUUID()}`,
  provider: 'wechat',
  type: 'authorization.scanned',
  ticket,
  occurredAt: new Date().toISOString(),
  record: { ...record, birthDate: '1990-01-01', bankCardLinked: false },
});

describe('a person finds their accounts (SPEC §12)', () => {
  it('passes the face check of the ID holder: completed, the accounts written by the completion', async () => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const input = lookupInput();
      const { handle, opened } = await start(tq, input);
      expect(opened).toMatchObject({ opened: true, snapshot: { status: 'in_progress', step: 'awaiting_face', nextAction: { type: 'scan_qr', provider: 'face', ticket: 'ticket-1', attemptsLeft: 3 } } });
      expect(calls.opened).toEqual([expect.objectContaining({ lookupId: input.lookupId, accountId: 'acct-1001', subjectType: 'individual', identityHash: 'hash-of-the-identity' })]);
      // The face provider compares with the ID holder given.
      expect(calls.qr).toEqual([{ ticket: 'ticket-1', provider: 'face', subject: '张三' }]);

      await handle.signal(providerEventSignal, faceEvent(lastTicket(calls), true));
      expect(await resultOf(handle)).toEqual({ status: 'completed', failureReason: null });
      expect(calls.completed).toEqual([input.lookupId]);
      expect(calls.finished).toEqual([]);
      expect(await snapshot(handle)).toMatchObject<Partial<LookupSnapshot>>({ status: 'completed', step: null, nextAction: null });
      await recordHistory('identity-lookup.completed', handle);
    });
  });

  it('fails the face check FACE_MAX_ATTEMPTS times: failed FACE_MISMATCH, nothing found', async () => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, lookupInput());
      for (const attemptsLeft of [2, 1]) {
        await handle.signal(providerEventSignal, faceEvent(lastTicket(calls), false));
        // The next attempt's QR is live (a failure counts before its fresh QR is issued).
        const ticket = `ticket-${4 - attemptsLeft}`;
        await eventually(async () => expect((await snapshot(handle)).nextAction).toMatchObject({ attemptsLeft, ticket }));
      }
      await handle.signal(providerEventSignal, faceEvent(lastTicket(calls), false));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'FACE_MISMATCH' });
      expect(calls.finished).toEqual([{ status: 'failed', failureReason: 'FACE_MISMATCH' }]);
      expect(calls.completed).toEqual([]);
      expect(calls.qr.map((q) => q.ticket)).toEqual(['ticket-1', 'ticket-2', 'ticket-3']);
    });
  });

  it('no check within LOOKUP_TTL: expired, nothing found; still open a minute before', async () => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, lookupInput());
      await harness.env.sleep(LOOKUP_TTL - MINUTE);
      // The 10-minute QR ran out meanwhile; a fresh one may still be asked for.
      expect(await snapshot(handle)).toMatchObject({ status: 'in_progress', step: 'awaiting_face', nextAction: { expired: true } });
      expect(await handle.executeUpdate(refreshLookupQrUpdate)).toMatchObject({ status: 'in_progress', nextAction: { ticket: 'ticket-2', expired: false } });
      await harness.env.sleep(2 * MINUTE);
      expect(await resultOf(handle)).toEqual({ status: 'expired', failureReason: null });
      expect(calls.finished).toEqual([{ status: 'expired', failureReason: null }]);
      expect(calls.completed).toEqual([]);
      expect(await snapshot(handle)).toMatchObject({ status: 'expired', step: null, nextAction: null });
    });
  });

  it('a face result for a ticket that is not the live one changes nothing', async () => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, lookupInput());
      await handle.signal(providerEventSignal, faceEvent('ticket-of-someone-else', true));
      await handle.signal(providerEventSignal, faceEvent(lastTicket(calls), false));
      await eventually(async () => expect((await snapshot(handle)).nextAction).toMatchObject({ attemptsLeft: 2 }));
      expect(calls.completed).toEqual([]);
    });
  });

  it('the identity had its lookups for the day: refused at open, no QR shown', async () => {
    const { calls, activities } = lookupFakes({ refuse: true });
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq, lookupInput());
      expect(opened).toEqual({ opened: false, code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
      expect(await resultOf(handle)).toEqual({ status: 'rejected', code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
      expect(calls.qr).toEqual([]);
      expect([...calls.completed, ...calls.finished]).toEqual([]);
    });
  });
});

describe('a permit holder proves it by WeChat', () => {
  it('a WeChat record of their own document: completed', async () => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq, lookupInput(PERMIT_HOLDER));
      expect(opened).toMatchObject({ snapshot: { step: 'awaiting_scan', nextAction: { provider: 'wechat' } } });
      await handle.signal(providerEventSignal, wechatScan(lastTicket(calls), { realName: '陈大文', idNumber: 'H12345678', idType: 'hk_macao_permit' }));
      expect(await resultOf(handle)).toEqual({ status: 'completed', failureReason: null });
    });
  });

  it.each([
    ['another name', { realName: '李四', idNumber: 'H12345678', idType: 'hk_macao_permit' }],
    ['another number', { realName: '陈大文', idNumber: 'H87654321', idType: 'hk_macao_permit' }],
    ['the same number under another document type', { realName: '陈大文', idNumber: 'H12345678', idType: 'taiwan_permit' }],
  ])('a WeChat record of %s: failed IDENTITY_MISMATCH, nothing found', async (_case, record) => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, lookupInput(PERMIT_HOLDER));
      await handle.signal(providerEventSignal, wechatScan(lastTicket(calls), record));
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: 'IDENTITY_MISMATCH' });
      expect(calls.completed).toEqual([]);
    });
  });
});

describe('an enterprise: the legal representative, as the registry lists them', () => {
  it('the registry lists them and they pass the face check: completed', async () => {
    const { calls, activities } = lookupFakes();
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq, lookupInput(ENTERPRISE));
      expect(calls.registry).toEqual([{ creditCode: '91350100M000100Y43', legalPerson: { name: '王法人', idNumber: '110105198504040011' } }]);
      expect(opened).toMatchObject({ snapshot: { step: 'awaiting_face', nextAction: { provider: 'face', purpose: 'legal_person' } } });
      expect(calls.qr).toEqual([{ ticket: 'ticket-1', provider: 'face', subject: '王法人' }]);
      await handle.signal(providerEventSignal, faceEvent(lastTicket(calls), true));
      expect(await resultOf(handle)).toEqual({ status: 'completed', failureReason: null });
      expect(calls.opened[0]).toMatchObject({ subjectType: 'enterprise' });
    });
  });

  it.each([
    ['does not know the code', { known: false, legalPersonMatches: null }, 'ENTERPRISE_NOT_IN_REGISTRY'],
    ['lists another legal representative', { legalPersonMatches: false }, 'LEGAL_PERSON_MISMATCH'],
  ])('the registry %s: failed %s before any QR, nothing found', async (_case, registry, reason) => {
    const { calls, activities } = lookupFakes({ registry });
    await withWorker(activities, async (tq) => {
      const { handle, opened } = await start(tq, lookupInput(ENTERPRISE));
      expect(opened).toMatchObject({ opened: true, snapshot: { status: 'failed', failureReason: reason, nextAction: null } });
      expect(await resultOf(handle)).toEqual({ status: 'failed', failureReason: reason });
      expect(calls.qr).toEqual([]);
      expect(calls.completed).toEqual([]);
    });
  });
});
