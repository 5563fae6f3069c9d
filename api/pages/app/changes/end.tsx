import { useState } from 'preact/hooks';
import type { Change } from '../../../../contracts/change';
import { api } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { Outcome, WhereNext } from '../process/outcome';
import { href } from '../router';
import { Notice } from '../ui/layout';
import { useReasonText, useSubmit } from '../ui/problems';

/** Whether the requester may still revoke (SPEC §5): until the review's decision, or the switch for types without one. */
export function revocable(change: Change): boolean {
  if (change.status !== 'in_progress') return false;
  const decided = change.type === 'enterprise_entity_change' && (change.step === 'awaiting_new_subject' || change.step === 'verifying_new_subject');
  // A payout once ordered cannot be recalled (the new enterprise's public remittance): its verification runs to its end.
  const moneyMoving = change.nextAction?.type === 'await_payout' || change.nextAction?.type === 'enter_amount';
  return !decided && !moneyMoving;
}

/** 撤销变更申请, asked once more before it is sent. */
export function RevokeButton(props: { change: Change; onRevoked: (fresh: Change) => void }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const submit = useSubmit();
  const revoke = async () => {
    const fresh = await submit.run(() => api.post<Change>(`/v1/changes/${encodeURIComponent(props.change.id)}/revoke`));
    setAsking(false);
    if (fresh) props.onRevoked(fresh);
  };
  return (
    <>
      {submit.notice}
      {asking ? (
        <p class="row" role="group" aria-label={t('change.revokeConfirm')}>
          <span>{t('change.revokeConfirm')}</span>
          <button type="button" class="danger" disabled={submit.busy} onClick={() => void revoke()}>
            {t('change.revoke')}
          </button>
          <button type="button" class="secondary" onClick={() => setAsking(false)}>
            {t('app.back')}
          </button>
        </p>
      ) : (
        <p>
          <button type="button" class="link" onClick={() => setAsking(true)}>
            {t('change.revoke')}
          </button>
        </p>
      )}
    </>
  );
}

/** How the change ended: switched (or updated), revoked, expired, failed with its reason; and where to go next. */
export function ChangeEnd({ change }: { change: Change }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const again = { name: 'new-change', type: change.type } as const;
  if (change.status === 'completed') {
    return <Outcome status="completed" failureReason={null} againRoute={again} successTitle={t('change.completed')} successText={t(`change.done.${change.type}` as MessageKey)} />;
  }
  return (
    <>
      {change.status === 'revoked' && <Notice>{t('change.revoked')}</Notice>}
      {change.status === 'expired' && <Notice kind="error">{t('change.expired')}</Notice>}
      {change.status === 'failed' && (
        <Notice kind="error">
          <strong>{t('change.failed')}</strong> {reason(change.failureReason ?? 'unknown')}
        </Notice>
      )}
      <WhereNext primary={{ href: href(again), label: t('change.again') }} />
    </>
  );
}
