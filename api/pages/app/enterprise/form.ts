import type { Uploaded } from '../ui/upload';
import { sameEntityName } from '../../../../domain/entity-name';
import type { MessageKey } from '../catalogue';
import type { PhoneRecord } from '../sandbox/known';

/** 企业认证's form, every step's fields (SPEC §4, §4.1); the request is built from it at the end. */
export type { Uploaded };

export interface EnterpriseForm {
  licenseType: 'business_license' | 'non_business_license';
  license: Uploaded | null;
  name: string;
  creditCode: string;
  region: string;
  detail: string;
  contactName: string;
  contactIdNumber: string;
  contactMobile: string;
  method: string;
  legalName: string;
  legalIdNumber: string;
  payerName: string;
  payerNumber: string;
  payerBank: string;
  bankNumber: string;
  bankName: string;
  bankLocation: string;
  branchName: string;
  emblem: Uploaded | null;
  portrait: Uploaded | null;
  handlerName: string;
  handlerIdNumber: string;
}

export type Field = keyof EnterpriseForm;
export type FieldErrors = Partial<Record<Field, string>>;
export type Step = 'basic' | 'method' | 'details' | 'confirm';
export type Translate = (key: MessageKey) => string;

export const EMPTY: EnterpriseForm = {
  licenseType: 'business_license',
  license: null,
  name: '',
  creditCode: '',
  region: '',
  detail: '',
  contactName: '',
  contactIdNumber: '',
  contactMobile: '',
  method: '',
  legalName: '',
  legalIdNumber: '',
  payerName: '',
  payerNumber: '',
  payerBank: '',
  bankNumber: '',
  bankName: '',
  bankLocation: '',
  branchName: '',
  emblem: null,
  portrait: null,
  handlerName: '',
  handlerIdNumber: '',
};

export const needsLegalPerson = (method: string) => method === 'legal_person_wechat' || method === 'legal_person_face' || method === 'public_remittance';
export const needsPayer = (method: string) => method === 'recharge';
export const needsBankAccount = (method: string) => method === 'public_remittance';

export const BASIC_FIELDS: Field[] = ['license', 'name', 'creditCode', 'region', 'detail', 'contactName', 'contactIdNumber', 'contactMobile'];
export const BANK_FIELDS: Field[] = ['bankNumber', 'bankName', 'bankLocation', 'branchName', 'emblem', 'portrait'];
export const HANDLER_FIELDS: Field[] = ['handlerName', 'handlerIdNumber'];

/** The fields the method's own step asks for. */
export function detailFields(method: string): Field[] {
  return [
    ...(needsLegalPerson(method) ? (['legalName', 'legalIdNumber'] as Field[]) : []),
    ...(needsPayer(method) ? (['payerName', 'payerNumber', 'payerBank'] as Field[]) : []),
    ...(needsBankAccount(method) ? [...BANK_FIELDS, ...HANDLER_FIELDS] : []),
  ];
}

/** The step a field is asked on (to take the person back to a field the server refused). */
export const stepOf = (field: Field): Step => (BASIC_FIELDS.includes(field) || field === 'licenseType' ? 'basic' : field === 'method' ? 'method' : 'details');

const filled = (value: EnterpriseForm[Field]) => (typeof value === 'string' ? value.trim() !== '' : value !== null);

/** The digits of a mainland mobile as typed (spaces, dashes and a +86 prefix allowed), or null. */
export function mobileDigits(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** The digits of a bank account number as typed (grouped by spaces or dashes), or null: 8-30 digits. */
export function bankDigits(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{8,30}$/.test(digits) ? digits : null;
}

/** What is missing or malformed among `fields`, said in words. */
export function checkFields(form: EnterpriseForm, fields: Field[], t: Translate): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) if (!filled(form[field])) errors[field] = t('form.required');
  if (fields.includes('contactMobile') && !errors.contactMobile && mobileDigits(form.contactMobile) === null) errors.contactMobile = t('enterprise.mobileInvalid');
  if (fields.includes('payerNumber') && !errors.payerNumber && bankDigits(form.payerNumber) === null) errors.payerNumber = t('enterprise.bankNumberInvalid');
  if (fields.includes('bankNumber') && !errors.bankNumber && bankDigits(form.bankNumber) === null) errors.bankNumber = t('enterprise.bankNumberInvalid');
  if (fields.includes('payerName') && !errors.payerName && !sameEntityName(form.payerName, form.name)) errors.payerName = t('error.PAYER_ACCOUNT_NAME_MISMATCH');
  return errors;
}

