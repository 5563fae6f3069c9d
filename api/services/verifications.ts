import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import { isAdult } from '../../domain/age';
import { IDENTITY_QUOTA, type SubjectType } from '../../domain/constants';
import { checkIndividualEligibility } from '../../domain/eligibility';
import { classifyEnterpriseCode } from '../../domain/enterprise';
import { enterpriseMethodEligible } from '../../domain/enterprise-rules';
import { sameEntityName } from '../../domain/entity-name';
import { appError } from '../../domain/errors';
import { classifyIndividualId } from '../../domain/id-number';
import { parseYuan } from '../../domain/money';
import type { ProcessTimings } from '../../platform/config';
import type { PiiCipher } from '../../platform/crypto';
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
  type Person,
  type VerificationOutcome,
} from '../../workflows/messages';
import { assertAccountAccess, seesPlainPii, type Principal } from '../auth';
import { validationError } from '../problem';
import type { ReadModel } from '../read-model';
import type { MaterialsBody, StartEnterpriseVerification, StartIndividualVerification, StartVerificationBody } from '../schemas';
import { verificationView } from '../views';
import { translateTemporalError } from './temporal-errors';
import { enterpriseIdentityHash, enterpriseTimings, individualIdentityHash, mainlandPerson, verificationTimings } from './verification-inputs';

export interface VerificationServiceDeps {
  temporal: { client: Client; taskQueue: string };
  readModel: ReadModel;
  cipher: PiiCipher;
  timings: ProcessTimings;
  /** Checks an upload id belongs to the account and has one of the purposes (422 otherwise). */
  assertUploadOf: (accountId: string, uploadId: string, purposes: readonly string[], path: string) => Promise<unknown>;
  collectionAccount: EnterpriseVerificationInput['collectionAccount'];
  calendar: { holidays: string[]; workdays: string[] };
  now?: () => Date;
}

