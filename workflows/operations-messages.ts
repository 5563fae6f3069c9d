/**
 * What the service's own workflows take, beside the processes: refunds (money
 * going back to its sender) and the reconciler's sweeps. Pure definitions,
 * safe in the workflow sandbox; messages.ts re-exports them.
 */

export const refundWorkflowId = (transferId: string) => `refund/${transferId}`;
/** The bank request id of a transfer's refund: one per transfer, whoever orders it, so the bank returns it at most once. */
export const refundRequestId = (transferId: string) => `refund/${transferId}`;

export interface RefundInput {
  transferId: string;
  /** Why the money goes back, for the operator. */
  reason: string;
}
export type RefundTransferWorkflow = (input: RefundInput) => Promise<void>;

/** The reconciler's schedule, per task queue (its runs start as reconcile/<task queue>-<time>). */
export const reconcilerScheduleId = (taskQueue: string) => `reconciler/${taskQueue}`;
export interface ReconcileInput {
  /** A refund decided longer ago than this whose workflow is not running is started again. */
  refundGraceMs: number;
}
export interface ReconcileReport {
  checked: number;
  closed: string[];
  restartedRefunds: string[];
}
export type ReconcileWorkflow = (input: ReconcileInput) => Promise<ReconcileReport>;
