import { useMemo } from 'preact/hooks';
import type { Change } from '../../../../contracts/change';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { usePolled } from '../poll';
import { NextActionPanel, type ExtraPanels } from '../process/actions';
import { rememberForPhone } from '../sandbox/known';
import { Layout, Loading, Notice } from '../ui/layout';
import { useReasonText } from '../ui/problems';
import { StepBar } from '../ui/steps';
import { ChangeEnd, RevokeButton, revocable } from './end';
import { enterprisePanels } from '../enterprise/panels';
import { MaterialsPanel } from './materials';
import { NewSubjectPanel } from './new-subject';
import { phonePersonAt } from './people';
import { changeSteps } from './steps';

const isOver = (c: Change) => c.status !== 'in_progress';

/** The new subject's verification's own requests (the amount, corrected materials), which go to that verification. */
const VERIFICATION_ACTIONS = ['enter_amount', 'resubmit_materials'];

/** Where the step's action is answered: the change, or for those requests the new subject's verification. */
function actionPath(c: Change, changePath: string): string {
  const own = c.step === 'verifying_new_subject' && c.verificationId && c.nextAction && VERIFICATION_ACTIONS.includes(c.nextAction.type);
  return own ? `/v1/verifications/${encodeURIComponent(c.verificationId!)}` : changePath;
}

/**
 * One change of subject, live (SPEC §5, §13): its steps, its validity, what it asks now — a QR of the holder, the new
 * person or the new enterprise's legal person (with the sandbox phone playing that person), materials, the new
 * subject, the review — a rejection's reason, the way to revoke it while that is possible, and how it ended.
 */
export function ChangePage(props: { id: string }) {
  const { t, time } = useI18n();
  const reason = useReasonText();
  const path = `/v1/changes/${encodeURIComponent(props.id)}`;
  const { value: c, error, refresh } = usePolled<Change>(path, isOver);
  const onChanged = (fresh?: unknown) => refresh(fresh as Change | undefined);
  // A verification's answer is no change: the change is read again.
  const onAction = (fresh?: unknown) => (c && actionPath(c, path) !== path ? refresh() : onChanged(fresh));
  // The phone plays the person whose QR this step shows; set before the step's panel (and its phone) mounts.
  useMemo(() => {
    const person = c && phonePersonAt(c);
    if (person) rememberForPhone(c.id, person);
  }, [c?.id, c?.step]);
  if (!c) return <Layout heading={t('home.changes')}>{error ? <Notice kind="error">{reason(error.code)}</Notice> : <Loading />}</Layout>;

  const extra: ExtraPanels = {
    ...enterprisePanels,
    submit_materials: (action) => <MaterialsPanel change={c} required={action.required} onDone={onChanged} />,
    submit_new_subject: () => <NewSubjectPanel change={c} onDone={onChanged} />,
  };
  const open = c.status === 'in_progress';
  return (
    <Layout heading={t(`change.type.${c.type}` as MessageKey)} wide>
      {(open || c.status === 'completed') && <StepBar steps={changeSteps(c.type, c)} />}
      {open && c.expiresAt && <p class="deadline">{t('change.validUntil', { time: time(c.expiresAt) })}</p>}
      {open && c.rejection && c.step === 'awaiting_materials' && (
        <Notice kind="error">
          {t('rejection.text')} {c.rejection.reason} {t('change.materials.resubmit')}
        </Notice>
      )}
      {open && c.nextAction && <NextActionPanel key={c.step} process={{ id: c.id, path: actionPath(c, path) }} action={c.nextAction} onChanged={onAction} extra={extra} />}
      {open && (
        <p class="muted" role="status">
          {t('process.updated')}
        </p>
      )}
      {revocable(c) && <RevokeButton change={c} onRevoked={onChanged} />}
      {isOver(c) && <ChangeEnd change={c} />}
    </Layout>
  );
}