const REFUSALS: Record<Extract<OpenResult, { opened: false }>['code'], string> = {
  PROCESS_ALREADY_OPEN: 'The account already has a verification or change in progress.',
  IDENTITY_QUOTA_EXCEEDED: 'This identity has already verified the maximum number of accounts.',
  ALREADY_VERIFIED: 'This account is verified; a different subject goes through a change of subject.',
};

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
    verificationView(row, { revealPii: seesPlainPii(principal), cipher, calendar: deps.calendar });
  const reload = async (principal: Principal, id: string) => view(principal, (await readModel.verification(id))!);

  /** The legal person holding the ID card, both sides: uploads of this account with those purposes. */
  async function assertIdPhotos(accountId: string, bankAccount: { idPhotoEmblemUploadId: string; idPhotoPortraitUploadId: string }) {
    await deps.assertUploadOf(accountId, bankAccount.idPhotoEmblemUploadId, ['id_photo_emblem'], 'bankAccount.idPhotoEmblemUploadId');
    await deps.assertUploadOf(accountId, bankAccount.idPhotoPortraitUploadId, ['id_photo_portrait'], 'bankAccount.idPhotoPortraitUploadId');
  }

  /** Early answers for the user; the workflow re-checks all of them atomically when it opens. */
  async function precheck(accountId: string, verificationId: string, identityHash: string, subjectType: SubjectType) {
    const account = await readModel.account(accountId);
    if (account?.verification_status === 'verified') throw appError('ALREADY_VERIFIED', REFUSALS.ALREADY_VERIFIED);
    if (account?.open_process_id && account.open_process_id !== verificationId) {
      throw appError('PROCESS_ALREADY_OPEN', `The account already has a ${account.open_process_kind} in progress.`, {
        openProcess: { kind: account.open_process_kind, id: account.open_process_id },
      });
    }
    const quota = await readModel.activeBindings(identityHash);
    if (quota.used >= (quota.limit ?? IDENTITY_QUOTA[subjectType])) throw appError('IDENTITY_QUOTA_EXCEEDED', REFUSALS.IDENTITY_QUOTA_EXCEEDED);
  }

  /**
   * Starts workflow verification/<id> and answers once it opened, with its first
   * step. A retried request (same Idempotency-Key, so the same id) joins the run it started.
   */
  async function startWorkflow(
    principal: Principal,
    verificationId: string,
    workflowType: string,
    input: IndividualVerificationInput | EnterpriseVerificationInput,
  ) {
    const workflowId = verificationWorkflowId(verificationId);
    let opened: OpenResult | undefined;
    try {
      opened = await temporal.client.workflow.executeUpdateWithStart(awaitOpenedUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation(workflowType, {
          workflowId,
          taskQueue: temporal.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: SearchAttributes.accountId, value: input.accountId },
            { key: SearchAttributes.processKind, value: 'verification' },
            { key: SearchAttributes.method, value: input.method },
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
      if (outcome.status !== 'rejected') throw err;
      opened = { opened: false, code: outcome.code };
    }
    if (!opened.opened) throw appError(opened.code, REFUSALS[opened.code]);
    const row = await readModel.verification(verificationId);
    if (!row) throw new Error(`verification ${verificationId} opened but is not in the read model`);
    return view(principal, row);
  }

  async function startIndividual(principal: Principal, accountId: string, body: z.infer<typeof StartIndividualVerification>, seed: string) {
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
    if (id.birthDate && !isAdult(id.birthDate, now())) throw appError('UNDERAGE', 'The person must be at least 18 years old.');

    const identityHash = individualIdentityHash(cipher, id.idType, id.normalized);
    const verificationId = idFromSeed('ver', seed);
    await precheck(accountId, verificationId, identityHash, 'individual');
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
      timings: verificationTimings(deps.timings),
    };
    return startWorkflow(principal, verificationId, WorkflowTypes.individualVerification, input);
  }

  async function startEnterprise(principal: Principal, accountId: string, body: z.infer<typeof StartEnterpriseVerification>, seed: string) {
    const e = body.enterprise;
    if (e.registeredIn !== 'mainland') {
      throw appError('INTERNATIONAL_SITE_REQUIRED', 'Enterprises registered in Hong Kong, Macao, Taiwan or overseas verify on the international site.');
    }
    const code = classifyEnterpriseCode(e.licenseType, e.creditCode);
    if (!code.ok) {
      throw appError('CREDIT_CODE_INVALID', e.licenseType === 'business_license' ? 'A business licence carries an 18-character unified social credit code (GB 32100).' : 'Not a valid credit code, organisation code or registration number.', {
        errors: [{ path: 'enterprise.creditCode', message: 'invalid code or check character' }],
      });
    }
    if (!enterpriseMethodEligible(body.method, code.industrialCommercial)) {
      throw appError('METHOD_NOT_ELIGIBLE', 'Legal-person WeChat verification is for enterprises and individual businesses whose credit code starts 91 or 92.');
    }
    const contact = { ...mainlandPerson(e.contact, 'enterprise.contact'), mobile: e.contact.mobile };

    const needs = (field: 'legalPerson' | 'payerAccount' | 'bankAccount' | 'handler') => {
      if (!body[field]) throw validationError([{ path: field, message: `required for ${body.method}` }]);
    };
    let legalPerson: Person | undefined;
    if (body.method === 'legal_person_wechat' || body.method === 'legal_person_face' || body.method === 'public_remittance') {
      needs('legalPerson');
      legalPerson = mainlandPerson(body.legalPerson!, 'legalPerson');
    }
    if (body.method === 'recharge') {
      needs('payerAccount');
      if (!sameEntityName(body.payerAccount!.accountName, e.name)) {
        throw appError('PAYER_ACCOUNT_NAME_MISMATCH', 'The paying corporate account must be in the enterprise’s own name.', {
          errors: [{ path: 'payerAccount.accountName', message: 'differs from enterprise.name' }],
        });
      }
    }
    let handler: Person | undefined;
    if (body.method === 'public_remittance') {
      needs('bankAccount');
      needs('handler');
      handler = mainlandPerson(body.handler!, 'handler');
      await assertIdPhotos(accountId, body.bankAccount!);
    }
    await deps.assertUploadOf(accountId, e.licenseUploadId, ['business_license'], 'enterprise.licenseUploadId');

    const identityHash = enterpriseIdentityHash(cipher, code.normalized);
    const verificationId = idFromSeed('ver', seed);
    await precheck(accountId, verificationId, identityHash, 'enterprise');
    const input: EnterpriseVerificationInput = {
      verificationId,
      accountId,
      subjectType: 'enterprise',
      method: body.method,
      applicant: {
        licenseType: e.licenseType,
        licenseUploadId: e.licenseUploadId,
        name: e.name,
        creditCode: code.normalized,
        industrialCommercial: code.industrialCommercial,
        address: e.address,
        contact,
        ...(legalPerson ? { legalPerson } : {}),
        ...(body.method === 'recharge' ? { payerAccount: body.payerAccount! } : {}),
        ...(body.method === 'public_remittance' ? { bankAccount: body.bankAccount!, handler: handler! } : {}),
      },
      identityHash,
      timings: enterpriseTimings(deps.timings),
      collectionAccount: deps.collectionAccount,
      calendar: deps.calendar,
    };
    return startWorkflow(principal, verificationId, WorkflowTypes.enterpriseVerification, input);
  }

  /** Runs an update on the verification's workflow, translating refusals into problems. */
  async function update<T>(row: { workflow_id: string; status: string }, run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>): Promise<T> {
    if (row.status !== 'in_progress') throw appError('PROCESS_NOT_OPEN', 'This verification is no longer open.');
    try {
      return await run(temporal.client.workflow.getHandle(row.workflow_id));
    } catch (err) {
      throw translateTemporalError(err);
    }
  }

  return {
    async start(principal: Principal, accountId: string, body: z.infer<typeof StartVerificationBody>, seed: string) {
      assertAccountAccess(principal, accountId);
      return body.subjectType === 'individual' ? startIndividual(principal, accountId, body, seed) : startEnterprise(principal, accountId, body, seed);
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
      await update(await load(principal, id), (h) => h.executeUpdate(refreshQrUpdate));
      return reload(principal, id);
    },

    async cancel(principal: Principal, id: string) {
      await update(await load(principal, id), (h) => h.executeUpdate(cancelUpdate));
      return reload(principal, id);
    },

    /** SPEC §4.1: the amount read on the bank statement; the workflow answers matched / mismatch at once. */
    async submitAmount(principal: Principal, id: string, amount: string) {
      const fen = parseYuan(amount);
      if (fen === null || fen < 1) throw validationError([{ path: 'amount', message: 'yuan with at most two decimals, like "0.37"' }]);
      const answer = await update(await load(principal, id), (h) => h.executeUpdate(submitAmountUpdate, { args: [fen] }));
      return { ...answer, verification: await reload(principal, id) };
    },

    /** Corrections after a rejected review (SPEC §4.1). */
    async resubmitMaterials(principal: Principal, id: string, body: z.infer<typeof MaterialsBody>) {
      const row = await load(principal, id);
      if (row.method !== 'public_remittance') throw appError('PROCESS_NOT_OPEN', 'Only a corporate public remittance takes corrected materials.');
      const corrections: CorrectedMaterials = {};
      if (body.bankAccount) {
        await assertIdPhotos(row.account_id, body.bankAccount);
        corrections.bankAccount = body.bankAccount;
      }
      if (body.handler) corrections.handler = mainlandPerson(body.handler, 'handler');
      await update(row, (h) => h.executeUpdate(resubmitMaterialsUpdate, { args: [corrections] }));
      return reload(principal, id);
    },
  };
}

export type VerificationService = ReturnType<typeof buildVerificationService>;
