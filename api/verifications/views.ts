import type { z } from 'zod';
import type { ChangeRow } from '../../store/changes';
import { earliestChangeFrom } from '../../domain/change-rules';
import type { ChangeSchema } from '../changes/schemas';
import type { VerificationRow } from '../../store/verifications';
import { addBusinessDays, type CalendarOverrides } from '../../domain/business-days';
import { revealEnterprise, type SealedEnterpriseFields } from '../../domain/enterprise-subject';
import { fenToYuan } from '../../domain/money';
import { verificationSteps } from '../../domain/steps';
import type { VerificationStatus } from '../../domain/constants';
import type { PiiCipher } from '../../platform/crypto';
import type { AccountRow, MessageRow } from '../../store/accounts';

type ChangeView = z.infer<typeof ChangeSchema>;

/** Rows → API representations. Personal data stays masked unless the caller may see it in full (admins). */

export const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** The verified subject as a response shows it: masked, or (admins) with the sealed personal fields put back. */
export function subjectView(row: Pick<VerificationRow, 'subject' | 'id_number_enc' | 'pii_enc'>, revealPii: boolean, cipher: PiiCipher) {
  let subject = { ...row.subject } as Record<string, unknown>;
  if (!revealPii) return subject;
  if (row.id_number_enc) subject.idNumber = cipher.decrypt(row.id_number_enc);
  if (row.pii_enc) subject = revealEnterprise(subject, JSON.parse(cipher.decrypt(row.pii_enc)) as SealedEnterpriseFields);
  return subject;
}

export function verificationView(row: VerificationRow, options: { revealPii: boolean; cipher: PiiCipher; calendar?: CalendarOverrides }) {
  const subject = subjectView(row, options.revealPii, options.cipher);
  // SPEC §4: the registry may not know a new licence yet; advise retrying after 7 business days.
  const retryAfter =
    row.failure_reason === 'ENTERPRISE_NOT_IN_REGISTRY' && row.completed_at ? addBusinessDays(new Date(row.completed_at), 7, options.calendar).toISOString() : null;
  return {
    id: row.id,
    accountId: row.account_id,
    subjectType: row.subject_type,
    method: row.method,
    status: row.status,
    step: row.step,
    steps: verificationSteps(row.status as VerificationStatus),
    nextAction: row.next_action,
    failureReason: row.failure_reason,
    ...(retryAfter ? { retryAfter } : {}),
    subject,
    reviewId: row.review_id,
    rejection: row.rejection,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    completedAt: iso(row.completed_at),
    expiresAt: iso(row.expires_at),
  };
}

/** The last verification or change that completed (before changes existed: the verification). */
const lastCompletedAt = (row: AccountRow | undefined, verifiedAt: Date | null) => (row?.last_completed_at ? new Date(row.last_completed_at) : verifiedAt);

export function accountView(accountId: string, row: AccountRow | undefined, changeCooldownMs: number) {
  const verified = row?.verification_status === 'verified';
  const enterprise = verified && row?.subject_type === 'enterprise';
  const verifiedAt = verified && row?.verified_at ? new Date(row.verified_at) : null;
  return {
    id: accountId,
    verification: {
      status: verified ? ('verified' as const) : ('unverified' as const),
      subjectType: verified && row ? row.subject_type : null,
      subject: verified && row ? row.subject : null,
      method: verified && row ? row.verified_method : null,
      verifiedAt: iso(verifiedAt),
    },
    // SPEC §5: 30 days after the last completion, except individual → enterprise, which has no wait.
    changeAllowedFrom: iso(
      earliestChangeFrom(
        { verified, subjectType: row?.subject_type ?? null, creditCode: (row?.subject as { creditCode?: string } | null)?.creditCode ?? null, lastCompletedAt: lastCompletedAt(row, verifiedAt) },
        changeCooldownMs,
      ),
    ),
    capabilities: {
      // SPEC §2: VAT special invoices and enterprise-level activities are for enterprise-verified accounts only.
      vatSpecialInvoice: enterprise,
      enterpriseActivities: enterprise,
    },
    openProcess: row?.open_process_kind && row.open_process_id ? { kind: row.open_process_kind, id: row.open_process_id } : null,
    balance: fenToYuan(Number(row?.balance_fen ?? 0)),
  };
}

export function messageView(row: MessageRow) {
  return { id: row.id, title: row.title, body: row.body, createdAt: iso(row.created_at)!, read: row.read_at !== null };
}

/**
 * A change of subject (API.md "Changes of subject"). While it verifies its new
 * subject, its next action is that verification's (`newSubject`), so a client polls one resource.
 */
export function changeView(row: ChangeRow, newSubject?: Pick<VerificationRow, 'next_action'>): ChangeView {
  const mirrored = row.status === 'in_progress' && row.step === 'verifying_new_subject';
  return {
    id: row.id,
    accountId: row.account_id,
    type: row.type,
    status: row.status,
    step: row.step as ChangeView['step'],
    nextAction: ((mirrored ? newSubject?.next_action : row.next_action) ?? null) as ChangeView['nextAction'],
    ...(row.review_id ? { reviewId: row.review_id } : {}),
    ...(row.verification_id ? { verificationId: row.verification_id } : {}),
    ...(row.rejection ? { rejection: row.rejection } : {}),
    failureReason: row.failure_reason,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    completedAt: iso(row.completed_at),
  };
}
