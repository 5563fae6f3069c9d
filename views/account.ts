import { changeOptions, earliestChangeFrom } from '../domain/change-rules';
import { fenToYuan } from '../domain/money';
import { openAllWith } from '../domain/sealed-value';
import type { SealedReader } from '../platform/data-keys';
import type { AccountRow, InboxMessageRow } from '../store/accounts';
import { timestamp } from './time';

/** The last verification or change that completed (before changes existed: the verification). */
const lastCompletedAt = (row: AccountRow | undefined, verifiedAt: Date | null) => (row?.last_completed_at ? new Date(row.last_completed_at) : verifiedAt);

/** `names` opens the subject's people's names (sealed at rest, shown to everyone: SPEC §11). */
export function accountView(accountId: string, row: AccountRow | undefined, changeCooldownMs: number, names: SealedReader) {
  const verified = row?.verification_status === 'verified';
  const enterprise = verified && row?.subject_type === 'enterprise';
  const verifiedAt = verified && row?.verified_at ? new Date(row.verified_at) : null;
  const creditCode = (row?.subject as { creditCode?: string } | null)?.creditCode ?? null;
  const standing = { verified, subjectType: row?.subject_type ?? null, creditCode, lastCompletedAt: lastCompletedAt(row, verifiedAt) };
  return {
    id: accountId,
    verification: {
      status: verified ? ('verified' as const) : ('unverified' as const),
      subjectType: verified && row ? row.subject_type : null,
      subject: verified && row ? openAllWith(row.subject, (sealed) => names.decrypt(sealed)) : null,
      method: verified && row ? row.verified_method : null,
      verifiedAt: timestamp(verifiedAt),
    },
    // SPEC §5: 30 days after the last completion, except individual → enterprise, which has no wait.
    changeAllowedFrom: timestamp(earliestChangeFrom(standing, changeCooldownMs)),
    // SPEC §12: each change type, whether it fits the account, why not, and from when.
    changeOptions: changeOptions(standing, changeCooldownMs).map((option) => ({ ...option, allowedFrom: timestamp(option.allowedFrom) })),
    capabilities: {
      // SPEC §2: VAT special invoices and enterprise-level activities are for enterprise-verified accounts only.
      vatSpecialInvoice: enterprise,
      enterpriseActivities: enterprise,
    },
    openProcess: row?.open_process_kind && row.open_process_id ? { kind: row.open_process_kind, id: row.open_process_id } : null,
    balance: fenToYuan(Number(row?.balance_fen ?? 0)),
    // SPEC §11: closing, then closed; it opens no new process either way.
    closed: Boolean(row?.closed_at),
  };
}

export function inboxMessageView(row: InboxMessageRow) {
  return { id: row.id, kind: row.kind, title: row.title, body: row.body, createdAt: timestamp(row.created_at)!, read: row.read_at !== null };
}

export function closureView(row: { id: string; account_id: string; status: 'pending' | 'completed'; requested_at: Date; completed_at: Date | null }) {
  return { id: row.id, accountId: row.account_id, status: row.status, requestedAt: timestamp(row.requested_at)!, completedAt: timestamp(row.completed_at) };
}
