import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ReconcileWorkflow } from '../messages';

/**
 * One sweep of the reconciler (SPEC §10 "every run closes"), started by its
 * Temporal Schedule every RECONCILE_INTERVAL: processes whose workflow ended
 * outside their own code are closed, and refunds whose workflow ended without
 * refunding are started again. Each sweep is short; the next one picks up
 * whatever this one could not.
 */
const sweep = proxyActivities<Pick<Activities, 'reconcileProcesses' | 'reconcileRefunds'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

export const reconcile: ReconcileWorkflow = async ({ refundGraceMs }) => {
  const processes = await sweep.reconcileProcesses();
  const refunds = await sweep.reconcileRefunds({ olderThanMs: refundGraceMs });
  if (processes.closed.length > 0 || refunds.restarted.length > 0) {
    log.warn('the reconciler closed stranded processes or restarted refunds', { closed: processes.closed.length, restartedRefunds: refunds.restarted.length });
  }
  return { checked: processes.checked, closed: processes.closed, restartedRefunds: refunds.restarted };
};
