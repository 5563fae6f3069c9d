import { useI18n } from '../i18n';
import { Layout, Notice } from '../ui/layout';

/** 企业认证 (being built: licence upload with OCR, contact person, the five methods). */
export function EnterprisePage() {
  const { t } = useI18n();
  return (
    <Layout heading={t('home.enterprise')}>
      <Notice>…</Notice>
    </Layout>
  );
}
