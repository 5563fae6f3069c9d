/**
 * What the API, the worker and the tests share with the "find my accounts"
 * workflow (SPEC §12, API.md "Find my accounts"): its id, input, updates,
 * query and what it answers. Pure definitions, safe in the workflow sandbox.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LookupStatus, LookupStep } from '../domain/identity-lookup';
import type { ScanQrAction } from '../contracts/next-actions';

export type { ScanQrAction };

export const IDENTITY_LOOKUP_WORKFLOW = 'identityLookup';
export const lookupWorkflowId = (lookupId: string) => `lookup/${lookupId}`;

/**
 * Whom the person proves to be. Names and ID numbers travel sealed under the
 * lookup's own data key (SPEC §11): the workflow never reads them, its
 * activities open them where a provider or a comparison needs them.
 */
export type LookupSubject =
  | { kind: 'individual'; realName: string; idType: string; idNumber: string }
  | { kind: 'enterprise'; creditCode: string; legalPerson: { name: string; idNumber: string } };

export interface LookupTimings {
  qrTtlMs: number;
  qrRefreshLimit: number;
  faceMaxAttempts: number;
  /** LOOKUP_TTL: the check must be passed within it, or the lookup ends expired. */
  lookupTtlMs: number;
  providerCallTimeoutMs: number;
}

export interface IdentityLookupInput {
  lookupId: string;
  /** The account whose token started it; null: the service role (no account owns it). */
  accountId: string | null;
  subject: LookupSubject;
  /** Keyed hash of the identity: the daily limit counts by it, and the accounts found are its bindings. */
  identityHash: string;
  timings: LookupTimings;
}

export interface LookupSnapshot {
  lookupId: string;
  status: LookupStatus;
  step: LookupStep | null;
  nextAction: ScanQrAction | null;
  failureReason: string | null;
}

/** Refused at open: the identity had its lookups for the day (counted again under a lock as the lookup opens). */
export interface LookupRefusal {
  code: 'RATE_LIMITED';
  retryAfterSeconds: number;
}

export type LookupOpenResult = { opened: true; snapshot: LookupSnapshot } | ({ opened: false } & LookupRefusal);

export type LookupOutcome = { status: Exclude<LookupStatus, 'in_progress'>; failureReason: string | null } | ({ status: 'rejected' } & LookupRefusal);

export type IdentityLookupWorkflow = (input: IdentityLookupInput) => Promise<LookupOutcome>;

/** Answers once the lookup opened (its QR is shown) or was refused. */
export const awaitLookupOpenedUpdate = defineUpdate<LookupOpenResult>('awaitLookupOpened');
/** A fresh QR for the check (the same Update name as a verification's), refused PROCESS_NOT_OPEN once the check is over. */
export const refreshLookupQrUpdate = defineUpdate<LookupSnapshot>('refreshQr');
export const lookupSnapshotQuery = defineQuery<LookupSnapshot>('lookupSnapshot');
