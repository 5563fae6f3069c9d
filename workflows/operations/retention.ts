import { log, proxyActivities } from '@temporalio/workflow';
import { dueCutoffs } from '../../domain/retention';
import type { Activities } from '../../activities';
import type { RetentionReport, RetentionWorkflow } from '../messages';

/**
 * One run of retention (SPEC §11), started by a category's Temporal Schedule
 * every RETENTION_INTERVAL: for each category it is given, the rows that fell
 * due before the run's own now are deleted, a bounded number of batches each;
 * what is left waits for the next run. An operator pauses a category on the
 * UI's Schedules page.
 */
const retentionActivities = proxyActivities<Pick<Activities, 'deleteExpired'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

export const retention: RetentionWorkflow = async ({ rules, batchSize, maxBatchesPerRun }) => {
  const report: RetentionReport = { deleted: {}, unfinished: [] };
  // The workflow's clock: the same cutoff on replay and on every retry of the activity.
  for (const { category, cutoff } of dueCutoffs(Date.now(), rules)) {
    const { deleted, more } = await retentionActivities.deleteExpired({ category, cutoff, batchSize, maxBatches: maxBatchesPerRun });
    report.deleted[category] = deleted;
    if (more) report.unfinished.push(category);
  }
  if (report.unfinished.length > 0) log.warn('retention reached its bound per run; the next run goes on', { unfinished: report.unfinished });
  return report;
};
