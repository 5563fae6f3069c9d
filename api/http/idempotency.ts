import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, appError } from '../../domain/errors';
import type { PiiCipher } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import * as keys from '../../store/idempotency';
import { problemOf, statusOf } from './problem';

/**
 * Idempotency-Key on creating POSTs, kept in Postgres. The first request with a
 * key reserves it with a seed from which the new resource's id derives; a retry
 * after a crash therefore reaches the same resource (the same workflow id)
 * instead of creating a second one. Stored answers are sealed with the PII
 * cipher (they hold personal data); answers that must never be replayed (an
 * access token) are not stored at all: a retry runs the request again.
 */

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** What a key may be, once HTTP has dropped the spaces around it: 1-255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** The header as the document declares it: HTTP drops spaces and tabs around a value before the server reads the key. */
export const IdempotencyKeyHeader = z.string().regex(/^[ \t]*[\x21-\x7e]{1,255}[ \t]*$/).optional();
/** A reservation not renewed within this time (its holder crashed) is taken over by the next retry. */
const LEASE_MS = 15_000;
/** While a request is being answered, its holder renews the lease this often. */
const RENEW_MS = 5_000;

export type Reservation =
  | { kind: 'new'; seed: string }
  | { kind: 'replay'; status: number; body: unknown };

/** JSON with object keys sorted, so the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
}

export function validateKey(key: string): void {
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw appError('VALIDATION_FAILED', `${IDEMPOTENCY_HEADER} must be 1-255 visible ASCII characters.`, {
      errors: [{ path: `header.${IDEMPOTENCY_HEADER}`, message: 'invalid idempotency key' }],
    });
  }
}

/** How a retry is answered: with the stored answer, or (secrets such as tokens) by running the request again under the same seed. */
export type ReplayMode = 'stored' | 'rerun';

export class IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: PiiCipher,
  ) {}

  private seal(body: unknown): string {
    return JSON.stringify({ sealed: this.cipher.encrypt(JSON.stringify(body ?? null)) });
  }

  private unseal(stored: unknown): unknown {
    const sealed = (stored as { sealed?: unknown } | null)?.sealed;
    // Rows written before answers were sealed hold the answer itself.
    return typeof sealed === 'string' ? JSON.parse(this.cipher.decrypt(sealed)) : stored;
  }

  async reserve(principal: string, key: string, hash: string): Promise<Reservation> {
    const seed = randomUUID();
    if (await keys.insertReservation(this.db, { principal, key, requestHash: hash, seed })) return { kind: 'new', seed };

    const row = await keys.reservationOf(this.db, { principal, key });
    if (!row) return this.reserve(principal, key, hash);
    if (row.request_hash !== hash) {
      throw appError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used with a different request.');
    }
    if (row.state === 'completed' && row.response_body !== null) return { kind: 'replay', status: row.response_status ?? 200, body: this.unseal(row.response_body) };
    if (row.state === 'completed') return { kind: 'new', seed: row.seed };
    // Still processing: take over only a reservation whose holder has gone quiet.
    const takenOver = await keys.takeOverReservation(this.db, { principal, key }, new Date(Date.now() - LEASE_MS));
    if (!takenOver) {
      const lapsesIn = new Date(row.updated_at).getTime() + LEASE_MS - Date.now();
      const retryAfterSeconds = Math.min(Math.ceil(LEASE_MS / 1000), Math.max(1, Math.ceil(lapsesIn / 1000)));
      throw appError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being answered; retry after Retry-After seconds.', { retryAfterSeconds });
    }
    return { kind: 'new', seed: row.seed };
  }

  /**
   * Runs `work` under a key: a retry gets the stored answer; a refusal (a 4xx
   * AppError) is the request's answer and is stored too; a failure on our side
   * is not, and the next retry takes over with the same seed.
   */
  async execute(
    principal: string,
    key: string,
    hash: string,
    work: (seed: string) => Promise<{ status: number; body: unknown }>,
    mode: ReplayMode = 'stored',
    /** The account the answer concerns: kept beside it, so the account's closure deletes it (SPEC §11). */
    accountOf: (answer: unknown) => Promise<string | undefined> = async () => undefined,
  ): Promise<{ status: number; body: unknown; replayed: boolean }> {
    const reservation = await this.reserve(principal, key, hash);
    if (reservation.kind === 'replay') return { status: reservation.status, body: reservation.body, replayed: true };
    // A long answer (a workflow that takes a while to open) keeps its reservation; a crashed one lets go within LEASE_MS.
    const renewal = setInterval(() => void this.renew(principal, key).catch(() => undefined), RENEW_MS);
    try {
      const answer = await work(reservation.seed);
      await this.complete(principal, key, answer.status, mode === 'stored' ? answer.body : undefined, await accountOf(answer.body));
      return { ...answer, replayed: false };
    } catch (err) {
      if (err instanceof AppError && statusOf(err.code) < 500) {
        await this.complete(principal, key, statusOf(err.code), problemOf(err.code, err.detail, err.extras), await accountOf(undefined).catch(() => undefined));
      } else {
        await this.abandon(principal, key).catch(() => undefined);
      }
      throw err;
    } finally {
      clearInterval(renewal);
    }
  }

  private async renew(principal: string, key: string): Promise<void> {
    await keys.renewReservation(this.db, { principal, key });
  }

  /** Records the answer (sealed); without a body (`rerun`), a retry runs the request again. */
  async complete(principal: string, key: string, status: number, body: unknown, accountId?: string): Promise<void> {
    await keys.completeReservation(this.db, { principal, key }, { status, storedBody: body === undefined ? null : this.seal(body), accountId: accountId ?? null });
  }

  /** The request failed on our side: let the next retry take over at once, with the same seed. */
  async abandon(principal: string, key: string): Promise<void> {
    await keys.abandonReservation(this.db, { principal, key });
  }
}
