/**
 * Enterprise instant methods (SPEC §4): the user scans one QR and the
 * provider's answer decides.
 * - WeChat Official Account: its certified name must be the enterprise's;
 * - legal-person WeChat QR: the WeChat real-name record must be the legal person's, with a linked bank card;
 * - legal-person face: the legal person passes face recognition (FACE_MAX_ATTEMPTS tries).
 * The verification expires after INSTANT_METHOD_TTL.
 */
import { setHandler } from '@temporalio/workflow';
import { sameEntityName } from '../../domain/entity-name';
import type { VerificationStep } from '../../domain/constants';
import { bankCardMissing, recordIsPerson } from '../kernel/identity';
import { failed, type Outcome } from '../kernel/outcome';
import { awaitQrEvent, QrSession, type QrSessionOptions } from '../kernel/qr';
import { refreshQrUpdate, type EnterpriseVerificationInput, type ProviderEvent, type VerificationSnapshot } from '../messages';
import type { VerificationRun } from './run';

export async function instantMethod(input: EnterpriseVerificationInput, run: VerificationRun, deadline: number): Promise<void> {
  const qr = new QrSession(run, qrFor(input));
  run.nextAction = () => qr.action();
  setHandler(refreshQrUpdate, qr.refreshes.ask, { validator: qr.validateRefresh });

  await qr.issue();
  run.markOpened();
  await run.close(await scanToOutcome(input, run, qr, deadline));
}

/** Whose QR the user is shown. */
function qrFor(input: EnterpriseVerificationInput): QrSessionOptions<VerificationStep> {
  const { timings, method, applicant } = input;
  if (method === 'wechat_official_account') return { provider: 'wechat', kind: 'official_account', waitingStep: 'awaiting_scan', timings, purpose: 'official_account' };
  if (method === 'legal_person_wechat') return { provider: 'wechat', waitingStep: 'awaiting_scan', timings, purpose: 'legal_person' };
  const legalPerson = applicant.legalPerson!;
  return { provider: 'face', waitingStep: 'awaiting_face', timings, purpose: 'legal_person', subject: { realName: legalPerson.name, idNumber: legalPerson.idNumber } };
}

async function scanToOutcome(input: EnterpriseVerificationInput, run: VerificationRun, qr: QrSession<VerificationSnapshot, VerificationStep>, deadline: number): Promise<Outcome> {
  for (;;) {
    const scan = await awaitQrEvent(run, qr, deadline);
    if (scan.kind === 'ended') return scan.outcome;
    const verdict = await judgeScan(input, scan.event);
    if (verdict === 'retry_face') {
      if (await qr.failedAttempt()) return failed('FACE_MISMATCH');
    } else if (verdict !== 'ignore') return verdict;
  }
}

/** What an event about the live QR means for this method. */
async function judgeScan(input: EnterpriseVerificationInput, event: ProviderEvent): Promise<Outcome | 'retry_face' | 'ignore'> {
  const { method, applicant } = input;
  if (event.type === 'official_account.authorized' && method === 'wechat_official_account') {
    // The official account must be enterprise-certified under exactly this enterprise's name.
    return event.certified && sameEntityName(event.enterpriseName, applicant.name) ? 'verify' : failed('ENTERPRISE_NAME_MISMATCH');
  }
  if (event.type === 'authorization.scanned' && method === 'legal_person_wechat') {
    const legalPerson = { realName: applicant.legalPerson!.name, idNumber: applicant.legalPerson!.idNumber };
    if (event.record.idType !== 'mainland_id' || !(await recordIsPerson(legalPerson, event.record))) return failed('LEGAL_PERSON_MISMATCH');
    return bankCardMissing(event.record) ? failed('BANK_CARD_REQUIRED') : 'verify';
  }
  if (event.type === 'face.completed' && method === 'legal_person_face') return event.passed ? 'verify' : 'retry_face';
  return 'ignore';
}
