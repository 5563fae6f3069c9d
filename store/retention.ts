import type { RetentionCategory } from '../domain/retention';
import type { Db } from '../platform/db';
import { deleteAuditBefore } from './audit';
import { deleteAnswersBefore } from './idempotency';
import { eraseLookupsBefore } from './lookup-erasure';
import { eraseOrphanKeysBefore } from './orphan-keys';
import { eraseUnfinishedBefore } from './process-erasure';
import { deleteEventsBefore } from './provider-events';
import { deleteDeliveriesBefore } from './webhook-endpoints';
import { deleteDispatchedBefore } from './webhook-events';

/** Deletes up to `limit` of one table's rows that fell due before `cutoff`; returns how many. */
export type BatchDelete = (db: Db, cutoff: Date, limit: number) => Promise<number>;

/**
 * What retention (SPEC §11) deletes for each category, table by table: each
 * aggregate's module knows which of its rows are still in use (an answer
 * still being given, an event whose decision is pending, an event not handed
 * over yet) and keeps them whatever their age.
 */
export const RETENTION_DELETES: Record<RetentionCategory, readonly BatchDelete[]> = {
  idempotency: [deleteAnswersBefore],
  'provider-events': [deleteEventsBefore],
  webhooks: [deleteDeliveriesBefore, deleteDispatchedBefore],
  audit: [deleteAuditBefore],
  // Erased, not deleted: the process stays, as status, method and times. A lookup never verifies: whatever its outcome.
  'unfinished-processes': [eraseUnfinishedBefore, eraseLookupsBefore, eraseOrphanKeysBefore],
};
