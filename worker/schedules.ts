import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Logger } from '../platform/logger';
import { reconcilerScheduleId, WorkflowTypes, type ReconcileWorkflow } from '../workflows/messages';

/**
 * The reconciler's Temporal Schedule (SPEC §10 "every run closes"), one per
 * task queue, visible on the Temporal UI's Schedules page: every
 * RECONCILE_INTERVAL it starts a `reconcile` run (workflows/operations/reconcile.ts).
 * Every worker ensures it at start: created once, updated when the interval
 * changed; a sweep still running when the next is due makes that one skip.
 */
export async function ensureReconcilerSchedule(client: Client, options: { taskQueue: string; intervalMs: number; logger: Logger }): Promise<void> {
  const { taskQueue, intervalMs } = options;
  const scheduleId = reconcilerScheduleId(taskQueue);
  const spec = { intervals: [{ every: intervalMs }] };
  const action: ScheduleOptionsStartWorkflowAction<ReconcileWorkflow> = {
    type: 'startWorkflow',
    workflowType: WorkflowTypes.reconcile,
    workflowId: `reconcile/${taskQueue}`,
    taskQueue,
    args: [{ refundGraceMs: intervalMs }],
  };
  // Missed sweeps are not made up for (the next one covers them): no burst after an outage.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(intervalMs, 10_000) };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies });
    options.logger.info({ scheduleId, intervalMs }, 'reconciler schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const sameInterval = current.spec.intervals?.length === 1 && current.spec.intervals[0]!.every === intervalMs;
    if (sameInterval && current.action.taskQueue === taskQueue) return;
    await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
    options.logger.info({ scheduleId, intervalMs }, 'reconciler schedule updated');
  }
}
