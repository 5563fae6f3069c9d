import { appError } from '../../domain/errors';
import { classifyIndividualId } from '../../domain/id-number';
import { enterpriseIdentityHash, individualIdentityHash } from '../../domain/keyed-hashes';
import type { ProcessTimings } from '../../platform/config';
import type { ProcessKeys } from '../../platform/data-keys';
import type { LookupSubject, LookupTimings } from '../../workflows/lookup-messages';
import { enterpriseIdentityCode, mainlandPerson, sealPerson, type EnterpriseIdentityDeps, type Process } from '../verifications/inputs';
import { enterpriseCode } from '../verifications/requests';
import type { StartLookup } from './schemas';

/** Who the person says they are, as the lookup's workflow checks it, and the keyed hash of that identity. */
export interface LookupIdentity {
  identityHash: string;
  /** In clear here: sealed under the lookup's key before it enters the workflow (sealSubject). */
  subject: LookupSubject;
}

/**
 * The identity a lookup is of, by the rules a verification applies to it
 * (ID_NUMBER_INVALID, INTERNATIONAL_SITE_REQUIRED, CREDIT_CODE_INVALID; a
 * legal representative holds a mainland ID card): the same keyed hash the
 * quota counts, so the accounts found are the quota's. An enterprise's
 * registration number or organisation code counts as the credit code the
 * registry maps it to (one enterprise, one identity).
 */
export async function lookupIdentity(deps: EnterpriseIdentityDeps, body: StartLookup): Promise<LookupIdentity> {
  if ('creditCode' in body) {
    const legalPerson = mainlandPerson(body.legalPerson, 'legalPerson');
    const creditCode = await enterpriseIdentityCode(deps.registry, enterpriseCode('non_business_license', body.creditCode, 'creditCode'));
    return { identityHash: enterpriseIdentityHash(deps.cipher, creditCode), subject: { kind: 'enterprise', creditCode, legalPerson } };
  }
  const id = classifyIndividualId(body.idType, body.idNumber);
  if (id.kind === 'international') {
    throw appError('INTERNATIONAL_SITE_REQUIRED', 'Only mainland ID cards and Hong Kong/Macao/Taiwan permits verify here: no account here is verified with another document.');
  }
  if (id.kind === 'invalid') {
    throw appError('ID_NUMBER_INVALID', `This is not a valid ${body.idType} number.`, { errors: [{ path: 'idNumber', message: 'invalid number, check digit or birth date' }] });
  }
  return {
    identityHash: individualIdentityHash(deps.cipher, id.idType, id.normalized),
    subject: { kind: 'individual', realName: body.realName, idType: id.idType, idNumber: id.normalized },
  };
}

/** The person's name and ID number (a legal representative's) sealed under the lookup's own data key (SPEC §11). */
export async function sealSubject(keys: ProcessKeys, process: Process, subject: LookupSubject): Promise<LookupSubject> {
  if (subject.kind === 'enterprise') return { ...subject, legalPerson: await sealPerson(keys, process, subject.legalPerson) };
  const [realName, idNumber] = await Promise.all([keys.seal(process, subject.realName), keys.seal(process, subject.idNumber)]);
  return { ...subject, realName, idNumber };
}

/** What the lookup's check runs under, fixed at start. */
export const lookupTimings = (t: ProcessTimings): LookupTimings => ({
  qrTtlMs: t.qrTtlMs,
  qrRefreshLimit: t.qrRefreshLimit,
  faceMaxAttempts: t.faceMaxAttempts,
  lookupTtlMs: t.lookupTtlMs,
  providerCallTimeoutMs: t.providerCallTimeoutMs,
});

/** How operators filter lookups in the Temporal UI by the check they run (the Method search attribute). */
export const checkOf = (subject: LookupSubject): string =>
  subject.kind === 'enterprise' ? 'legal_person_face' : subject.idType === 'mainland_id' ? 'face' : 'wechat_qr';
