import { useState } from 'preact/hooks';
import type { Verification } from '../../../../contracts/verification';
import { accountPath, api } from '../api';
import { useI18n } from '../i18n';
import { go } from '../router';
import { rememberForPhone } from '../sandbox/known';
import { Summary } from '../ui/fields';
import { EMPTY_INDIVIDUAL, INDIVIDUAL_PATHS, IndividualFields, individualBody, individualRows, REQUIRED_INDIVIDUAL, type IndividualForm } from './fields';
import { Layout } from '../ui/layout';
import { MethodChoice } from '../ui/methods';
import { useSubmit } from '../ui/problems';
import { seedSteps, StepBar } from '../ui/steps';
import { FormNav } from '../ui/nav';

/** 个人认证: 填写基本信息 → confirmation with 认证方式 → the verification (its QR). */
export function IndividualPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<IndividualForm>(EMPTY_INDIVIDUAL);
  const [step, setStep] = useState<'fill' | 'confirm'>('fill');
  const [method, setMethod] = useState('');
  const [errors, setErrors] = useState<Partial<Record<keyof IndividualForm, string>>>({});
  const submit = useSubmit();
  const set = (field: keyof IndividualForm) => (value: string) => setForm({ ...form, [field]: value });

  const next = (e: Event) => {
    e.preventDefault();
    const missing = Object.fromEntries(REQUIRED_INDIVIDUAL.filter((f) => !form[f].trim()).map((f) => [f, t('form.required')]));
    setErrors(missing);
    if (Object.keys(missing).length === 0) setStep('confirm');
  };
  const confirm = async () => {
    const body = {
      subjectType: 'individual',
      method,
      individual: individualBody(form),
    };
    const v = await submit.run(() => api.post<Verification>(accountPath('/verifications'), body));
    if (v) {
      rememberForPhone(v.id, { realName: form.realName.trim(), idNumber: form.idNumber.trim(), idType: form.idType });
      go({ name: 'verification', id: v.id });
    }
  };
  const serverErrors = Object.fromEntries(Object.entries(submit.fieldErrors).flatMap(([path, message]) => (INDIVIDUAL_PATHS[path] ? [[INDIVIDUAL_PATHS[path], message]] : [])));
  const shown = { ...errors, ...serverErrors };

  if (step === 'confirm') {
    return (
      <Layout heading={t('individual.title')}>
        <StepBar steps={seedSteps(0)} />
        <h2>{t('form.confirmTitle')}</h2>
        <p>{t('form.confirmHint')}</p>
        <Summary rows={individualRows(form, t)} />
        <MethodChoice query={{ subjectType: 'individual', idType: form.idType }} value={method} onChange={setMethod} why={() => (form.idType === 'mainland_id' ? undefined : t('individual.permitOnlyWechat'))} />
        {submit.notice}
        <FormNav back={() => setStep('fill')} onConfirm={() => void confirm()} busy={submit.busy} disabled={!method} />
      </Layout>
    );
  }
  return (
    <Layout heading={t('individual.title')}>
      <StepBar steps={seedSteps(0)} />
      <form onSubmit={next} noValidate>
        <h2>{t('steps.basic_info')}</h2>
        <IndividualFields form={form} set={set} errors={shown} />
        {Object.keys(shown).length > 0 && <p class="field-error">{t('form.fixErrors')}</p>}
        <FormNav back="#/" />
      </form>
    </Layout>
  );
}
