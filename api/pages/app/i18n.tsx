import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { CATALOGUE, type Locale, type MessageKey } from './catalogue';

const LOCALE_KEY = 'rnv-page-locale';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  t: Translate;
  /** A key that may not be in the catalogue (a code from the server): its sentence, or `fallback`'s. */
  tOr: (key: string, fallback: MessageKey, vars?: Record<string, string | number>) => string;
  setLocale: (locale: Locale) => void;
  /** An instant in Beijing time, as the person reads it (SPEC §13: deadlines and reminders in Beijing time). */
  time: (iso: string) => string;
}

const Context = createContext<I18n | null>(null);

function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
}

export function beijingTime(iso: string, locale: Locale): string {
  const format = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  return format.format(new Date(iso));
}

export function I18nProvider(props: { initial: Locale; children: ComponentChildren }) {
  const [locale, setLocaleState] = useState<Locale>(() => (sessionStorage.getItem(LOCALE_KEY) as Locale | null) ?? props.initial);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const messages = CATALOGUE[locale];
    const t: Translate = (key, vars) => fill(messages[key] ?? key, vars);
    return {
      locale,
      t,
      tOr: (key, fallback, vars) => fill(messages[key] ?? messages[fallback] ?? key, vars),
      setLocale: (next) => {
        sessionStorage.setItem(LOCALE_KEY, next);
        setLocaleState(next);
      },
      time: (iso) => `${beijingTime(iso, locale)} (${messages['app.beijingTime']})`,
    };
  }, [locale]);
  return <Context.Provider value={value}>{props.children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
