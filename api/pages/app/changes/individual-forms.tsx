import { useState } from 'preact/hooks';
import type { Account } from '../../../../contracts/account';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { ID_TYPES, INDUSTRIES, type IndividualForm } from '../individual/page';
import { SelectField, TextField } from '../ui/fields';
import { emptyEnterprise, EnterpriseFields, EnterpriseMethodFields, enterpriseRows, enterpriseSubjectBody, draftErrorsFrom, editDraft, legalPersonRecord, missingEnterprise, type DraftErrors, type EnterpriseDraft } from './enterprise-subject';
import { RequestSteps, useCreateChange, useFormState } from './request';

/** The account's holder, as the sandbox phone plays them at the holder's step (the ID number is masked in the view). */
function holderOf(account: Account) {
  const subject = account.verification.subject as { realName?: string; idType?: string } | null;
  return { realName: subject?.realName, idType: subject?.idType };
}

const CONFIRM_PATHS = ['method', 'legalPerson.name', 'legalPerson.idNumber'];

/** 个人认证变更为企业认证: the agreement, the enterprise's basic information → confirmation with its 认证方式. */
export function ToEnterpriseForm({ account }: { account: Account }) {
  const { t } = useI18n();
  const create = useCreateChange();
  const [draft, setDraft] = useState<EnterpriseDraft>(emptyEnterprise());
  const [errors, setErrors] = useState<DraftErrors>({});
  const edit = editDraft(setDraft, setErrors);
  const shown = { ...errors, ...draftErrorsFrom(create.submit.fieldErrors) };
  const check = () => {
    const missing = missingEnterprise(draft, t, false);
    setErrors(missing);
    return Object.keys(missing).length === 0;
  };
  const confirmCheck = () => {
    const missing = missingEnterprise(draft, t, true);
    setErrors(missing);
    return Object.keys(missing).length === 0;
  };
  return (
    <RequestSteps
      create={create}
      agreement="start"
      check={check}
      marked={Object.values(shown).some(Boolean)}
      rows={() => enterpriseRows(draft, t)}
      body={() => ({ type: 'individual_to_enterprise', ...enterpriseSubjectBody(draft) })}
      people={() => ({ holder: holderOf(account), legalPerson: legalPersonRecord(draft) })}
      confirmExtra={<EnterpriseMethodFields draft={draft} edit={edit} errors={shown} />}
      checkConfirm={confirmCheck}
      confirmPaths={CONFIRM_PATHS}
      canConfirm={!!draft.method}
    >
      <h2>{t('change.enterprise.basic')}</h2>
      <EnterpriseFields draft={draft} edit={edit} errors={shown} />
    </RequestSteps>
  );
}

const EMPTY: IndividualForm = { realName: '', idType: 'mainland_id', idNumber: '', industry: 'internet', region: '', detail: '' };
const REQUIRED: (keyof IndividualForm)[] = ['realName', 'idNumber', 'region', 'detail'];
const PATHS: Record<string, keyof IndividualForm> = {
  'individual.realName': 'realName',
  'individual.idNumber': 'idNumber',
  'individual.address.region': 'region',
  'individual.address.detail': 'detail',
};

/** 变更为其他个人: the new person's basic information and the agreement → confirmation. */
export function ToIndividualForm({ account }: { account: Account }) {
  const { t } = useI18n();
  const create = useCreateChange();
  const { form, set, check, shown, marked } = useFormState<IndividualForm>(EMPTY, REQUIRED, PATHS, create.submit.fieldErrors);
  const individual = { realName: form.realName, idType: form.idType, idNumber: form.idNumber, industry: form.industry, address: { region: form.region, detail: form.detail } };
  return (
    <RequestSteps
      create={create}
      agreement="end"
      check={check}
      marked={marked}
      rows={() => [
        [t('individual.realName'), form.realName.trim()],
        [t('individual.idType'), t(`individual.idType.${form.idType}` as MessageKey)],
        [t('individual.idNumber'), form.idNumber.trim()],
        [t('individual.industry'), t(`industry.${form.industry}` as MessageKey)],
        [t('individual.address'), `${form.region.trim()} ${form.detail.trim()}`],
      ]}
      body={() => ({ type: 'individual_to_individual', individual })}
      people={() => ({ holder: holderOf(account), newPerson: { realName: form.realName.trim(), idNumber: form.idNumber.trim(), idType: form.idType } })}
    >
      <h2>{t('change.newPerson.title')}</h2>
      <TextField name="realName" label={t('individual.realName')} value={form.realName} onInput={set('realName')} error={shown.realName} />
      <SelectField name="idType" label={t('individual.idType')} value={form.idType} onChange={set('idType')} options={ID_TYPES.map((v) => ({ value: v, label: t(`individual.idType.${v}` as MessageKey) }))} />
      <TextField name="idNumber" label={t('individual.idNumber')} value={form.idNumber} onInput={set('idNumber')} error={shown.idNumber} />
      <SelectField name="industry" label={t('individual.industry')} value={form.industry} onChange={set('industry')} options={INDUSTRIES.map((v) => ({ value: v, label: t(`industry.${v}` as MessageKey) }))} />
      <fieldset class="group">
        <legend>{t('individual.address')}</legend>
        <TextField name="region" label={t('individual.region')} hint={t('individual.regionHint')} value={form.region} onInput={set('region')} error={shown.region} />
        <TextField name="detail" label={t('individual.detail')} value={form.detail} onInput={set('detail')} error={shown.detail} />
      </fieldset>
    </RequestSteps>
  );
}
