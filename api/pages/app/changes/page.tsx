import { useI18n } from '../i18n';
import { Layout, Notice } from '../ui/layout';

/** One change of subject, live (being built). */
export function ChangePage(props: { id: string }) {
  const { t } = useI18n();
  return (
    <Layout heading={t('home.changes')}>
      <Notice>{props.id}</Notice>
    </Layout>
  );
}
