import { defineUpdate } from '@temporalio/workflow';

/**
 * Account closure (SPEC §11, API.md "Accounts"): workflow closure/<accountId>,
 * its input, its outcome and the Update the API awaits to learn whether the
 * closure opened. Pure definitions, safe in the workflow sandbox.
 */

export const ACCOUNT_CLOSURE_WORKFLOW = 'accountClosure';
/** One closure per account: a second request joins the running one, and the closure row answers after it ended. */
export const closureWorkflowId = (accountId: string) => `closure/${accountId}`;

export interface ClosureInput {
  /** The id a new closure takes (clo_…); an account that has one keeps it. */
  closureId: string;
  accountId: string;
  /** Why the account closes (the caller's words; never written to the audit log). */
  reason: string;
}

/** What refuses a closure, re-checked under the account's lock when it opens. */
export type ClosureRefusalCode = 'PROCESS_ALREADY_OPEN' | 'MONEY_UNSETTLED';

export type ClosureOpened = { opened: true; closureId: string } | { opened: false; code: ClosureRefusalCode };

export type ClosureOutcome = { status: 'completed'; closureId: string } | { status: 'rejected'; code: ClosureRefusalCode };

/** Answers once the closure opened (the account now refuses new processes) or was refused. */
export const awaitClosureOpenedUpdate = defineUpdate<ClosureOpened>('awaitClosureOpened');

/** What each step of a closure acts on. */
export interface ClosureRef {
  closureId: string;
  accountId: string;
  workflowId: string;
}

export type AccountClosureWorkflow = (input: ClosureInput) => Promise<ClosureOutcome>;
