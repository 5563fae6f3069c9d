/**
 * One part of the pages' message catalogue: every sentence in Chinese (the seed's own labels) and in English. The
 * English half must have exactly the Chinese half's keys, so a missing translation is a type error, not a blank.
 * `{name}` marks a value put in at the call.
 */
export function defineMessages<K extends string>(zh: Record<K, string>, en: NoInfer<Record<K, string>>) {
  return { 'zh-CN': zh, en };
}
