/**
 * Platform recharge (SPEC §4): the exact random amount from the confirmed payer
 * account within TRANSFER_WINDOW completes the verification and is credited to
 * the account balance. Any other amount from that account is refunded and
 * counts as a wrong transfer (two fail it); a transfer the bank reports under
 * another payer name is refunded and not counted. Transfers from other accounts
 * never reach this workflow: the API refunds them.
 */
import { log, patched, workflowInfo } from '@temporalio/workflow';
import { sameEntityName } from '../domain/entity-name';
import { fenToYuan } from '../domain/money';
import { database, refunds } from './kernel/activities';
import { CANCELLED, ended, EXPIRED, failed, type Ended, type ProcessRun } from './kernel/run';
import { wait } from './kernel/wait';
import { refundRequestId, type BankEvent, type EnterpriseVerificationInput } from './messages';

/** Patch id: a recharge transfer is refused unless the bank reports the enterprise as the payer. */
const PAYER_NAME_CHECK = 'recharge-payer-name-check';
/** Two tries (SPEC §4): wrong transfers from the confirmed account, and wrong amounts entered. */
export const ATTEMPTS = 2;
/** A random amount below one yuan: 0.01–0.99. Workflow Math.random is seeded per run, so replays draw the same. */
export const randomFen = () => 1 + Math.floor(Math.random() * 99);

type Transfer = Extract<BankEvent, { type: 'transfer.received' }>;

export async function recharge(input: EnterpriseVerificationInput, run: ProcessRun, deadline: number): Promise<void> {
  const { verificationId } = input;
  const workflowId = workflowInfo().workflowId;
  const amountFen = randomFen();
  let wrongTransfers = 0;
  const refund = (transfer: Transfer) => refunds.refundTransfer({ transferId: transfer.transferId, requestId: refundRequestId(transfer.transferId) });

  await database.expectTransfer({ verificationId, workflowId, amountFen });
  run.nextAction = () => ({
    type: 'remit',
    amount: fenToYuan(amountFen),
    payee: input.collectionAccount,
    deadline: new Date(deadline).toISOString(),
    attemptsLeft: ATTEMPTS - wrongTransfers,
  });
  await run.enter('awaiting_transfer');
  run.markOpened();

  while (!run.closed) {
    const next = await awaitTransfer(run, deadline);
    if (next.kind === 'ended') {
      await run.close(next.outcome);
    } else if (patched(PAYER_NAME_CHECK) && !sameEntityName(next.transfer.fromAccountName, input.applicant.name)) {
      // The bank reports a payer in someone else's name: not the enterprise's own account. Refunded, not an attempt.
      log.warn('transfer refunded: payer name differs from the enterprise name', { transferId: next.transfer.transferId });
      await refund(next.transfer);
    } else if (next.transfer.amountFen === amountFen) {
      await run.close('verify', { amountFen, reference: next.transfer.transferId });
      // Matched but the identity's quota was used up meanwhile: the money goes back.
      if (run.status !== 'verified') await refund(next.transfer);
    } else {
      await refund(next.transfer);
      wrongTransfers++;
      if (wrongTransfers >= ATTEMPTS) await run.close(failed('REMITTANCE_AMOUNT_MISMATCH'));
      else await run.recordProgress();
    }
  }
  // Money that arrived while the verification was closing is not kept either.
  for (let event = run.takeEvent(); event; event = run.takeEvent()) {
    if (event.type === 'transfer.received') await refund(event);
  }
}

/** Waits for a transfer from the confirmed account until TRANSFER_WINDOW ends or the user cancels. */
async function awaitTransfer(run: ProcessRun, deadline: number): Promise<{ kind: 'transfer'; transfer: Transfer } | Ended> {
  for (;;) {
    const wake = await wait(run, { until: deadline, events: true });
    if (wake.kind === 'deadline') return ended(EXPIRED);
    if (wake.kind === 'cancel') return ended(CANCELLED);
    if (wake.kind === 'event' && wake.event.type === 'transfer.received') return { kind: 'transfer', transfer: wake.event };
  }
}
