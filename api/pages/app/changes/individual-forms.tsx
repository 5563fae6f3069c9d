import { useState } from 'preact/hooks';
import type { Account } from '../../../../contracts/account';
import { useI18n } from '../i18n';
import { EMPTY_INDIVIDUAL, INDIVIDUAL_PATHS, IndividualFields, individualBody, individualRows, REQUIRED_INDIVIDUAL, type IndividualForm } from '../individual/fields';
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

/** 变更为其他个人: the new person's basic information and the agreement → confirmation. */
export function ToIndividualForm({ account }: { account: Account }) {
  const { t } = useI18n();
  const create = useCreateChange();
  const { form, set, check, shown, marked } = useFormState<IndividualForm>(EMPTY_INDIVIDUAL, REQUIRED_INDIVIDUAL, INDIVIDUAL_PATHS, create.submit.fieldErrors);
  return (
    <RequestSteps
      create={create}
      agreement="end"
      check={check}
      marked={marked}
      rows={() => individualRows(form, t)}
      body={() => ({ type: 'individual_to_individual', individual: individualBody(form) })}
      people={() => ({ holder: holderOf(account), newPerson: { realName: form.realName.trim(), idNumber: form.idNumber.trim(), idType: form.idType } })}
    >
      <h2>{t('change.newPerson.title')}</h2>
      <IndividualFields form={form} set={set} errors={shown} />
    </RequestSteps>
  );
}
