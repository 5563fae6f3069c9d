import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { accountPath, api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { MethodChoice } from '../ui/methods';
import { useReasonText, useSubmit } from '../ui/problems';
import { BasicFields } from './basic';
import { ConfirmSummary } from './confirm';
import { MethodFields } from './details';
import { BASIC_FIELDS, checkFields, detailFields, EMPTY, needsPayer, refusedFields, stepOf, subjectBody, type EnterpriseForm, type Field, type FieldErrors, type Step, type SubjectBody } from './form';
import { FormNav } from '../ui/nav';

const STEP_ORDER: Step[] = ['basic', 'method', 'details', 'confirm'];

/** Whether the code is one the service refuses outright (CREDIT_CODE_INVALID), asked before the methods are shown. */
async function codeRefusal(creditCode: string): Promise<string | undefined> {
  try {
    await api.get(accountPath(`/verification-options?${new URLSearchParams({ subjectType: 'enterprise', creditCode })}`));
    return undefined;
  } catch (err) {
    return err instanceof ApiError && err.code === 'CREDIT_CODE_INVALID' ? err.code : undefined;
  }
}

/**
 * A step's heading, focused when the step opens after another (the button pressed is gone), so a screen reader hears
 * where it is; not on the page's first step (the page has just opened, maybe with something above the steps).
 */
function StepHeading(props: { level: 2 | 3; focus: boolean; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (props.focus) heading.current?.focus();
  }, []);
  const Tag = props.level === 2 ? 'h2' : 'h3';
  return (
    <Tag tabIndex={-1} ref={heading}>
      {props.children}
    </Tag>
  );
}

/** The form's values and marks: a field changed loses its mark; each new set of marks takes the focus to the first. */
function useMarkedForm(initial?: Partial<EnterpriseForm>) {
  const [form, setForm] = useState<EnterpriseForm>({ ...EMPTY, ...initial });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refusals, setRefusals] = useState(0);
  const update = (patch: Partial<EnterpriseForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors((marked) => Object.fromEntries(Object.entries(marked).filter(([field]) => !(field in patch))));
  };
  const mark = (found: FieldErrors) => {
    setErrors(found);
    if (Object.keys(found).length > 0) setRefusals((n) => n + 1);
  };
  useEffect(() => {
    if (refusals > 0) document.querySelector<HTMLElement>('main [aria-invalid="true"]')?.focus();
  }, [refusals]);
  return { form, errors, setErrors, update, mark };
}

export interface EnterpriseStepsProps<T> {
  /** Sends the new enterprise and its method (an enterprise verification's body without subjectType). */
  send: (body: SubjectBody) => Promise<T>;
  /** After the API took it: where the person goes next (the form, for the sandbox phone's record). */
  done: (answer: T, form: EnterpriseForm) => void;
  /** Values known beforehand (a change's declared enterprise). */
  initial?: Partial<EnterpriseForm>;
  /** The name and code are declared already (the licence's reading does not replace them). */
  declared?: boolean;
  /** Shown above the basic information (a change's agreement), its own check (asked with the fields'), and whether it is marked now. */
  lead?: ComponentChildren;
  leadPasses?: () => boolean;
  leadMarked?: boolean;
  /** Where 上一步 leads from the first step (none: no such button). */
  backHref?: string;
  /** The steps' heading level (3 inside a panel that has its own h2). */
  level?: 2 | 3;
}

/**
 * An enterprise's verification data, step by step (SPEC §4, §13): 填写基本信息 (licence with OCR, name, code, address,
 * contact person) → 认证方式 (the five methods, the ineligible ones with why) → the method's information → 确认 → `send`.
 * The enterprise verification, a change to an enterprise and a change's new subject all go through it.
 */
