import { useState } from 'preact/hooks';
import type { IdentityLookup } from '../../../../contracts/identity-lookup';
import { api } from '../api';
import type { MessageKey } from '../catalogue';
import { ID_TYPES } from '../individual/fields';
import { useI18n } from '../i18n';
import { usePolled } from '../poll';
import { NextActionPanel } from '../process/actions';
import { go, href } from '../router';
import { rememberForPhone } from '../sandbox/known';
import { ChoiceGroup, SelectField, TextField } from '../ui/fields';
import { Layout, Loading, Notice } from '../ui/layout';
import { useReasonText, useSubmit } from '../ui/problems';

type Form = { as: 'individual' | 'enterprise'; realName: string; idType: string; idNumber: string; creditCode: string };
const EMPTY: Form = { as: 'individual', realName: '', idType: 'mainland_id', idNumber: '', creditCode: '' };

/** 找回账号: who to look up (a person, or an enterprise by its legal representative), then the face check. */
export function LookupPage() {
  const { t } = useI18n();
  const [form, setForm] = useState<Form>(EMPTY);
  const submit = useSubmit();
  const set = (field: keyof Form) => (value: string) => setForm({ ...form, [field]: value });
  const enterprise = form.as === 'enterprise';
  const start = async (e: Event) => {
    e.preventDefault();
    const person = { name: form.realName.trim(), idNumber: form.idNumber.trim() };
    const body = enterprise ? { creditCode: form.creditCode.trim(), legalPerson: person } : { realName: person.name, idType: form.idType, idNumber: person.idNumber };
    const lookup = await submit.run(() => api.post<IdentityLookup>('/v1/identity-lookups', body));
    if (!lookup) return;
    rememberForPhone(lookup.id, { realName: person.name, idNumber: person.idNumber, idType: enterprise ? 'mainland_id' : form.idType });
    go({ name: 'lookup-result', id: lookup.id });
  };
  const err = (path: string) => submit.fieldErrors[path];
  return (
    <Layout heading={t('lookup.title')}>
      <p>{t('lookup.intro')}</p>
      <form onSubmit={(e) => void start(e)} noValidate>
        <ChoiceGroup
          name="as"
          legend={t('lookup.as')}
          value={form.as}
          onChange={(v) => setForm({ ...form, as: v as Form['as'] })}
          choices={[
            { value: 'individual', label: t('lookup.asIndividual') },
            { value: 'enterprise', label: t('lookup.asEnterprise') },
          ]}
        />
        {enterprise && <TextField name="creditCode" label={t('lookup.creditCode')} value={form.creditCode} onInput={set('creditCode')} error={err('creditCode')} />}
        <TextField name="realName" label={enterprise ? t('lookup.legalName') : t('individual.realName')} value={form.realName} onInput={set('realName')} error={err(enterprise ? 'legalPerson.name' : 'realName')} />
        {!enterprise && (
          <SelectField name="idType" label={t('individual.idType')} value={form.idType} onChange={set('idType')} options={ID_TYPES.map((v) => ({ value: v, label: t(`individual.idType.${v}` as MessageKey) }))} />
        )}
        <TextField name="idNumber" label={enterprise ? t('lookup.legalIdNumber') : t('individual.idNumber')} value={form.idNumber} onInput={set('idNumber')} error={err(enterprise ? 'legalPerson.idNumber' : 'idNumber')} />
        {submit.notice}
        <p class="row">
          <a class="button secondary" href={href({ name: 'home' })}>
            {t('form.previous')}
          </a>
          <button type="submit" disabled={submit.busy}>
            {t('lookup.start')}
          </button>
        </p>
      </form>
    </Layout>
  );
}

/** One lookup, live: its face check (with the sandbox phone), then the accounts found, or why not. */
export function LookupResultPage(props: { id: string }) {
  const { t, time } = useI18n();
  const reason = useReasonText();
  const path = `/v1/identity-lookups/${encodeURIComponent(props.id)}`;
  const { value: lookup, error, refresh } = usePolled<IdentityLookup>(path, (l) => l.status !== 'in_progress');
  if (!lookup) return <Layout heading={t('lookup.title')}>{error ? <Notice kind="error">{reason(error.code)}</Notice> : <Loading />}</Layout>;
  return (
    <Layout heading={t('lookup.title')} wide={lookup.status === 'in_progress'}>
      {lookup.status === 'in_progress' && lookup.nextAction && (
        <NextActionPanel process={{ id: lookup.id, path }} action={lookup.nextAction} onChanged={(fresh) => refresh(fresh as IdentityLookup | undefined)} />
      )}
      {lookup.status === 'completed' && (
        <>
          <h2>{t('lookup.found')}</h2>
          {lookup.accounts && lookup.accounts.length > 0 ? (
            <ul class="found">
              {lookup.accounts.map((a) => (
                <li key={a.accountId}>
                  <span class="mono">{a.accountId}</span> · {t(`lookup.accountType.${a.subjectType}`)}
                  {a.verifiedAt && <> · {time(a.verifiedAt)}</>}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('lookup.none')}</p>
          )}
        </>
      )}
      {lookup.status === 'failed' && (
        <Notice kind="error">
          <strong>{t('lookup.failed')}</strong> {reason(lookup.failureReason ?? 'unknown')}
        </Notice>
      )}
      {lookup.status === 'expired' && <Notice kind="error">{t('lookup.expired')}</Notice>}
      {lookup.status !== 'in_progress' && (
        <p class="row">
          <a class="button" href={href({ name: 'lookup' })}>
            {t('lookup.again')}
          </a>
          <a class="button secondary" href={href({ name: 'home' })}>
            {t('app.home')}
          </a>
        </p>
      )}
    </Layout>
  );
}
