import { log } from '@temporalio/workflow';
import { refunds } from '../kernel/activities';
import { refundRequestId, type RefundTransferWorkflow } from '../messages';

/**
 * Money the platform will not keep goes back to its sender, however long the
 * bank takes (retried without bound), apart from the process that decided it.
 * Money a balance holds is never sent; a bank that refuses for good leaves it
 * in the ledger as `refund_refused`, for an operator.
 */
export const refundTransfer: RefundTransferWorkflow = async ({ transferId, reason }) => {
  log.info('refunding a transfer', { transferId, reason });
  const result = await refunds.refundTransfer({ transferId, requestId: refundRequestId(transferId) });
  // Runs recorded before the activity answered have no result.
  if (result?.outcome === 'refused') log.error('the bank refused the refund for good', { transferId });
};
