import { useState } from 'preact/hooks';
import type { Change } from '../../../../contracts/change';
import { api } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { useSubmit } from '../ui/problems';
import { UploadField, type Uploaded } from '../ui/upload';

/**
 * 提交变更资料 (submit_materials): one upload per required purpose, then POST …/materials. For an entity change the
 * former enterprise may be deregistered: its deregistration proof stands in for the licence. After a rejection the
 * same panel takes the corrected files.
 */
export function MaterialsPanel(props: { change: Change; required: string[]; onDone: (fresh: Change) => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  const [files, setFiles] = useState<Record<string, Uploaded | undefined>>({});
  const [deregistered, setDeregistered] = useState(false);
  const [missing, setMissing] = useState(false);
  const canDeregister = props.change.type === 'enterprise_entity_change' && props.required.includes('current_license');
  const purposes = props.required.map((p) => (p === 'current_license' && deregistered ? 'deregistration_proof' : p));

  const send = async (e: Event) => {
    e.preventDefault();
    const absent = purposes.filter((p) => !files[p]);
    setMissing(absent.length > 0);
    if (absent.length > 0) return;
    const materials = Object.fromEntries(purposes.map((p) => [p, files[p]!.id]));
    const fresh = await submit.run(() => api.post<Change>(`/v1/changes/${encodeURIComponent(props.change.id)}/materials`, { materials }));
    if (fresh) props.onDone(fresh);
  };
  return (
    <form onSubmit={(e) => void send(e)} noValidate>
      <h2>{t('change.materials.title')}</h2>
      <p>{t('change.materials.text')}</p>
      {canDeregister && (
        <label class="check">
          <input type="checkbox" checked={deregistered} onChange={(e) => setDeregistered(e.currentTarget.checked)} /> {t('change.material.deregistered')}
        </label>
      )}
      {purposes.map((purpose) => (
        <UploadField
          key={purpose}
          purpose={purpose}
          label={t(`change.material.${purpose}` as MessageKey)}
          value={files[purpose]}
          onUploaded={(upload) => setFiles((f) => ({ ...f, [purpose]: upload }))}
          error={missing && !files[purpose] ? t('form.required') : submit.fieldErrors[`materials.${purpose}`]}
        />
      ))}
      {missing && <p class="field-error">{t('change.materials.missing')}</p>}
      {submit.notice}
      <button type="submit" disabled={submit.busy}>
        {t('form.submit')}
      </button>
    </form>
  );
}
