import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { Summary } from '../ui/fields';
import { MethodAbout } from './details';
import { bankDigits, mobileDigits, needsBankAccount, needsLegalPerson, needsPayer, type EnterpriseForm } from './form';

type Rows = [string, string][];

function basicRows(form: EnterpriseForm, t: (key: MessageKey) => string): Rows {
  return [
    [t('enterprise.licenseType'), t(`enterprise.licenseType.${form.licenseType}`)],
    [t('enterprise.license'), form.license ? `${form.license.name}（${t('enterprise.uploaded')}）` : '—'],
    [t('enterprise.name'), form.name.trim()],
    [form.licenseType === 'business_license' ? t('enterprise.creditCode') : t('enterprise.creditCodeOther'), form.creditCode.trim()],
    [t('individual.address'), `${form.region.trim()} ${form.detail.trim()}`],
    [t('enterprise.contactName'), form.contactName.trim()],
    [t('enterprise.contactIdNumber'), form.contactIdNumber.trim()],
    [t('enterprise.contactMobile'), `+86 ${mobileDigits(form.contactMobile) ?? form.contactMobile.trim()}`],
  ];
}

function methodRows(form: EnterpriseForm, t: (key: MessageKey) => string): Rows {
  const rows: Rows = [[t('form.method'), t(`method.${form.method}` as MessageKey)]];
  if (needsLegalPerson(form.method)) rows.push([t('enterprise.legalName'), form.legalName.trim()], [t('enterprise.legalIdNumber'), form.legalIdNumber.trim()]);
  if (needsPayer(form.method)) {
    rows.push([t('enterprise.payerName'), form.payerName.trim()], [t('enterprise.payerNumber'), bankDigits(form.payerNumber) ?? form.payerNumber], [t('enterprise.bankName'), form.payerBank.trim()]);
  }
  if (needsBankAccount(form.method)) {
    rows.push(
      [t('enterprise.bankNumber'), bankDigits(form.bankNumber) ?? form.bankNumber],
      [t('enterprise.bankName'), form.bankName.trim()],
      [t('enterprise.bankLocation'), form.bankLocation.trim()],
      [t('enterprise.branchName'), form.branchName.trim()],
      [t('enterprise.idPhotoEmblem'), form.emblem?.name ?? '—'],
      [t('enterprise.idPhotoPortrait'), form.portrait?.name ?? '—'],
      [t('enterprise.handlerName'), form.handlerName.trim()],
      [t('enterprise.handlerIdNumber'), form.handlerIdNumber.trim()],
    );
  }
  return rows;
}

/** 确认: everything entered, in two parts, and what happens once it is submitted. */
export function ConfirmSummary(props: { form: EnterpriseForm }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t('enterprise.summaryBasic')}</h3>
      <Summary rows={basicRows(props.form, t)} />
      <h3>{t('enterprise.summaryMethod')}</h3>
      <Summary rows={methodRows(props.form, t)} />
      <MethodAbout method={props.form.method} />
    </>
  );
}
