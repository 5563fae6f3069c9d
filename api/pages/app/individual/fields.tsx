import type { MessageKey } from '../catalogue';
import { useI18n, type Translate } from '../i18n';
import { SelectField, TextField } from '../ui/fields';

/** A person's basic information (SPEC §3): the individual's verification and the new person of a change both ask it. */
export const ID_TYPES = ['mainland_id', 'hk_macao_permit', 'taiwan_permit', 'other'] as const;
export const INDUSTRIES = ['internet', 'finance', 'education', 'government', 'healthcare', 'manufacturing', 'retail', 'media', 'gaming', 'transport', 'energy', 'real_estate', 'other'] as const;

export interface IndividualForm {
  realName: string;
  idType: string;
  idNumber: string;
  industry: string;
  region: string;
  detail: string;
}

export const EMPTY_INDIVIDUAL: IndividualForm = { realName: '', idType: 'mainland_id', idNumber: '', industry: 'internet', region: '', detail: '' };
export const REQUIRED_INDIVIDUAL: (keyof IndividualForm)[] = ['realName', 'idNumber', 'region', 'detail'];

/** The body's field paths (API.md) → the form's fields, to mark what the server refused. */
export const INDIVIDUAL_PATHS: Record<string, keyof IndividualForm> = {
  'individual.realName': 'realName',
  'individual.idType': 'idType',
  'individual.idNumber': 'idNumber',
  'individual.industry': 'industry',
  'individual.address.region': 'region',
  'individual.address.detail': 'detail',
};

/** The API's `individual` object. */
export function individualBody(form: IndividualForm) {
  return { realName: form.realName, idType: form.idType, idNumber: form.idNumber, industry: form.industry, address: { region: form.region, detail: form.detail } };
}

/** 真实姓名, 证件类型, 证件号码, 行业信息, 通讯地址 (region + 详细地址). */
export function IndividualFields(props: { form: IndividualForm; set: (field: keyof IndividualForm) => (value: string) => void; errors: Partial<Record<keyof IndividualForm, string>> }) {
  const { t } = useI18n();
  const { form, set, errors } = props;
  return (
    <>
      <TextField name="realName" label={t('individual.realName')} value={form.realName} onInput={set('realName')} error={errors.realName} autoComplete="name" />
      <SelectField name="idType" label={t('individual.idType')} value={form.idType} onChange={set('idType')} options={ID_TYPES.map((v) => ({ value: v, label: t(`individual.idType.${v}` as MessageKey) }))} />
      <TextField name="idNumber" label={t('individual.idNumber')} value={form.idNumber} onInput={set('idNumber')} error={errors.idNumber} />
      <SelectField name="industry" label={t('individual.industry')} value={form.industry} onChange={set('industry')} options={INDUSTRIES.map((v) => ({ value: v, label: t(`industry.${v}` as MessageKey) }))} />
      <fieldset class="group">
        <legend>{t('individual.address')}</legend>
        <TextField name="region" label={t('individual.region')} hint={t('individual.regionHint')} value={form.region} onInput={set('region')} error={errors.region} />
        <TextField name="detail" label={t('individual.detail')} value={form.detail} onInput={set('detail')} error={errors.detail} autoComplete="street-address" />
      </fieldset>
    </>
  );
}

/** The confirmation's rows. */
export function individualRows(form: IndividualForm, t: Translate): [string, string][] {
  return [
    [t('individual.realName'), form.realName.trim()],
    [t('individual.idType'), t(`individual.idType.${form.idType}` as MessageKey)],
    [t('individual.idNumber'), form.idNumber.trim()],
    [t('individual.industry'), t(`industry.${form.industry}` as MessageKey)],
    [t('individual.address'), `${form.region.trim()} ${form.detail.trim()}`],
  ];
}
