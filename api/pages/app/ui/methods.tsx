import { useEffect, useState } from 'preact/hooks';
import { accountPath, api, ApiError } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { ChoiceGroup } from './fields';
import { Notice } from './layout';
import { useReasonText } from './problems';

export interface MethodOption {
  method: string;
  eligible: boolean;
  reason?: string;
  completes: string;
}

/** The methods this subject may use (GET …/verification-options) and the recommended one, for the 认证方式 choice. */
export function useMethodOptions(query: Record<string, string>) {
  const [options, setOptions] = useState<{ methods: MethodOption[]; recommended: string | null } | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const key = new URLSearchParams(query).toString();
  useEffect(() => {
    setOptions(undefined);
    setError(undefined);
    api.get<{ methods: MethodOption[]; recommended: string | null }>(accountPath(`/verification-options?${key}`)).then(setOptions, (err: unknown) => err instanceof ApiError && setError(err));
  }, [key]);
  return { options, error };
}

/** The options limited to `only` (a flow that offers some of the methods); the recommendation only if it is one of them. */
function offered(options: { methods: MethodOption[]; recommended: string | null }, only?: string[]) {
  if (!only) return options;
  const methods = options.methods.filter((m) => only.includes(m.method));
  return { methods, recommended: methods.some((m) => m.method === options.recommended) ? options.recommended : null };
}

/**
 * 认证方式: each method with how long it takes, the ineligible ones shown but not choosable, with why (`why` says it in
 * the person's words for a method, where the page knows the rule).
 */
export function MethodChoice(props: {
  query: Record<string, string>;
  value: string;
  onChange: (method: string) => void;
  error?: string;
  only?: string[];
  why?: (method: string) => string | undefined;
}) {
  const { t } = useI18n();
  const reason = useReasonText();
  const { options: all, error } = useMethodOptions(props.query);
  const options = all && offered(all, props.only);
  useEffect(() => {
    if (!options) return;
    const current = options.methods.find((m) => m.method === props.value && m.eligible);
    if (!current) props.onChange(options.recommended ?? options.methods.find((m) => m.eligible)?.method ?? '');
  }, [all]);
  if (error) return <Notice kind="error">{reason(error.code)}</Notice>;
  if (!options) return null;
  return (
    <ChoiceGroup
      name="method"
      legend={t('form.method')}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
      choices={options.methods.map((m) => ({
        value: m.method,
        label: `${t(`method.${m.method}` as MessageKey)}${m.method === options.recommended ? ` · ${t('form.recommended')}` : ''}`,
        detail: m.eligible ? t(`form.completes.${m.completes}` as MessageKey) : notEligible(t('form.notEligible'), props.why?.(m.method) ?? (m.reason ? reason(m.reason) : undefined)),
        disabled: !m.eligible,
      }))}
    />
  );
}

const notEligible = (label: string, why: string | undefined) => (why ? `${label}: ${why}` : label);
