import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Account } from '../../../../contracts/account';
import type { Change } from '../../../../contracts/change';
import { accountPath, api, ApiError } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { href } from '../router';
import { Layout, Loading, Notice } from '../ui/layout';
import { useReasonText } from '../ui/problems';
import { StepBar } from '../ui/steps';
import { EntityChangeForm, LegalRepresentativeForm, NameChangeForm } from './enterprise-forms';
import { ToEnterpriseForm, ToIndividualForm } from './individual-forms';
import { changeSteps } from './steps';

const FORMS: Record<Change['type'], (props: { account: Account }) => JSX.Element> = {
  individual_to_enterprise: ToEnterpriseForm,
  individual_to_individual: ToIndividualForm,
  enterprise_entity_change: EntityChangeForm,
  enterprise_name_change: NameChangeForm,
  legal_representative_update: LegalRepresentativeForm,
};

const isType = (type: string): type is Change['type'] => type in FORMS;

/**
 * A new change of subject (SPEC §5) of the given type: whether it fits the account, from when it is possible (the
 * cooling-off, in Beijing time), then the type's form. A request made too early is refused with the same date.
 */
export function NewChangePage(props: { type: string }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const [account, setAccount] = useState<Account | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    api.get<Account>(accountPath()).then(setAccount, (err: unknown) => setError(reason(err instanceof ApiError ? err.code : 'unknown')));
  }, []);
  if (!isType(props.type)) return <Layout heading={t('home.changes')}><Notice kind="error">{reason('NOT_FOUND')}</Notice></Layout>;
  const heading = t(`change.type.${props.type}` as MessageKey);
  if (error || !account) return <Layout heading={heading}>{error ? <Notice kind="error">{error}</Notice> : <Loading />}</Layout>;
  return (
    <Layout heading={heading}>
      <StepBar steps={changeSteps(props.type)} />
      <Request type={props.type} account={account} />
    </Layout>
  );
}

function Request({ type, account }: { type: Change['type']; account: Account }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const option = account.changeOptions.find((o) => o.type === type);
  const open = account.openProcess;
  if (open) {
    return (
      <Notice>
        {t('change.openProcess')}{' '}
        <a class="button" href={href({ name: open.kind, id: open.id })}>
          {t('home.continue')}
        </a>
      </Notice>
    );
  }
  if (!option?.fits) {
    return (
      <>
        <Notice kind="error">{t('change.notFitting')}</Notice>
        <a class="button secondary" href={href({ name: 'home' })}>
          {t('app.home')}
        </a>
      </>
    );
  }
  const Form = FORMS[type];
  const later = option.allowedFrom !== null && Date.parse(option.allowedFrom) > Date.now();
  return (
    <>
      <p>{t(`change.intro.${type}` as MessageKey)}</p>
      {later && <Notice>{reason('CHANGE_COOLDOWN', { allowedFrom: option.allowedFrom })}</Notice>}
      <Form account={account} />
    </>
  );
}
