import { useState } from 'preact/hooks';
import type { Verification } from '../../../../contracts/verification';
import { accountPath, api } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { go } from '../router';
import { rememberForPhone } from '../sandbox/known';
import { SelectField, Summary, TextField } from '../ui/fields';
import { Layout } from '../ui/layout';
import { MethodChoice } from '../ui/methods';
import { useSubmit } from '../ui/problems';
import { seedSteps, StepBar } from '../ui/steps';

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

const EMPTY: IndividualForm = { realName: '', idType: 'mainland_id', idNumber: '', industry: 'internet', region: '', detail: '' };
const REQUIRED: (keyof IndividualForm)[] = ['realName', 'idNumber', 'region', 'detail'];

/** The body's field paths (API.md) → the form's fields, to mark what the server refused. */
const PATHS: Record<string, keyof IndividualForm> = {
  'individual.realName': 'realName',
  'individual.idType': 'idType',
  'individual.idNumber': 'idNumber',
  'individual.industry': 'industry',
  'individual.address.region': 'region',
  'individual.address.detail': 'detail',
};

/** 个人认证: 填写基本信息 → confirmation with 认证方式 → the verification (its QR). */
export function IndividualPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<IndividualForm>(EMPTY);
  const [step, setStep] = useState<'fill' | 'confirm'>('fill');
  const [method, setMethod] = useState('');
  const [errors, setErrors] = useState<Partial<Record<keyof IndividualForm, string>>>({});
  const submit = useSubmit();
  const set = (field: keyof IndividualForm) => (value: string) => setForm({ ...form, [field]: value });

  const next = (e: Event) => {
    e.preventDefault();
    const missing = Object.fromEntries(REQUIRED.filter((f) => !form[f].trim()).map((f) => [f, t('form.required')]));
    setErrors(missing);
    if (Object.keys(missing).length === 0) setStep('confirm');
  };
  const confirm = async () => {
    const body = {
      subjectType: 'individual',
      method,
      individual: { realName: form.realName, idType: form.idType, idNumber: form.idNumber, industry: form.industry, address: { region: form.region, detail: form.detail } },
    };
    const v = await submit.run(() => api.post<Verification>(accountPath('/verifications'), body));
    if (v) {
      rememberForPhone(v.id, { realName: form.realName.trim(), idNumber: form.idNumber.trim(), idType: form.idType });
      go({ name: 'verification', id: v.id });
    }
  };
  const serverErrors = Object.fromEntries(Object.entries(submit.fieldErrors).flatMap(([path, message]) => (PATHS[path] ? [[PATHS[path], message]] : [])));
  const shown = { ...errors, ...serverErrors };

  if (step === 'confirm') {
    return (
      <Layout heading={t('individual.title')}>
        <StepBar steps={seedSteps(0)} />
        <h2>{t('form.confirmTitle')}</h2>
        <p>{t('form.confirmHint')}</p>
        <Summary rows={summaryRows(form, t)} />
        <MethodChoice query={{ subjectType: 'individual', idType: form.idType }} value={method} onChange={setMethod} />
        {submit.notice}
        <p class="row">
          <button type="button" class="secondary" onClick={() => setStep('fill')}>
            {t('form.previous')}
          </button>
          <button type="button" disabled={submit.busy || !method} onClick={() => void confirm()}>
            {t('form.confirm')}
          </button>
        </p>
      </Layout>
    );
  }
  return (
    <Layout heading={t('individual.title')}>
      <StepBar steps={seedSteps(0)} />
      <form onSubmit={next} noValidate>
        <h2>{t('steps.basic_info')}</h2>
        <TextField name="realName" label={t('individual.realName')} value={form.realName} onInput={set('realName')} error={shown.realName} autoComplete="name" />
        <SelectField name="idType" label={t('individual.idType')} value={form.idType} onChange={set('idType')} options={ID_TYPES.map((v) => ({ value: v, label: t(`individual.idType.${v}` as MessageKey) }))} />
        <TextField name="idNumber" label={t('individual.idNumber')} value={form.idNumber} onInput={set('idNumber')} error={shown.idNumber} />
        <SelectField name="industry" label={t('individual.industry')} value={form.industry} onChange={set('industry')} options={INDUSTRIES.map((v) => ({ value: v, label: t(`industry.${v}` as MessageKey) }))} />
        <fieldset class="group">
          <legend>{t('individual.address')}</legend>
          <TextField name="region" label={t('individual.region')} hint={t('individual.regionHint')} value={form.region} onInput={set('region')} error={shown.region} />
          <TextField name="detail" label={t('individual.detail')} value={form.detail} onInput={set('detail')} error={shown.detail} autoComplete="street-address" />
        </fieldset>
        {Object.keys(shown).length > 0 && <p class="field-error">{t('form.fixErrors')}</p>}
        <p class="row">
          <a class="button secondary" href="#/">
            {t('form.previous')}
          </a>
          <button type="submit">{t('form.next')}</button>
        </p>
      </form>
    </Layout>
  );
}

function summaryRows(form: IndividualForm, t: (key: MessageKey) => string): [string, string][] {
  return [
    [t('individual.realName'), form.realName.trim()],
    [t('individual.idType'), t(`individual.idType.${form.idType}` as MessageKey)],
    [t('individual.idNumber'), form.idNumber.trim()],
    [t('individual.industry'), t(`industry.${form.industry}` as MessageKey)],
    [t('individual.address'), `${form.region.trim()} ${form.detail.trim()}`],
  ];
}