const person = (name: string, idNumber: string) => ({ name: name.trim(), idNumber: idNumber.trim() });

/** The corporate account of a public remittance as the API takes it (a start, or a correction after a rejection). */
export function bankAccountBody(form: Pick<EnterpriseForm, 'bankNumber' | 'bankName' | 'bankLocation' | 'branchName' | 'emblem' | 'portrait'>) {
  return {
    accountNumber: form.bankNumber.trim(),
    bankName: form.bankName.trim(),
    bankLocation: form.bankLocation.trim(),
    branchName: form.branchName.trim(),
    idPhotoEmblemUploadId: form.emblem?.id ?? '',
    idPhotoPortraitUploadId: form.portrait?.id ?? '',
  };
}

export const handlerBody = (form: Pick<EnterpriseForm, 'handlerName' | 'handlerIdNumber'>) => person(form.handlerName, form.handlerIdNumber);

/**
 * The new enterprise and its method as the API takes them (API.md): an enterprise verification's body without
 * `subjectType`, which is also individual_to_enterprise's (beside its type) and POST /v1/changes/{id}/new-subject's.
 */
export function subjectBody(form: EnterpriseForm) {
  return {
    method: form.method,
    enterprise: {
      licenseType: form.licenseType,
      licenseUploadId: form.license?.id ?? '',
      name: form.name.trim(),
      creditCode: form.creditCode.trim(),
      address: { region: form.region.trim(), detail: form.detail.trim() },
      contact: { ...person(form.contactName, form.contactIdNumber), mobile: `+86${mobileDigits(form.contactMobile) ?? form.contactMobile.trim()}` },
    },
    ...(needsLegalPerson(form.method) ? { legalPerson: person(form.legalName, form.legalIdNumber) } : {}),
    ...(needsPayer(form.method) ? { payerAccount: { accountName: form.payerName.trim(), accountNumber: form.payerNumber.trim(), bankName: form.payerBank.trim() } } : {}),
    ...(needsBankAccount(form.method) ? { bankAccount: bankAccountBody(form), handler: handlerBody(form) } : {}),
  };
}

export type SubjectBody = ReturnType<typeof subjectBody>;

/** What the sandbox phone plays for this enterprise: the legal person (their QR), the paying account, the receiving account's statement. */
export function phoneRecordOf(form: EnterpriseForm): PhoneRecord {
  return {
    enterpriseName: form.name.trim(),
    ...(needsLegalPerson(form.method) ? { realName: form.legalName.trim(), idNumber: form.legalIdNumber.trim(), idType: 'mainland_id' } : {}),
    ...(needsPayer(form.method) ? { payerAccountNumber: bankDigits(form.payerNumber) ?? form.payerNumber.trim(), payerAccountName: form.payerName.trim() } : {}),
    ...(needsBankAccount(form.method) ? { bankAccountNumber: bankDigits(form.bankNumber) ?? form.bankNumber.trim() } : {}),
  };
}

/** The request's field paths (API.md) → the form's fields, to mark what the server refused. */
export const PATHS: Record<string, Field> = {
  'enterprise.licenseType': 'licenseType',
  'enterprise.licenseUploadId': 'license',
  'enterprise.name': 'name',
  'enterprise.creditCode': 'creditCode',
  'enterprise.address.region': 'region',
  'enterprise.address.detail': 'detail',
  'enterprise.contact.name': 'contactName',
  'enterprise.contact.idNumber': 'contactIdNumber',
  'enterprise.contact.mobile': 'contactMobile',
  method: 'method',
  'legalPerson.name': 'legalName',
  'legalPerson.idNumber': 'legalIdNumber',
  'payerAccount.accountName': 'payerName',
  'payerAccount.accountNumber': 'payerNumber',
  'payerAccount.bankName': 'payerBank',
  'bankAccount.accountNumber': 'bankNumber',
  'bankAccount.bankName': 'bankName',
  'bankAccount.bankLocation': 'bankLocation',
  'bankAccount.branchName': 'branchName',
  'bankAccount.idPhotoEmblemUploadId': 'emblem',
  'bankAccount.idPhotoPortraitUploadId': 'portrait',
  'handler.name': 'handlerName',
  'handler.idNumber': 'handlerIdNumber',
};

/** The form's fields a refusal names (its `errors[].path`). */
export function refusedFields(problem: Record<string, unknown>): Field[] {
  const listed = Array.isArray(problem.errors) ? (problem.errors as { path?: unknown }[]) : [];
  return listed.map((e) => PATHS[String(e.path)]).filter((f): f is Field => f !== undefined);
}
