// Shared vocabularies: the API, the database and the workflows all use these
// exact strings, so they live in one place with derived union types.

export const SubjectType = { individual: 'individual', enterprise: 'enterprise' } as const;
export type SubjectType = (typeof SubjectType)[keyof typeof SubjectType];

export const IdType = {
  mainland_id: 'mainland_id',
  hk_macao_permit: 'hk_macao_permit',
  taiwan_permit: 'taiwan_permit',
} as const;
export type IdType = (typeof IdType)[keyof typeof IdType];

export const IndividualMethod = { wechat_qr: 'wechat_qr', qq_qr: 'qq_qr', face: 'face' } as const;
export type IndividualMethod = (typeof IndividualMethod)[keyof typeof IndividualMethod];

export const EnterpriseMethod = {
  wechat_official_account: 'wechat_official_account',
  legal_person_wechat: 'legal_person_wechat',
  legal_person_face: 'legal_person_face',
  recharge: 'recharge',
  public_remittance: 'public_remittance',
} as const;
export type EnterpriseMethod = (typeof EnterpriseMethod)[keyof typeof EnterpriseMethod];

export const VerificationStatus = {
  in_progress: 'in_progress',
  verified: 'verified',
  failed: 'failed',
  expired: 'expired',
  cancelled: 'cancelled',
} as const;
export type VerificationStatus = (typeof VerificationStatus)[keyof typeof VerificationStatus];

export const TERMINAL_VERIFICATION_STATUSES: readonly VerificationStatus[] = [
  VerificationStatus.verified,
  VerificationStatus.failed,
  VerificationStatus.expired,
  VerificationStatus.cancelled,
];

export const VerificationStep = {
  awaiting_scan: 'awaiting_scan',
  awaiting_bank_card: 'awaiting_bank_card',
  awaiting_face: 'awaiting_face',
  awaiting_handler_face: 'awaiting_handler_face',
  awaiting_review: 'awaiting_review',
  awaiting_payout: 'awaiting_payout',
  awaiting_amount: 'awaiting_amount',
  awaiting_transfer: 'awaiting_transfer',
} as const;
export type VerificationStep = (typeof VerificationStep)[keyof typeof VerificationStep];

export const Industry = {
  internet: 'internet',
  finance: 'finance',
  education: 'education',
  government: 'government',
  healthcare: 'healthcare',
  manufacturing: 'manufacturing',
  retail: 'retail',
  media: 'media',
  gaming: 'gaming',
  transport: 'transport',
  energy: 'energy',
  real_estate: 'real_estate',
  other: 'other',
} as const;
export type Industry = (typeof Industry)[keyof typeof Industry];

// A non-empty tuple so it can feed z.enum() directly.
export const INDUSTRIES = Object.values(Industry) as [Industry, ...Industry[]];

/** What a message-centre entry is (API.md): an outcome or a review result, a reminder before a deadline (SPEC §12), or anything else. */
export const MessageKind = { result: 'result', reminder: 'reminder', notice: 'notice' } as const;
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];
export const MESSAGE_KINDS = Object.values(MessageKind) as [MessageKind, ...MessageKind[]];