export function EnterpriseSteps<T>(props: EnterpriseStepsProps<T>) {
  const { t } = useI18n();
  const reason = useReasonText();
  const level = props.level ?? 2;
  const { form, errors, setErrors, update, mark } = useMarkedForm(props.initial);
  const [step, setStep] = useState<Step>('basic');
  const [checking, setChecking] = useState(false);
  const [moved, setMoved] = useState(false);
  const submit = useSubmit();

  const goTo = (next: Step) => {
    submit.setMessage(undefined);
    setErrors({});
    setMoved(true);
    setStep(next);
    window.scrollTo(0, 0);
  };
  const passes = (fields: Field[]) => {
    const found = checkFields(form, fields, t);
    mark(found);
    return Object.keys(found).length === 0;
  };
  const fromBasic = async () => {
    const led = props.leadPasses?.() ?? true;
    if (!passes(BASIC_FIELDS) || !led) return;
    setChecking(true);
    const refusal = await codeRefusal(form.creditCode.trim());
    setChecking(false);
    if (refusal) mark({ creditCode: reason(refusal) });
    else goTo('method');
  };
  const fromMethod = () => {
    if (!form.method) return mark({ method: t('form.required') });
    if (needsPayer(form.method) && !form.payerName.trim()) update({ payerName: form.name.trim() });
    goTo(detailFields(form.method).length > 0 ? 'details' : 'confirm');
  };
  const fromDetails = () => passes(detailFields(form.method)) && goTo('confirm');
  const back = () => goTo(step === 'confirm' && detailFields(form.method).length === 0 ? 'method' : STEP_ORDER[STEP_ORDER.indexOf(step) - 1]!);

  const confirm = async () => {
    let refused: ApiError | undefined;
    const answer = await submit.run(() =>
      props.send(subjectBody(form)).catch((err: unknown) => {
        if (err instanceof ApiError) refused = err;
        throw err;
      }),
    );
    if (answer !== undefined) props.done(answer, form);
    else if (refused) showRefusal(refused);
  };
  /** The fields the server refused, marked on the earliest step that has one (the notice says why). */
  const showRefusal = (refused: ApiError) => {
    const fields = refusedFields(refused.problem);
    if (fields.length === 0) return;
    const text = refused.code === 'VALIDATION_FAILED' ? t('enterprise.checkField') : reason(refused.code);
    setMoved(true);
    setStep(STEP_ORDER.find((s) => fields.some((f) => stepOf(f) === s))!);
    mark(Object.fromEntries(fields.map((f) => [f, text])));
  };

  const invalid = (Object.keys(errors).length > 0 || (step === 'basic' && props.leadMarked)) && <p class="field-error">{t('form.fixErrors')}</p>;
  const onSubmit = (next: () => unknown) => (e: Event) => {
    e.preventDefault();
    void next();
  };
  const part = (heading: string, next: () => unknown, fields: ComponentChildren, first = false) => (
    <form onSubmit={onSubmit(next)} noValidate>
      {first && props.lead}
      <StepHeading level={level} focus={moved}>{heading}</StepHeading>
      {fields}
      {invalid}
      {submit.notice}
      <FormNav back={first ? props.backHref : back} busy={checking} />
    </form>
  );
  if (step === 'basic') return part(t('steps.basic_info'), fromBasic, <BasicFields form={form} update={update} errors={errors} declared={props.declared} />, true);
  if (step === 'method') {
    const choice = (
      <>
        <p class="hint">{t('enterprise.methodHint')}</p>
        <MethodChoice
          query={{ subjectType: 'enterprise', creditCode: form.creditCode.trim() }}
          value={form.method}
          onChange={(method) => update({ method })}
          error={errors.method}
          why={(method) => (method === 'legal_person_wechat' ? t('enterprise.ineligible.legal_person_wechat') : undefined)}
        />
      </>
    );
    return part(t('enterprise.methodTitle'), fromMethod, choice);
  }
  if (step === 'details') return part(t('enterprise.detailsTitle'), fromDetails, <MethodFields form={form} update={update} errors={errors} />);
  return (
    <>
      <StepHeading level={level} focus={moved}>{t('form.confirmTitle')}</StepHeading>
      <p>{t('form.confirmHint')}</p>
      <ConfirmSummary form={form} />
      {submit.notice}
      <FormNav back={back} onConfirm={() => void confirm()} busy={submit.busy} />
    </>
  );
}
