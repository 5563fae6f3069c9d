import { businessDaysLeft, type CalendarOverrides } from '../domain/business-days';
import { DEFAULT_TWO_PERSON_KINDS, requiredApprovals } from '../domain/four-eyes';
import type { SealedReader } from '../platform/data-keys';
import type { ReviewRow } from '../store/reviews';
import { timestamp } from './time';
import { subjectView } from './verification';

/**
 * Reviews as API.md "Reviews" shows them. A review is `open`, `decided` (its
 * `decision` says which way, by whom) or `closed` (its process was revoked,
 * cancelled or expired while it waited).
 */

export type ReviewStatus = 'open' | 'decided' | 'closed';

export const reviewStatus = (row: Pick<ReviewRow, 'status'>): ReviewStatus =>
  row.status === 'open' ? 'open' : row.status === 'revoked' ? 'closed' : 'decided';

/** Who holds the open review now; a claim past its time holds nothing. */
export function claimOf(row: Pick<ReviewRow, 'status' | 'claimed_by' | 'claimed_until'>, now: Date) {
  if (row.status !== 'open' || !row.claimed_by || !row.claimed_until || new Date(row.claimed_until).getTime() <= now.getTime()) return null;
  return { name: row.claimed_by, until: timestamp(row.claimed_until)! };
}

export interface ReviewViewOptions {
  now: Date;
  /** Additions to the business-day calendar (BUSINESS_CALENDAR_*). */
  calendar?: CalendarOverrides;
}

/** A review in the queue; overdue while open past its due time, with the business days left (negative once overdue). */
export function reviewSummaryView(row: ReviewRow, options: ReviewViewOptions) {
  const open = row.status === 'open';
  return {
    id: row.id,
    kind: row.kind,
    accountId: row.account_id,
    processId: row.process_id,
    status: reviewStatus(row),
    createdAt: timestamp(row.created_at)!,
    dueAt: timestamp(row.due_at)!,
    overdue: open && options.now.getTime() >= new Date(row.due_at).getTime(),
    businessDaysLeft: open ? businessDaysLeft(options.now, new Date(row.due_at), options.calendar) : null,
    claimedBy: claimOf(row, options.now),
  };
}

/** The decision, who made it and why. */
function decisionOf(row: ReviewRow) {
  if (row.status !== 'approved' && row.status !== 'rejected') return null;
  return { decision: row.status === 'approved' ? 'approve' : 'reject', reason: row.reason, by: { name: row.decided_by ?? 'reviewer' }, at: timestamp(row.decided_at) };
}

/** The approvals given, oldest first: those before the decision, then an approving decision (four eyes: SPEC §6). */
function approvalsOf(row: ReviewRow) {
  const before = (row.approvals ?? []).map((a) => ({ by: a.by, at: timestamp(a.at)!, ...(a.reason ? { reason: a.reason } : {}) }));
  if (row.status !== 'approved') return before;
  return [...before, { by: { name: row.decided_by ?? 'reviewer' }, at: timestamp(row.decided_at)!, ...(row.reason ? { reason: row.reason } : {}) }];
}

/** A review with the applicant as it opened with it (masked, or in full for admins), links to its materials, its approvals, decision and history. */
export function reviewView(
  row: ReviewRow,
  options: ReviewViewOptions & { revealPii: boolean; cipher: SealedReader; publicBaseUrl: string; twoPersonKinds?: readonly string[] },
) {
  return {
    ...reviewSummaryView(row, options),
    applicant: subjectView({ subject: row.applicant, id_number_enc: null, pii_enc: row.applicant_pii_enc }, options.revealPii, options.cipher),
    materials: row.materials.map((m) => ({ ...m, contentUrl: `${options.publicBaseUrl}/v1/uploads/${m.uploadId}/content` })),
    requiredApprovals: requiredApprovals(row.kind, options.twoPersonKinds ?? [DEFAULT_TWO_PERSON_KINDS]),
    approvals: approvalsOf(row),
    decision: decisionOf(row),
    history: (row.history ?? []).map((h) => ({ at: h.at, action: h.action, ...(h.by ? { by: h.by } : {}), ...(h.reason ? { reason: h.reason } : {}) })),
  };
}

/** An earlier round of the same process, as the case page lists it. */
export const roundView = (row: ReviewRow, round: number) => ({
  reviewId: row.id,
  round,
  status: reviewStatus(row),
  decision: decisionOf(row)?.decision ?? null,
  reason: row.reason,
  decidedAt: timestamp(row.decided_at),
});
