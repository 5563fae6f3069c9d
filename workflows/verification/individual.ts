/**
 * Individual verification by an instant method (SPEC §3):
 * - WeChat QR: the WeChat Pay real-name record must name the applicant and have a bank card;
 * - QQ QR: the same match, but without a card the user is sent to link one and the verification waits for it;
 * - face: a mini-program QR per attempt; FACE_MAX_ATTEMPTS failures end it with FACE_MISMATCH.
 * QR codes live QR_TTL and may be refreshed QR_REFRESH_LIMIT times; the whole
 * verification expires after INSTANT_METHOD_TTL.
 */
import { log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { VerificationStep } from '../../domain/constants';
import { iso } from '../../domain/instant';
import { runToClose } from '../kernel/closing';
import { judgeRecord } from '../kernel/identity';
import { CANCELLED, ended, EXPIRED, failed, type Ended, type Outcome } from '../kernel/outcome';
import { awaitQrEvent, QrSession } from '../kernel/qr';
import { wait } from '../kernel/wait';
import { refreshQrUpdate, type IndividualVerificationInput, type IndividualVerificationWorkflow, type ProviderEvent, type QrProvider, type VerificationSnapshot } from '../messages';
import { database } from './activities';
import { setVerificationHandlers, verificationRun, type VerificationRun } from './run';

/** Each instant method: whose QR the user scans and the step that waits for it. */
const METHOD = {
  wechat_qr: { qrProvider: 'wechat', waitingStep: 'awaiting_scan' },
  qq_qr: { qrProvider: 'qq', waitingStep: 'awaiting_scan' },
  face: { qrProvider: 'face', waitingStep: 'awaiting_face' },
} as const satisfies Record<string, { qrProvider: QrProvider; waitingStep: VerificationStep }>;

export const individualVerification: IndividualVerificationWorkflow = async (input) => {
  const { verificationId, applicant, timings } = input;
  const { qrProvider, waitingStep } = METHOD[input.method];
  const deadline = Date.now() + timings.instantMethodTtlMs;
  const run = verificationRun(verificationId, input.method, { providerCallTimeoutMs: timings.providerCallTimeoutMs });
  const qr = new QrSession(run, {
    provider: qrProvider,
    waitingStep,
    timings,
    ...(qrProvider === 'face' ? { subject: { realName: applicant.realName, idNumber: applicant.idNumber } } : {}),
  });
  const bankCard = new BankCardLink(run);
  run.nextAction = () => bankCard.action() ?? qr.action();
  setVerificationHandlers(run);
  setHandler(refreshQrUpdate, qr.refreshes.ask, { validator: qr.validateRefresh });

  return runToClose(run, async () => {
    const open = await openVerification(input, deadline);
    if (!open.opened) {
      run.markOpened(open);
      return { status: 'rejected', code: open.code };
    }
    run.claimed = true;
    await qr.issue();
    run.markOpened();
    await run.close(await scanToOutcome(input, run, qr, bankCard, deadline));
    return run.outcome();
  });
};

/** Claims the account's single process slot, or is refused. */
function openVerification(input: IndividualVerificationInput, deadline: number) {
  const { applicant } = input;
  return database.openIndividualVerification({
    verificationId: input.verificationId,
    workflowId: workflowInfo().workflowId,
    accountId: input.accountId,
    method: input.method,
    realName: applicant.realName,
    idType: applicant.idType,
    idNumber: applicant.idNumber,
    industry: applicant.industry,
    address: applicant.address,
    identityHash: input.identityHash,
    expiresAt: iso(deadline),
  });
}

/** The QR step until its outcome: each live event is judged; face failures bring the next attempt's QR. */
async function scanToOutcome(input: IndividualVerificationInput, run: VerificationRun, qr: IndividualQr, bankCard: BankCardLink, deadline: number): Promise<Outcome> {
  for (;;) {
    const scan = await awaitQrEvent(run, qr, deadline);
    if (scan.kind === 'ended') return scan.outcome;
    const verdict = await judgeScan(input, scan.event);
    if (verdict.kind === 'outcome') return verdict.outcome;
    if (verdict.kind === 'ignore') continue;
    if (verdict.kind === 'retry_face') {
      if (await qr.failedAttempt()) return failed('FACE_MISMATCH');
      continue;
    }
    qr.drop();
    const linked = await bankCard.awaitLink(verdict.ticket, deadline);
    return linked.kind === 'ended' ? linked.outcome : 'verify';
  }
}

type IndividualQr = QrSession<VerificationSnapshot, VerificationStep>;

type Verdict = { kind: 'outcome'; outcome: Outcome } | { kind: 'retry_face' } | { kind: 'link_bank_card'; ticket: string } | { kind: 'ignore' };

/** What an event about the live QR means for this verification. */
async function judgeScan(input: IndividualVerificationInput, event: ProviderEvent): Promise<Verdict> {
  const outcome = (o: Outcome): Verdict => ({ kind: 'outcome', outcome: o });
  if (event.type === 'face.completed') return event.passed ? outcome('verify') : { kind: 'retry_face' };
  if (event.type !== 'authorization.scanned') return { kind: 'ignore' };
  const viaQq = input.method === 'qq_qr';
  const reason = await judgeRecord(input.applicant, event.record, { bankCardRequired: !viaQq });
  if (reason) return outcome(failed(reason));
  if (!viaQq || event.record.bankCardLinked) return outcome('verify');
  // SPEC §3: QQ sends the user to link a card, and the verification waits for it.
  return event.bankCardTicket ? { kind: 'link_bank_card', ticket: event.bankCardTicket } : outcome(failed('BANK_CARD_REQUIRED'));
}

/** QQ's bank-card page, which a user without a linked card is sent to. */
class BankCardLink {
  private ticket: string | undefined;

  constructor(private readonly run: VerificationRun) {
    run.onClose({ after: () => this.revoke() });
  }

  action() {
    return this.run.step === 'awaiting_bank_card' && this.ticket ? { type: 'link_bank_card' as const, ticket: this.ticket } : null;
  }

  /** Shows the page and waits until the card is linked, or the verification expires or is cancelled. */
  async awaitLink(ticket: string, deadline: number): Promise<{ kind: 'linked' } | Ended> {
    this.ticket = ticket;
    await this.run.enter('awaiting_bank_card');
    for (;;) {
      const wake = await wait(this.run, { until: deadline, events: true });
      if (wake.kind === 'deadline') return ended(EXPIRED);
      if (wake.kind === 'cancel') return ended(CANCELLED);
      if (wake.kind === 'event' && wake.event.type === 'bank_card.linked' && wake.event.ticket === this.ticket) {
        this.ticket = undefined;
        return { kind: 'linked' };
      }
      if (wake.kind === 'event') log.info('ignored a provider event while waiting for a bank card', { eventId: wake.event.eventId, type: wake.event.type });
    }
  }

  private async revoke(): Promise<void> {
    if (this.ticket) await this.run.providers.revokeQr({ provider: 'qq', ticket: this.ticket });
  }
}
