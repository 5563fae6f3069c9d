import { z } from 'zod';

/**
 * Request strings whose zod check and OpenAPI declaration are the same test.
 * zod's `.min()`/`.max()` count UTF-16 units and `.trim()` runs before them,
 * while JSON Schema counts code points in the raw value: a generated client
 * would send an emoji name or `" a "` the server then refuses. Here every
 * bound is a `pattern` (or a code-point length) over the raw value, tested
 * with the `u` flag, and trimming happens after the test.
 */

/** What String.prototype.trim removes (WhiteSpace and LineTerminator), spelled out so every regex engine reads one set. */
const WS = '\\t\\n\\x0b\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
export const SPACE = `[${WS}]`;
/** Any character but NUL, which PostgreSQL text and jsonb cannot hold. */
const CHAR = '[^\\x00]';
export const NON_SPACE = `[^${WS}\\x00]`;

/** Well-formed UTF-16: a lone surrogate (which JSON text can carry) is no character, and PostgreSQL jsonb refuses it. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);
const WELL_FORMED = 'a lone surrogate is not a character';

/** A string matching `pattern` (ECMA-262 with the `u` flag), declared as that pattern. */
export function matching(pattern: string, message: string) {
  const re = new RegExp(pattern, 'u');
  return z.string().refine(wellFormed, WELL_FORMED).refine((s) => re.test(s), message).meta({ pattern });
}

/** The pattern of a text that has `min`-`max` characters once surrounding whitespace is trimmed. */
export function trimmedLengthPattern(min: number, max: number): string {
  if (min < 0 || max < Math.max(min, 2)) throw new Error(`trimmed text needs 0 <= min <= max and max >= 2 (got ${min}-${max})`);
  // First and last non-space characters, and what lies between them.
  const inner = `${CHAR}{${Math.max(min - 2, 0)},${max - 2}}`;
  const core = min >= 2 ? `${NON_SPACE}${inner}${NON_SPACE}` : `${NON_SPACE}(?:${inner}${NON_SPACE})?`;
  return `^${SPACE}*${min === 0 ? `(?:${core})?` : core}${SPACE}*$`;
}

/** A text of `min`-`max` characters after trimming (the value handlers see is trimmed). */
export function trimmedText(min: number, max: number) {
  return matching(trimmedLengthPattern(min, max), `${min}-${max} characters (surrounding spaces are trimmed)`).trim();
}

/** `pattern` (anchored, without ^ $) with optional surrounding whitespace, which is trimmed away. */
export function trimmedMatching(pattern: string, message: string) {
  return matching(`^${SPACE}*${pattern}${SPACE}*$`, message).trim();
}

const codePoints = (s: string) => [...s].length;

/** A text of at most `max` characters, counted as JSON Schema counts them (code points); not trimmed. */
export function text(max: number) {
  return matching(`^${CHAR}*$`, 'no NUL characters')
    .refine((s) => codePoints(s) <= max, `at most ${max} characters`)
    .meta({ maxLength: max, pattern: `^${CHAR}*$` });
}

/** At most `max` characters, at least one of them not a space (not trimmed). */
export function nonBlankText(max: number, message: string) {
  const pattern = `^${CHAR}*${NON_SPACE}${CHAR}*$`;
  const re = new RegExp(pattern, 'u');
  return text(max)
    .refine((s) => re.test(s), message)
    .meta({ maxLength: max, pattern });
}
