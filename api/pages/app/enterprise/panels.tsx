import { useState } from 'preact/hooks';
import type { NextAction } from '../../../../contracts/next-actions';
import type { Verification } from '../../../../contracts/verification';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { ExtraPanels, PanelContext } from '../process/actions';
import { rememberForPhone } from '../sandbox/known';
import { Notice } from '../ui/layout';
import { useReasonText, useSubmit } from '../ui/problems';
import { BankAccountFields, HandlerFields } from './details';
import { BANK_FIELDS, bankAccountBody, bankDigits, checkFields, EMPTY, HANDLER_FIELDS, handlerBody, refusedFields, type EnterpriseForm, type FieldErrors } from './form';

type Resubmit = Extract<NextAction, { type: 'resubmit_materials' }>;

/**
 * After a rejected review (SPEC §4.1 step 3): the corrected corporate account (with new ID photos) and/or another
 * handler, sent to POST /v1/verifications/{id}/materials. The reviewer's reason is shown above by the verification page.
 */
function ResubmitMaterials({ action, context }: { action: Resubmit; context: PanelContext }) {
  const { t, time } = useI18n();
  const reason = useReasonText();
  const { id, path } = context.process;
  const [form, setForm] = useState<EnterpriseForm>(EMPTY);
  const [bank, setBank] = useState(false);
  const [handler, setHandler] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [chooseOne, setChooseOne] = useState(false);
  const [sent, setSent] = useState(false);
  const submit = useSubmit();
  const update = (patch: Partial<EnterpriseForm>) => setForm((f) => ({ ...f, ...patch }));

  const send = async (e: Event) => {
    e.preventDefault();
    setChooseOne(!bank && !handler);
    const found = checkFields(form, [...(bank ? BANK_FIELDS : []), ...(handler ? HANDLER_FIELDS : [])], t);
    setErrors(found);
    if ((!bank && !handler) || Object.keys(found).length > 0) return;
    let refused: ApiError | undefined;
    const body = { ...(bank ? { bankAccount: bankAccountBody(form) } : {}), ...(handler ? { handler: handlerBody(form) } : {}) };
    const v = await submit.run(() =>
      api.post<Verification>(`${path}/materials`, body).catch((err: unknown) => {
        if (err instanceof ApiError) refused = err;
        throw err;
      }),
    );
    if (v) {
      if (bank) rememberForPhone(id, { bankAccountNumber: bankDigits(form.bankNumber) ?? form.bankNumber.trim() });
      setSent(true);
      context.onChanged(v);
    } else if (refused) {
      const text = refused.code === 'VALIDATION_FAILED' ? t('enterprise.checkField') : reason(refused.code);
      setErrors(Object.fromEntries(refusedFields(refused.problem).map((f) => [f, text])));
    }
  };

  if (sent) return <Notice kind="success">{t('resubmit.sent')}</Notice>;
  return (
    <form onSubmit={(e) => void send(e)} noValidate>
      <h2>{t('resubmit.title')}</h2>
      <p>{t('resubmit.text')}</p>
      <p class="deadline">{t('process.deadline', { time: time(action.deadline) })}</p>
      <fieldset>
        <legend>{t('resubmit.what')}</legend>
        <label class="check">
          <input type="checkbox" name="correctBankAccount" checked={bank} onChange={(e) => setBank(e.currentTarget.checked)} /> {t('resubmit.bankAccount')}
        </label>
        <label class="check">
          <input type="checkbox" name="correctHandler" checked={handler} onChange={(e) => setHandler(e.currentTarget.checked)} /> {t('resubmit.handler')}
        </label>
        {chooseOne && !bank && !handler && <p class="field-error">{t('resubmit.chooseOne')}</p>}
      </fieldset>
      {bank && <BankAccountFields form={form} update={update} errors={errors} />}
      {handler && <HandlerFields form={form} update={update} errors={errors} />}
      {submit.notice}
      <button type="submit" disabled={submit.busy}>
        {t('form.submit')}
      </button>
    </form>
  );
}

/** The enterprise verification's own panels (resubmitting public-remittance materials after a rejection). */
export const enterprisePanels: ExtraPanels = {
  resubmit_materials: (action, context) => <ResubmitMaterials action={action} context={context} />,
};
