import { ApplicationFailure } from '@temporalio/common';
import { Context, heartbeat, log } from '@temporalio/activity';
import type { FileStorage } from '../adapters/types';
import { isRetentionCategory, type RetentionCategory } from '../domain/retention';
import type { Db } from '../platform/db';
import type { Metrics } from '../platform/metrics';
import { RETENTION_DELETES, type BatchOutcome } from '../store/retention';
import { finishUploadErasure, markUnusedUploadsBefore, uploadsBeingErased } from '../store/upload-erasure';

/**
 * Retention's side effect (SPEC §11): a category's rows that fell due before
 * a cutoff the run fixed are deleted (personal data: erased) in short
 * statements, each heartbeating, up to a bound per run. Idempotent: the cutoff
 * travels in the arguments, so a retried attempt deletes what is still there
 * and nothing younger.
 */

export interface RetentionDeps {
  db: Db;
  /** Where uploads' files are: the `uploads` category deletes them. */
  storage: Pick<FileStorage, 'delete'>;
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

type Batch = (cutoff: Date, limit: number) => Promise<BatchOutcome>;

/**
 * One batch of uploads' retention (store/upload-erasure.ts): unused uploads
 * past the cutoff are marked erased (committed: from then on nothing reads
 * their files or takes them up), then the marked files are deleted — those
 * this batch marked and any a crashed batch left — and only then do their
 * rows stop naming them. Counts the files deleted.
 */
async function eraseUploadsBefore(deps: RetentionDeps, cutoff: Date, limit: number): Promise<BatchOutcome> {
  const { examined } = await markUnusedUploadsBefore(deps.db, cutoff, limit);
  const pending = await uploadsBeingErased(deps.db, limit);
  // A file another upload still uses (stored before sealing, shared by content) stays; its row is erased all the same.
  for (const { file } of pending) if (file) await deps.storage.delete(file);
  await finishUploadErasure(deps.db, pending.map((u) => u.id));
  return { erased: pending.length, full: examined === limit || pending.length === limit };
}

/** The category's batches, in order: the database's own, or the uploads' (which delete files too). */
function batchesOf(deps: RetentionDeps, category: RetentionCategory): readonly Batch[] {
  if (category === 'uploads') return [(cutoff, limit) => eraseUploadsBefore(deps, cutoff, limit)];
  return RETENTION_DELETES[category].map((batch): Batch => (cutoff, limit) => batch(deps.db, cutoff, limit));
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
      for (const batch of batchesOf(deps, category)) {
        for (let full = true; full; ) {
          if (progress.batches >= maxBatches) return finish(true);
          const outcome = await batch(cutoff, batchSize);
          const deleted = typeof outcome === 'number' ? outcome : outcome.erased;
          progress.batches += 1;
          progress.deleted += deleted;
          deps.metrics?.retentionDeleted.inc({ category }, deleted);
          heartbeat({ ...progress });
          full = typeof outcome === 'number' ? deleted === batchSize : outcome.full;
        }
      }
      return finish(false);
    },
  };
}
