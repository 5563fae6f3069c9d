import { normalizeName } from './identity-match';

// Every mask fails closed: input too short for the usual rule is starred
// entirely rather than shown.

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length <= head + tail) return stars(chars.length);
  return (
    chars.slice(0, head).join('') +
    stars(chars.length - head - tail) +
    chars.slice(chars.length - tail).join('')
  );
}

/** 18-char mainland ID: `1101**********1234`; permits (8-11 chars): `H*******78`. */
export function maskIdNumber(id: string): string {
  const value = id.replace(/\s+/g, '');
  return value.length >= 15 ? keepEnds(value, 4, 4) : keepEnds(value, 1, 2);
}

/** `6222********0000`; short account numbers keep only the last 4. */
export function maskBankAccount(accountNumber: string): string {
  const value = accountNumber.replace(/\s+/g, '');
  return value.length >= 9 ? keepEnds(value, 4, 4) : keepEnds(value, 0, 4);
}

/** `+8613812345678` or `13812345678` → `138****5678`; anything else keeps only its last 4. */
export function maskMobile(mobile: string): string {
  const value = mobile.replace(/[\s-]+/g, '');
  const cn = /^(?:\+?86)?(1\d{10})$/.exec(value);
  if (cn?.[1]) return keepEnds(cn[1], 3, 4);
  return keepEnds(value, 0, 4);
}

/** `张三` → `张*`, `李小明` → `李**`, `欧阳小明` → `欧**明`; by code point. */
export function maskName(name: string): string {
  const chars = Array.from(normalizeName(name));
  if (chars.length <= 1) return stars(chars.length);
  if (chars.length <= 3) return (chars[0] ?? '') + stars(chars.length - 1);
  return keepEnds(chars.join(''), 1, 1);
}
