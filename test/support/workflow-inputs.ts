import { randomUUID } from 'node:crypto';
import type { EnterpriseVerificationInput, IndividualVerificationInput } from '../../workflows/messages';
import type { ChangeInput, ChangeRequest } from '../../workflows/change-messages';

/**
 * Workflow inputs for the time-skipping tests: a valid application each, with
 * the SPEC's timings but no reminders (REMINDERS_BEFORE empty), so that tests
 * about other things need no reminder activity; reminders.test.ts sets them.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function individualInput(overrides: Partial<IndividualVerificationInput['applicant']> = {}, method: IndividualVerificationInput['method'] = 'wechat_qr'): IndividualVerificationInput {
  return {
    verificationId: `ver_${randomUUID().replace(/-/g, '')}`,
    accountId: 'acct-1',
    subjectType: 'individual',
    method,
    applicant: {
      realName: '张三',
      idType: 'mainland_id',
      idNumber: '11010519491231002X',
      birthDate: '1949-12-31',
      industry: 'internet',
      address: { region: '北京市', detail: '朝阳区 1 号' },
      ...overrides,
    },
    identityHash: 'hash-1',
    timings: { qrTtlMs: 10 * MINUTE, qrRefreshLimit: 5, instantMethodTtlMs: DAY, faceMaxAttempts: 3, remindersBeforeMs: [] },
  };
}

export function enterpriseInput(method: EnterpriseVerificationInput['method'], overrides: Partial<EnterpriseVerificationInput> = {}): EnterpriseVerificationInput {
  return {
    verificationId: `ver_${randomUUID().replace(/-/g, '')}`,
    accountId: 'acct-e',
    subjectType: 'enterprise',
    method,
    applicant: {
      licenseType: 'business_license',
      licenseUploadId: 'upl_1',
      name: '北京某某科技有限公司',
      creditCode: '91350100M000100Y43',
      industrialCommercial: true,
      address: { region: '北京', detail: '1 号' },
      contact: { name: '联系人', idNumber: '11010519491231002X', mobile: '+8613812345678' },
      legalPerson: { name: '法人甲', idNumber: '11010519491231002X' },
      payerAccount: { accountName: '北京某某科技有限公司', accountNumber: '6222000011112222', bankName: '工商银行' },
      bankAccount: { accountNumber: '6222000011112222', bankName: '工商银行', bankLocation: '北京', branchName: '朝阳支行', idPhotoEmblemUploadId: 'upl_2', idPhotoPortraitUploadId: 'upl_3' },
      handler: { name: '经办人', idNumber: '11010519491231002X' },
    },
    identityHash: 'hash-e',
    timings: {
      qrTtlMs: 10 * MINUTE,
      qrRefreshLimit: 5,
      instantMethodTtlMs: DAY,
      faceMaxAttempts: 3,
      transferWindowMs: 7 * DAY,
      amountEntryWindowMs: 7 * DAY,
      resubmitWindowMs: 7 * DAY,
      remindersBeforeMs: [],
    },
    collectionAccount: { accountName: '云平台科技有限公司', accountNumber: '110501880000009999', bankName: '建设银行' },
    ...overrides,
  };
}

type ChangeRequestOf<T extends ChangeRequest['type']> = Extract<ChangeRequest, { type: T }>;

/** A change of subject's input of `type` (a request as the API builds it), CHANGE_VALIDITY 7 days; `overrides` replace request fields. */
export function changeInput<T extends ChangeRequest['type']>(type: T, overrides: Partial<Omit<ChangeRequestOf<T>, 'type'>> = {}): ChangeInput & { request: ChangeRequestOf<T> } {
  const holder = { realName: '张三', idType: 'mainland_id', idNumber: '11010519491231002X' };
  const enterprise = { name: '北京某某科技有限公司', creditCode: '91350100M000100Y43' };
  const requests: { [K in ChangeRequest['type']]: ChangeRequestOf<K> } = {
    individual_to_enterprise: { type: 'individual_to_enterprise', holder, newSubject: enterpriseInput('legal_person_face', { accountId: 'acct-c' }) },
    individual_to_individual: {
      type: 'individual_to_individual',
      holder,
      newPerson: { ...individualInput({ realName: '李四', idNumber: '110105198504040011', birthDate: '1985-04-04' }).applicant },
      newIdentityHash: 'hash-new',
    },
    enterprise_entity_change: {
      type: 'enterprise_entity_change',
      formerLegalPerson: { name: '法人甲', idNumber: '11010519491231002X' },
      newEnterprise: { name: '上海某某新科技有限公司（分部）', creditCode: '91310000MA1K000017', address: { region: '上海', detail: '2 号' } },
    },
    enterprise_name_change: { type: 'enterprise_name_change', enterprise, newName: '北京某某新名科技有限公司', automatic: true },
    legal_representative_update: { type: 'legal_representative_update', enterprise, newLegalPerson: { name: '法人乙', idNumber: '110105198504040011' }, method: 'face' },
  };
  return {
    changeId: `chg_${randomUUID().replace(/-/g, '')}`,
    accountId: 'acct-c',
    request: { ...requests[type], ...overrides },
    timings: { qrTtlMs: 10 * MINUTE, qrRefreshLimit: 5, instantMethodTtlMs: DAY, faceMaxAttempts: 3, changeValidityMs: 7 * DAY, changeCooldownMs: 30 * DAY, remindersBeforeMs: [] },
  };
}
