import type { MessageKey } from '../catalogue';
import { useI18n, type Translate } from '../i18n';
import { SelectField, TextField } from '../ui/fields';
import { MethodChoice } from '../ui/methods';
import { UploadField, type Uploaded } from '../ui/upload';

/**
 * The new enterprise of a change (individual → enterprise at the request, an entity change after its review): its
 * licence, name, code, address and contact person, then a method with the data it needs. A small stand-in for the
 * enterprise pages' own pieces, kept behind these few exports so they can replace it: the methods offered here are
 * the ones that need nothing beyond the legal person (the recharge and public remittance need forms of their own).
 */
export interface EnterpriseDraft {
  licenseType: string;
  license?: Uploaded;
  name: string;
  creditCode: string;
  region: string;
  detail: string;
  contactName: string;
  contactIdNumber: string;
  contactMobile: string;
  method: string;
  legalPersonName: string;
  legalPersonIdNumber: string;
}

export type DraftErrors = Partial<Record<keyof EnterpriseDraft, string>>;

export const OFFERED_METHODS = ['wechat_official_account', 'legal_person_wechat', 'legal_person_face'];

export function emptyEnterprise(declared?: { name: string; creditCode: string; region: string; detail: string }): EnterpriseDraft {
  return { licenseType: 'business_license', name: '', creditCode: '', region: '', detail: '', contactName: '', contactIdNumber: '', contactMobile: '+86', method: '', legalPersonName: '', legalPersonIdNumber: '', ...declared };
}

const needsLegalPerson = (method: string) => method.startsWith('legal_person');

/** The fields still empty (the server checks the rest). */
export function missingEnterprise(draft: EnterpriseDraft, t: Translate, withMethod: boolean): DraftErrors {
  const required: (keyof EnterpriseDraft)[] = ['license', 'name', 'creditCode', 'region', 'detail', 'contactName', 'contactIdNumber', 'contactMobile'];
  if (withMethod && needsLegalPerson(draft.method)) required.push('legalPersonName', 'legalPersonIdNumber');
  const empty = (f: keyof EnterpriseDraft) => (f === 'license' ? !draft.license : !String(draft[f]).trim() || (f === 'contactMobile' && draft.contactMobile.trim() === '+86'));
  return Object.fromEntries(required.filter(empty).map((f) => [f, t('form.required')]));
}

/** The body's `enterprise`, `method` and method data (API.md: an enterprise verification's, without subjectType). */
export function enterpriseSubjectBody(draft: EnterpriseDraft) {
  return {
    method: draft.method,
    enterprise: {
      licenseType: draft.licenseType,
      licenseUploadId: draft.license?.id ?? '',
      name: draft.name,
      creditCode: draft.creditCode,
      address: { region: draft.region, detail: draft.detail },
      contact: { name: draft.contactName, idNumber: draft.contactIdNumber, mobile: draft.contactMobile },
    },
    ...(needsLegalPerson(draft.method) ? { legalPerson: { name: draft.legalPersonName, idNumber: draft.legalPersonIdNumber } } : {}),
  };
}

/** The server's error paths (relative to the body) → the draft's fields. */
const PATHS: Record<string, keyof EnterpriseDraft> = {
  'enterprise.licenseUploadId': 'license',
  'enterprise.name': 'name',
  'enterprise.creditCode': 'creditCode',
  'enterprise.address.region': 'region',
  'enterprise.address.detail': 'detail',
  'enterprise.contact.name': 'contactName',
  'enterprise.contact.idNumber': 'contactIdNumber',
  'enterprise.contact.mobile': 'contactMobile',
  'legalPerson.name': 'legalPersonName',
  'legalPerson.idNumber': 'legalPersonIdNumber',
  method: 'method',
};

export function draftErrorsFrom(fieldErrors: Record<string, string>): DraftErrors {
  return Object.fromEntries(Object.entries(fieldErrors).flatMap(([path, message]) => (PATHS[path] ? [[PATHS[path], message]] : [])));
}

type Edit = <K extends keyof EnterpriseDraft>(field: K) => (value: EnterpriseDraft[K]) => void;

/** The draft's setter per field; an edited field loses its mark. */
export function editDraft(setDraft: (f: (d: EnterpriseDraft) => EnterpriseDraft) => void, setErrors: (f: (e: DraftErrors) => DraftErrors) => void): Edit {
  return (field) => (value) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
}

