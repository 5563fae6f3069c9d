import type { IdentityLookup } from '../contracts/identity-lookup';
import type { LookupRow } from '../store/lookups';
import { timestamp } from './time';

/**
 * A "find my accounts" lookup as its creator sees it (API.md): the accounts
 * only once the check passed; a failed or expired check shows none.
 */
export function lookupView(row: LookupRow): IdentityLookup {
  return {
    id: row.id,
    status: row.status,
    nextAction: row.status === 'in_progress' ? row.next_action : null,
    failureReason: row.failure_reason,
    // jsonb keeps keys in its own order: each account is written out in the contract's.
    accounts: row.status === 'completed' && row.accounts ? row.accounts.map(({ accountId, subjectType, verifiedAt }) => ({ accountId, subjectType, verifiedAt })) : null,
    createdAt: timestamp(row.created_at)!,
    expiresAt: timestamp(row.expires_at)!,
    completedAt: timestamp(row.completed_at),
  };
}
