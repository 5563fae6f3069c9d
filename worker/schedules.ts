import { isDeepStrictEqual } from 'node:util';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { formatDuration } from '../domain/duration';
import { RETENTION_MAX_BATCHES_PER_RUN, retentionRules, retentionVerb, type RetentionSettings } from '../domain/retention';
import type { Logger } from '../platform/logger';
import { reconcilerScheduleId, retentionScheduleId, WorkflowTypes, type ReconcileWorkflow, type RetentionWorkflow } from '../workflows/messages';

/** A Temporal Schedule that starts one workflow every interval, visible on the Temporal UI's Schedules page. */
interface IntervalSchedule<W extends Workflow> {
  scheduleId: string;
  intervalMs: number;
  action: ScheduleOptionsStartWorkflowAction<W>;
  /** What it does, shown in the UI beside it (set when it is created: a paused schedule's note is the operator's). */
  note: string;
}

/**
 * Every worker ensures the service's schedules at start: created once, updated
 * when the interval, the workflow, its task queue or its arguments changed.
 * Their state is left alone, so a schedule an operator paused stays paused
 * through restarts and deployments. A run still going when the next is due
 * makes that one skip; missed runs are not made up for (the next one covers
 * them): no burst after an outage.
 */
async function ensureIntervalSchedule<W extends Workflow>(client: Client, schedule: IntervalSchedule<W>, logger: Logger): Promise<void> {
  const { scheduleId, intervalMs, action, note } = schedule;
  const spec = { intervals: [{ every: intervalMs }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: Math.max(intervalMs, 10_000) };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, state: { note } });
    logger.info({ scheduleId, intervalMs }, 'schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const sameInterval = current.spec.intervals?.length === 1 && current.spec.intervals[0]!.every === intervalMs;
    const was = current.action.type === 'startWorkflow' ? current.action : undefined;
    const sameAction = was?.workflowType === action.workflowType && was.workflowId === action.workflowId && was.taskQueue === action.taskQueue && isDeepStrictEqual(was.args, action.args);
    if (sameInterval && sameAction) return;
    await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
    logger.info({ scheduleId, intervalMs, paused: current.state.paused }, 'schedule updated');
  }
}

/**
 * The reconciler's schedule (SPEC §10 "every run closes"), one per task queue:
 * every RECONCILE_INTERVAL it starts a `reconcile` run (workflows/operations/reconcile.ts).
 */
export async function ensureReconcilerSchedule(client: Client, options: { taskQueue: string; intervalMs: number; logger: Logger }): Promise<void> {
  const { taskQueue, intervalMs } = options;
  const action: ScheduleOptionsStartWorkflowAction<ReconcileWorkflow> = {
    type: 'startWorkflow',
    workflowType: WorkflowTypes.reconcile,
    workflowId: `reconcile/${taskQueue}`,
    taskQueue,
    args: [{ refundGraceMs: intervalMs }],
  };
  const note = 'SPEC §10: closes processes whose workflow ended outside their code and restarts stalled refunds';
  await ensureIntervalSchedule(client, { scheduleId: reconcilerScheduleId(taskQueue), intervalMs, action, note }, options.logger);
}

/**
 * Retention's schedules (SPEC §11), one per category and task queue
 * (retention/<category>/<task queue>): every RETENTION_INTERVAL each starts a
 * `retention` run (workflows/operations/retention.ts) for its category. One
 * schedule per category so that an operator can pause one (an audit trail held
 * for an investigation) while the others go on, and so that a long backlog in
 * one never makes another's runs skip.
 */
export async function ensureRetentionSchedules(client: Client, options: { taskQueue: string; retention: RetentionSettings; logger: Logger }): Promise<void> {
  const { taskQueue, retention } = options;
  for (const rule of retentionRules(retention.periods)) {
    const scheduleId = retentionScheduleId(rule.category, taskQueue);
    const action: ScheduleOptionsStartWorkflowAction<RetentionWorkflow> = {
      type: 'startWorkflow',
      workflowType: WorkflowTypes.retention,
      workflowId: scheduleId,
      taskQueue,
      args: [{ rules: [rule], batchSize: retention.batchSize, maxBatchesPerRun: RETENTION_MAX_BATCHES_PER_RUN }],
    };
    const note = `SPEC §11: ${retentionVerb(rule.category)} ${rule.category} older than ${formatDuration(rule.keepMs)}; pause it to keep them`;
    await ensureIntervalSchedule(client, { scheduleId, intervalMs: retention.intervalMs, action, note }, options.logger);
  }
}
