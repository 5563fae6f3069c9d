import { heartbeat, log } from '@temporalio/activity';
import { refundNeedsRestart, strandedOutcome } from '../domain/stranded-runs';
import type { ChangeType } from '../domain/change-rules';
import type { FailureReason } from '../domain/constants';
import type { Db } from '../platform/db';
import type { RefundStarter } from '../platform/refunds';
import type { WorkflowInspector } from '../platform/workflow-inspector';
import { changeVerificationIds, finishChange } from '../store/changes';
import { dueRefunds, unfinishedRefunds } from '../store/ledger';
import { finishLookup } from '../store/lookups';
import { openProcessesAfter, type OpenProcess } from '../store/processes';
import { openReviewIdsOf, revokeReview } from '../store/reviews';
import { finishVerification } from '../store/verifications';
import { refundWorkflowId } from '../workflows/messages';
import { changeNotice } from './change-texts';
import { outcomeMessage } from './texts';
import type { ChangeNoticeEvent } from './change-texts';
import type { EnterpriseNoticeEvent } from './texts';

/**
 * The reconciler's activities (SPEC §10 "every run closes"). A run that ends
 * outside its own code — terminated in the Temporal UI, failed by the engine
 * at its history limit, timed out — runs none of its closing: its read-model
 * row stays open and the account locked. The sweep describes each open
 * process's workflow by id and closes those that no longer run the way the
 * process itself would have: the account freed, its money settled and the
 * refunds started, its review withdrawn, the outcome notified (the webhook
 * event is written with the outcome). It also restarts refunds whose workflow
 * was terminated or failed. Everything here is idempotent.
 */

export interface ReconcileDeps {
  db: Db;
  inspector: WorkflowInspector;
  refunds: RefundStarter;
  notify: {
    enterprise: (args: { verificationId: string; event: EnterpriseNoticeEvent; round: number; reason: string | null }) => Promise<void>;
    change: (args: { changeId: string; event: ChangeNoticeEvent; round: number; reason: string | null }) => Promise<void>;
  };
}

const PAGE = 200;
/** Describes in flight at once: enough to sweep thousands a minute, little enough to leave the frontend be. */
const CONCURRENCY = 8;

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

export function createReconcileActivities(deps: ReconcileDeps) {
  const { db, inspector } = deps;

  /** Closes a process whose run ended outside its code, as its own closing would have. */
  async function closeStranded(p: OpenProcess, reason: FailureReason): Promise<void> {
    const revision = p.revision + 1;
    if (p.kind === 'lookup') {
      // A lookup holds no slot, money or review, and tells no one: it ends showing nothing.
      await finishLookup(db, { lookupId: p.id, revision, outcome: { status: 'failed', failureReason: reason } });
      log.warn('closed a lookup whose workflow no longer runs', { processId: p.id, workflowId: p.workflow_id, failureReason: reason });
      return;
    }
    for (const reviewId of await openReviewIdsOf(db, p.id)) await revokeReview(db, reviewId);
    if (p.kind === 'verification') {
      const outcome = { status: 'failed' as const, failureReason: reason };
      await finishVerification(db, { verificationId: p.id, revision, outcome, message: outcomeMessage(outcome) });
      await deps.refunds.start(await dueRefunds(db, [p.id]), 'the process that held it ended');
      if (p.subject_type === 'enterprise' && !p.change_id) await deps.notify.enterprise({ verificationId: p.id, event: 'failed', round: 0, reason });
    } else {
      const outcome = { status: 'failed' as const, failureReason: reason };
      await finishChange(db, { changeId: p.id, revision, outcome, message: changeNotice(p.type as ChangeType, 'failed', reason) });
      await deps.refunds.start(await dueRefunds(db, await changeVerificationIds(db, p.id)), 'the process that held it ended');
      await deps.notify.change({ changeId: p.id, event: 'failed', round: 0, reason });
    }
    log.warn('closed a process whose workflow no longer runs', { processId: p.id, workflowId: p.workflow_id, failureReason: reason });
  }

  return {
    /** Every open process whose workflow no longer runs is closed (see the module's comment). */
    async reconcileProcesses(): Promise<{ checked: number; closed: string[] }> {
      const running = await inspector.runningProcessIds();
      const closed: string[] = [];
      let checked = 0;
      for (let after = ''; ; ) {
        const page = await openProcessesAfter(db, after, PAGE);
        if (page.length === 0) break;
        checked += page.length;
        // Visibility lags: a run it does not list as running is described before anything is decided.
        await inBatches(page.filter((p) => !running?.has(p.workflow_id)), async (p) => {
          const reason = strandedOutcome(await inspector.statusOf(p.workflow_id));
          if (!reason) return;
          await closeStranded(p, reason);
          closed.push(p.id);
        });
        after = page.at(-1)!.workflow_id;
        heartbeat({ after });
      }
      return { checked, closed };
    },

    /** Refunds decided at least `olderThanMs` ago whose workflow is not running and did not complete: started again. */
    async reconcileRefunds(args: { olderThanMs: number }): Promise<{ restarted: string[] }> {
      const restarted: string[] = [];
      await inBatches(await unfinishedRefunds(db, args.olderThanMs), async ({ transfer_id }) => {
        if (!refundNeedsRestart(await inspector.statusOf(refundWorkflowId(transfer_id)))) return;
        await deps.refunds.start([transfer_id], 'restarted by the reconciler: its workflow had ended without refunding');
        restarted.push(transfer_id);
        heartbeat({ restarted: restarted.length });
      });
      if (restarted.length > 0) log.warn('restarted refunds whose workflow had ended', { count: restarted.length });
      return { restarted };
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
