// GB 32100-2015 unified social credit code. Only the alphabet and the check
// character are verified; the inner structure (registration authority, type,
// region, GB 11714 organisation code) is the registry's business.

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function normalizeCreditCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * Σ value × weight over the characters, a character's value being its index in
 * the alphabet: the sum both GB 32100 and GB 11714 check characters start from.
 */
export function weightedSum(
  fn: string,
  chars: string,
  alphabet: { chars: string; described: string },
  weights: readonly number[],
): number {
  if (chars.length !== weights.length) throw new Error(`${fn} expects exactly ${weights.length} characters`);
  let sum = 0;
  for (let i = 0; i < chars.length; i++) {
    const value = alphabet.chars.indexOf(chars.charAt(i));
    if (value < 0) throw new Error(`${fn}: "${chars.charAt(i)}" is not ${alphabet.described}`);
    sum += value * weights[i]!;
  }
  return sum;
}

export function creditCodeCheckChar(first17: string): string {
  const sum = weightedSum('creditCodeCheckChar', first17, { chars: CREDIT_CODE_ALPHABET, described: 'in the credit code alphabet' }, CREDIT_CODE_WEIGHTS);
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

export function isValidCreditCode(raw: string): boolean {
  const code = normalizeCreditCode(raw);
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code.charAt(17);
}

/** 91 = enterprise, 92 = individually owned business (个体工商户). */
export function isIndustrialCommercialCode(code: string): boolean {
  const normalized = normalizeCreditCode(code);
  return normalized.startsWith('91') || normalized.startsWith('92');
}
