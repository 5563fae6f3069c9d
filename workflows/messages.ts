/**
 * Everything the API, the worker and the tests share with the workflows:
 * task queue, workflow ids, search attributes, signals, updates, queries and
 * the payload types they carry. Pure definitions, safe in the workflow sandbox.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type {
  EnterpriseMethod,
  IdType,
  IndividualMethod,
  Industry,
  SubjectType,
  VerificationStatus,
  VerificationStep,
} from '../domain/constants';
import type { EnterpriseApplication, PayerAccount, Person, RemittanceBankAccount } from '../domain/enterprise-subject';
import type { RealNameRecord } from '../domain/real-name-record';
import type { RunResume } from './process-messages';
import type { Span } from '../domain/duration';

export const DEFAULT_TASK_QUEUE = 'realname-verification';
// The service's own workflows (refunds, the reconciler) are defined beside: one import for every client.
export * from './operations-messages';
export * from './review-messages';

export const verificationWorkflowId = (verificationId: string) => `verification/${verificationId}`;
/** The workflow ids a provider's callback may name as its reference: the processes that show QR codes or wait for money. */
export const WORKFLOW_REFERENCE_PATTERN = /^(verification\/ver|change\/chg|lookup\/lkp)_[A-Za-z0-9]{8,64}$/;

// ---------------------------------------------------------------- search attributes

export const SearchAttributes = {
  accountId: defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD),
  processKind: defineSearchAttributeKey('ProcessKind', SearchAttributeType.KEYWORD),
  method: defineSearchAttributeKey('Method', SearchAttributeType.KEYWORD),
  processStatus: defineSearchAttributeKey('ProcessStatus', SearchAttributeType.KEYWORD),
  step: defineSearchAttributeKey('Step', SearchAttributeType.KEYWORD),
} as const;

/** Registered on the dev server at start (`--search-attribute Name=Keyword`). */
export const CUSTOM_SEARCH_ATTRIBUTES = Object.values(SearchAttributes).map((key) => ({
  name: key.name,
  type: 'Keyword' as const,
}));

// ---------------------------------------------------------------- verification input and view

export interface Address {
  region: string;
  detail: string;
}

export interface IndividualApplicant {
  realName: string;
  idType: IdType;
  /** Normalized; the payload codec keeps it out of history in plaintext. */
  idNumber: string;
  /** From the ID number for mainland IDs; permit holders' comes from the provider's record. */
  birthDate?: string;
  industry: Industry;
  address: Address;
}

/** The durations of SPEC.md, fixed per run at start so a configuration change never alters a running process. */
export interface VerificationTimings {
  qrTtlMs: number;
  qrRefreshLimit: number;
  instantMethodTtlMs: number;
  faceMaxAttempts: number;
  /** PROVIDER_CALL_TIMEOUT: how long a provider call may keep failing before the process ends PROVIDER_UNAVAILABLE (runs started before it existed: 10 minutes). */
  providerCallTimeoutMs?: number;
  /** HISTORY_ROLLOVER_EVENTS: a run waiting on a review continues as new past this many history events (runs started before it existed: 10,000). */
  historyRolloverEvents?: number;
  /** REMINDERS_BEFORE: the user is reminded this long before a window of theirs closes (runs started before it existed: 48 h and 24 h). */
  remindersBeforeMs?: number[];
}

export interface IndividualVerificationInput {
  verificationId: string;
  accountId: string;
  subjectType: typeof SubjectType.individual;
  method: IndividualMethod;
  applicant: IndividualApplicant;
  /** Keyed hash of the identity: the quota is counted by it. */
  identityHash: string;
  timings: VerificationTimings;
}

// The user-visible next actions are defined once, as schemas, in contracts/ (the API validates and documents with them).
export type { NextAction, PayoutView, QrProvider, QrPurpose } from '../contracts/next-actions';
import type { NextAction } from '../contracts/next-actions';

export interface VerificationSnapshot {
  verificationId: string;
  status: VerificationStatus;
  step: VerificationStep | null;
  nextAction: NextAction | null;
  failureReason: string | null;
}

/** How a verification workflow ended. `rejected`: it never opened (another process was open, quota used up). */
export type VerificationOutcome =
  | { status: 'verified' | 'failed' | 'expired' | 'cancelled'; failureReason: string | null }
  | { status: 'rejected'; code: OpenRefusal };

export type OpenRefusal = 'PROCESS_ALREADY_OPEN' | 'IDENTITY_QUOTA_EXCEEDED' | 'ALREADY_VERIFIED' | 'ACCOUNT_CLOSED';

// ---------------------------------------------------------------- enterprise

export type { Person, PayerAccount, RemittanceBankAccount };

export interface EnterpriseApplicant extends EnterpriseApplication {
  licenseType: 'business_license' | 'non_business_license';
  /** Unified social credit code (or registration number / organisation code for other certificates), normalized. */
  creditCode: string;
  /** Codes starting 91/92: industrial-and-commercial registrations. */
  industrialCommercial: boolean;
}

export interface EnterpriseTimings extends VerificationTimings {
  transferWindowMs: number;
  amountEntryWindowMs: number;
  /** After a rejected review, how long the user has to correct and resubmit (chosen). */
  resubmitWindowMs: number;
  /** PAYOUT_SETTLEMENT_TIMEOUT (runs started before it existed: 5 business days). */
  payoutSettlementTimeout?: Span;
}

