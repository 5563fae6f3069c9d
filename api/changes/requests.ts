import type { z } from 'zod';
import { nameChangeIsAutomatic } from '../../domain/change-rules';
import { IDENTITY_QUOTA, type SubjectType } from '../../domain/constants';
import { sameEntityName } from '../../domain/entity-name';
import { newSubjectVerificationId } from '../../platform/ids';
import type { AccountRow } from '../../store/accounts';
import type { ChangeRequest, Holder, NamedEnterprise } from '../../workflows/change-messages';
import type { EnterpriseVerificationInput } from '../../workflows/messages';
import type { CreateChangeBody, NewSubjectBody } from './schemas';
import { identityQuotaExceeded, validationError } from '../http/problem';
import type { ReadModel } from '../../store/read-model';
import { individualIdentityHash } from '../../domain/keyed-hashes';
import { enterpriseIdentity, mainlandPerson } from '../verifications/inputs';
import { enterpriseCode, enterpriseVerificationInput, individualApplicant, type EnterpriseInputDeps } from '../verifications/requests';
import type { ProcessKeys } from '../../platform/data-keys';
import { openAllWith, sealedParts } from '../../domain/sealed-value';
import { sealApplicant, sealPerson, type Process } from '../verifications/inputs';

/**
 * A change request's own rules, checked after the account's standing (API.md:
 * 422 → NOT_VERIFIED → CHANGE_NOT_ALLOWED → PROCESS_ALREADY_OPEN →
 * CHANGE_COOLDOWN → these): the new person's ID and age rules, the new
 * enterprise's SPEC §4 rules, and what the workflow needs from the record (the
 * holder to recognise, the enterprise of record).
 */

export interface ChangeRequestDeps extends EnterpriseInputDeps {
  readModel: ReadModel;
  /** Opens the holder's ID number, sealed under the verification's key (or, before per-process keys, the PII key). */
  keys: ProcessKeys;
  now: () => Date;
}

type CreateBody = z.infer<typeof CreateChangeBody>;

/**
 * A change's request, its people sealed (SPEC §11) before they enter its workflow. The people of the subject it
 * replaces — the holder, a former legal person — are sealed under the key of the process whose record that subject
 * is, so the replaced subject's erasure (retention, 90 days after the change) reaches their copies in the change too;
 * a new person or a new legal person under the change's own key. A new subject is sealed under its own verification's.
 */
export async function buildChangeRequest(deps: ChangeRequestDeps, account: AccountRow, body: CreateBody, changeId: string): Promise<ChangeRequest> {
  const own = { processId: changeId, accountId: account.id };
  return sealChangeRequest(deps.keys, { own, replaced: currentSubjectProcess(account, changeId) }, await changeRequestOf(deps, account, body, changeId));
}

/** The process whose record the account's current subject is: the one its sealed fields name, else its verification. */
function currentSubjectProcess(account: AccountRow, changeId: string): Process {
  const sealed = account.id_number_enc ?? account.pii_enc;
  const processId = (sealed ? sealedParts(sealed)?.processId : undefined) ?? account.verification_id ?? changeId;
  return { processId, accountId: account.id };
}

async function sealChangeRequest(keys: ProcessKeys, processes: { own: Process; replaced: Process }, request: ChangeRequest): Promise<ChangeRequest> {
  const { own, replaced } = processes;
  const holder = async (h: Holder): Promise<Holder> => ({ ...h, realName: await keys.seal(replaced, h.realName), idNumber: await keys.seal(replaced, h.idNumber) });
  switch (request.type) {
    case 'individual_to_enterprise':
      return { ...request, holder: await holder(request.holder) };
    case 'individual_to_individual':
      return { ...request, holder: await holder(request.holder), newPerson: await sealApplicant(keys, own, request.newPerson) };
    case 'enterprise_entity_change':
      return { ...request, formerLegalPerson: await sealPerson(keys, replaced, request.formerLegalPerson) };
    case 'legal_representative_update':
      return { ...request, newLegalPerson: await sealPerson(keys, own, request.newLegalPerson) };
    case 'enterprise_name_change':
      return request;
  }
}

