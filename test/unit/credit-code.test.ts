import { describe, it, expect } from 'vitest';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
  isIndustrialCommercialCode,
  isValidCreditCode,
} from '../../domain/credit-code';

const withCheck = (first17: string) => first17 + creditCodeCheckChar(first17);

// 91350100M000100Y4 by hand: values 9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4;
// weighted sum 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31 - 28 = 3 → '3'.
const KNOWN_VALID = '91350100M000100Y43';

describe('creditCodeCheckChar', () => {
  it.each([
    ['91350100M000100Y4', '3'],
    ['00000000000000000', '0'], // sum 0 → 31 → wraps to 0
    ['10000000000000000', 'Y'], // sum 1 → 30
    ['01000000000000000', 'W'], // sum 3 → 28
    ['00010000000000000', '4'], // sum 27 → 4
  ])('%s → %s', (first17, expected) => {
    expect(creditCodeCheckChar(first17)).toBe(expected);
  });

  it.each([['I'], ['O'], ['S'], ['V'], ['Z'], ['a']])('throws on %s outside the alphabet', (c) => {
    expect(() => creditCodeCheckChar(`9135010${c}M000100Y4`)).toThrow(/alphabet/);
  });

  it.each([['91350100M000100Y'], ['91350100M000100Y43'], ['']])('throws on %j (not 17 characters)', (s) => {
    expect(() => creditCodeCheckChar(s)).toThrow(/17/);
  });
});

describe('isValidCreditCode', () => {
  it.each([
    [KNOWN_VALID],
    ['91350100m000100y43'],
    ['  91350100M000100Y43 \n'],
    ['000000000000000000'],
    [withCheck('91110108MA01ABCDE')],
    [withCheck('92440300L12345678')],
    [withCheck('12100000400000624')],
    [withCheck('YYYYYYYYYYYYYYYYY')],
  ])('accepts %j', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
  });

  it.each(CREDIT_CODE_ALPHABET.split('').filter((c) => c !== '3'))(
    'rejects the known code with check char %s',
    (c) => {
      expect(isValidCreditCode(`91350100M000100Y4${c}`)).toBe(false);
    },
  );

  it.each([
    ['a body character changed', '91350100M000100Y53'],
    ['two characters swapped', '93150100M000100Y43'],
    ['I instead of 1', '9I350100M000100Y43'],
    ['O instead of 0', '91350100MO00100Y43'],
    ['S instead of 5', '913S0100M000100Y43'],
    ['V in the body', '91350100V000100Y43'],
    ['Z in the body', '91350100Z000100Y43'],
    ['17 characters', '91350100M000100Y4'],
    ['19 characters', '91350100M000100Y430'],
    ['an inner space', '91350100 M000100Y43'],
    ['a hyphen', '91350100-M000100Y43'],
    ['empty', ''],
  ])('rejects %s', (_label, code) => {
    expect(isValidCreditCode(code)).toBe(false);
  });

  it.each([['I'], ['O'], ['S'], ['V'], ['Z']])(
    'rejects any code ending in %s (never a check char)',
    (c) => {
      expect(isValidCreditCode(`91350100M000100Y4${c}`)).toBe(false);
    },
  );

  it('alphabet has 31 characters and none of I, O, S, V, Z', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    expect(CREDIT_CODE_ALPHABET).not.toMatch(/[IOSVZ]/);
  });
});

describe('isIndustrialCommercialCode', () => {
  it.each([
    [KNOWN_VALID, true],
    [withCheck('92440300L12345678'), true],
    [' 91350100M000100Y43', true],
    [withCheck('93440300L12345678'), false],
    [withCheck('12100000400000624'), false],
    [withCheck('19100000400000624'), false],
    ['', false],
  ])('%j → %s', (code, expected) => {
    expect(isIndustrialCommercialCode(code)).toBe(expected);
  });
});
