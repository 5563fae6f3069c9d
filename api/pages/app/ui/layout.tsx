import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n';

/** Every page's frame: a skip link, the title bar with the language switch, and the main region (focused on arrival). */
export function Layout(props: { heading: string; children: ComponentChildren; wide?: boolean }) {
  const { t, locale, setLocale } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.heading} · ${t('app.title')}`;
    heading.current?.focus();
  }, [props.heading]);
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="bar">
        <a class="brand" href="#/">
          {t('app.title')}
        </a>
        <button type="button" class="link" lang={locale === 'en' ? 'zh-CN' : 'en'} aria-label={t('app.switchLanguageLabel')} onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')}>
          {t('app.switchLanguage')}
        </button>
      </header>
      <main id="main" class={props.wide ? 'wide' : undefined}>
        <h1 tabIndex={-1} ref={heading}>
          {props.heading}
        </h1>
        {props.children}
      </main>
    </>
  );
}

/** A problem said in the person's words, announced to screen readers. */
export function Notice(props: { kind?: 'error' | 'info' | 'success'; children: ComponentChildren }) {
  return (
    <div class={`notice ${props.kind ?? 'info'}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="muted" role="status" aria-busy="true">
      {t('app.loading')}
    </p>
  );
}
