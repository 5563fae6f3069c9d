import { currentSession } from '../session';
import { useI18n } from '../i18n';
import { href, type Route } from '../router';
import { Notice } from '../ui/layout';
import { useReasonText } from '../ui/problems';

/** How a process ended, in the person's words, and where to go from there (back to the console, or start again). */
export function Outcome(props: { status: string; failureReason: string | null; retryAfter?: string; againRoute: Route; successTitle?: string; successText?: string }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const returnUrl = currentSession()?.returnUrl;
  if (props.status === 'verified' || props.status === 'completed') {
    return (
      <>
        <Notice kind="success">
          <strong>{props.successTitle ?? t('process.verified')}</strong> {props.successText ?? t('process.verifiedText')}
        </Notice>
        <WhereNext primary={returnUrl ? { href: returnUrl, label: t('app.returnToSite') } : undefined} />
      </>
    );
  }
  const title = props.status === 'expired' ? t('process.expired') : props.status === 'cancelled' || props.status === 'revoked' ? t('process.cancelled') : t('process.failed');
  return (
    <>
      <Notice kind="error">
        <strong>{title}</strong> {props.failureReason ? reason(props.failureReason, props.retryAfter ? { retryAfter: props.retryAfter } : {}) : ''}
      </Notice>
      <WhereNext primary={{ href: href(props.againRoute), label: t('process.startAgain') }} />
    </>
  );
}

/** Where to go once a process has ended: its own next step (back to the console, start again), and the start page. */
export function WhereNext(props: { primary?: { href: string; label: string } }) {
  const { t } = useI18n();
  return (
    <p class="row">
      {props.primary && (
        <a class="button" href={props.primary.href}>
          {props.primary.label}
        </a>
      )}
      <a class="button secondary" href={href({ name: 'home' })}>
        {t('app.home')}
      </a>
    </p>
  );
}
