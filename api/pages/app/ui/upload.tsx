import { useId, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { useReasonText } from '../ui/problems';

/** SPEC §4: a licence or an ID photo is at most 5 MB (the API refuses more with UPLOAD_TOO_LARGE; a phone need not send it). */
const MAX_BYTES = 5 * 1024 * 1024;

/** A file the person uploaded: its upload id, and what the page shows of it. */
export interface Uploaded {
  id: string;
  name: string;
  size: number;
}

/** Which files a purpose takes (API.md "Uploads"): PDF too for the change application form. */
export const acceptsPdf = (purpose: string) => purpose === 'change_application_form';

export interface UploadAnswer {
  id: string;
  purpose: string;
  contentType: string;
  size: number;
  sha256: string;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * A file to upload (POST /v1/uploads, the purpose named), sent as soon as it is chosen: a labelled file input (JPG or
 * PNG; PDF too where the purpose takes it), what was uploaded, and a refusal (too large, not an image) in words, tied to
 * the input for screen readers. Over 5 MB is said before sending; the server decides the type by the bytes.
 */
export function UploadField(props: {
  purpose: string;
  label: string;
  name?: string;
  hint?: string;
  value: Uploaded | null | undefined;
  onUploaded: (upload: Uploaded, answer: UploadAnswer) => void;
  error?: string;
}) {
  const { t } = useI18n();
  const reason = useReasonText();
  const id = `${props.name ?? props.purpose}-${useId()}`;
  const pdf = acceptsPdf(props.purpose);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const choose = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setProblem(undefined);
    if (file.size > MAX_BYTES) {
      setProblem(reason('UPLOAD_TOO_LARGE'));
      input.value = '';
      return;
    }
    const form = new FormData();
    form.append('purpose', props.purpose);
    form.append('file', file, file.name);
    setBusy(true);
    try {
      const answer = await api.upload<UploadAnswer>('/v1/uploads', form);
      props.onUploaded({ id: answer.id, name: file.name, size: answer.size }, answer);
    } catch (err) {
      setProblem(reason(err instanceof ApiError ? err.code : 'unknown'));
      input.value = '';
    } finally {
      setBusy(false);
    }
  };
  const error = problem ?? props.error;
  const described = [`${id}-hint`, `${id}-status`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field file${error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name ?? props.purpose}
        type="file"
        accept={pdf ? 'application/pdf,image/jpeg,image/png' : 'image/jpeg,image/png'}
        disabled={busy}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        onChange={(e) => void choose(e.currentTarget)}
      />
      <p class="hint" id={`${id}-hint`}>
        {props.hint ?? (pdf ? t('upload.formHint') : t('upload.imageHint'))}
      </p>
      <p class={`upload-status ${props.value && !busy ? 'uploaded' : 'hint'}`} id={`${id}-status`} role="status">
        {busy ? t('upload.uploading') : props.value ? `${t('upload.done', { name: props.value.name, size: sizeText(props.value.size) })} ${t('upload.replace')}` : ''}
      </p>
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
