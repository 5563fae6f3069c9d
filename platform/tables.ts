import type { SubjectType } from '../domain/constants';
import type { NextAction } from '../workflows/messages';

/** Row shapes of the tables, as read back (jsonb parsed, timestamps as Date). */

export interface AccountRow {
  id: string;
  verification_status: 'unverified' | 'verified';
  subject_type: SubjectType | null;
  subject: Record<string, unknown> | null;
  subject_name: string | null;
  identity_hash: string | null;
  verified_method: string | null;
  verified_at: Date | null;
  /** The last verification or change that completed (SPEC §5's cooling-off runs from it). */
  last_completed_at: Date | null;
  verification_id: string | null;
  /** The current subject's sealed personal fields, when a change set it (else the verification's row holds them). */
  id_number_enc: string | null;
  pii_enc: string | null;
  open_process_kind: 'verification' | 'change' | null;
  open_process_id: string | null;
  balance_fen: string | number;
  created_at: Date;
  updated_at: Date;
}

export interface VerificationRow {
  id: string;
  account_id: string;
  workflow_id: string;
  subject_type: SubjectType;
  method: string;
  status: string;
  step: string | null;
  next_action: NextAction | null;
  failure_reason: string | null;
  subject: Record<string, unknown>;
  id_number_enc: string | null;
  pii_enc: string | null;
  review_id: string | null;
  rejection: { reason: string; at: string } | null;
  identity_hash: string;
  /** The change whose new subject this verifies (it then takes no slot and writes nothing to the account). */
  change_id: string | null;
  /** Recharge as a change's method: the matched transfer, credited by the change's switch. */
  pending_credit: { amountFen: number; reference: string } | null;
  revision: number;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  expires_at: Date | null;
}

export interface IdentityRow {
  identity_hash: string;
  subject_type: SubjectType;
  quota_limit: number | null;
  created_at: Date;
}

export interface MessageRow {
  id: string;
  account_id: string;
  title: string;
  body: string;
  dedupe_key: string;
  created_at: Date;
  read_at: Date | null;
}

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

export interface ReviewRow {
  id: string;
  kind: string;
  account_id: string;
  process_id: string;
  workflow_id: string;
  status: 'open' | 'approved' | 'rejected' | 'revoked';
  applicant: Record<string, unknown>;
  applicant_pii_enc: string | null;
  materials: { purpose: string; uploadId: string }[];
  due_at: Date;
  reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  /** Held by a reviewer until claimed_until (kept by the workflow; a past time holds nothing). */
  claimed_by: string | null;
  claimed_until: Date | null;
  history: { at: string; action: string; by?: { name: string }; reason?: string | null }[];
}