export const ErrorCode = {
  // request refusals (SPEC §9)
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  ID_NUMBER_INVALID: 'ID_NUMBER_INVALID',
  CREDIT_CODE_INVALID: 'CREDIT_CODE_INVALID',
  UNDERAGE: 'UNDERAGE',
  INTERNATIONAL_SITE_REQUIRED: 'INTERNATIONAL_SITE_REQUIRED',
  METHOD_NOT_ELIGIBLE: 'METHOD_NOT_ELIGIBLE',
  IDENTITY_QUOTA_EXCEEDED: 'IDENTITY_QUOTA_EXCEEDED',
  PROCESS_ALREADY_OPEN: 'PROCESS_ALREADY_OPEN',
  NOT_VERIFIED: 'NOT_VERIFIED',
  PAYER_ACCOUNT_NAME_MISMATCH: 'PAYER_ACCOUNT_NAME_MISMATCH',
  CHANGE_COOLDOWN: 'CHANGE_COOLDOWN',
  CHANGE_NOT_ALLOWED: 'CHANGE_NOT_ALLOWED',
  UPLOAD_TOO_LARGE: 'UPLOAD_TOO_LARGE',
  UPLOAD_TYPE_NOT_ALLOWED: 'UPLOAD_TYPE_NOT_ALLOWED',
  REVIEW_NOT_OPEN: 'REVIEW_NOT_OPEN',
  REVIEW_CLAIMED: 'REVIEW_CLAIMED',
  // four eyes (SPEC §6): this reviewer approved already, the review awaits another's
  SECOND_REVIEWER_REQUIRED: 'SECOND_REVIEWER_REQUIRED',
  PROCESS_NOT_OPEN: 'PROCESS_NOT_OPEN',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_CONFLICT',
  // a request with the same key is still being answered: retry after the Retry-After header's seconds
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  // a path that exists, with a method it does not take (the Allow header lists those it does)
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  // too many requests from one client address on an unauthenticated route: retry after Retry-After seconds
  RATE_LIMITED: 'RATE_LIMITED',
  QR_REFRESH_LIMIT: 'QR_REFRESH_LIMIT',
  // the account already has a verified subject: a different subject goes through a change (SPEC §5)
  ALREADY_VERIFIED: 'ALREADY_VERIFIED',
  // 503 with Retry-After: PostgreSQL or the Temporal frontend cannot be reached (or not in time); retrying later is right
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  // account closure (SPEC §11): money of the account is held, going back, or its balance is not zero
  MONEY_UNSETTLED: 'MONEY_UNSETTLED',
  // the account is closed (or closing): it opens no new process
  ACCOUNT_CLOSED: 'ACCOUNT_CLOSED',
  // terminal failure reasons not already listed above
  IDENTITY_MISMATCH: 'IDENTITY_MISMATCH',
  BANK_CARD_REQUIRED: 'BANK_CARD_REQUIRED',
  FACE_MISMATCH: 'FACE_MISMATCH',
  ENTERPRISE_NAME_MISMATCH: 'ENTERPRISE_NAME_MISMATCH',
  LEGAL_PERSON_MISMATCH: 'LEGAL_PERSON_MISMATCH',
  ENTERPRISE_NOT_IN_REGISTRY: 'ENTERPRISE_NOT_IN_REGISTRY',
  BANK_ACCOUNT_INVALID: 'BANK_ACCOUNT_INVALID',
  REMITTANCE_AMOUNT_MISMATCH: 'REMITTANCE_AMOUNT_MISMATCH',
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  // a public remittance's payout got neither a settlement nor a refusal notice within PAYOUT_SETTLEMENT_TIMEOUT; the user may start again
  PAYOUT_NOT_CONFIRMED: 'PAYOUT_NOT_CONFIRMED',
  // the process hit a permanent failure of the service itself (a record it needs is gone); logged, and the user may start again
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  // an operator ended the process's workflow run (terminated in the Temporal UI); the reconciler closed it
  TERMINATED: 'TERMINATED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const FAILURE_REASONS = [
  ErrorCode.IDENTITY_MISMATCH,
  ErrorCode.BANK_CARD_REQUIRED,
  ErrorCode.FACE_MISMATCH,
  ErrorCode.ENTERPRISE_NAME_MISMATCH,
  ErrorCode.LEGAL_PERSON_MISMATCH,
  ErrorCode.ENTERPRISE_NOT_IN_REGISTRY,
  ErrorCode.BANK_ACCOUNT_INVALID,
  ErrorCode.REMITTANCE_AMOUNT_MISMATCH,
  ErrorCode.IDENTITY_QUOTA_EXCEEDED,
  ErrorCode.UNDERAGE,
  ErrorCode.PROVIDER_UNAVAILABLE,
  ErrorCode.PAYOUT_NOT_CONFIRMED,
  ErrorCode.INTERNAL_ERROR,
  ErrorCode.TERMINATED,
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const IDENTITY_QUOTA = { individual: 3, enterprise: 10 } as const;
export const ADULT_AGE = 18;

export const ID_TYPES = [IdType.mainland_id, IdType.hk_macao_permit, IdType.taiwan_permit] as const;
export const INDIVIDUAL_METHODS = [
  IndividualMethod.wechat_qr,
  IndividualMethod.qq_qr,
  IndividualMethod.face,
] as const;
export const ENTERPRISE_METHODS = [
  EnterpriseMethod.wechat_official_account,
  EnterpriseMethod.legal_person_wechat,
  EnterpriseMethod.legal_person_face,
  EnterpriseMethod.recharge,
  EnterpriseMethod.public_remittance,
] as const;

// Array membership, not `in`: "toString" or "__proto__" must not pass as a known value.
export function isIdType(value: string): value is IdType {
  return (ID_TYPES as readonly string[]).includes(value);
}

export function isIndividualMethod(value: string): value is IndividualMethod {
  return (INDIVIDUAL_METHODS as readonly string[]).includes(value);
}

export function isEnterpriseMethod(value: string): value is EnterpriseMethod {
  return (ENTERPRISE_METHODS as readonly string[]).includes(value);
}

export function isFailureReason(value: string): value is FailureReason {
  return (FAILURE_REASONS as readonly string[]).includes(value);
}
