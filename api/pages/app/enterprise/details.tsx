import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { TextField } from '../ui/fields';
import type { EnterpriseForm, FieldErrors } from './form';
import { needsBankAccount, needsLegalPerson, needsPayer } from './form';
import { UploadField } from '../ui/upload';

/** What a part of the form is given: the values, a way to change some of them, the errors to show. */
export interface PartProps {
  form: EnterpriseForm;
  update: (patch: Partial<EnterpriseForm>) => void;
  errors: FieldErrors;
}

/** What the method does next, in a sentence (the method step and the confirmation). */
export function MethodAbout(props: { method: string }) {
  const { t } = useI18n();
  return <p class="notice info">{t(`enterprise.about.${props.method}` as MessageKey)}</p>;
}

function LegalPersonFields({ form, update, errors }: PartProps) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t('enterprise.legalPerson')}</legend>
      <TextField name="legalName" label={t('enterprise.legalName')} value={form.legalName} onInput={(v) => update({ legalName: v })} error={errors.legalName} />
      <TextField name="legalIdNumber" label={t('enterprise.legalIdNumber')} hint={t('enterprise.legalHint')} value={form.legalIdNumber} onInput={(v) => update({ legalIdNumber: v })} error={errors.legalIdNumber} />
    </fieldset>
  );
}

function PayerFields({ form, update, errors }: PartProps) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t('enterprise.payer')}</legend>
      <TextField name="payerName" label={t('enterprise.payerName')} hint={t('enterprise.payerNameHint')} value={form.payerName} onInput={(v) => update({ payerName: v })} error={errors.payerName} />
      <TextField name="payerNumber" label={t('enterprise.payerNumber')} value={form.payerNumber} inputMode="numeric" onInput={(v) => update({ payerNumber: v })} error={errors.payerNumber} />
      <TextField name="payerBank" label={t('enterprise.bankName')} value={form.payerBank} onInput={(v) => update({ payerBank: v })} error={errors.payerBank} />
    </fieldset>
  );
}

/** The public remittance's corporate account and the legal person's ID photos (also the correction after a rejection). */
export function BankAccountFields({ form, update, errors }: PartProps) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t('enterprise.bankAccount')}</legend>
      <TextField name="bankNumber" label={t('enterprise.bankNumber')} value={form.bankNumber} inputMode="numeric" onInput={(v) => update({ bankNumber: v })} error={errors.bankNumber} />
      <TextField name="bankName" label={t('enterprise.bankName')} value={form.bankName} onInput={(v) => update({ bankName: v })} error={errors.bankName} />
      <TextField name="bankLocation" label={t('enterprise.bankLocation')} hint={t('enterprise.bankLocationHint')} value={form.bankLocation} onInput={(v) => update({ bankLocation: v })} error={errors.bankLocation} />
      <TextField name="branchName" label={t('enterprise.branchName')} value={form.branchName} onInput={(v) => update({ branchName: v })} error={errors.branchName} />
      <UploadField name="emblem" purpose="id_photo_emblem" label={t('enterprise.idPhotoEmblem')} hint={t('enterprise.photoHint')} value={form.emblem} onUploaded={(u) => update({ emblem: u })} error={errors.emblem} />
      <UploadField name="portrait" purpose="id_photo_portrait" label={t('enterprise.idPhotoPortrait')} hint={t('enterprise.photoHint')} value={form.portrait} onUploaded={(u) => update({ portrait: u })} error={errors.portrait} />
    </fieldset>
  );
}

/** The public remittance's handler (经办人), who passes face recognition. */
export function HandlerFields({ form, update, errors }: PartProps) {
  const { t } = useI18n();
  return (
    <fieldset class="group">
      <legend>{t('enterprise.handler')}</legend>
      <TextField name="handlerName" label={t('enterprise.handlerName')} hint={t('enterprise.handlerHint')} value={form.handlerName} onInput={(v) => update({ handlerName: v })} error={errors.handlerName} />
      <TextField name="handlerIdNumber" label={t('enterprise.handlerIdNumber')} hint={t('enterprise.mainlandIdHint')} value={form.handlerIdNumber} onInput={(v) => update({ handlerIdNumber: v })} error={errors.handlerIdNumber} />
    </fieldset>
  );
}

/** The method's own information: the legal person, the paying account, or the corporate account and the handler. */
export function MethodFields(props: PartProps) {
  const { method } = props.form;
  return (
    <>
      <MethodAbout method={method} />
      {needsLegalPerson(method) && <LegalPersonFields {...props} />}
      {needsPayer(method) && <PayerFields {...props} />}
      {needsBankAccount(method) && <BankAccountFields {...props} />}
      {needsBankAccount(method) && <HandlerFields {...props} />}
    </>
  );
}