/** The request as SPEC §5's rules build it from the body, in clear (the new subject's verification id derives from the change's). */
async function changeRequestOf(deps: ChangeRequestDeps, account: AccountRow, body: CreateBody, changeId: string): Promise<ChangeRequest> {
  switch (body.type) {
    case 'individual_to_enterprise': {
      const { type: _type, agreementAccepted: _agreed, ...subject } = body;
      const newSubject = await newSubjectInput(deps, account.id, subject, changeId);
      return { type: body.type, holder: await holderOf(deps, account), newSubject };
    }
    case 'individual_to_individual': {
      const newPerson = individualApplicant(body.individual, null, deps.now());
      const newIdentityHash = individualIdentityHash(deps.cipher, newPerson.idType, newPerson.idNumber);
      if (newIdentityHash === account.identity_hash) throw validationError([{ path: 'individual.idNumber', message: 'the new person is the account’s current holder' }]);
      await assertQuota(deps.readModel, newIdentityHash, 'individual');
      return { type: body.type, holder: await holderOf(deps, account), newPerson, newIdentityHash };
    }
    case 'enterprise_entity_change': {
      const formerLegalPerson = mainlandPerson(body.formerLegalPerson, 'formerLegalPerson');
      const code = enterpriseCode('non_business_license', body.newEnterprise.creditCode, 'newEnterprise.creditCode');
      // The same enterprise by another of its codes (one the registry maps to its credit code) is no new entity either.
      if (code.normalized === recordOf(account).creditCode || (await enterpriseIdentity(deps, code)) === account.identity_hash) {
        throw validationError([{ path: 'newEnterprise.creditCode', message: 'the same enterprise: a new name for the same enterprise is an enterprise_name_change' }]);
      }
      return { type: body.type, formerLegalPerson, newEnterprise: { name: body.newEnterprise.name, creditCode: code.normalized, address: body.newEnterprise.address } };
    }
    case 'enterprise_name_change': {
      const enterprise = recordOf(account);
      if (sameEntityName(enterprise.name, body.newName)) throw validationError([{ path: 'newName', message: 'this is the name the account is verified under' }]);
      return { type: body.type, enterprise, newName: body.newName, automatic: nameChangeIsAutomatic(enterprise) };
    }
    case 'legal_representative_update':
      return { type: body.type, enterprise: recordOf(account), newLegalPerson: mainlandPerson(body.newLegalPerson, 'newLegalPerson'), method: body.method };
  }
}

/** The new enterprise's verification input, checked like an enterprise verification's (and its quota, early: the switch enforces it). */
export async function newSubjectInput(deps: ChangeRequestDeps, accountId: string, body: z.infer<typeof NewSubjectBody>, changeId: string): Promise<EnterpriseVerificationInput> {
  const input = await enterpriseVerificationInput(deps, accountId, body, newSubjectVerificationId(changeId));
  await assertQuota(deps.readModel, input.identityHash, 'enterprise');
  return input;
}

/** The enterprise the account is verified as. */
function recordOf(account: AccountRow): NamedEnterprise {
  const subject = (account.subject ?? {}) as { name?: string; creditCode?: string };
  return { name: subject.name ?? '', creditCode: subject.creditCode ?? '' };
}

/** The person the account is verified as, with the ID number unsealed for the face step. */
async function holderOf(deps: ChangeRequestDeps, account: AccountRow): Promise<Holder> {
  const subject = (account.subject ?? {}) as { realName?: string; idType?: string };
  const verification = account.verification_id ? await deps.readModel.verification(account.verification_id) : undefined;
  const sealed = account.id_number_enc ?? verification?.id_number_enc;
  if (!sealed || !subject.realName || !subject.idType) throw new Error(`account ${account.id} is verified without a sealed ID number`);
  // The name is sealed at rest too (SPEC §11): the holder's step compares the person in clear, inside an activity.
  const reader = await deps.keys.readerFor([sealed, subject.realName]);
  return { realName: openAllWith(subject.realName, (value) => reader.decrypt(value)), idType: subject.idType, idNumber: reader.decrypt(sealed) };
}

async function assertQuota(readModel: ReadModel, identityHash: string, subjectType: SubjectType): Promise<void> {
  const quota = await readModel.activeBindings(identityHash);
  if (quota.used >= (quota.limit ?? IDENTITY_QUOTA[subjectType])) throw identityQuotaExceeded();
}
