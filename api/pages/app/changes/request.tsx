import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Change } from '../../../../contracts/change';
import { accountPath, api } from '../api';
import { useI18n } from '../i18n';
import { go } from '../router';
import { Summary } from '../ui/fields';
import { useSubmit } from '../ui/problems';
import { Agreement } from './agreement';
import { rememberPeople, type ChangePeople } from './people';
import { FormNav } from '../ui/nav';

/** A change just requested: who is who is kept for the sandbox phone and the later forms; then the change's own page. */
export function openChange(change: Change, people: ChangePeople) {
  rememberPeople(change.id, people);
  go({ name: 'change', id: change.id });
}

/** POST …/changes, then the change's own page. */
export function useCreateChange() {
  const submit = useSubmit();
  const create = async (body: Record<string, unknown>, people: ChangePeople) => {
    const change = await submit.run(() => api.post<Change>(accountPath('/changes'), body));
    if (!change) return false;
    openChange(change, people);
    return true;
  };
  return { submit, create };
}

export type CreateChange = ReturnType<typeof useCreateChange>;

/** The change agreement's box: `check()` marks it unless accepted and answers whether it is. */
export function useAgreement() {
  const { t } = useI18n();
  const [accepted, setAccepted] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const check = () => {
    setError(accepted ? undefined : t('change.agreement.required'));
    return accepted;
  };
  const onChange = (yes: boolean) => {
    setAccepted(yes);
    if (yes) setError(undefined);
  };
  return { error, check, element: <Agreement accepted={accepted} onChange={onChange} error={error} /> };
}

/**
 * A change request's two steps, as in the individual flow: fill in (with the change agreement where the type has one)
 * → confirm what was entered (确认) → the change. `check` marks the empty fields and answers whether all are there; a
 * refusal that names fields goes back to them.
 */
export function RequestSteps(props: {
  create: CreateChange;
  /** The change agreement, below the fields. */
  agreement?: boolean;
  check: () => boolean;
  /** Whether a field is marked now (the form-wide hint shows while one is). */
  marked: boolean;
  rows: () => [string, string][];
  body: () => Record<string, unknown>;
  people: () => ChangePeople;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  const [phase, setPhase] = useState<'fill' | 'confirm'>('fill');
  const { error: agreementError, check: checkAgreement, element: agreementBox } = useAgreement();
  const { submit, create } = props.create;

  const next = (e: Event) => {
    e.preventDefault();
    const complete = props.check();
    const agreed = !props.agreement || checkAgreement();
    if (complete && agreed) setPhase('confirm');
  };
  const confirm = () => {
    void create({ ...props.body(), ...(props.agreement ? { agreementAccepted: true } : {}) }, props.people());
  };
  useEffect(() => {
    if (Object.keys(submit.fieldErrors).length > 0) setPhase('fill');
  }, [submit.fieldErrors]);
  const agreement = props.agreement && agreementBox;

  if (phase === 'confirm') {
    return (
      <>
        <h2>{t('form.confirmTitle')}</h2>
        <p>{t('form.confirmHint')}</p>
        <Summary rows={props.rows()} />
        {submit.notice}
        <FormNav back={() => setPhase('fill')} onConfirm={confirm} busy={submit.busy} />
      </>
    );
  }
  return (
    <form onSubmit={next} noValidate>
      {props.children}
      {agreement}
      {submit.notice}
      {(props.marked || agreementError) && <p class="field-error">{t('form.fixErrors')}</p>}
      <FormNav back="#/" />
    </form>
  );
}

/**
 * A request form's values: `set(field)` for the inputs, `check()` marks the empty required ones, `shown` has those
 * marks and the refusal's, by the body's paths (`paths`: API path → field).
 */
export function useFormState<F extends { [K in keyof F]: string }>(empty: F, required: (keyof F)[], paths: Record<string, keyof F>, fieldErrors: Record<string, string>) {
  const { t } = useI18n();
  const [form, setForm] = useState<F>(empty);
  const [errors, setErrors] = useState<Partial<Record<keyof F, string>>>({});
  const set = (field: keyof F) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };
  const server = Object.fromEntries(Object.entries(fieldErrors).flatMap(([path, message]) => (paths[path] ? [[paths[path], message]] : []))) as Partial<Record<keyof F, string>>;
  const check = () => {
    const missing = Object.fromEntries(required.filter((f) => !form[f].trim()).map((f) => [f, t('form.required')])) as Partial<Record<keyof F, string>>;
    setErrors(missing);
    return Object.keys(missing).length === 0;
  };
  const shown = { ...errors, ...server };
  return { form, set, check, shown, marked: Object.values(shown).some(Boolean) };
}
