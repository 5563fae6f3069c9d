import { addBusinessDays, type CalendarOverrides } from '../domain/business-days';
import type { VerificationStatus } from '../domain/constants';
import { revealEnterprise, type SealedEnterpriseFields } from '../domain/enterprise-subject';
import { openAllWith } from '../domain/sealed-value';
import { verificationSteps } from '../domain/steps';
import type { SealedReader } from '../platform/data-keys';
import type { VerificationRow } from '../store/verifications';
import { timestamp } from './time';

/** Rows → API representations. Personal data stays masked unless the caller may see it in full (admins). */

/** The verified subject as a response shows it: masked, or (admins) with the sealed personal fields put back. */
export function subjectView(row: Pick<VerificationRow, 'subject' | 'id_number_enc' | 'pii_enc'>, revealPii: boolean, cipher: SealedReader) {
  // People's names are shown to everyone (SPEC §11), though sealed at rest: `[erased]` once their key is destroyed.
  let subject = openAllWith({ ...row.subject }, (sealed) => cipher.decrypt(sealed)) as Record<string, unknown>;
  if (!revealPii) return subject;
  if (row.id_number_enc) subject.idNumber = cipher.decrypt(row.id_number_enc);
  if (row.pii_enc) subject = revealEnterprise(subject, JSON.parse(cipher.decrypt(row.pii_enc)) as SealedEnterpriseFields);
  return subject;
}

export function verificationView(row: VerificationRow, options: { revealPii: boolean; cipher: SealedReader; calendar?: CalendarOverrides }) {
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
    createdAt: timestamp(row.created_at),
    updatedAt: timestamp(row.updated_at),
    completedAt: timestamp(row.completed_at),
    expiresAt: timestamp(row.expires_at),
  };
}
