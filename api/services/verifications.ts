import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import { isAdult } from '../../domain/age';
import { checkIndividualEligibility } from '../../domain/eligibility';
import { classifyIndividualId } from '../../domain/id-number';
import { IDENTITY_QUOTA } from '../../domain/constants';
import { appError } from '../../domain/errors';
import type { ProcessTimings } from '../../platform/config';
import type { PiiCipher } from '../../platform/crypto';
import { idFromSeed } from '../../platform/ids';
import {
  awaitOpenedUpdate,
  cancelUpdate,
  refreshQrUpdate,
  SearchAttributes,
  verificationWorkflowId,
  WorkflowTypes,
  type IndividualVerificationInput,
  type IndividualVerificationWorkflow,
  type VerificationOutcome,
} from '../../workflows/messages';
import { assertAccountAccess, seesPlainPii, type Principal } from '../auth';
import type { ReadModel } from '../read-model';
import type { StartVerificationBody } from '../schemas';
import { verificationView } from '../views';
import { translateTemporalError } from './temporal-errors';

export interface VerificationServiceDeps {
  temporal: { client: Client; taskQueue: string };
  readModel: ReadModel;
  cipher: PiiCipher;
  timings: ProcessTimings;
  now?: () => Date;
}

/** The identity the quota counts: a keyed hash of document type and normalized number, never the number itself. */
export const individualIdentityHash = (cipher: PiiCipher, idType: string, normalizedIdNumber: string) =>
  cipher.keyedHash(`individual:${idType}:${normalizedIdNumber}`);

