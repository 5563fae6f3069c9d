/**
 * What the API, the worker and the tests share with the change-of-subject
 * workflow (SPEC §5): its input, its updates and query, and what it answers.
 * Pure definitions, safe in the workflow sandbox.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ChangeStatus, ChangeStep } from '../domain/change-rules';
import type { Address, EnterpriseVerificationInput, IndividualApplicant, Person, VerificationTimings } from './messages';
import type { RunResume } from './process-messages';

export const changeWorkflowId = (changeId: string) => `change/${changeId}`;

/** The person an account is verified under, as the holder's face or WeChat step checks them. */
export interface Holder {
  realName: string;
  idType: string;
  /** Normalized; the payload codec keeps it out of history in plaintext. */
  idNumber: string;
}

export interface NamedEnterprise {
  name: string;
  creditCode: string;
}

/** What each change type asks for, with what the API looked up for it (the holder, the enterprise of record). */
export type ChangeRequest =
  | { type: 'individual_to_enterprise'; holder: Holder; newSubject: EnterpriseVerificationInput }
  | { type: 'individual_to_individual'; holder: Holder; newPerson: IndividualApplicant; newIdentityHash: string }
  | { type: 'enterprise_entity_change'; formerLegalPerson: Person; newEnterprise: NamedEnterprise & { address: Address } }
  | { type: 'enterprise_name_change'; enterprise: NamedEnterprise; newName: string; automatic: boolean }
  | { type: 'legal_representative_update'; enterprise: NamedEnterprise; newLegalPerson: Person; method: 'wechat_qr' | 'face' };

export interface ChangeTimings extends VerificationTimings {
  /** CHANGE_VALIDITY: the steps before the new subject's verification must be done within it. */
  changeValidityMs: number;
  /** CHANGE_COOLDOWN, re-checked when the change opens. */
  changeCooldownMs: number;
}

export interface ChangeInput {
  changeId: string;
  accountId: string;
  request: ChangeRequest;
  timings: ChangeTimings;
  calendar?: { holidays?: string[]; workdays?: string[] };
  /** Set only by the change itself when it continues as new while its review waits: see RunResume. */
  resume?: ChangeResume;
}

/** A change continued as new at its review: the run's state, and what the steps after the review read. */
export interface ChangeResume {
  run: RunResume<ChangeStep>;
  /** CHANGE_VALIDITY's deadline, fixed when the change opened (epoch ms). */
  deadline: number;
  /** The materials the review is of (the purposes asked for). */
  required: string[];
  /** Whether the change can no longer be revoked. */
  committed: boolean;
}

export type ChangeRefusalCode = 'ACCOUNT_CLOSED' | 'NOT_VERIFIED' | 'CHANGE_NOT_ALLOWED' | 'PROCESS_ALREADY_OPEN' | 'CHANGE_COOLDOWN';
export interface ChangeRefusalRecord {
  code: ChangeRefusalCode;
  why?: string;
  /** CHANGE_COOLDOWN: ISO time from which the change is possible. */
  allowedFrom?: string;
}

export type ChangeOpenResult = { opened: true } | { opened: false; refusal: ChangeRefusalRecord };

export type ChangeOutcome = { status: Exclude<ChangeStatus, 'in_progress'>; failureReason: string | null } | { status: 'rejected'; refusal: ChangeRefusalRecord };

/** A change's next action: a QR to scan, materials to submit, a review to wait for, the new subject to send (contracts/). */
export type { ChangeNextAction } from '../contracts/next-actions';
import type { ChangeNextAction } from '../contracts/next-actions';

export interface ChangeSnapshot {
  changeId: string;
  status: ChangeStatus;
  step: ChangeStep | null;
  nextAction: ChangeNextAction | null;
  failureReason: string | null;
}

/** Purpose → upload id (API.md: `change_application_form`, `current_license`, …). */
export type ChangeMaterials = Record<string, string>;

export type SubjectChangeWorkflow = (input: ChangeInput) => Promise<ChangeOutcome>;
export const SUBJECT_CHANGE_WORKFLOW = 'subjectChange';

/** Answers once the change opened (or was refused at open), with its first step written. */
export const awaitChangeOpenedUpdate = defineUpdate<ChangeOpenResult>('awaitChangeOpened');
/** Revocation: refused (PROCESS_NOT_OPEN) once a reviewer decided, or the switch began. */
export const revokeChangeUpdate = defineUpdate<ChangeSnapshot>('revokeChange');
/** Materials for review; refused (PROCESS_NOT_OPEN) unless awaiting_materials, VALIDATION_FAILED when a purpose is missing. */
export const submitChangeMaterialsUpdate = defineUpdate<ChangeSnapshot, [ChangeMaterials]>('submitChangeMaterials');
/** After approval: the new subject's verification input; refused (PROCESS_NOT_OPEN) unless awaiting_new_subject. */
export const submitNewSubjectUpdate = defineUpdate<ChangeSnapshot, [EnterpriseVerificationInput]>('submitNewSubject');
export const changeSnapshotQuery = defineQuery<ChangeSnapshot>('changeSnapshot');
/** A fresh QR for the change's face or WeChat step: the same Update as a verification's refreshQr, answered with the change's snapshot. */
export const refreshChangeQrUpdate = defineUpdate<ChangeSnapshot>('refreshQr');
