import type { RetentionCategory, RetentionRule } from '../domain/retention';

/**
 * What the service's own workflows take, beside the processes: refunds (money
 * going back to its sender), the reconciler's sweeps and retention's runs.
 * Pure definitions, safe in the workflow sandbox; messages.ts re-exports them.
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

/** Retention's schedule of one category, per task queue (SPEC §11); its runs start as the same id followed by their time. */
export const retentionScheduleId = (category: RetentionCategory, taskQueue: string) => `retention/${category}/${taskQueue}`;
export interface RetentionInput {
  /** The categories this run deletes, each with how long it is kept. */
  rules: RetentionRule[];
  /** Rows per delete statement. */
  batchSize: number;
  /** Statements per category and run at most; what is left waits for the next run. */
  maxBatchesPerRun: number;
}
export interface RetentionReport {
  /** Rows deleted, by category. */
  deleted: Partial<Record<RetentionCategory, number>>;
  /** Categories that reached the run's bound: the next run goes on. */
  unfinished: RetentionCategory[];
}
export type RetentionWorkflow = (input: RetentionInput) => Promise<RetentionReport>;
