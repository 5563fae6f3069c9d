import type { Knex } from 'knex';
import { appError } from '../domain/errors';

/** Keyset pagination of list reads: stable pages while rows are added. */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A page position: `<created_at in ms>.<id>`. Every string of this form is a
 * position (a page after it, maybe empty), so the query schema's pattern is
 * the whole rule and no well-formed cursor is refused.
 */
export const PAGE_CURSOR = /^[0-9]{1,15}\.[A-Za-z0-9_]{1,64}$/;

function encodeCursor(row: { created_at: Date; id: string }): string {
  return `${new Date(row.created_at).getTime()}.${row.id}`;
}

function decodeCursor(cursor: string): [number, string] {
  if (!PAGE_CURSOR.test(cursor)) {
    throw appError('VALIDATION_FAILED', 'The cursor is not one this API returned.', { errors: [{ path: 'query.cursor', message: 'invalid cursor' }] });
  }
  const dot = cursor.indexOf('.');
  return [Number(cursor.slice(0, dot)), cursor.slice(dot + 1)];
}

/** Soonest due first, keyset-paginated on (due_at, id); the cursor's time is the due time. */
export async function dueFirst<T extends { due_at: Date; id: string }>(query: Knex.QueryBuilder, limit: number, cursor: string | undefined): Promise<Page<T>> {
  if (cursor) {
    const [dueAtMs, id] = decodeCursor(cursor);
    query.whereRaw('(due_at, id) > (to_timestamp(?::double precision / 1000), ?)', [dueAtMs, id]);
  }
  const rows = (await query.orderBy([{ column: 'due_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(limit + 1)) as T[];
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${new Date(last.due_at).getTime()}.${last.id}` : null };
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while rows are added. */
export async function newestFirst<T extends { created_at: Date; id: string }>(
  query: Knex.QueryBuilder,
  limit: number,
  cursor: string | undefined,
): Promise<Page<T>> {
  if (cursor) {
    const [createdAtMs, id] = decodeCursor(cursor);
    query.whereRaw('(created_at, id) < (to_timestamp(?::double precision / 1000), ?)', [createdAtMs, id]);
  }
  const rows = (await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1)) as T[];
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}
