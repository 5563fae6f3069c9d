import { useId, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { useReasonText } from '../ui/problems';

export interface Uploaded {
  id: string;
  fileName: string;
}

const MAX_BYTES = 5 * 1024 * 1024;

/** Which files a purpose takes (API.md "Uploads"): PDF too for the change application form. */
export const acceptsPdf = (purpose: string) => purpose === 'change_application_form';

/**
 * A file for one purpose (POST /v1/uploads), sent as soon as it is chosen: what was uploaded, or why not (over 5 MB is
 * said before sending). The server decides the type by the bytes; `accept` only narrows the picker.
 */
export function UploadField(props: { purpose: string; label: string; value?: Uploaded; onUploaded: (upload: Uploaded | undefined) => void; error?: string }) {
  const { t } = useI18n();
  const reason = useReasonText();
  const id = `${props.purpose}-${useId()}`;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const pdf = acceptsPdf(props.purpose);
  const send = async (file: File | undefined) => {
    setProblem(undefined);
    props.onUploaded(undefined);
    if (!file) return;
    if (file.size > MAX_BYTES) return setProblem(reason('UPLOAD_TOO_LARGE'));
    const form = new FormData();
    form.append('purpose', props.purpose);
    form.append('file', file, file.name);
    setBusy(true);
    try {
      const upload = await api.upload<{ id: string }>('/v1/uploads', form);
      props.onUploaded({ id: upload.id, fileName: file.name });
    } catch (err) {
      setProblem(reason(err instanceof ApiError ? err.code : 'unknown'));
    } finally {
      setBusy(false);
    }
  };
  const error = problem ?? props.error;
  const status = busy ? t('change.upload.busy') : props.value ? t('change.upload.done', { name: props.value.fileName }) : '';
  return (
    <div class={`field upload${error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.purpose}
        type="file"
        accept={pdf ? 'application/pdf,image/jpeg,image/png' : 'image/jpeg,image/png'}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onChange={(e) => void send(e.currentTarget.files?.[0])}
      />
      <p class="hint" id={`${id}-hint`}>
        {pdf ? t('change.upload.formHint') : t('change.upload.imageHint')}
      </p>
      <p class="upload-status" role="status">
        {status}
      </p>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
