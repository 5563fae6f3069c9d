import { log } from '@temporalio/workflow';
import { refunds } from './kernel/activities';
import { refundRequestId, type RefundTransferWorkflow } from './messages';

/** Money that reached the platform but belongs to no open process goes back to its sender, however long the bank takes. */
export const refundTransfer: RefundTransferWorkflow = async ({ transferId, reason }) => {
  log.info('refunding a transfer', { transferId, reason });
  await refunds.refundTransfer({ transferId, requestId: refundRequestId(transferId) });
};
