import type { Knex } from 'knex';
import type { ChangeRow } from '../activities/change-repository';
import type { AccountRow, IdentityRow, MessageRow, ReviewRow, VerificationRow } from '../platform/tables';

export type { AccountRow, MessageRow };
import { appError } from '../domain/errors';

/** Reads of the process read model (written only by activities). */

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
async function dueFirst<T extends { due_at: Date; id: string }>(query: Knex.QueryBuilder, limit: number, cursor: string | undefined): Promise<Page<T>> {
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

export function createReadModel(db: Knex) {
  return {
    account: (id: string): Promise<AccountRow | undefined> => db<AccountRow>('accounts').where({ id }).first(),
    verification: (id: string): Promise<VerificationRow | undefined> => db<VerificationRow>('verifications').where({ id }).first(),
    change: (id: string): Promise<ChangeRow | undefined> => db<ChangeRow>('changes').where({ id }).first(),
    /** Only a process's status and revision (what the sandbox watches while a process acts on a callback). */
    progress: async (table: 'verifications' | 'changes', id: string): Promise<{ status: string; revision: number } | null> =>
      (await db(table).where({ id }).first<{ status: string; revision: number } | undefined>('status', 'revision')) ?? null,
    changes: (accountId: string, limit: number, cursor?: string) => newestFirst<ChangeRow>(db('changes').where({ account_id: accountId }), limit, cursor),
    verifications: (accountId: string, limit: number, cursor?: string) =>
      newestFirst<VerificationRow>(db('verifications').where({ account_id: accountId }), limit, cursor),
    review: (id: string): Promise<ReviewRow | undefined> => db<ReviewRow>('reviews').where({ id }).first(),
    reviews: (filter: { status?: 'open' | 'decided' | undefined; kind?: string | undefined }, limit: number, cursor?: string) => {
      const query = db('reviews');
      if (filter.kind) query.where({ kind: filter.kind });
      // Open reviews: overdue first, then by due time (the queue's order); others newest first.
      if (filter.status === 'open') return dueFirst<ReviewRow>(query.where({ status: 'open' }), limit, cursor);
      if (filter.status === 'decided') query.whereIn('status', ['approved', 'rejected']);
      return newestFirst<ReviewRow>(query, limit, cursor);
    },
    /** Every review round of a process, oldest first. */
    reviewsOf: (processId: string): Promise<ReviewRow[]> => db<ReviewRow>('reviews').where({ process_id: processId }).orderBy([{ column: 'created_at' }, { column: 'id' }]),
    /** What the process's workflow recorded, oldest first: opened, each step, review rounds, closed. */
    processTimeline: (processId: string): Promise<{ at: Date; action: string; detail: Record<string, unknown> }[]> =>
      db('audit_events').where({ process_id: processId, actor_role: 'workflow' }).orderBy('seq').select('at', 'action', 'detail'),
    overdueReviews: async (at: Date): Promise<number> => {
      const [row] = await db('reviews').where({ status: 'open' }).andWhere('due_at', '<=', at).count<{ count: string }[]>({ count: '*' });
      return Number(row?.count ?? 0);
    },
    messages: (accountId: string, limit: number, cursor?: string) =>
      newestFirst<MessageRow>(db('messages').where({ account_id: accountId }), limit, cursor),
    async activeBindings(identityHash: string): Promise<{ used: number; limit: number | null }> {
      const [row] = await db('identity_bindings').where({ identity_hash: identityHash }).whereNull('released_at').count<{ count: string }[]>({ count: '*' });
      const identity = await db<IdentityRow>('identities').where({ identity_hash: identityHash }).first('quota_limit');
      return { used: Number(row?.count ?? 0), limit: identity?.quota_limit ?? null };
    },
    boundAccounts: async (identityHash: string): Promise<string[]> =>
      (await db<{ account_id: string; identity_hash: string; released_at: Date | null; bound_at: Date }>('identity_bindings').where({ identity_hash: identityHash }).whereNull('released_at').orderBy('bound_at').select('account_id')).map(
        (r) => r.account_id,
      ),
  };
}

export type ReadModel = ReturnType<typeof createReadModel>;
