import { describe, it, expect } from 'vitest';
import {
  ADULT_AGE,
  EnterpriseMethod,
  ErrorCode,
  FAILURE_REASONS,
  IDENTITY_QUOTA,
  INDUSTRIES,
  IdType,
  Industry,
  IndividualMethod,
  SubjectType,
  TERMINAL_VERIFICATION_STATUSES,
  VerificationStatus,
  VerificationStep,
  isFailureReason,
  isIdType,
  isIndividualMethod,
  isEnterpriseMethod,
} from '../../domain/constants';

// Copied from SPEC.md §9 so that a renamed or dropped code fails here.
const SPEC_REQUEST_CODES = [
  'VALIDATION_FAILED', 'ID_NUMBER_INVALID', 'CREDIT_CODE_INVALID', 'UNDERAGE',
  'INTERNATIONAL_SITE_REQUIRED', 'METHOD_NOT_ELIGIBLE', 'IDENTITY_QUOTA_EXCEEDED',
  'PROCESS_ALREADY_OPEN', 'NOT_VERIFIED', 'PAYER_ACCOUNT_NAME_MISMATCH', 'CHANGE_COOLDOWN',
  'CHANGE_NOT_ALLOWED', 'UPLOAD_TOO_LARGE', 'UPLOAD_TYPE_NOT_ALLOWED', 'REVIEW_NOT_OPEN', 'REVIEW_CLAIMED',
  'PROCESS_NOT_OPEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'IDEMPOTENCY_CONFLICT', 'IDEMPOTENCY_IN_PROGRESS', 'METHOD_NOT_ALLOWED', 'RATE_LIMITED',
  // Added with SPEC §11: account closure.
  'MONEY_UNSETTLED', 'ACCOUNT_CLOSED',
  // Added with SPEC §6: four eyes.
  'SECOND_REVIEWER_REQUIRED',
];
const SPEC_FAILURE_REASONS = [
  'IDENTITY_MISMATCH', 'BANK_CARD_REQUIRED', 'FACE_MISMATCH', 'ENTERPRISE_NAME_MISMATCH',
  'LEGAL_PERSON_MISMATCH', 'ENTERPRISE_NOT_IN_REGISTRY', 'BANK_ACCOUNT_INVALID',
  'REMITTANCE_AMOUNT_MISMATCH', 'IDENTITY_QUOTA_EXCEEDED', 'UNDERAGE', 'PROVIDER_UNAVAILABLE', 'PAYOUT_NOT_CONFIRMED',
  // Added with SPEC §10: an operator ended the run (the reconciler closes it).
  'TERMINATED',
];
/** Refusals the service adds to SPEC §9's: no QR refresh left, already verified, a dependency out of reach (503). */
const SERVICE_REQUEST_CODES = ['QR_REFRESH_LIMIT', 'ALREADY_VERIFIED', 'SERVICE_UNAVAILABLE'];
/** Terminal reasons the service adds to SPEC §9's. */
const SERVICE_FAILURE_REASONS = ['INTERNAL_ERROR'];

describe('vocabularies', () => {
  it.each([
    ['SubjectType', SubjectType, ['individual', 'enterprise']],
    ['IdType', IdType, ['mainland_id', 'hk_macao_permit', 'taiwan_permit']],
    ['IndividualMethod', IndividualMethod, ['wechat_qr', 'qq_qr', 'face']],
    [
      'EnterpriseMethod',
      EnterpriseMethod,
      ['wechat_official_account', 'legal_person_wechat', 'legal_person_face', 'recharge', 'public_remittance'],
    ],
    ['VerificationStatus', VerificationStatus, ['in_progress', 'verified', 'failed', 'expired', 'cancelled']],
    [
      'VerificationStep',
      VerificationStep,
      [
        'awaiting_scan', 'awaiting_bank_card', 'awaiting_face', 'awaiting_handler_face',
        'awaiting_review', 'awaiting_payout', 'awaiting_amount', 'awaiting_transfer',
      ],
    ],
    [
      'Industry',
      Industry,
      [
        'internet', 'finance', 'education', 'government', 'healthcare', 'manufacturing',
        'retail', 'media', 'gaming', 'transport', 'energy', 'real_estate', 'other',
      ],
    ],
  ] as const)('%s has exactly the contract values, each key equal to its value', (_name, vocab, expected) => {
    expect(Object.keys(vocab).sort()).toEqual([...expected].sort());
    for (const [key, value] of Object.entries(vocab)) expect(value).toBe(key);
  });

  it('INDUSTRIES lists every industry once', () => {
    expect(INDUSTRIES).toHaveLength(13);
    expect(new Set(INDUSTRIES)).toEqual(new Set(Object.values(Industry)));
  });

  it('terminal statuses are all statuses but in_progress', () => {
    expect([...TERMINAL_VERIFICATION_STATUSES].sort()).toEqual(['cancelled', 'expired', 'failed', 'verified']);
  });
});

describe('ErrorCode', () => {
  it('keys equal values', () => {
    for (const [key, value] of Object.entries(ErrorCode)) expect(value).toBe(key);
  });

  it('holds exactly the SPEC §9 codes plus the ones this service adds', () => {
    const expected = new Set([...SPEC_REQUEST_CODES, ...SPEC_FAILURE_REASONS, ...SERVICE_FAILURE_REASONS, ...SERVICE_REQUEST_CODES]);
    expect(new Set(Object.keys(ErrorCode))).toEqual(expected);
  });

  it('FAILURE_REASONS are exactly the terminal failure reasons', () => {
    expect([...FAILURE_REASONS].sort()).toEqual([...SPEC_FAILURE_REASONS, ...SERVICE_FAILURE_REASONS].sort());
  });

  it.each([
    ['FACE_MISMATCH', true],
    ['UNDERAGE', true],
    ['NOT_FOUND', false],
    ['QR_REFRESH_LIMIT', false],
    ['face_mismatch', false],
  ])('isFailureReason(%s) = %s', (code, expected) => {
    expect(isFailureReason(code)).toBe(expected);
  });
});

describe('guards', () => {
  it.each([
    ['mainland_id', true],
    ['taiwan_permit', true],
    ['passport', false],
    ['MAINLAND_ID', false],
    ['toString', false],
    ['__proto__', false],
    ['', false],
  ])('isIdType(%j) = %s', (value, expected) => {
    expect(isIdType(value)).toBe(expected);
  });

  it.each([
    ['face', true, false],
    ['recharge', false, true],
    ['constructor', false, false],
  ])('method guards for %j', (value, individual, enterprise) => {
    expect(isIndividualMethod(value)).toBe(individual);
    expect(isEnterpriseMethod(value)).toBe(enterprise);
  });
});

describe('account rules', () => {
  it('quotas and adult age follow SPEC §2', () => {
    expect(IDENTITY_QUOTA).toEqual({ individual: 3, enterprise: 10 });
    expect(ADULT_AGE).toBe(18);
  });
});
