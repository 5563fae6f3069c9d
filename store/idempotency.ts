import type { Db } from '../platform/db';
import { deleteDueBatch } from './bounded-delete';

/** Idempotency-Key reservations (api/http/idempotency.ts decides what they mean): one row per principal and key. */

export interface IdempotencyRow {
  principal: string;
  key: string;
  request_hash: string;
  seed: string;
  state: 'processing' | 'completed';
  response_status: number | null;
  response_body: unknown;
  created_at: Date;
  updated_at: Date;
}

type KeyOf = { principal: string; key: string };

/** Reserves the key for a new request; false when it was reserved before (nothing written). */
export async function insertReservation(db: Db, reservation: KeyOf & { requestHash: string; seed: string }): Promise<boolean> {
  const { principal, key } = reservation;
  const inserted = await db('idempotency_keys')
    .insert({ principal, key, request_hash: reservation.requestHash, seed: reservation.seed, state: 'processing' })
    .onConflict(['principal', 'key'])
    .ignore()
    .returning('seed');
  return inserted.length > 0;
}

export const reservationOf = (db: Db, { principal, key }: KeyOf): Promise<IdempotencyRow | undefined> =>
  db<IdempotencyRow>('idempotency_keys').where({ principal, key }).first();

/** Takes over a reservation still processing whose holder has not renewed it since `quietSince`; false when it was renewed. */
export async function takeOverReservation(db: Db, { principal, key }: KeyOf, quietSince: Date): Promise<boolean> {
  const takenOver = await db('idempotency_keys')
    .where({ principal, key, state: 'processing' })
    .andWhere('updated_at', '<', quietSince)
    .update({ updated_at: db.fn.now() });
  return takenOver > 0;
}

/** The holder is still answering: its lease runs on. */
export async function renewReservation(db: Db, { principal, key }: KeyOf): Promise<void> {
  await db('idempotency_keys').where({ principal, key, state: 'processing' }).update({ updated_at: db.fn.now() });
}

/** The answer, as the caller stored it (sealed), or none: a retry runs the request again. `accountId`: the account it concerns. */
export async function completeReservation(db: Db, { principal, key }: KeyOf, answer: { status: number; storedBody: string | null; accountId?: string | null }): Promise<void> {
  await db('idempotency_keys')
    .where({ principal, key })
    .update({ state: 'completed', response_status: answer.status, response_body: answer.storedBody, account_id: answer.accountId ?? null, updated_at: db.fn.now() });
}

/** Lapses the reservation at once, keeping its seed for the next retry. */
export async function abandonReservation(db: Db, { principal, key }: KeyOf): Promise<void> {
  await db('idempotency_keys')
    .where({ principal, key, state: 'processing' })
    .update({ updated_at: new Date(0) });
}

/**
 * Retention (SPEC §11, 24 hours as Stripe): deletes up to `limit` keys first
 * used before `cutoff`; returns how many. A key still being answered is kept
 * until its holder has been quiet since the cutoff too (a crashed holder's, or
 * an abandoned one's), so no request loses its reservation mid-answer.
 */
export const deleteAnswersBefore = (db: Db, cutoff: Date, limit: number): Promise<number> =>
  deleteDueBatch(db, 'idempotency_keys', ['principal', 'key'], (rows) =>
    rows.where('created_at', '<', cutoff).andWhere((q) => q.where({ state: 'completed' }).orWhere('updated_at', '<', cutoff)), limit);
