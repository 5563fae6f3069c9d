import type { Db } from '../platform/db';
import { deleteDueBatch } from './bounded-delete';

/**
 * Provider callbacks received (api/callbacks/routes.ts): one row per provider
 * and event id, holding the decision taken on it (where it was routed) and
 * its outcome, so a redelivered event is answered from here.
 */

export interface ProviderEventRow {
  provider: string;
  event_id: string;
  type: string;
  reference: string | null;
  outcome: string;
}

type EventKey = { provider: string; eventId: string };

/** The outcome of a recorded event whose decision was not carried out yet (a crash or a failure in between): a redelivery carries it out. */
export const PENDING_OUTCOME = 'pending';

const events = (db: Db) => db<ProviderEventRow>('provider_events');

export const recordedEvent = (db: Db, { provider, eventId }: EventKey): Promise<Pick<ProviderEventRow, 'reference' | 'outcome'> | undefined> =>
  events(db).where({ provider, event_id: eventId }).first('reference', 'outcome');

/** Records the event with its decision, before its effect; false when another delivery recorded it first. */
export async function recordDecision(db: Db, event: EventKey & { type: string; reference: string | null; outcome: string }): Promise<boolean> {
  const recorded = await events(db)
    .insert({ provider: event.provider, event_id: event.eventId, type: event.type, reference: event.reference, outcome: event.outcome })
    .onConflict(['provider', 'event_id'])
    .ignore()
    .returning('event_id');
  return recorded.length > 0;
}

/** Where the recorded decision routed the event (null: nowhere, or not recorded). */
export const recordedReference = async (db: Db, { provider, eventId }: EventKey): Promise<string | null> =>
  (await events(db).where({ provider, event_id: eventId }).first('reference'))?.reference ?? null;

/** The decision carried out: where it went, and what came of it. */
export async function recordOutcome(db: Db, { provider, eventId }: EventKey, done: { reference: string | null; outcome: string }): Promise<void> {
  await events(db).where({ provider, event_id: eventId }).update({ reference: done.reference, outcome: done.outcome });
}

/**
 * Retention (SPEC §11, 30 days): deletes up to `limit` events received before
 * `cutoff` whose decision was carried out; returns how many. A pending one is
 * kept, whatever its age: the provider's redelivery must find its decision.
 */
export const deleteEventsBefore = (db: Db, cutoff: Date, limit: number): Promise<number> =>
  deleteDueBatch(db, 'provider_events', ['provider', 'event_id'], (rows) => rows.where('received_at', '<', cutoff).andWhereNot({ outcome: PENDING_OUTCOME }), limit);
