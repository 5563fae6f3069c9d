import type { Knex } from 'knex';
import { heartbeat, log } from '@temporalio/activity';
import { refundNeedsRestart, strandedOutcome } from '../domain/stranded-runs';
import type { ChangeType } from '../domain/change-rules';
import type { FailureReason } from '../domain/constants';
import { dueRefunds, unfinishedRefunds } from '../platform/money-ledger';
import type { RefundStarter } from '../platform/refunds';
import type { WorkflowInspector } from '../platform/workflow-inspector';
import { refundWorkflowId } from '../workflows/messages';
import { changeVerificationIds, finishChange } from './change-repository';
import { changeNotice } from './change-texts';
import { finishVerification } from './repository';
import { revokeReview } from './review-repository';
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
  db: Knex;
  inspector: WorkflowInspector;
  refunds: RefundStarter;
  notify: {
    enterprise: (args: { verificationId: string; event: EnterpriseNoticeEvent; round: number; reason: string | null }) => Promise<void>;
    change: (args: { changeId: string; event: ChangeNoticeEvent; round: number; reason: string | null }) => Promise<void>;
  };
}

interface OpenProcess {
  kind: 'verification' | 'change';
  id: string;
  workflow_id: string;
  revision: number;
  type: string;
  subject_type: string | null;
  change_id: string | null;
}

const PAGE = 200;
/** Describes in flight at once: enough to sweep thousands a minute, little enough to leave the frontend be. */
const CONCURRENCY = 8;

/** Open processes after `after` (by workflow id), verifications and changes alike. */
async function openProcesses(db: Knex, after: string): Promise<OpenProcess[]> {
  const verifications = db('verifications')
    .where({ status: 'in_progress' })
    .select(db.raw("'verification' as kind"), 'id', 'workflow_id', 'revision', 'method as type', 'subject_type', 'change_id');
  const changes = db('changes')
    .where({ status: 'in_progress' })
    .select(db.raw("'change' as kind"), 'id', 'workflow_id', 'revision', 'type', db.raw('null as subject_type'), db.raw('null as change_id'));
  return db.select<OpenProcess[]>('*').from(verifications.unionAll(changes).as('p')).where('workflow_id', '>', after).orderBy('workflow_id').limit(PAGE);
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

export function createReconcileActivities(deps: ReconcileDeps) {
  const { db, inspector } = deps;

  /** Closes a process whose run ended outside its code, as its own closing would have. */
  async function closeStranded(p: OpenProcess, reason: FailureReason): Promise<void> {
    const revision = p.revision + 1;
    for (const review of await db('reviews').where({ process_id: p.id, status: 'open' }).select<{ id: string }[]>('id')) await revokeReview(db, review.id);
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
        const page = await openProcesses(db, after);
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
