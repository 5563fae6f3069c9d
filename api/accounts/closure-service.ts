import type { Client } from '@temporalio/client';
import { appError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import { idFromSeed } from '../../platform/ids';
import { closureOf } from '../../store/closures';
import { unsettledTransfersOf } from '../../store/ledger';
import type { ReadModel } from '../../store/read-model';
import { closureView } from '../../views/account';
import {
  ACCOUNT_CLOSURE_WORKFLOW,
  awaitClosureOpenedUpdate,
  closureWorkflowId,
  type ClosureOpened,
  type ClosureOutcome,
  type ClosureRefusalCode,
} from '../../workflows/closure-messages';
import { SearchAttributes } from '../../workflows/messages';
import { startAndAwaitOpened } from '../verifications/process-start';

const REFUSALS: Record<ClosureRefusalCode, string> = {
  PROCESS_ALREADY_OPEN: 'The account has a verification or change in progress: it closes once that ended.',
  MONEY_UNSETTLED: 'Money of the account is held, on its way back, or on its balance: the platform settles it before the account closes.',
};

/**
 * Account closure (SPEC §11): workflow closure/<accountId> re-checks the
 * refusals under the account's lock, closes it to new processes, erases its
 * personal data and completes; the closure row answers reads.
 */
export function buildClosureService(deps: { db: Db; readModel: ReadModel; temporal: { client: Client; taskQueue: string } }) {
  const { db, readModel, temporal } = deps;

  /** Early answers; the workflow re-checks them atomically as it opens. */
  async function precheck(accountId: string) {
    const account = await readModel.account(accountId);
    if (account?.open_process_id) {
      throw appError('PROCESS_ALREADY_OPEN', REFUSALS.PROCESS_ALREADY_OPEN, { openProcess: { kind: account.open_process_kind, id: account.open_process_id } });
    }
    if (Number(account?.balance_fen ?? 0) !== 0 || (await unsettledTransfersOf(db, accountId)) > 0) throw appError('MONEY_UNSETTLED', REFUSALS.MONEY_UNSETTLED);
  }

  async function opened(accountId: string, closureId: string, reason: string): Promise<ClosureOpened> {
    const started = await startAndAwaitOpened(temporal, awaitClosureOpenedUpdate, {
      workflowId: closureWorkflowId(accountId),
      workflowType: ACCOUNT_CLOSURE_WORKFLOW,
      input: { closureId, accountId, reason },
      searchAttributes: [
        { key: SearchAttributes.accountId, value: accountId },
        { key: SearchAttributes.processKind, value: 'closure' },
      ],
      // A refused closure's run has ended: a request after the money was settled starts a new one.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    if (started.kind === 'opened') return started.result;
    const outcome = (await started.result()) as ClosureOutcome;
    return outcome.status === 'rejected' ? { opened: false, code: outcome.code } : { opened: true, closureId: outcome.closureId };
  }

  return {
    /**
     * A repeat (whatever its key) answers the account's one closure. A pending one is started again under its own id:
     * a running workflow is joined, one that ended outside its code (terminated in the UI) resumes where the steps stopped.
     */
    async request(accountId: string, reason: string, seed: string) {
      const existing = await closureOf(db, accountId);
      if (existing?.status === 'completed') return closureView(existing);
      if (!existing) await precheck(accountId);
      const result = await opened(accountId, existing?.id ?? idFromSeed('clo', seed), existing?.reason ?? reason);
      if (!result.opened) throw appError(result.code, REFUSALS[result.code]);
      const row = await closureOf(db, accountId);
      if (!row) throw new Error(`closure of ${accountId} opened but is not in the database`);
      return closureView(row);
    },

    async get(accountId: string) {
      const row = await closureOf(db, accountId);
      if (!row) throw appError('NOT_FOUND', 'This account has no closure.');
      return closureView(row);
    },
  };
}

export type ClosureService = ReturnType<typeof buildClosureService>;
