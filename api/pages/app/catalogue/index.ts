// The pages' message catalogue: one part per area, merged. A part added here is all it takes to add sentences.
import changes from './changes';
import common from './common';
import enterprise from './enterprise';
import errors from './errors';
import individual from './individual';
import lookup from './lookup';
import money from './money';
import sandbox from './sandbox';

const PARTS = [changes, common, enterprise, errors, individual, lookup, money, sandbox] as const;

type Part = (typeof PARTS)[number];
export type MessageKey = Part extends infer P ? (P extends { en: infer E } ? keyof E & string : never) : never;
export type Locale = 'zh-CN' | 'en';

export const CATALOGUE: Record<Locale, Record<string, string>> = {
  'zh-CN': Object.assign({}, ...PARTS.map((p) => p['zh-CN'])) as Record<string, string>,
  en: Object.assign({}, ...PARTS.map((p) => p.en)) as Record<string, string>,
};
