import { useState } from 'preact/hooks';
import type { Verification } from '../../../../contracts/verification';
import { api } from '../api';
import { enterprisePanels } from '../enterprise/panels';
import { useI18n } from '../i18n';
import { Layout, Loading, Notice } from '../ui/layout';
import { useReasonText } from '../ui/problems';
import { seedSteps, StepBar } from '../ui/steps';
import { usePolled } from '../poll';
import { NextActionPanel } from './actions';
import { Outcome } from './outcome';

const isOver = (v: Verification) => v.status !== 'in_progress';

/** One verification, live: its step bar, what it asks now (with the sandbox phone), and how it ended. */
export function VerificationPage(props: { id: string }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const path = `/v1/verifications/${encodeURIComponent(props.id)}`;
  const { value: v, error, refresh } = usePolled<Verification>(path, isOver);
  const heading = v?.subjectType === 'enterprise' ? t('home.enterprise') : t('home.individual');
  if (!v) return <Layout heading={t('app.title')}>{error ? <Notice kind="error">{reason(error.code)}</Notice> : <Loading />}</Layout>;
  return (
    <Layout heading={heading} wide>
      <StepBar steps={seedSteps(v.status === 'verified' ? 2 : 1)} />
      {v.rejection && v.status === 'in_progress' && (
        <Notice kind="error">
          {t('rejection.text')} {v.rejection.reason}
        </Notice>
      )}
      {v.status === 'in_progress' && v.nextAction && (
        <NextActionPanel process={{ id: v.id, path }} action={v.nextAction} onChanged={(fresh) => refresh(fresh as Verification | undefined)} extra={enterprisePanels} />
      )}
      {v.status === 'in_progress' && (
        <p class="muted" role="status">
          {t('process.updated')}
        </p>
      )}
      {v.status === 'in_progress' && v.nextAction?.type !== 'await_payout' && v.nextAction?.type !== 'enter_amount' && <CancelButton path={path} onCancelled={(fresh) => refresh(fresh)} />}
      {isOver(v) && (
        <Outcome status={v.status} failureReason={v.failureReason} retryAfter={v.retryAfter} againRoute={{ name: v.subjectType === 'enterprise' ? 'enterprise' : 'individual' }} />
      )}
    </Layout>
  );
}

function CancelButton(props: { path: string; onCancelled: (fresh: Verification) => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return (
      <p>
        <button type="button" class="link" onClick={() => setAsking(true)}>
          {t('process.cancel')}
        </button>
      </p>
    );
  const cancel = async () => {
    setBusy(true);
    try {
      props.onCancelled(await api.post<Verification>(`${props.path}/cancel`));
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <p class="row" role="group" aria-label={t('process.cancelConfirm')}>
      <span>{t('process.cancelConfirm')}</span>
      <button type="button" class="danger" disabled={busy} onClick={() => void cancel()}>
        {t('process.cancel')}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {t('app.back')}
      </button>
    </p>
  );
}