/** 企业基本信息: licence type and photo, name, code, address, contact person. */
export function EnterpriseFields(props: { draft: EnterpriseDraft; edit: Edit; errors: DraftErrors }) {
  const { t } = useI18n();
  const { draft, edit, errors } = props;
  const types = ['business_license', 'non_business_license'].map((v) => ({ value: v, label: t(`change.enterprise.licenseType.${v}` as MessageKey) }));
  return (
    <>
      <SelectField name="licenseType" label={t('change.enterprise.licenseType')} value={draft.licenseType} onChange={edit('licenseType')} options={types} />
      <UploadField purpose="business_license" label={t('change.enterprise.license')} value={draft.license} onUploaded={edit('license')} error={errors.license} />
      <TextField name="enterpriseName" label={t('change.enterprise.name')} value={draft.name} onInput={edit('name')} error={errors.name} autoComplete="organization" />
      <TextField name="creditCode" label={t('change.enterprise.creditCode')} hint={t('change.enterprise.creditCodeHint')} value={draft.creditCode} onInput={edit('creditCode')} error={errors.creditCode} />
      <fieldset class="group">
        <legend>{t('individual.address')}</legend>
        <TextField name="region" label={t('individual.region')} hint={t('individual.regionHint')} value={draft.region} onInput={edit('region')} error={errors.region} />
        <TextField name="detail" label={t('individual.detail')} value={draft.detail} onInput={edit('detail')} error={errors.detail} />
      </fieldset>
      <fieldset class="group">
        <legend>{t('change.enterprise.contact')}</legend>
        <TextField name="contactName" label={t('change.enterprise.contactName')} value={draft.contactName} onInput={edit('contactName')} error={errors.contactName} />
        <TextField name="contactIdNumber" label={t('change.enterprise.contactIdNumber')} value={draft.contactIdNumber} onInput={edit('contactIdNumber')} error={errors.contactIdNumber} />
        <TextField name="contactMobile" label={t('change.enterprise.contactMobile')} hint={t('change.enterprise.contactMobileHint')} value={draft.contactMobile} inputMode="tel" onInput={edit('contactMobile')} error={errors.contactMobile} />
      </fieldset>
    </>
  );
}

/** 认证方式 for the enterprise (those offered here), and the legal person when the method is theirs. */
export function EnterpriseMethodFields(props: { draft: EnterpriseDraft; edit: Edit; errors: DraftErrors }) {
  const { t } = useI18n();
  const { draft, edit, errors } = props;
  return (
    <>
      <MethodChoice query={{ subjectType: 'enterprise', creditCode: draft.creditCode.trim() }} value={draft.method} onChange={edit('method')} error={errors.method} only={OFFERED_METHODS} />
      {needsLegalPerson(draft.method) && (
        <fieldset class="group">
          <legend>{t('change.enterprise.legalPerson')}</legend>
          <TextField name="legalPersonName" label={t('change.legalPerson.name')} value={draft.legalPersonName} onInput={edit('legalPersonName')} error={errors.legalPersonName} />
          <TextField name="legalPersonIdNumber" label={t('change.legalPerson.idNumber')} hint={t('change.mainlandOnly')} value={draft.legalPersonIdNumber} onInput={edit('legalPersonIdNumber')} error={errors.legalPersonIdNumber} />
        </fieldset>
      )}
    </>
  );
}

/** The enterprise as the confirmation lists it. */
export function enterpriseRows(draft: EnterpriseDraft, t: Translate): [string, string][] {
  return [
    [t('change.enterprise.licenseType'), t(`change.enterprise.licenseType.${draft.licenseType}` as MessageKey)],
    [t('change.enterprise.license'), draft.license?.name ?? ''],
    [t('change.enterprise.name'), draft.name.trim()],
    [t('change.enterprise.creditCode'), draft.creditCode.trim()],
    [t('individual.address'), `${draft.region.trim()} ${draft.detail.trim()}`],
    [t('change.enterprise.contact'), `${draft.contactName.trim()} · ${draft.contactMobile.trim()}`],
  ];
}

/** The new enterprise's legal person, for the sandbox phone (their face or WeChat; the official account's name). */
export const legalPersonRecord = (draft: EnterpriseDraft) => ({ realName: draft.legalPersonName.trim(), idNumber: draft.legalPersonIdNumber.trim(), idType: 'mainland_id', enterpriseName: draft.name.trim() });
