import type { RetentionCategory } from '../domain/retention';
import type { Db } from '../platform/db';
import { deleteAuditBefore } from './audit';
import { deleteAnswersBefore } from './idempotency';
import { eraseLookupsBefore } from './lookup-erasure';
import { eraseOrphanKeysBefore } from './orphan-keys';
import { deletePageSessionsBefore } from './page-sessions';
import { eraseUnfinishedBefore } from './process-erasure';
import { deleteEventsBefore } from './provider-events';
import { eraseReplacedSubjectsBefore } from './replaced-subject-erasure';
import { deleteDeliveriesBefore } from './webhook-endpoints';
import { deleteEventsBefore as deleteWebhookEventsBefore } from './webhook-event-log';

/**
 * What one batch did: how many rows it deleted or erased, as a number when
 * the batch is full exactly when that reached its limit; otherwise with
 * `full` saying whether it reached a bound of its own (more may be due).
 */
export type BatchOutcome = number | { erased: number; full: boolean };

/** Deletes (or erases) up to `limit` of one table's rows that fell due before `cutoff`. */
export type BatchDelete = (db: Db, cutoff: Date, limit: number) => Promise<BatchOutcome>;

/**
 * What retention (SPEC §11) deletes for each category the database holds
 * alone, table by table: each aggregate's module knows which of its rows are
 * still in use (an answer still being given, an event whose decision is
 * pending, an event not handed over yet) and keeps them whatever their age.
 * Uploads have files too: their retention runs in activities/retention.ts.
 */
export const RETENTION_DELETES: Record<Exclude<RetentionCategory, 'uploads'>, readonly BatchDelete[]> = {
  idempotency: [deleteAnswersBefore],
  'provider-events': [deleteEventsBefore],
  webhooks: [deleteDeliveriesBefore],
  // The event log: from when each event happened (one not handed over yet is kept).
  events: [deleteWebhookEventsBefore],
  audit: [deleteAuditBefore],
  // From when a row last opened anything: the link's hour, or the browser session it opened.
  'page-sessions': [deletePageSessionsBefore],
  // Erased, not deleted: the process stays, as status, method and times. A lookup never verifies: whatever its outcome.
  'unfinished-processes': [eraseUnfinishedBefore, eraseLookupsBefore, eraseOrphanKeysBefore],
  'replaced-subjects': [eraseReplacedSubjectsBefore],
};
