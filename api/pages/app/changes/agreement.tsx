import { useId } from 'preact/hooks';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';

const CLAUSES: MessageKey[] = ['change.agreement.1', 'change.agreement.2', 'change.agreement.3', 'change.agreement.4', 'change.agreement.5'];

/** 认证主体变更协议: its text, and the box that accepts it (agreementAccepted); the error is tied to the box. */
export function Agreement(props: { accepted: boolean; onChange: (accepted: boolean) => void; error?: string }) {
  const { t } = useI18n();
  const id = `agreement-${useId()}`;
  return (
    <section class="agreement" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('change.agreement.title')}</h2>
      <ol class="agreement-text">
        {CLAUSES.map((clause) => (
          <li key={clause}>{t(clause)}</li>
        ))}
      </ol>
      <div class={`field${props.error ? ' invalid' : ''}`}>
        <label class="check">
          <input
            type="checkbox"
            name="agreementAccepted"
            checked={props.accepted}
            aria-invalid={props.error ? true : undefined}
            aria-describedby={props.error ? `${id}-error` : undefined}
            onChange={(e) => props.onChange(e.currentTarget.checked)}
          />{' '}
          {t('change.agreement.accept')}
        </label>
        {props.error && (
          <p class="field-error" id={`${id}-error`}>
            {props.error}
          </p>
        )}
      </div>
    </section>
  );
}
