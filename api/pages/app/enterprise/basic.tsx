import { useState } from 'preact/hooks';
import { api } from '../api';
import { useI18n } from '../i18n';
import { ChoiceGroup, TextField } from '../ui/fields';
import { Notice } from '../ui/layout';
import type { PartProps } from './details';
import type { EnterpriseForm, Uploaded } from './form';
import { UploadField } from '../ui/upload';

interface OcrReading {
  enterpriseName: string;
  creditCode: string;
  confidence: number;
}

/** Below this the reading pre-fills nothing (API.md: OcrReading.confidence). */
const TRUSTED = 0.5;

/** `declared`: the name and code are those a change declared (no reading replaces them). */
type BasicProps = PartProps & { declared?: boolean };

type OcrState = { state: 'reading' } | { state: 'filled'; reading: OcrReading } | { state: 'unreadable' };

/**
 * The licence photo: uploaded, then read by OCR (POST /v1/ocr/business-license), whose reading pre-fills 企业名称 and
 * 统一社会信用代码; the person may correct both (the submitted values count). A change's declared name and code are not read.
 */
function LicenseUpload({ form, update, errors, declared }: BasicProps) {
  const { t } = useI18n();
  const [ocr, setOcr] = useState<OcrState | undefined>(undefined);
  const uploaded = async (upload: Uploaded) => {
    update({ license: upload });
    if (declared) return;
    setOcr({ state: 'reading' });
    // A reading that fails (OCR unavailable: PROVIDER_UNAVAILABLE) leaves the fields to the person, as an unreadable one does.
    const reading = await api.post<OcrReading>('/v1/ocr/business-license', { uploadId: upload.id }).catch(() => undefined);
    if (!reading || reading.confidence < TRUSTED) {
      setOcr({ state: 'unreadable' });
      return;
    }
    const patch: Partial<EnterpriseForm> = {};
    if (reading.enterpriseName) patch.name = reading.enterpriseName;
    if (reading.creditCode) patch.creditCode = reading.creditCode;
    update(patch);
    setOcr({ state: 'filled', reading });
  };
  return (
    <>
      <UploadField name="license" purpose="business_license" label={t('enterprise.license')} hint={t('enterprise.licenseHint')} value={form.license} onUploaded={(u) => void uploaded(u)} error={errors.license} />
      {ocr?.state === 'reading' && <Notice>{t('ocr.reading')}</Notice>}
      {ocr?.state === 'filled' && <Notice kind="success">{t('ocr.filled')}</Notice>}
      {ocr?.state === 'unreadable' && <Notice>{t('ocr.unreadable')}</Notice>}
    </>
  );
}

/** 填写基本信息: 证照类型, the licence photo (with OCR), 企业名称, 统一社会信用代码, 通讯地址, 企业联系人. */
export function BasicFields(props: BasicProps) {
  const { t } = useI18n();
  const { form, update, errors } = props;
  const business = form.licenseType === 'business_license';
  return (
    <>
      <ChoiceGroup
        name="licenseType"
        legend={t('enterprise.licenseType')}
        value={form.licenseType}
        onChange={(v) => update({ licenseType: v as EnterpriseForm['licenseType'] })}
        error={errors.licenseType}
        choices={(['business_license', 'non_business_license'] as const).map((v) => ({ value: v, label: t(`enterprise.licenseType.${v}`), detail: t(`enterprise.licenseTypeDetail.${v}`) }))}
      />
      <LicenseUpload {...props} />
      <TextField name="enterpriseName" label={t('enterprise.name')} value={form.name} onInput={(v) => update({ name: v })} error={errors.name} autoComplete="organization" />
      <TextField
        name="creditCode"
        label={business ? t('enterprise.creditCode') : t('enterprise.creditCodeOther')}
        hint={business ? t('enterprise.creditCodeHint') : t('enterprise.creditCodeOtherHint')}
        value={form.creditCode}
        onInput={(v) => update({ creditCode: v })}
        error={errors.creditCode}
      />
      <fieldset class="group">
        <legend>{t('individual.address')}</legend>
        <TextField name="region" label={t('individual.region')} hint={t('individual.regionHint')} value={form.region} onInput={(v) => update({ region: v })} error={errors.region} />
        <TextField name="detail" label={t('individual.detail')} value={form.detail} onInput={(v) => update({ detail: v })} error={errors.detail} autoComplete="street-address" />
      </fieldset>
      <fieldset class="group">
        <legend>{t('enterprise.contact')}</legend>
        <TextField name="contactName" label={t('enterprise.contactName')} value={form.contactName} onInput={(v) => update({ contactName: v })} error={errors.contactName} autoComplete="name" />
        <TextField name="contactIdNumber" label={t('enterprise.contactIdNumber')} hint={t('enterprise.mainlandIdHint')} value={form.contactIdNumber} onInput={(v) => update({ contactIdNumber: v })} error={errors.contactIdNumber} />
        <TextField
          name="contactMobile"
          label={t('enterprise.contactMobile')}
          hint={t('enterprise.mobileHint')}
          value={form.contactMobile}
          inputMode="tel"
          autoComplete="tel-national"
          onInput={(v) => update({ contactMobile: v })}
          error={errors.contactMobile}
        />
      </fieldset>
    </>
  );
}
