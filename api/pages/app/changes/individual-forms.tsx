import type { Account } from '../../../../contracts/account';
import type { Change } from '../../../../contracts/change';
import { accountPath, api } from '../api';
import { phoneRecordOf } from '../enterprise/form';
import { EnterpriseSteps } from '../enterprise/steps';
import { useI18n } from '../i18n';
import { EMPTY_INDIVIDUAL, INDIVIDUAL_PATHS, IndividualFields, individualBody, individualRows, REQUIRED_INDIVIDUAL, type IndividualForm } from '../individual/fields';
import { openChange, RequestSteps, useAgreement, useCreateChange, useFormState } from './request';

/** The account's holder, as the sandbox phone plays them at the holder's step (the ID number is masked in the view). */
function holderOf(account: Account) {
  const subject = account.verification.subject as { realName?: string; idType?: string } | null;
  return { realName: subject?.realName, idType: subject?.idType };
}

/**
 * 个人认证变更为企业认证: the agreement and the enterprise's verification data, as an enterprise verification asks them
 * (basic information with OCR → method → its information → 确认) → POST …/changes.
 */
export function ToEnterpriseForm({ account }: { account: Account }) {
  const agreement = useAgreement();
  return (
    <EnterpriseSteps
      backHref="#/"
      lead={agreement.element}
      leadPasses={agreement.check}
      leadMarked={agreement.error !== undefined}
      send={(body) => api.post<Change>(accountPath('/changes'), { type: 'individual_to_enterprise', agreementAccepted: true, ...body })}
      done={(change, form) => openChange(change, { holder: holderOf(account), newSubject: phoneRecordOf(form) })}
    />
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
      agreement
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
