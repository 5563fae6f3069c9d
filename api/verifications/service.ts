import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { IDENTITY_QUOTA, type SubjectType } from '../../domain/constants';
import { appError } from '../../domain/errors';
import { parseYuan } from '../../domain/money';
import type { ProcessTimings } from '../../platform/config';
import { idFromSeed } from '../../platform/ids';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  refreshQrUpdate,
  resubmitMaterialsUpdate,
  SearchAttributes,
  submitAmountUpdate,
  verificationWorkflowId,
  WorkflowTypes,
  type CorrectedMaterials,
  type EnterpriseVerificationInput,
  type IndividualVerificationInput,
  type OpenResult,
  type VerificationOutcome,
} from '../../workflows/messages';
import { seesPlainPii, type Principal } from '../http/auth';
import { identityQuotaExceeded, validationError } from '../http/problem';
import type { ReadModel } from '../../store/read-model';
import type { MaterialsBody, StartEnterpriseVerification, StartIndividualVerification, StartVerificationBody } from './schemas';
import { verificationView } from '../../views/verification';
import { startAndAwaitOpened, updateProcess, type UpdateRequest } from './process-start';
import { individualIdentityHash } from '../../domain/keyed-hashes';
import { mainlandPerson, sealApplicant, sealCorrections, verificationTimings, type EnterpriseIdentityDeps } from './inputs';
import type { ProcessKeys, SealedReader } from '../../platform/data-keys';
import { assertIdPhotos, enterpriseVerificationInput, individualApplicant } from './requests';

export interface VerificationServiceDeps extends EnterpriseIdentityDeps {
  temporal: { client: Client; taskQueue: string };
  readModel: ReadModel;
  timings: ProcessTimings;
  /** Checks an upload id belongs to the account and has one of the purposes (422 otherwise). */
  assertUploadOf: (accountId: string, uploadId: string, purposes: readonly string[], path: string) => Promise<unknown>;
  collectionAccount: EnterpriseVerificationInput['collectionAccount'];
  calendar: { holidays: string[]; workdays: string[] };
  /** Per-process data keys (SPEC §11): a new process's personal values are sealed under its own before they enter its workflow. */
  keys: ProcessKeys;
  now?: () => Date;
}

const REFUSALS: Record<Extract<OpenResult, { opened: false }>['code'], string> = {
  PROCESS_ALREADY_OPEN: 'The account already has a verification or change in progress.',
  IDENTITY_QUOTA_EXCEEDED: 'This identity has already verified the maximum number of accounts.',
  ALREADY_VERIFIED: 'This account is verified; a different subject goes through a change of subject.',
  ACCOUNT_CLOSED: 'The account is closed: it takes no new verification.',
};

