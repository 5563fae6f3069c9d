import { useI18n } from '../i18n';

/**
 * A step's two buttons (the seed's 上一步 / 下一步, or 确认 on a confirmation): back is a link (another page) or a
 * handler (the previous step); forward submits the step's form, or runs `onConfirm`.
 */
export function FormNav(props: { back?: string | (() => void); onConfirm?: () => void; busy?: boolean; disabled?: boolean}) {
  const { t } = useI18n();
  const { back } = props;
  return (
    <p class="row">
      {typeof back === 'string' && (
        <a class="button secondary" href={back}>
          {t('form.previous')}
        </a>
      )}
      {typeof back === 'function' && (
        <button type="button" class="secondary" onClick={back}>
          {t('form.previous')}
        </button>
      )}
      {props.onConfirm ? (
        <button type="button" disabled={props.busy || props.disabled} onClick={props.onConfirm}>
          {t('form.confirm')}
        </button>
      ) : (
        <button type="submit" disabled={props.busy || props.disabled}>
          {t('form.next')}
        </button>
      )}
    </p>
  );
}
