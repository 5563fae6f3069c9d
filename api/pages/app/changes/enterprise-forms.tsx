import type { Account } from '../../../../contracts/account';
import { useI18n } from '../i18n';
import { ChoiceGroup, Summary, TextField } from '../ui/fields';
import { RequestSteps, useCreateChange, useFormState } from './request';

const currentName = (account: Account) => (account.verification.subject && 'name' in account.verification.subject ? account.verification.subject.name : '');

const ENTITY = { formerName: '', formerIdNumber: '', name: '', creditCode: '', region: '', detail: '' };
const ENTITY_PATHS: Record<string, keyof typeof ENTITY> = {
  'formerLegalPerson.name': 'formerName',
  'formerLegalPerson.idNumber': 'formerIdNumber',
  'newEnterprise.name': 'name',
  'newEnterprise.creditCode': 'creditCode',
  'newEnterprise.address.region': 'region',
  'newEnterprise.address.detail': 'detail',
};

/** 变更企业主体: the legal person before the change, the enterprise after it, the agreement → confirmation. */
export function EntityChangeForm() {
  const { t } = useI18n();
  const create = useCreateChange();
  const { form, set, check, shown, marked } = useFormState(ENTITY, Object.keys(ENTITY) as (keyof typeof ENTITY)[], ENTITY_PATHS, create.submit.fieldErrors);
  const newEnterprise = { name: form.name.trim(), creditCode: form.creditCode.trim(), region: form.region.trim(), detail: form.detail.trim() };
  return (
    <RequestSteps
      create={create}
      agreement
      check={check}
      marked={marked}
      rows={() => [
        [t('change.formerLegalPerson'), `${form.formerName.trim()} · ${form.formerIdNumber.trim()}`],
        [t('change.enterprise.name'), newEnterprise.name],
        [t('change.enterprise.creditCode'), newEnterprise.creditCode],
        [t('individual.address'), `${newEnterprise.region} ${newEnterprise.detail}`],
      ]}
      body={() => ({
        type: 'enterprise_entity_change',
        formerLegalPerson: { name: form.formerName, idNumber: form.formerIdNumber },
        newEnterprise: { name: form.name, creditCode: form.creditCode, address: { region: form.region, detail: form.detail } },
      })}
      people={() => ({ holder: { realName: form.formerName.trim(), idNumber: form.formerIdNumber.trim() }, newEnterprise })}
    >
      <fieldset class="group">
        <legend>{t('change.formerLegalPerson')}</legend>
        <TextField name="formerName" label={t('change.legalPerson.name')} value={form.formerName} onInput={set('formerName')} error={shown.formerName} />
        <TextField name="formerIdNumber" label={t('change.legalPerson.idNumber')} hint={t('change.mainlandOnly')} value={form.formerIdNumber} onInput={set('formerIdNumber')} error={shown.formerIdNumber} />
      </fieldset>
      <fieldset class="group">
        <legend>{t('change.newEnterprise')}</legend>
        <TextField name="enterpriseName" label={t('change.enterprise.name')} value={form.name} onInput={set('name')} error={shown.name} />
        <TextField name="creditCode" label={t('change.enterprise.creditCode')} hint={t('change.enterprise.creditCodeHint')} value={form.creditCode} onInput={set('creditCode')} error={shown.creditCode} />
        <TextField name="region" label={t('individual.region')} hint={t('individual.regionHint')} value={form.region} onInput={set('region')} error={shown.region} />
        <TextField name="detail" label={t('individual.detail')} value={form.detail} onInput={set('detail')} error={shown.detail} />
      </fieldset>
    </RequestSteps>
  );
}

/** 企业名称变更: the new name (the code stays) → confirmation; the registry may confirm it at once. */
export function NameChangeForm({ account }: { account: Account }) {
  const { t } = useI18n();
  const create = useCreateChange();
  const { form, set, check, shown, marked } = useFormState({ newName: '' }, ['newName'], { newName: 'newName' }, create.submit.fieldErrors);
  return (
    <RequestSteps
      create={create}
      check={check}
      marked={marked}
      rows={() => [
        [t('change.enterprise.name'), currentName(account)],
        [t('change.newName'), form.newName.trim()],
      ]}
      body={() => ({ type: 'enterprise_name_change', newName: form.newName })}
      people={() => ({})}
    >
      <Summary rows={[[t('change.enterprise.name'), currentName(account)]]} />
      <TextField name="newName" label={t('change.newName')} value={form.newName} onInput={set('newName')} error={shown.newName} autoComplete="organization" />
    </RequestSteps>
  );
}

const LEGAL = { name: '', idNumber: '', method: 'face' };

/** 法定代表人变更: the new legal person and how they verify (WeChat QR or face) → confirmation. */
export function LegalRepresentativeForm() {
  const { t } = useI18n();
  const create = useCreateChange();
  const paths = { 'newLegalPerson.name': 'name', 'newLegalPerson.idNumber': 'idNumber', method: 'method' } as const;
  const { form, set, check, shown, marked } = useFormState(LEGAL, ['name', 'idNumber'], paths, create.submit.fieldErrors);
  const methods = ['face', 'wechat_qr'].map((m) => ({ value: m, label: t(m === 'face' ? 'method.face' : 'method.wechat_qr') }));
  return (
    <RequestSteps
      create={create}
      check={check}
      marked={marked}
      rows={() => [
        [t('change.newLegalPerson'), `${form.name.trim()} · ${form.idNumber.trim()}`],
        [t('change.newLegalPerson.method'), t(form.method === 'face' ? 'method.face' : 'method.wechat_qr')],
      ]}
      body={() => ({ type: 'legal_representative_update', newLegalPerson: { name: form.name, idNumber: form.idNumber }, method: form.method })}
      people={() => ({ newPerson: { realName: form.name.trim(), idNumber: form.idNumber.trim(), idType: 'mainland_id' } })}
    >
      <fieldset class="group">
        <legend>{t('change.newLegalPerson')}</legend>
        <TextField name="newLegalPersonName" label={t('change.legalPerson.name')} value={form.name} onInput={set('name')} error={shown.name} />
        <TextField name="newLegalPersonIdNumber" label={t('change.legalPerson.idNumber')} hint={t('change.mainlandOnly')} value={form.idNumber} onInput={set('idNumber')} error={shown.idNumber} />
      </fieldset>
      <ChoiceGroup name="method" legend={t('change.newLegalPerson.method')} value={form.method} choices={methods} onChange={set('method')} error={shown.method} />
    </RequestSteps>
  );
}
