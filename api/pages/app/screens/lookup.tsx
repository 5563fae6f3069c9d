import { useI18n } from '../i18n';
import { Layout, Notice } from '../ui/layout';

/** 找回账号 (being built). */
export function LookupPage() {
  const { t } = useI18n();
  return (
    <Layout heading={t('home.lookup')}>
      <Notice>…</Notice>
    </Layout>
  );
}

export function LookupResultPage(props: { id: string }) {
  const { t } = useI18n();
  return (
    <Layout heading={t('home.lookup')}>
      <Notice>{props.id}</Notice>
    </Layout>
  );
}
