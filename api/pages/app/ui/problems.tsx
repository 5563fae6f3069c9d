import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { Notice } from './layout';

/** A failure reason or a refusal's code in the person's words (SPEC §9 codes mapped to sentences). */
export function useReasonText() {
  const { tOr, time } = useI18n();
  return (code: string, extra: Record<string, unknown> = {}) => {
    const date = typeof extra.allowedFrom === 'string' ? time(extra.allowedFrom) : typeof extra.retryAfter === 'string' ? time(extra.retryAfter) : '';
    return tOr(`error.${code}`, 'error.unknown', { date });
  };
}

/** A form's submission: busy while it runs, the refusal said in words, the fields it names marked. */
export function useSubmit() {
  const reason = useReasonText();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setMessage(undefined);
    setFieldErrors({});
    try {
      return await action();
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setMessage(reason('unknown'));
        return undefined;
      }
      setMessage(reason(err.code, err.problem));
      const errors = Array.isArray(err.problem.errors) ? (err.problem.errors as { path?: string; message?: string }[]) : [];
      setFieldErrors(Object.fromEntries(errors.map((e) => [String(e.path ?? ''), String(e.message ?? '')])));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  const notice = message ? <Notice kind="error">{message}</Notice> : null;
  return { busy, run, notice, fieldErrors, setMessage };
}
