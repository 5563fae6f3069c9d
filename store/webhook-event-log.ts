import type { Db } from '../platform/db';
import { deleteDueBatch } from './bounded-delete';
import { newestFirst, type Page } from './paging';
import type { WebhookEventRow, WebhookEventType } from './webhook-events';

/**
 * The event log (API.md "Webhooks to clients"): the outbox's events, kept
 * RETENTION_EVENTS (30 days) from when they happened, listed newest first, and
 * replayed to one endpoint on request: a replay queues the events here
 * (webhook_replays) and the dispatcher hands them to that endpoint's delivery
 * workflows (webhooks/dispatcher.ts), so a large replay is answered at once.
 */

export interface EventFilter {
  type?: WebhookEventType | undefined;
  since?: Date | undefined;
}

export function eventsPage(db: Db, filter: EventFilter, limit: number, cursor?: string): Promise<Page<WebhookEventRow>> {
  const query = db<WebhookEventRow>('webhook_events');
  if (filter.type) query.where({ type: filter.type });
  if (filter.since) query.where('created_at', '>=', filter.since);
  return newestFirst<WebhookEventRow>(query, limit, cursor);
}

/** Which events a replay resends: those since a time, or those named. */
export type ReplaySelection = { since: Date } | { eventIds: string[] };

/**
 * Queues the selected events for one endpoint, in outbox order, and returns
 * how many: only events it was registered for (those after its creation), as
 * the dispatcher addresses them.
 */
export async function queueReplay(db: Db, endpoint: { id: string; created_at: Date }, selection: ReplaySelection): Promise<number> {
  const events = db('webhook_events').where('created_at', '>=', endpoint.created_at).orderBy('seq');
  if ('since' in selection) events.where('created_at', '>=', selection.since);
  else events.whereIn('id', selection.eventIds);
  const seqs = (await events.pluck('seq')) as string[];
  await db.transaction(async (trx) => {
    for (let i = 0; i < seqs.length; i += REPLAY_INSERT_BATCH) {
      await trx('webhook_replays').insert(seqs.slice(i, i + REPLAY_INSERT_BATCH).map((seq) => ({ endpoint_id: endpoint.id, event_seq: seq })));
    }
  });
  return seqs.length;
}

const REPLAY_INSERT_BATCH = 1000;

export type QueuedReplay = { replay_seq: string; endpoint_id: string } & Partial<WebhookEventRow>;

/** The next queued replays, in the order they were queued, with their events (absent: retention deleted it meanwhile). */
export const queuedReplays = (db: Db, limit: number): Promise<QueuedReplay[]> =>
  db('webhook_replays as r')
    .leftJoin('webhook_events as e', 'e.seq', 'r.event_seq')
    .orderBy('r.seq')
    .limit(limit)
    .select('r.seq as replay_seq', 'r.endpoint_id', 'e.*');

export async function deleteReplays(db: Db, replaySeqs: string[]): Promise<void> {
  if (replaySeqs.length > 0) await db('webhook_replays').whereIn('seq', replaySeqs).delete();
}

/**
 * Retention (SPEC §11, RETENTION_EVENTS, 30 days): deletes up to `limit` events
 * that happened before `cutoff`; returns how many. An event not handed over
 * yet is kept (the delivery workflows carry their own copy of the others).
 */
export const deleteEventsBefore = (db: Db, cutoff: Date, limit: number): Promise<number> =>
  deleteDueBatch(db, 'webhook_events', ['seq'], (rows) => rows.where('created_at', '<', cutoff).whereNotNull('dispatched_at'), limit);