export function buildVerificationService(deps: VerificationServiceDeps) {
  const { temporal, readModel, cipher } = deps;
  const now = deps.now ?? (() => new Date());

  async function load(principal: Principal, id: string) {
    const row = await readModel.verification(id);
    if (!row) throw appError('NOT_FOUND', 'No such verification.');
    assertAccountAccess(principal, row.account_id, 'verification');
    return row;
  }

  const view = (principal: Principal, row: Awaited<ReturnType<typeof load>>) =>
    verificationView(row, { revealPii: seesPlainPii(principal), cipher });

  return {
    async start(principal: Principal, accountId: string, body: z.infer<typeof StartVerificationBody>, seed: string) {
      assertAccountAccess(principal, accountId);
      const applicant = body.individual;
      const id = classifyIndividualId(applicant.idType, applicant.idNumber);
      if (id.kind === 'international') {
        throw appError('INTERNATIONAL_SITE_REQUIRED', 'Only mainland ID cards and Hong Kong/Macao/Taiwan permits verify here; other documents verify on the international site.');
      }
      if (id.kind === 'invalid') {
        throw appError('ID_NUMBER_INVALID', `This is not a valid ${applicant.idType} number.`, {
          errors: [{ path: 'individual.idNumber', message: 'invalid number, check digit or birth date' }],
        });
      }
      if (checkIndividualEligibility(id.idType, body.method)) {
        throw appError('METHOD_NOT_ELIGIBLE', `${body.method} is not available for ${id.idType}; permit holders verify by WeChat QR.`);
      }
      if (id.birthDate && !isAdult(id.birthDate, now())) {
        throw appError('UNDERAGE', 'The person must be at least 18 years old.');
      }
      const identityHash = individualIdentityHash(cipher, id.idType, id.normalized);

      // Early answers for the user; the workflow re-checks all of them atomically when it opens.
      const account = await readModel.account(accountId);
      if (account?.verification_status === 'verified') {
        throw appError('ALREADY_VERIFIED', 'This account is verified; a different subject goes through a change of subject.');
      }
      const verificationId = idFromSeed('ver', seed);
      if (account?.open_process_id && account.open_process_id !== verificationId) {
        throw appError('PROCESS_ALREADY_OPEN', `The account already has a ${account.open_process_kind} in progress.`, {
          openProcess: { kind: account.open_process_kind, id: account.open_process_id },
        });
      }
      const quota = await readModel.activeBindings(identityHash);
      if (quota.used >= (quota.limit ?? IDENTITY_QUOTA.individual)) {
        throw appError('IDENTITY_QUOTA_EXCEEDED', 'This identity has already verified the maximum number of accounts.');
      }

      const input: IndividualVerificationInput = {
        verificationId,
        accountId,
        subjectType: 'individual',
        method: body.method,
        applicant: {
          realName: applicant.realName,
          idType: id.idType,
          idNumber: id.normalized,
          ...(id.birthDate ? { birthDate: id.birthDate } : {}),
          industry: applicant.industry,
          address: applicant.address,
        },
        identityHash,
        timings: {
          qrTtlMs: deps.timings.qrTtlMs,
          qrRefreshLimit: deps.timings.qrRefreshLimit,
          instantMethodTtlMs: deps.timings.instantMethodTtlMs,
          faceMaxAttempts: deps.timings.faceMaxAttempts,
        },
      };
      const workflowId = verificationWorkflowId(verificationId);
      let opened;
      try {
        opened = await temporal.client.workflow.executeUpdateWithStart(awaitOpenedUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation<IndividualVerificationWorkflow>(WorkflowTypes.individualVerification, {
            workflowId,
            taskQueue: temporal.taskQueue,
            args: [input],
            // A retried request (same Idempotency-Key, same id) joins the run it started.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: SearchAttributes.accountId, value: accountId },
              { key: SearchAttributes.processKind, value: 'verification' },
              { key: SearchAttributes.method, value: body.method },
              { key: SearchAttributes.processStatus, value: 'in_progress' },
            ],
          }),
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw translateTemporalError(err);
        // The run with this id already ended: answer what it became.
        const row = await readModel.verification(verificationId);
        if (row) return view(principal, row);
        const outcome = (await temporal.client.workflow.getHandle(workflowId).result()) as VerificationOutcome;
        opened = outcome.status === 'rejected' ? { opened: false as const, code: outcome.code } : undefined;
        if (!opened) throw err;
      }
      if (!opened.opened) {
        throw appError(opened.code, {
          PROCESS_ALREADY_OPEN: 'The account already has a verification or change in progress.',
          IDENTITY_QUOTA_EXCEEDED: 'This identity has already verified the maximum number of accounts.',
          ALREADY_VERIFIED: 'This account is verified; a different subject goes through a change of subject.',
        }[opened.code]);
      }
      const row = await readModel.verification(verificationId);
      if (!row) throw new Error(`verification ${verificationId} opened but is not in the read model`);
      return view(principal, row);
    },

    async get(principal: Principal, id: string) {
      return view(principal, await load(principal, id));
    },

    async list(principal: Principal, accountId: string, limit: number, cursor?: string) {
      assertAccountAccess(principal, accountId);
      const page = await readModel.verifications(accountId, limit, cursor);
      return { items: page.items.map((row) => view(principal, row)), nextCursor: page.nextCursor };
    },

    async refreshQr(principal: Principal, id: string) {
      const row = await load(principal, id);
      if (row.status !== 'in_progress') throw appError('PROCESS_NOT_OPEN', 'This verification is no longer open.');
      try {
        await temporal.client.workflow.getHandle(row.workflow_id).executeUpdate(refreshQrUpdate);
      } catch (err) {
        throw translateTemporalError(err);
      }
      return view(principal, (await readModel.verification(id))!);
    },

    async cancel(principal: Principal, id: string) {
      const row = await load(principal, id);
      if (row.status !== 'in_progress') throw appError('PROCESS_NOT_OPEN', 'This verification is no longer open.');
      try {
        await temporal.client.workflow.getHandle(row.workflow_id).executeUpdate(cancelUpdate);
      } catch (err) {
        throw translateTemporalError(err);
      }
      return view(principal, (await readModel.verification(id))!);
    },
  };
}

export type VerificationService = ReturnType<typeof buildVerificationService>;