export function buildVerificationService(deps: VerificationServiceDeps) {
  const { temporal, readModel, cipher } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(id: string) {
    const row = await readModel.verification(id);
    if (!row) throw appError('NOT_FOUND', 'No such verification.');
    return row;
  }
  /** The verification as this caller sees it: admins get its sealed fields opened (or `[erased]`). */
  const view = async (principal: Principal, row: Awaited<ReturnType<typeof load>>, reader?: SealedReader) =>
    verificationView(row, { revealPii: seesPlainPii(principal), cipher: reader ?? (await deps.keys.readerFor(row)), calendar: deps.calendar });
  const reload = async (principal: Principal, id: string) => view(principal, (await readModel.verification(id))!);

  /**
   * Early answers for the user; the workflow re-checks all of them atomically when it opens. The account's own
   * refusals come before anything is sealed: a closed account gets no new data key.
   */
  async function accountPrecheck(accountId: string, verificationId: string) {
    const account = await readModel.account(accountId);
    if (account?.closed_at) throw appError('ACCOUNT_CLOSED', REFUSALS.ACCOUNT_CLOSED);
    if (account?.verification_status === 'verified') throw appError('ALREADY_VERIFIED', REFUSALS.ALREADY_VERIFIED);
    if (account?.open_process_id && account.open_process_id !== verificationId) {
      throw appError('PROCESS_ALREADY_OPEN', `The account already has a ${account.open_process_kind} in progress.`, {
        openProcess: { kind: account.open_process_kind, id: account.open_process_id },
      });
    }
  }

  /** The identity's quota, once the request named it (the account's refusals were answered before anything was sealed). */
  async function quotaPrecheck(identityHash: string, subjectType: SubjectType) {
    const quota = await readModel.activeBindings(identityHash);
    if (quota.used >= (quota.limit ?? IDENTITY_QUOTA[subjectType])) throw identityQuotaExceeded(REFUSALS.IDENTITY_QUOTA_EXCEEDED);
  }

  /** Starts workflow verification/<id> and answers once it opened, with its first step. */
  async function startWorkflow(principal: Principal, workflowType: string, input: IndividualVerificationInput | EnterpriseVerificationInput) {
    const { verificationId } = input;
    await quotaPrecheck(input.identityHash, input.subjectType);
    const started = await startAndAwaitOpened(temporal, awaitOpenedUpdate, {
      workflowId: verificationWorkflowId(verificationId),
      workflowType,
      input,
      searchAttributes: [
        { key: SearchAttributes.accountId, value: input.accountId },
        { key: SearchAttributes.processKind, value: 'verification' },
        { key: SearchAttributes.method, value: input.method },
        { key: SearchAttributes.processStatus, value: 'in_progress' },
      ],
    });
    let opened: OpenResult;
    if (started.kind === 'opened') opened = started.result;
    else {
      // The run with this id already ended: answer what it became.
      const row = await readModel.verification(verificationId);
      if (row) return view(principal, row);
      const outcome = (await started.result()) as VerificationOutcome;
      if (outcome.status !== 'rejected') throw new Error(`verification ${verificationId} ended but is not in the read model`);
      opened = { opened: false, code: outcome.code };
    }
    if (!opened.opened) throw opened.code === 'IDENTITY_QUOTA_EXCEEDED' ? identityQuotaExceeded(REFUSALS.IDENTITY_QUOTA_EXCEEDED) : appError(opened.code, REFUSALS[opened.code]);
    const row = await readModel.verification(verificationId);
    if (!row) throw new Error(`verification ${verificationId} opened but is not in the read model`);
    return view(principal, row);
  }

  async function startIndividual(principal: Principal, accountId: string, body: z.infer<typeof StartIndividualVerification>, seed: string) {
    const applicant = individualApplicant(body.individual, body.method, now());
    const verificationId = idFromSeed('ver', seed);
    const input: IndividualVerificationInput = {
      verificationId,
      accountId,
      subjectType: 'individual',
      method: body.method,
      // The workflow, and so its history, carries the person's values sealed under this verification's key.
      applicant: await sealApplicant(deps.keys, { processId: verificationId, accountId }, applicant),
      identityHash: individualIdentityHash(cipher, applicant.idType, applicant.idNumber),
      timings: verificationTimings(deps.timings),
    };
    return startWorkflow(principal, WorkflowTypes.individualVerification, input);
  }

  async function startEnterprise(principal: Principal, accountId: string, body: z.infer<typeof StartEnterpriseVerification>, seed: string) {
    const input = await enterpriseVerificationInput(deps, accountId, body, idFromSeed('ver', seed));
    return startWorkflow(principal, WorkflowTypes.enterpriseVerification, input);
  }

  const update = <R, A extends unknown[]>(row: { workflow_id: string; status: string }, request: UpdateRequest<R, A>) =>
    updateProcess(temporal.client, row, 'This verification is no longer open.', request);

  return {
    /** The account a verification belongs to (undefined: no such verification). */
    ownerOf: async (id: string) => (await readModel.verification(id))?.account_id,

    async start(principal: Principal, accountId: string, body: z.infer<typeof StartVerificationBody>, seed: string) {
      await accountPrecheck(accountId, idFromSeed('ver', seed));
      return body.subjectType === 'individual' ? startIndividual(principal, accountId, body, seed) : startEnterprise(principal, accountId, body, seed);
    },

    async get(principal: Principal, id: string) {
      return view(principal, await load(id));
    },

    async list(principal: Principal, accountId: string, limit: number, cursor?: string) {
      const page = await readModel.verifications(accountId, limit, cursor);
      const reader = await deps.keys.readerFor(page.items);
      return { items: await Promise.all(page.items.map((row) => view(principal, row, reader))), nextCursor: page.nextCursor };
    },

    async refreshQr(principal: Principal, id: string, seed: string) {
      await update(await load(id), { update: refreshQrUpdate, args: [], seed });
      return reload(principal, id);
    },

    async cancel(principal: Principal, id: string, seed: string) {
      await update(await load(id), { update: cancelUpdate, args: [], seed });
      return reload(principal, id);
    },

    /** SPEC §4.1: the amount read on the bank statement; the workflow answers matched / mismatch at once. */
    async submitAmount(principal: Principal, id: string, amount: string, seed: string) {
      const fen = parseYuan(amount);
      if (fen === null || fen < 1) throw validationError([{ path: 'amount', message: 'yuan with at most two decimals, like "0.37"' }]);
      const answer = await update(await load(id), { update: submitAmountUpdate, args: [fen], seed });
      return { ...answer, verification: await reload(principal, id) };
    },

    /** Corrections after a rejected review (SPEC §4.1). */
    async resubmitMaterials(principal: Principal, id: string, body: z.infer<typeof MaterialsBody>, seed: string) {
      const row = await load(id);
      if (row.method !== 'public_remittance') throw appError('PROCESS_NOT_OPEN', 'Only a corporate public remittance takes corrected materials.');
      const corrections: CorrectedMaterials = {};
      if (body.bankAccount) {
        await assertIdPhotos(deps, row.account_id, body.bankAccount);
        corrections.bankAccount = body.bankAccount;
      }
      if (body.handler) corrections.handler = mainlandPerson(body.handler, 'handler');
      await update(row, { update: resubmitMaterialsUpdate, args: [await sealCorrections(deps.keys, { processId: row.id, accountId: row.account_id }, corrections)], seed });
      return reload(principal, id);
    },
  };
}

export type VerificationService = ReturnType<typeof buildVerificationService>;
