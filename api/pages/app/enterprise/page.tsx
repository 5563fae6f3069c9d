import type { Verification } from '../../../../contracts/verification';
import { accountPath, api } from '../api';
import { useI18n } from '../i18n';
import { go } from '../router';
import { rememberForPhone } from '../sandbox/known';
import { Layout } from '../ui/layout';
import { seedSteps, StepBar } from '../ui/steps';
import { phoneRecordOf } from './form';
import { EnterpriseSteps } from './steps';

/** 企业认证: 填写基本信息 → 认证方式 → the method's information → 确认 → the verification (its next action). */
export function EnterprisePage() {
  const { t } = useI18n();
  return (
    <Layout heading={t('enterprise.title')}>
      <StepBar steps={seedSteps(0)} />
      <EnterpriseSteps
        backHref="#/"
        send={(body) => api.post<Verification>(accountPath('/verifications'), { subjectType: 'enterprise', ...body })}
        done={(v, form) => {
          // The sandbox phone plays the legal person (their QR), the paying account, the receiving account's statement.
          rememberForPhone(v.id, phoneRecordOf(form));
          go({ name: 'verification', id: v.id });
        }}
      />
    </Layout>
  );
}
