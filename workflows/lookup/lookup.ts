/**
 * Find my accounts, self-service (SPEC §12), workflow lookup/<id>: a person
 * who reached the quota proves the identity and sees the accounts it holds
 * verified, so they can change one of them and free a slot. In order:
 * - open: the lookup's row, under the daily limit (5 lookups of one identity in 24 hours, counted under a lock);
 * - an enterprise: the business registry must list this legal person for the code;
 * - the check: face recognition of the ID holder (FACE_MAX_ATTEMPTS tries), a permit holder's WeChat
 *   authorisation whose real-name record must be their own document, or the legal representative's face;
 * - completed with the accounts found, or failed / expired (LOOKUP_TTL) with none.
 * The person's values travel sealed under the lookup's own key: the face
 * provider and the comparison open them in activities.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import type { FailureReason } from '../../domain/constants';
import type { LookupStep } from '../../domain/identity-lookup';
import { iso } from '../../domain/instant';
import { runToClose } from '../kernel/closing';
import { recordIsPerson } from '../kernel/identity';
import { failed, type Outcome } from '../kernel/outcome';
import { awaitQrEvent, QrSession, type QrSessionOptions } from '../kernel/qr';
import { setEventHandlers } from '../kernel/run';
import {
  awaitLookupOpenedUpdate,
  lookupSnapshotQuery,
  refreshLookupQrUpdate,
  type IdentityLookupInput,
  type IdentityLookupWorkflow,
  type LookupSnapshot,
} from '../lookup-messages';
import { database } from './activities';
import { lookupRun, type LookupRun } from './run';

type LookupQr = QrSession<LookupSnapshot, LookupStep>;

export const identityLookup: IdentityLookupWorkflow = async (input) => {
  const run = lookupRun(input);
  const qr = new QrSession(run, checkOf(input));
  run.nextAction = () => qr.action();
  setHandler(lookupSnapshotQuery, run.snapshot);
  setEventHandlers(run);
  setHandler(awaitLookupOpenedUpdate, run.awaitOpened);
  setHandler(refreshLookupQrUpdate, qr.refreshes.ask, { validator: qr.validateRefresh });

  return runToClose(run, async () => {
    const deadline = Date.now() + input.timings.lookupTtlMs;
    const open = await database.openLookup({
      lookupId: input.lookupId,
      workflowId: workflowInfo().workflowId,
      accountId: input.accountId,
      subjectType: input.subject.kind,
      identityHash: input.identityHash,
      expiresAt: iso(deadline),
    });
    if (!open.opened) {
      run.markOpened(open);
      return { status: 'rejected', code: open.code, retryAfterSeconds: open.retryAfterSeconds };
    }
    run.claimed = true;
    const registry = await registryRefusal(input, run);
    if (registry) {
      await run.close(failed(registry));
      run.markOpened();
      return run.outcome();
    }
    await qr.issue();
    run.markOpened();
    await run.close(await proveIdentity(input, run, qr, deadline));
    return run.outcome();
  });
};

/** The check the person passes: face for a mainland ID and for an enterprise's legal representative, WeChat for a permit holder. */
function checkOf(input: IdentityLookupInput): QrSessionOptions<LookupStep> {
  const { subject, timings } = input;
  if (subject.kind === 'enterprise') {
    const { name, idNumber } = subject.legalPerson;
    return { provider: 'face', waitingStep: 'awaiting_face', timings, purpose: 'legal_person', subject: { realName: name, idNumber } };
  }
  if (subject.idType === 'mainland_id') return { provider: 'face', waitingStep: 'awaiting_face', timings, subject: { realName: subject.realName, idNumber: subject.idNumber } };
  return { provider: 'wechat', waitingStep: 'awaiting_scan', timings };
}

/** An enterprise: the registry must know the code and list this legal representative for it (as a legal-representative update checks). */
async function registryRefusal(input: IdentityLookupInput, run: LookupRun): Promise<FailureReason | null> {
  const { subject } = input;
  if (subject.kind !== 'enterprise') return null;
  const check = await run.providers.checkRegistry({ creditCode: subject.creditCode, legalPerson: subject.legalPerson });
  if (!check.known) return 'ENTERPRISE_NOT_IN_REGISTRY';
  return check.legalPersonMatches ? null : 'LEGAL_PERSON_MISMATCH';
}

/** The QR step until the identity is proved ('verify'), a check fails, or LOOKUP_TTL runs out. */
async function proveIdentity(input: IdentityLookupInput, run: LookupRun, qr: LookupQr, deadline: number): Promise<Outcome> {
  for (;;) {
    const scan = await awaitQrEvent(run, qr, deadline);
    if (scan.kind === 'ended') return scan.outcome;
    const { event } = scan;
    if (event.type === 'face.completed') {
      if (event.passed) return used(qr, 'verify');
      if (await qr.failedAttempt()) return used(qr, failed('FACE_MISMATCH'));
    } else if (event.type === 'authorization.scanned' && input.subject.kind === 'individual') {
      // SPEC §12: the permit holder's WeChat real-name record must be their own document (type, name and number).
      const { realName, idType, idNumber } = input.subject;
      const theirs = await recordIsPerson({ realName, idType, idNumber }, event.record);
      return used(qr, theirs ? 'verify' : failed('IDENTITY_MISMATCH'));
    }
  }
}

/** The QR served its purpose: nothing is left to scan or revoke. */
function used(qr: LookupQr, outcome: Outcome): Outcome {
  qr.drop();
  return outcome;
}
