import { useState } from 'preact/hooks';
import { useI18n } from '../i18n';

/** A value with a copy button (the recharge's payee details): the value stays selectable if the clipboard is refused. */
export function CopyValue(props: { label: string; value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div class="copy-row">
      <dt>{props.label}</dt>
      <dd>
        <span class="mono">{props.value}</span>
        <button type="button" class="small" aria-label={`${t('form.copy')} ${props.label}`} onClick={() => void copy()}>
          {copied ? t('form.copied') : t('form.copy')}
        </button>
      </dd>
    </div>
  );
}
