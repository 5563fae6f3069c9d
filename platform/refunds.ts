import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { refundWorkflowId, WorkflowTypes, type RefundTransferWorkflow } from '../workflows/messages';

/**
 * Starts refunds: one workflow per transfer (refund/<transferId>), which sends
 * the money back however long the bank takes, apart from the process that
 * decided it, so a bank outage never keeps a verification open or a cancel
 * waiting. Idempotent: a running refund is joined; a finished one is not run
 * again; one that was terminated or failed is started anew (the bank refunds a
 * transfer once, by its request id, whoever asks).
 */
export interface RefundStarter {
  start(transferIds: string[], reason: string): Promise<void>;
}

export interface RefundStarterDeps {
  client: Client;
  taskQueue: string;
  /** Records in the money ledger that the transfer is on its way back (store/ledger.ts markRefunding). */
  markRefunding: (transferId: string) => Promise<void>;
}

export function refundStarter(deps: RefundStarterDeps): RefundStarter {
  return {
    async start(transferIds, reason) {
      for (const transferId of transferIds) {
        try {
          await deps.client.workflow.start<RefundTransferWorkflow>(WorkflowTypes.refundTransfer, {
            workflowId: refundWorkflowId(transferId),
            taskQueue: deps.taskQueue,
            args: [{ transferId, reason }],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          });
        } catch (err) {
          // A refund of this transfer already completed.
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        await deps.markRefunding(transferId);
      }
    },
  };
}
