import type { Client } from '@temporalio/client';
import { appError } from '../../domain/errors';
import { lookupAllowance, lookupKeyOwner, LOOKUP_WINDOW_MS, LOOKUPS_PER_DAY } from '../../domain/identity-lookup';
import type { ProcessTimings } from '../../platform/config';
import type { ProcessKeys } from '../../platform/data-keys';
import { idFromSeed } from '../../platform/ids';
import type { LookupRow } from '../../store/lookups';
import type { ReadModel } from '../../store/read-model';
import { lookupView } from '../../views/lookup';
import {
  awaitLookupOpenedUpdate,
  IDENTITY_LOOKUP_WORKFLOW,
  lookupWorkflowId,
  refreshLookupQrUpdate,
  type IdentityLookupInput,
  type LookupOpenResult,
  type LookupOutcome,
} from '../../workflows/lookup-messages';
import { SearchAttributes } from '../../workflows/messages';
import type { Principal } from '../http/auth';
import type { EnterpriseIdentityDeps } from '../verifications/inputs';
import { startAndAwaitOpened, updateProcess } from '../verifications/process-start';
import { checkOf, lookupIdentity, lookupTimings, sealSubject } from './requests';
import type { StartLookup } from './schemas';

export interface LookupServiceDeps extends EnterpriseIdentityDeps {
  temporal: { client: Client; taskQueue: string };
  readModel: ReadModel;
  timings: ProcessTimings;
  /** The person's values are sealed under the lookup's own data key before they enter its workflow (SPEC §11). */
  keys: ProcessKeys;
  now?: () => Date;
}

/** SPEC §12's daily limit, refused 429 with Retry-After. */
const dailyLimitReached = (retryAfterSeconds: number) =>
  appError('RATE_LIMITED', `At most ${LOOKUPS_PER_DAY} lookups of one identity in 24 hours: the next is possible in ${retryAfterSeconds} s.`, { retryAfterSeconds });

/** Find my accounts, self-service (SPEC §12): each lookup is workflow lookup/<id>; the read model answers reads. */
export function buildLookupService(deps: LookupServiceDeps) {
  const { temporal, readModel } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(id: string): Promise<LookupRow> {
    const row = await readModel.lookup(id);
    if (!row) throw appError('NOT_FOUND', 'No such lookup.');
    return row;
  }

  /** The identity's earlier lookups of the last 24 hours (a retried request's own one aside): an early answer; the workflow counts again as it opens. */
  async function dailyLimitPrecheck(identityHash: string, lookupId: string): Promise<void> {
    const at = now();
    const allowance = lookupAllowance(await readModel.lookupStartsSince(identityHash, new Date(at.getTime() - LOOKUP_WINDOW_MS), lookupId), at);
    if (!allowance.allowed) throw dailyLimitReached(allowance.retryAfterSeconds);
  }

  /** Starts workflow lookup/<id> and answers once its check is shown, or it was refused. */
  async function startWorkflow(input: IdentityLookupInput, check: string) {
    const { lookupId, accountId } = input;
    const started = await startAndAwaitOpened(temporal, awaitLookupOpenedUpdate, {
      workflowId: lookupWorkflowId(lookupId),
      workflowType: IDENTITY_LOOKUP_WORKFLOW,
      input,
      searchAttributes: [
        ...(accountId ? [{ key: SearchAttributes.accountId, value: accountId }] : []),
        { key: SearchAttributes.processKind, value: 'lookup' },
        { key: SearchAttributes.method, value: check },
        { key: SearchAttributes.processStatus, value: 'in_progress' },
      ],
    });
    let opened: LookupOpenResult;
    if (started.kind === 'opened') opened = started.result;
    else {
      // The run with this id already ended: answer what it became.
      const row = await readModel.lookup(lookupId);
      if (row) return lookupView(row);
      const outcome = (await started.result()) as LookupOutcome;
      if (outcome.status !== 'rejected') throw new Error(`lookup ${lookupId} ended but is not in the read model`);
      opened = { opened: false, code: outcome.code, retryAfterSeconds: outcome.retryAfterSeconds };
    }
    if (!opened.opened) throw dailyLimitReached(opened.retryAfterSeconds);
    const row = await readModel.lookup(lookupId);
    if (!row) throw new Error(`lookup ${lookupId} opened but is not in the read model`);
    return lookupView(row);
  }

  return {
    /** The account whose token made the lookup; null: the service role made it (no account token reaches it); undefined: no such lookup. */
    ownerOf: async (id: string) => (await readModel.lookup(id))?.account_id,

    /**
     * A lookup by the service role, or by an account token (which alone reads it then). Refusals come before anything
     * is sealed: the request's own (422), a closed account, the identity's daily limit.
     */
    async start(principal: Principal, body: StartLookup, seed: string) {
      const accountId = principal.role === 'account' ? principal.accountId : null;
      if (accountId && (await readModel.account(accountId))?.closed_at) throw appError('ACCOUNT_CLOSED', 'The account is closed: it starts no lookup.');
      const { identityHash, subject } = await lookupIdentity(deps, body);
      const lookupId = idFromSeed('lkp', seed);
      await dailyLimitPrecheck(identityHash, lookupId);
      const input: IdentityLookupInput = {
        lookupId,
        accountId,
        // The workflow, and so its history, carries the person's values sealed under this lookup's key.
        subject: await sealSubject(deps.keys, { processId: lookupId, accountId: lookupKeyOwner(lookupId, accountId) }, subject),
        identityHash,
        timings: lookupTimings(deps.timings),
      };
      return startWorkflow(input, checkOf(subject));
    },

    get: async (id: string) => lookupView(await load(id)),

    /** A fresh QR for the check while it waits (QR_REFRESH_LIMIT times at most). */
    async refreshQr(id: string, seed: string) {
      await updateProcess(temporal.client, await load(id), 'This lookup is no longer waiting for its check.', { update: refreshLookupQrUpdate, args: [], seed });
      return lookupView(await load(id));
    },
  };
}

export type LookupService = ReturnType<typeof buildLookupService>;
