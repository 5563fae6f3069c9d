import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Verification } from '../../../../contracts/verification';
import { accountPath, api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { go } from '../router';
import { rememberForPhone } from '../sandbox/known';
import { Layout } from '../ui/layout';
import { MethodChoice } from '../ui/methods';
import { useReasonText, useSubmit } from '../ui/problems';
import { seedSteps, StepBar } from '../ui/steps';
import { BasicFields } from './basic';
import { ConfirmSummary } from './confirm';
import { MethodFields } from './details';
import {
  bankDigits,
  BASIC_FIELDS,
  checkFields,
  detailFields,
  EMPTY,
  needsBankAccount,
  needsLegalPerson,
  needsPayer,
  refusedFields,
  requestBody,
  stepOf,
  type EnterpriseForm,
  type Field,
  type FieldErrors,
  type Step,
} from './form';

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

/** The sandbox phone plays the legal person (their QR), the paying account, the receiving account's statement. */
function rememberPhone(id: string, form: EnterpriseForm) {
  rememberForPhone(id, {
    enterpriseName: form.name.trim(),
    ...(needsLegalPerson(form.method) ? { realName: form.legalName.trim(), idNumber: form.legalIdNumber.trim(), idType: 'mainland_id' } : {}),
    ...(needsPayer(form.method) ? { payerAccountNumber: bankDigits(form.payerNumber) ?? form.payerNumber.trim(), payerAccountName: form.payerName.trim() } : {}),
    ...(needsBankAccount(form.method) ? { bankAccountNumber: bankDigits(form.bankNumber) ?? form.bankNumber.trim() } : {}),
  });
}

/** A step's heading, focused when the step opens (the button pressed is gone), so a screen reader hears where it is. */
function StepHeading(props: { children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <h2 tabIndex={-1} ref={heading}>
      {props.children}
    </h2>
  );
}

/** 企业认证: 填写基本信息 → 认证方式 → the method's information → 确认 → the verification (its next action). */
export function EnterprisePage() {
  const { t } = useI18n();
  const reason = useReasonText();
  const [form, setForm] = useState<EnterpriseForm>(EMPTY);
  const [step, setStep] = useState<Step>('basic');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [checking, setChecking] = useState(false);
  const submit = useSubmit();
  // Refusals since the page opened: each one takes the focus to the first marked field.
  const [refusals, setRefusals] = useState(0);
  /** A field changed clears its mark: what is left marked is what still needs work. */
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

  const goTo = (next: Step) => {
    submit.setMessage(undefined);
    setErrors({});
    setStep(next);
    window.scrollTo(0, 0);
  };
  const passes = (fields: Field[]) => {
    const found = checkFields(form, fields, t);
    mark(found);
    return Object.keys(found).length === 0;
  };
  const fromBasic = async () => {
    if (!passes(BASIC_FIELDS)) return;
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
    const v = await submit.run(() =>
      api.post<Verification>(accountPath('/verifications'), requestBody(form)).catch((err: unknown) => {
        if (err instanceof ApiError) refused = err;
        throw err;
      }),
    );
    if (v) {
      rememberPhone(v.id, form);
      go({ name: 'verification', id: v.id });
    } else if (refused) showRefusal(refused);
  };
  /** The fields the server refused, marked on the earliest step that has one (the notice says why). */
  const showRefusal = (refused: ApiError) => {
    const fields = refusedFields(refused.problem);
    if (fields.length === 0) return;
    const text = refused.code === 'VALIDATION_FAILED' ? t('enterprise.checkField') : reason(refused.code);
    setStep(STEP_ORDER.find((s) => fields.some((f) => stepOf(f) === s))!);
    mark(Object.fromEntries(fields.map((f) => [f, text])));
  };

  const invalid = Object.keys(errors).length > 0 && <p class="field-error">{t('form.fixErrors')}</p>;
  const onSubmit = (next: () => unknown) => (e: Event) => {
    e.preventDefault();
    void next();
  };
  const previous = (
    <button type="button" class="secondary" onClick={back}>
      {t('form.previous')}
    </button>
  );
  let body;
  if (step === 'basic') {
    body = (
      <form onSubmit={onSubmit(fromBasic)} noValidate>
        <StepHeading>{t('steps.basic_info')}</StepHeading>
        <BasicFields form={form} update={update} errors={errors} />
        {invalid}
        {submit.notice}
        <p class="row">
          <a class="button secondary" href="#/">
            {t('form.previous')}
          </a>
          <button type="submit" disabled={checking}>
            {t('form.next')}
          </button>
        </p>
      </form>
    );
  } else if (step === 'method') {
    body = (
      <form onSubmit={onSubmit(fromMethod)} noValidate>
        <StepHeading>{t('enterprise.methodTitle')}</StepHeading>
        <p class="hint">{t('enterprise.methodHint')}</p>
        <MethodChoice
          query={{ subjectType: 'enterprise', creditCode: form.creditCode.trim() }}
          value={form.method}
          onChange={(method) => update({ method })}
          error={errors.method}
          why={(method) => (method === 'legal_person_wechat' ? t('enterprise.ineligible.legal_person_wechat') : undefined)}
        />
        {submit.notice}
        <p class="row">
          {previous}
          <button type="submit">{t('form.next')}</button>
        </p>
      </form>
    );
  } else if (step === 'details') {
    body = (
      <form onSubmit={onSubmit(fromDetails)} noValidate>
        <StepHeading>{t('enterprise.detailsTitle')}</StepHeading>
        <MethodFields form={form} update={update} errors={errors} />
        {invalid}
        {submit.notice}
        <p class="row">
          {previous}
          <button type="submit">{t('form.next')}</button>
        </p>
      </form>
    );
  } else {
    body = (
      <>
        <StepHeading>{t('form.confirmTitle')}</StepHeading>
        <p>{t('form.confirmHint')}</p>
        <ConfirmSummary form={form} />
        {submit.notice}
        <p class="row">
          {previous}
          <button type="button" disabled={submit.busy} onClick={() => void confirm()}>
            {t('form.confirm')}
          </button>
        </p>
      </>
    );
  }
  return (
    <Layout heading={t('enterprise.title')}>
      <StepBar steps={seedSteps(0)} />
      {body}
    </Layout>
  );
}