export interface EnterpriseVerificationInput {
  verificationId: string;
  accountId: string;
  subjectType: typeof SubjectType.enterprise;
  method: EnterpriseMethod;
  applicant: EnterpriseApplicant;
  identityHash: string;
  timings: EnterpriseTimings;
  /** The platform's collection account: its name and bank. A recharge shows a sub-account of its own under it (runs from before dedicated accounts show this number). */
  collectionAccount: PayerAccount;
  /** Business-calendar days the operator added (holidays announced before the calendar package carries them). */
  calendar?: { holidays?: string[]; workdays?: string[] };
  /** Set when this verifies a change's new subject: it takes no slot, writes nothing to the account, and only the change may end it. */
  change?: { changeId: string };
  /** Set only by the run itself when it continues as new while its review waits (public remittance): see RunResume. */
  resume?: { run: RunResume<VerificationStep>; /** QRs the handler's face session issued (their request ids are numbered). */ qrIssued: number };
}

/** The workflows' signatures, for clients that start them by name (the API never imports workflow code). */
export type IndividualVerificationWorkflow = (input: IndividualVerificationInput) => Promise<VerificationOutcome>;
export type EnterpriseVerificationWorkflow = (input: EnterpriseVerificationInput) => Promise<VerificationOutcome>;
export const WorkflowTypes = {
  individualVerification: 'individualVerification',
  enterpriseVerification: 'enterpriseVerification',
  refundTransfer: 'refundTransfer',
  reconcile: 'reconcile',
  retention: 'retention',
} as const;

export type OpenResult = { opened: true; snapshot: VerificationSnapshot } | { opened: false; code: OpenRefusal };

// ---------------------------------------------------------------- provider events (callbacks → signals)

export type { RealNameRecord };

interface EventBase {
  eventId: string;
  ticket: string;
  occurredAt: string;
}

export type ProviderEvent =
  | (EventBase & {
      provider: 'wechat' | 'qq';
      type: 'authorization.scanned';
      record: RealNameRecord;
      /** QQ without a linked card: the bank-card page the user was sent to. */
      bankCardTicket?: string | null;
    })
  | (EventBase & { provider: 'qq'; type: 'bank_card.linked' })
  | (EventBase & { provider: 'face'; type: 'face.completed'; passed: boolean })
  | (EventBase & { provider: 'wechat'; type: 'official_account.authorized'; certified: boolean; enterpriseName: string })
  | BankEvent;

/** Bank events carry no QR ticket: transfers are routed by the collection account they reached, payouts by their reference. */
export type BankEvent =
  | {
      eventId: string;
      provider: 'bank';
      type: 'transfer.received';
      occurredAt: string;
      transferId: string;
      amountFen: number;
      fromAccountName: string;
      /** Sent from the paying account the enterprise confirmed (absent in signals from before dedicated collection accounts: they were routed by it). */
      fromConfirmedAccount?: boolean;
    }
  | { eventId: string; provider: 'bank'; type: 'payout.sent'; occurredAt: string; requestId: string }
  | { eventId: string; provider: 'bank'; type: 'payout.settled'; occurredAt: string; requestId: string }
  | { eventId: string; provider: 'bank'; type: 'payout.refused'; occurredAt: string; requestId: string; reason: string };

// ---------------------------------------------------------------- messages

/** Provider callbacks, delivered by the API after the signature and the event id were checked. */
export const providerEventSignal = defineSignal<[ProviderEvent]>('providerEvent');

/** Answers once the verification opened (or was refused), with the first next action. */
export const awaitOpenedUpdate = defineUpdate<OpenResult>('awaitOpened');
export const refreshQrUpdate = defineUpdate<VerificationSnapshot>('refreshQr');
export const cancelUpdate = defineUpdate<VerificationSnapshot>('cancel');
/** From a change to the verification of its new subject: the change was revoked, so this verification ends cancelled. */
export const changeRevokedSignal = defineSignal('changeRevoked');

export const snapshotQuery = defineQuery<VerificationSnapshot>('snapshot');

export interface AmountAnswer {
  result: 'matched' | 'mismatch';
  attemptsLeft: number;
}

/** The amount the user read on their bank statement, in fen; refused (PROCESS_NOT_OPEN) unless an amount is awaited. */
export const submitAmountUpdate = defineUpdate<AmountAnswer, [number]>('submitAmount');

export interface CorrectedMaterials {
  bankAccount?: RemittanceBankAccount;
  handler?: Person;
}

/** Corrections after a rejected review; refused (PROCESS_NOT_OPEN) unless a rejection awaits them. */
export const resubmitMaterialsUpdate = defineUpdate<VerificationSnapshot, [CorrectedMaterials]>('resubmitMaterials');
/** Whether the process has acted on a provider event (or can no longer act on any). The sandbox waits on it. */
export const eventHandledQuery = defineQuery<boolean, [string]>('eventHandled');

/** ApplicationFailure types an update validator or activity uses; the API maps them to problem codes. */
export const FailureType = {
  processNotOpen: 'PROCESS_NOT_OPEN',
  qrRefreshLimit: 'QR_REFRESH_LIMIT',
  reviewNotOpen: 'REVIEW_NOT_OPEN',
  reviewClaimed: 'REVIEW_CLAIMED',
  secondReviewerRequired: 'SECOND_REVIEWER_REQUIRED',
  validationFailed: 'VALIDATION_FAILED',
} as const;

/** Permanent states an activity reports as non-retryable failures: retrying cannot change them. */
export const PermanentFailure = {
  /** The process's row (or a row it needs) is not in the database. */
  recordMissing: 'RECORD_MISSING',
  /** The process asked for something that cannot be done with what it sent. */
  invalidRequest: 'INVALID_REQUEST',
} as const;
export const PERMANENT_FAILURE_TYPES = Object.values(PermanentFailure);
