import { useState } from 'preact/hooks';
import type { Change } from '../../../../contracts/change';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useSubmit } from '../ui/problems';
import { draftErrorsFrom, editDraft, emptyEnterprise, EnterpriseFields, EnterpriseMethodFields, enterpriseSubjectBody, legalPersonRecord, missingEnterprise, type DraftErrors, type EnterpriseDraft } from './enterprise-subject';
import { peopleOf, rememberPeople } from './people';

/**
 * 填写新企业的认证信息 (submit_new_subject, after the entity change's approval): the new enterprise as declared at the
 * request (pre-filled when this tab still knows it), its licence and contact person, a method → POST …/new-subject;
 * the change then shows that verification's next action.
 */
export function NewSubjectPanel(props: { change: Change; onDone: (fresh: Change) => void }) {
  const { t } = useI18n();
  const submit = useSubmit();
  const [draft, setDraft] = useState<EnterpriseDraft>(() => emptyEnterprise(peopleOf(props.change.id).newEnterprise));
  const [errors, setErrors] = useState<DraftErrors>({});
  const edit = editDraft(setDraft, setErrors);
  const shown = { ...errors, ...draftErrorsFrom(submit.fieldErrors) };

  const send = async (e: Event) => {
    e.preventDefault();
    const missing = missingEnterprise(draft, t, true);
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const fresh = await submit.run(() => api.post<Change>(`/v1/changes/${encodeURIComponent(props.change.id)}/new-subject`, enterpriseSubjectBody(draft)));
    if (!fresh) return;
    rememberPeople(fresh.id, { legalPerson: legalPersonRecord(draft) });
    props.onDone(fresh);
  };
  return (
    <form onSubmit={(e) => void send(e)} noValidate>
      <h2>{t('change.newSubject.title')}</h2>
      <p>{t('change.newSubject.text')}</p>
      <EnterpriseFields draft={draft} edit={edit} errors={shown} />
      <EnterpriseMethodFields draft={draft} edit={edit} errors={shown} />
      {Object.values(shown).some(Boolean) && <p class="field-error">{t('form.fixErrors')}</p>}
      {submit.notice}
      <button type="submit" disabled={submit.busy || !draft.method}>
        {t('form.submit')}
      </button>
    </form>
  );
}
