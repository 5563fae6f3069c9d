/**
 * Platform recharge (SPEC §4, §10): the enterprise sends the exact random
 * amount, from the account it confirmed, to the collection account the bank
 * opened for this verification alone, within TRANSFER_WINDOW; that completes
 * the verification and is credited to the account balance. Only money sent to
 * this collection account ever reaches this workflow (the callback route holds
 * it in the money ledger). Anything it does not keep goes back through its
 * own refund workflow: another payer or payer name (not counted), a wrong
 * amount from the confirmed account (counted: two fail it), and whatever it
 * still holds when it ends (settled by the closing transaction).
 */
import { log, patched, workflowInfo } from '@temporalio/workflow';
import { sameEntityName } from '../../domain/entity-name';
import { iso } from '../../domain/instant';
import { AMOUNT_ATTEMPTS, fenToYuan, randomFen } from '../../domain/money';
import { refunds } from '../kernel/activities';
import { CANCELLED, ended, EXPIRED, failed, type Ended } from '../kernel/outcome';
import { wait } from '../kernel/wait';
import { refundRequestId, type BankEvent, type EnterpriseVerificationInput } from '../messages';
import { database } from './activities';
import type { VerificationRun } from './run';

/** Patch id: a recharge transfer is refused unless the bank reports the enterprise as the payer. */
const PAYER_NAME_CHECK = 'recharge-payer-name-check';
/** Patch id: a collection account of its own; money it will not keep goes back through refund workflows, settled in the ledger. */
const DEDICATED_COLLECTION_ACCOUNT = 'recharge-dedicated-collection-account';

type Transfer = Extract<BankEvent, { type: 'transfer.received' }>;
type GiveBack = (transfer: Transfer, reason: 'wrong_amount' | 'other_payer' | 'payer_name_mismatch' | 'process_ended') => Promise<void>;

export async function recharge(input: EnterpriseVerificationInput, run: VerificationRun, deadline: number): Promise<void> {
  const { verificationId } = input;
  const workflowId = workflowInfo().workflowId;
  const amountFen = randomFen(Math.random());
  let wrongTransfers = 0;
  const dedicated = patched(DEDICATED_COLLECTION_ACCOUNT);
  // Runs from before dedicated accounts refunded here, in the verification itself.
  const legacyRefund = (transfer: Transfer) => refunds.refundTransfer({ transferId: transfer.transferId, requestId: refundRequestId(transfer.transferId) });
  const giveBack: GiveBack = dedicated
    ? (transfer, reason) => database.returnTransfer({ verificationId, transferId: transfer.transferId, reason })
    : (transfer) => legacyRefund(transfer).then(() => undefined);

  const payee = dedicated
    ? { ...input.collectionAccount, ...(await run.providers.openCollectionAccount({ requestId: `${workflowId}/collection-account`, reference: workflowId })) }
    : input.collectionAccount;
  await database.expectTransfer({ verificationId, workflowId, amountFen, ...(dedicated ? { collectionAccount: payee.accountNumber } : {}) });
  run.nextAction = () => ({
    type: 'remit',
    amount: fenToYuan(amountFen),
    payee,
    deadline: iso(deadline),
    attemptsLeft: AMOUNT_ATTEMPTS - wrongTransfers,
  });
  await run.enter('awaiting_transfer');
  run.remindBefore(deadline);
  run.markOpened();

  while (!run.closed) {
    const next = await awaitTransfer(run, deadline);
    if (next.kind === 'ended') {
      await run.close(next.outcome);
      continue;
    }
    const { transfer } = next;
    if (dedicated && transfer.fromConfirmedAccount === false) {
      // Someone else's money reached this collection account: it goes back and is no attempt.
      log.warn('transfer refunded: not from the confirmed payer account', { transferId: transfer.transferId });
      await giveBack(transfer, 'other_payer');
    } else if (patched(PAYER_NAME_CHECK) && !sameEntityName(transfer.fromAccountName, input.applicant.name)) {
      // The bank reports a payer in someone else's name: not the enterprise's own account. Refunded, not an attempt.
      log.warn('transfer refunded: payer name differs from the enterprise name', { transferId: transfer.transferId });
      await giveBack(transfer, 'payer_name_mismatch');
    } else if (transfer.amountFen === amountFen) {
      // Credited by the completion's transaction; if the identity's quota was used up meanwhile, that transaction sends it back.
      await run.close('verify', { amountFen, reference: transfer.transferId });
      if (!dedicated && run.status !== 'verified') await legacyRefund(transfer);
    } else {
      await giveBack(transfer, 'wrong_amount');
      wrongTransfers++;
      if (wrongTransfers >= AMOUNT_ATTEMPTS) await run.close(failed('REMITTANCE_AMOUNT_MISMATCH'));
      else await run.recordProgress();
    }
  }
  // Money that arrived while the verification was closing is not kept either (the closing already settled what it recorded).
  for (let event = run.takeEvent(); event; event = run.takeEvent()) {
    if (event.type === 'transfer.received') await giveBack(event, 'process_ended');
  }
}

/** Waits for a transfer from the confirmed account until TRANSFER_WINDOW ends or the user cancels. */
async function awaitTransfer(run: VerificationRun, deadline: number): Promise<{ kind: 'transfer'; transfer: Transfer } | Ended> {
  for (;;) {
    const wake = await wait(run, { until: deadline, events: true });
    if (wake.kind === 'deadline') return ended(EXPIRED);
    if (wake.kind === 'cancel') return ended(CANCELLED);
    if (wake.kind === 'event' && wake.event.type === 'transfer.received') return { kind: 'transfer', transfer: wake.event };
  }
}
