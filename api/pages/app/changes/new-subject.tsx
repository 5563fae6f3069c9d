import type { Change } from '../../../../contracts/change';
import { api } from '../api';
import { phoneRecordOf } from '../enterprise/form';
import { EnterpriseSteps } from '../enterprise/steps';
import { useI18n } from '../i18n';
import { peopleOf, rememberPeople } from './people';

/**
 * 填写新企业的认证信息 (submit_new_subject, after the entity change's approval): the new enterprise's verification data
 * as an enterprise verification asks them, its name, code and address pre-filled as declared at the request (when this
 * tab still knows them) → POST …/new-subject; the change then shows that verification's next action.
 */
export function NewSubjectPanel(props: { change: Change; onDone: (fresh: Change) => void }) {
  const { t } = useI18n();
  const declared = peopleOf(props.change.id).newEnterprise;
  return (
    <>
      <h2>{t('change.newSubject.title')}</h2>
      <p>{t('change.newSubject.text')}</p>
      <EnterpriseSteps
        level={3}
        initial={declared}
        declared={declared !== undefined}
        send={(body) => api.post<Change>(`/v1/changes/${encodeURIComponent(props.change.id)}/new-subject`, body)}
        done={(fresh, form) => {
          rememberPeople(fresh.id, { newSubject: phoneRecordOf(form) });
          props.onDone(fresh);
        }}
      />
    </>
  );
}
