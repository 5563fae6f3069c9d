// The applicant's pages (SPEC §13): a Preact app served at /apply. The link's token is exchanged for a browser
// session first; then each place in the fragment (router.ts) is one page.
import { render } from 'preact';
import type { PageLocale } from '../../../contracts/session';
import { ChangePage } from './changes/page';
import { NewChangePage } from './changes/new';
import { EnterprisePage } from './enterprise/page';
import { I18nProvider, useI18n } from './i18n';
import { IndividualPage } from './individual/page';
import { VerificationPage } from './process/verification';
import { useRoute, type Route } from './router';
import { loadSandboxFlag } from './sandbox/known';
import { HomePage } from './screens/home';
import { LookupPage, LookupResultPage } from './screens/lookup';
import { MessagesPage } from './screens/messages';
import { openSession, type DoorRefusal } from './session';
import { Layout, Notice } from './ui/layout';

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'individual':
      return <IndividualPage />;
    case 'enterprise':
      return <EnterprisePage />;
    case 'verification':
      return <VerificationPage key={route.id} id={route.id} />;
    case 'new-change':
      return <NewChangePage key={route.type} type={route.type} />;
    case 'change':
      return <ChangePage key={route.id} id={route.id} />;
    case 'lookup':
      return <LookupPage />;
    case 'lookup-result':
      return <LookupResultPage key={route.id} id={route.id} />;
    case 'messages':
      return <MessagesPage />;
    default:
      return <HomePage />;
  }
}

function Routed() {
  return <Page route={useRoute()} />;
}

const DOOR: Record<DoorRefusal, Parameters<ReturnType<typeof useI18n>['t']>[0]> = {
  used: 'door.linkUsed',
  expired: 'door.linkExpired',
  unknown: 'door.linkUnknown',
  ended: 'door.sessionEnded',
  none: 'door.noLink',
  failed: 'door.failed',
};

/** A link that opens nothing: what happened and what to do, in the link's language when it is known. */
function DoorError({ reason }: { reason: DoorRefusal }) {
  const { t } = useI18n();
  return (
    <Layout heading={t('app.title')}>
      <div class="door-error">
        <Notice kind="error">{t(DOOR[reason])}</Notice>
        <p>{t('door.whatToDo')}</p>
      </div>
    </Layout>
  );
}

async function start() {
  const root = document.getElementById('app')!;
  const [opened] = await Promise.all([openSession(), loadSandboxFlag().catch(() => undefined)]);
  const locale: PageLocale = 'session' in opened ? opened.session.locale : (opened.locale ?? 'zh-CN');
  if (!('session' in opened)) sessionStorage.removeItem('rnv-page-locale');
  if ('session' in opened && location.hash === '') history.replaceState(null, '', '#/');
  render(<I18nProvider initial={locale}>{'session' in opened ? <Routed /> : <DoorError reason={opened.refused} />}</I18nProvider>, root);
}

start().catch(() => {
  render(
    <I18nProvider initial="zh-CN">
      <DoorError reason="failed" />
    </I18nProvider>,
    document.getElementById('app')!,
  );
});
