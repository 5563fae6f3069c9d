import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { Layout, Notice } from '../ui/layout';

/** A new change of subject (being built: the five types' forms). */
export function NewChangePage(props: { type: string }) {
  const { t } = useI18n();
  return (
    <Layout heading={t(`change.type.${props.type}` as MessageKey)}>
      <Notice>…</Notice>
    </Layout>
  );
}
