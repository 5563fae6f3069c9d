import { useEffect, useState } from 'preact/hooks';
import type { Account } from '../../../../contracts/account';
import type { Verification } from '../../../../contracts/verification';
import { accountPath, api, ApiError } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { href } from '../router';
import { Summary } from '../ui/fields';
import { Layout, Loading, Notice } from '../ui/layout';
import { useReasonText } from '../ui/problems';

/** The start: where the account stands, 选择认证类型 when unverified, the way back into an open process, the changes. */
export function HomePage() {
  const { t, time } = useI18n();
  const reason = useReasonText();
  const [account, setAccount] = useState<Account | undefined>(undefined);
  const [last, setLast] = useState<Verification | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    api.get<Account>(accountPath()).then(setAccount, (err: unknown) => setError(reason(err instanceof ApiError ? err.code : 'unknown')));
    api.get<{ items?: Verification[] } | Verification[]>(accountPath('/verifications')).then(
      (list) => setLast((Array.isArray(list) ? list : (list.items ?? []))[0]),
      () => undefined,
    );
  }, []);
  if (error) return <Layout heading={t('app.title')}><Notice kind="error">{error}</Notice></Layout>;
  if (!account) return <Layout heading={t('app.title')}><Loading /></Layout>;
  const v = account.verification;
  const verified = v.status === 'verified';
  return (
    <Layout heading={t('app.title')}>
      <Summary
        rows={[
          [t('home.account'), account.id],
          [t('home.status'), verified ? t('home.verified') : t('home.unverified')],
          ...(verified && v.subjectType ? ([[t('home.subjectType'), t(`home.${v.subjectType}`)]] as [string, string][]) : []),
          ...(verified && v.subject ? ([[t('home.subject'), 'realName' in v.subject ? v.subject.realName : v.subject.name]] as [string, string][]) : []),
          ...(verified && v.verifiedAt ? ([[t('home.verifiedAt'), time(v.verifiedAt)]] as [string, string][]) : []),
        ]}
      />
      {account.closed ? <Notice kind="error">{t('home.closed')}</Notice> : <NextSteps account={account} last={last} />}
      <nav class="links" aria-label={t('app.title')}>
        <a href={href({ name: 'messages' })}>{t('home.messages')}</a>
        <a href={href({ name: 'lookup' })}>{t('home.lookup')}</a>
      </nav>
    </Layout>
  );
}

function NextSteps({ account, last }: { account: Account; last?: Verification }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const open = account.openProcess;
  if (open) {
    return (
      <Notice>
        {open.kind === 'change' ? t('home.openChange') : t('home.openProcess')}{' '}
        <a class="button" href={href({ name: open.kind, id: open.id })}>
          {t('home.continue')}
        </a>
      </Notice>
    );
  }
  if (account.verification.status === 'verified') return <ChangeList account={account} />;
  return (
    <>
      {last && (last.status === 'failed' || last.status === 'expired') && last.failureReason && (
        <Notice kind="error">{t('home.lastFailed', { reason: reason(last.failureReason, last.retryAfter ? { retryAfter: last.retryAfter } : {}) })}</Notice>
      )}
      <h2>{t('home.choose')}</h2>
      <div class="cards">
        <section class="card">
          <h3>{t('home.individual')}</h3>
          <p>{t('home.individualHint')}</p>
          <a class="button" href={href({ name: 'individual' })}>
            {t('home.startIndividual')}
          </a>
        </section>
        <section class="card">
          <h3>{t('home.enterprise')}</h3>
          <p>{t('home.enterpriseHint')}</p>
          <a class="button" href={href({ name: 'enterprise' })}>
            {t('home.startEnterprise')}
          </a>
        </section>
      </div>
    </>
  );
}

/** 修改认证主体: each change type that fits the account, from when it is possible (SPEC §5 cooling-off). */
function ChangeList({ account }: { account: Account }) {
  const { t, time } = useI18n();
  const fitting = account.changeOptions.filter((o) => o.fits);
  if (fitting.length === 0) return null;
  return (
    <section>
      <h2>{t('home.changes')}</h2>
      <ul class="change-list">
        {fitting.map((o) => {
          const later = o.allowedFrom !== null && new Date(o.allowedFrom).getTime() > Date.now();
          return (
            <li key={o.type}>
              {later ? <span>{t(`change.type.${o.type}` as MessageKey)}</span> : <a href={href({ name: 'new-change', type: o.type })}>{t(`change.type.${o.type}` as MessageKey)}</a>}
              {later && o.allowedFrom && <span class="muted"> · {t('home.changeFrom', { date: time(o.allowedFrom) })}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
