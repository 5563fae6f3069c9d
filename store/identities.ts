import { IDENTITY_QUOTA, type SubjectType } from '../domain/constants';
import type { Db } from '../platform/db';
import { sql, type Tx } from './tx';

/**
 * Quota identities (SPEC §2): each person or enterprise, by its keyed hash,
 * may verify a limited number of accounts. A binding holds one slot from the
 * completion that verified the account until a change moves the account on.
 */

export interface IdentityRow {
  identity_hash: string;
  subject_type: SubjectType;
  quota_limit: number | null;
  created_at: Date;
}

/** Locks the identity row: completions for one identity are serialized here, so the last slot is taken once. */
export async function lockIdentity(tx: Tx, identityHash: string, subjectType: SubjectType) {
  const trx = sql(tx);
  await trx('identities').insert({ identity_hash: identityHash, subject_type: subjectType }).onConflict('identity_hash').ignore();
  const identity = await trx<IdentityRow>('identities').where({ identity_hash: identityHash }).forUpdate().first();
  const limit = identity?.quota_limit ?? IDENTITY_QUOTA[subjectType];
  const [row] = await trx('identity_bindings')
    .where({ identity_hash: identityHash })
    .whereNull('released_at')
    .count<{ count: string }[]>({ count: '*' });
  return { limit, used: Number(row?.count ?? 0) };
}

/** Takes a slot (under lockIdentity's lock): for the verification that verified the account, or the change that switched it. */
export async function bindIdentity(tx: Tx, binding: { identityHash: string; accountId: string; verificationId: string | null; changeId?: string }): Promise<void> {
  await sql(tx)('identity_bindings').insert({
    identity_hash: binding.identityHash,
    account_id: binding.accountId,
    verification_id: binding.verificationId,
    ...(binding.changeId ? { change_id: binding.changeId } : {}),
  });
}

/** The account's subject moves on: the slot its identity held is free again. */
export async function releaseBindings(tx: Tx, accountId: string): Promise<void> {
  const trx = sql(tx);
  await trx('identity_bindings').where({ account_id: accountId }).whereNull('released_at').update({ released_at: trx.fn.now() });
}

/** An account manager's quota for an enterprise (admin), in place of the default. */
export async function setQuotaLimit(db: Db, identityHash: string, subjectType: SubjectType, limit: number): Promise<void> {
  await db('identities').insert({ identity_hash: identityHash, subject_type: subjectType, quota_limit: limit }).onConflict('identity_hash').merge({ quota_limit: limit });
}

// ---------------------------------------------------------------- reads

export async function activeBindings(db: Db, identityHash: string): Promise<{ used: number; limit: number | null }> {
  const [row] = await db('identity_bindings').where({ identity_hash: identityHash }).whereNull('released_at').count<{ count: string }[]>({ count: '*' });
  const identity = await db<IdentityRow>('identities').where({ identity_hash: identityHash }).first('quota_limit');
  return { used: Number(row?.count ?? 0), limit: identity?.quota_limit ?? null };
}

/** The accounts the identity verified, in the order they were bound. */
export const boundAccounts = async (db: Db, identityHash: string): Promise<string[]> =>
  (await db<{ account_id: string; identity_hash: string; released_at: Date | null; bound_at: Date }>('identity_bindings').where({ identity_hash: identityHash }).whereNull('released_at').orderBy('bound_at').select('account_id')).map(
    (r) => r.account_id,
  );
