import type { z } from 'zod';
import { isAdult } from '../../domain/age';
import { checkIndividualEligibility } from '../../domain/eligibility';
import { classifyEnterpriseCode } from '../../domain/enterprise';
import { enterpriseMethodEligible } from '../../domain/enterprise-rules';
import { sameEntityName } from '../../domain/entity-name';
import { appError } from '../../domain/errors';
import { classifyIndividualId } from '../../domain/id-number';
import type { ProcessTimings } from '../../platform/config';
import type { EnterpriseVerificationInput, IndividualApplicant, Person } from '../../workflows/messages';
import { validationError } from '../http/problem';
import type { IndividualInfo, StartEnterpriseVerification } from './schemas';
import { enterpriseIdentity, enterpriseTimings, mainlandPerson, sealEnterpriseApplicant, type EnterpriseIdentityDeps } from './inputs';
import type { ProcessKeys } from '../../platform/data-keys';

/**
 * The rules a verification request must pass before a workflow starts (SPEC
 * §2–4), shared by verifications and by changes of subject, whose new person
 * or new enterprise passes the same ones.
 */

/** A person's ID and age rules (INTERNATIONAL_SITE_REQUIRED, ID_NUMBER_INVALID, the method's eligibility, UNDERAGE), in that order. */
export function individualApplicant(info: z.infer<typeof IndividualInfo>, method: string | null, now: Date, path = 'individual'): IndividualApplicant {
  const id = classifyIndividualId(info.idType, info.idNumber);
  if (id.kind === 'international') {
    throw appError('INTERNATIONAL_SITE_REQUIRED', 'Only mainland ID cards and Hong Kong/Macao/Taiwan permits verify here; other documents verify on the international site.');
  }
  if (id.kind === 'invalid') {
    throw appError('ID_NUMBER_INVALID', `This is not a valid ${info.idType} number.`, {
      errors: [{ path: `${path}.idNumber`, message: 'invalid number, check digit or birth date' }],
    });
  }
  if (method && checkIndividualEligibility(id.idType, method)) {
    throw appError('METHOD_NOT_ELIGIBLE', `${method} is not available for ${id.idType}; permit holders verify by WeChat QR.`);
  }
  if (id.birthDate && !isAdult(id.birthDate, now)) throw appError('UNDERAGE', 'The person must be at least 18 years old.');
  return {
    realName: info.realName,
    idType: id.idType,
    idNumber: id.normalized,
    ...(id.birthDate ? { birthDate: id.birthDate } : {}),
    industry: info.industry,
    address: info.address,
  };
}

/** A unified social credit code (or other registration code), normalized; CREDIT_CODE_INVALID otherwise. */
export function enterpriseCode(licenseType: 'business_license' | 'non_business_license', creditCode: string, path: string) {
  const code = classifyEnterpriseCode(licenseType, creditCode);
  if (!code.ok) {
    throw appError('CREDIT_CODE_INVALID', licenseType === 'business_license' ? 'A business licence carries an 18-character unified social credit code (GB 32100).' : 'Not a valid credit code, organisation code or registration number.', {
      errors: [{ path, message: 'invalid code or check character' }],
    });
  }
  return code;
}

export interface EnterpriseInputDeps extends EnterpriseIdentityDeps {
  timings: ProcessTimings;
  /** Checks an upload id belongs to the account and has one of the purposes (422 otherwise). */
  assertUploadOf: (accountId: string, uploadId: string, purposes: readonly string[], path: string) => Promise<unknown>;
  collectionAccount: EnterpriseVerificationInput['collectionAccount'];
  calendar: { holidays: string[]; workdays: string[] };
  /** The new verification's personal values are sealed under its own data key before they enter its workflow (SPEC §11). */
  keys: ProcessKeys;
}

type EnterpriseBody = Omit<z.infer<typeof StartEnterpriseVerification>, 'subjectType'>;

/** An enterprise verification's input from its request: SPEC §4's rules in order, then the uploads it names. */
export async function enterpriseVerificationInput(deps: EnterpriseInputDeps, accountId: string, body: EnterpriseBody, verificationId: string): Promise<EnterpriseVerificationInput> {
  const e = body.enterprise;
  if (e.registeredIn !== 'mainland') {
    throw appError('INTERNATIONAL_SITE_REQUIRED', 'Enterprises registered in Hong Kong, Macao, Taiwan or overseas verify on the international site.');
  }
  const code = enterpriseCode(e.licenseType, e.creditCode, 'enterprise.creditCode');
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
    await assertIdPhotos(deps, accountId, body.bankAccount!);
  }
  await deps.assertUploadOf(accountId, e.licenseUploadId, ['business_license'], 'enterprise.licenseUploadId');
  // Last: a request refused above never waits on the registry.
  const identityHash = await enterpriseIdentity(deps, code);

  return {
    verificationId,
    accountId,
    subjectType: 'enterprise',
    method: body.method,
    applicant: await sealEnterpriseApplicant(deps.keys, { processId: verificationId, accountId }, {
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
    }),
    identityHash,
    timings: enterpriseTimings(deps.timings),
    collectionAccount: deps.collectionAccount,
    calendar: deps.calendar,
  };
}

/** The legal person holding the ID card, both sides: uploads of this account with those purposes. */
export async function assertIdPhotos(deps: Pick<EnterpriseInputDeps, 'assertUploadOf'>, accountId: string, bankAccount: { idPhotoEmblemUploadId: string; idPhotoPortraitUploadId: string }) {
  await deps.assertUploadOf(accountId, bankAccount.idPhotoEmblemUploadId, ['id_photo_emblem'], 'bankAccount.idPhotoEmblemUploadId');
  await deps.assertUploadOf(accountId, bankAccount.idPhotoPortraitUploadId, ['id_photo_portrait'], 'bankAccount.idPhotoPortraitUploadId');
}
