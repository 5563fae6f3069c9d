import type { Message } from '../../../../contracts/account';
import { accountPath } from '../api';
import type { MessageKey } from '../catalogue';
import { useI18n } from '../i18n';
import { usePolled } from '../poll';
import { Layout, Loading, Notice } from '../ui/layout';
import { useReasonText } from '../ui/problems';

type Page = { items: Message[] } | Message[];

/** 消息中心: results, reminders (deadlines in Beijing time) and notices, newest first, refreshed while open. */
export function MessagesPage() {
  const { t, time } = useI18n();
  const reason = useReasonText();
  const { value, error } = usePolled<Page>(accountPath('/messages'), () => false);
  const items = value === undefined ? undefined : Array.isArray(value) ? value : value.items;
  return (
    <Layout heading={t('messages.title')}>
      {error && !items && <Notice kind="error">{reason(error.code)}</Notice>}
      {!items && !error && <Loading />}
      {items?.length === 0 && <p>{t('messages.empty')}</p>}
      {items && items.length > 0 && (
        <ol class="messages">
          {items.map((m) => (
            <li key={m.id} class={m.read ? undefined : 'unread'}>
              <p class="meta">
                <span class={`tag ${m.kind}`}>{t(`messages.kind.${m.kind}` as MessageKey)}</span> <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
                {!m.read && <span class="sr-only"> ({t('messages.unread')})</span>}
              </p>
              <h2>{m.title}</h2>
              <p>{m.body}</p>
            </li>
          ))}
        </ol>
      )}
      <p>
        <a href="#/">{t('app.home')}</a>
      </p>
    </Layout>
  );
}
