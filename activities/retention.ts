import { ApplicationFailure } from '@temporalio/common';
import { Context, heartbeat, log } from '@temporalio/activity';
import { isRetentionCategory, type RetentionCategory } from '../domain/retention';
import type { Db } from '../platform/db';
import type { Metrics } from '../platform/metrics';
import { RETENTION_DELETES } from '../store/retention';

/**
 * Retention's side effect (SPEC §11): a category's rows that fell due before
 * a cutoff the run fixed are deleted in short statements, each heartbeating,
 * up to a bound per run. Idempotent: the cutoff travels in the arguments, so a
 * retried attempt deletes what is still there and nothing younger.
 */

export interface RetentionDeps {
  db: Db;
  /** Counts what is deleted (retention_deleted_total); absent in tests that do not look. */
  metrics?: Pick<Metrics, 'retentionDeleted'>;
}

export interface DeleteExpiredArgs {
  category: RetentionCategory;
  /** ISO instant: rows last used before it are due. */
  cutoff: string;
  batchSize: number;
  maxBatches: number;
}

/** Where an attempt got to, as its heartbeats tell the next attempt. */
interface Progress {
  deleted: number;
  batches: number;
}

export function createRetentionActivities(deps: RetentionDeps) {
  return {
    /** Deletes the category's rows due before the cutoff; `more`: the bound was reached before all were gone. */
    async deleteExpired(args: DeleteExpiredArgs): Promise<{ deleted: number; more: boolean }> {
      const { category, batchSize, maxBatches } = args;
      if (!isRetentionCategory(category)) throw ApplicationFailure.nonRetryable(`no retention category ${String(category)}`, 'UnknownRetentionCategory');
      const cutoff = new Date(args.cutoff);
      // A retried attempt goes on from its predecessor's last heartbeat, so the run's count covers both.
      const progress: Progress = { deleted: 0, batches: 0, ...(Context.current().info.heartbeatDetails as Progress | undefined) };
      const finish = (more: boolean) => {
        if (progress.deleted > 0) log.info('retention deleted', { category, cutoff: args.cutoff, deleted: progress.deleted, more });
        return { deleted: progress.deleted, more };
      };
      for (const deleteBatch of RETENTION_DELETES[category]) {
        for (let full = true; full; ) {
          if (progress.batches >= maxBatches) return finish(true);
          const deleted = await deleteBatch(deps.db, cutoff, batchSize);
          progress.batches += 1;
          progress.deleted += deleted;
          deps.metrics?.retentionDeleted.inc({ category }, deleted);
          heartbeat({ ...progress });
          full = deleted === batchSize;
        }
      }
      return finish(false);
    },
  };
}
