import { describe, it, expect } from 'vitest';
import {
  classifyIndividualId,
  isHkMacaoPermit,
  isTaiwanPermit,
  mainlandIdCheckChar,
  normalizeIdNumber,
  parseMainlandId,
} from '../../domain/id-number';

const withCheck = (first17: string) => first17 + mainlandIdCheckChar(first17);
const CHECK_CHARS = '0123456789X'.split('');

describe('normalizeIdNumber', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X'],
    ['  11010519491231002x\n', '11010519491231002X'],
    ['110105 19491231 002x', '11010519491231002X'],
    ['1101\t0519 4912\u30003100 2X', '11010519491231002X'],
    ['h1234 5678', 'H12345678'],
  ])('%j → %s', (raw, expected) => {
    expect(normalizeIdNumber(raw)).toBe(expected);
  });
});

describe('mainlandIdCheckChar', () => {
  // Computed by hand with weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2:
  // 11010519491231002 → sum 167, 167 mod 11 = 2 → 'X'
  // 11010119900307123 → sum 174, 174 mod 11 = 9 → '3'
  // 44052418800101001 → sum 195, 195 mod 11 = 8 → '4'
  it.each([
    ['11010519491231002', 'X'],
    ['11010119900307123', '3'],
    ['44052418800101001', '4'],
    ['00000000000000000', '1'],
  ])('%s → %s', (first17, expected) => {
    expect(mainlandIdCheckChar(first17)).toBe(expected);
  });

  it.each([['1101051949123100'], ['110105194912310021'], ['1101051949123100X'], ['']])(
    'rejects %j (not 17 digits)',
    (input) => {
      expect(() => mainlandIdCheckChar(input)).toThrow(/17 digits/);
    },
  );
});

describe('parseMainlandId', () => {
  it.each([
    ['11010519491231002X', '11010519491231002X', '1949-12-31'],
    ['11010519491231002x', '11010519491231002X', '1949-12-31'],
    [' 110105 19491231 002x ', '11010519491231002X', '1949-12-31'],
    ['110101199003071233', '110101199003071233', '1990-03-07'],
  ])('accepts the hand-checked %j', (raw, normalized, birthDate) => {
    expect(parseMainlandId(raw)).toEqual({ ok: true, normalized, birthDate });
  });

  it.each([
    ['leap day 2000 (divisible by 400)', '20000229', '2000-02-29'],
    ['leap day 2004', '20040229', '2004-02-29'],
    ['earliest accepted date', '19000101', '1900-01-01'],
    ['31 July', '19900731', '1990-07-31'],
    ['30 April', '19900430', '1990-04-30'],
    ['future date (age is checked elsewhere)', '20991231', '2099-12-31'],
  ])('accepts a built ID with %s', (_label, yyyymmdd, birthDate) => {
    const id = withCheck(`110105${yyyymmdd}123`);
    expect(parseMainlandId(id)).toEqual({ ok: true, normalized: id, birthDate });
  });

  it('does not check the region code', () => {
    const id = withCheck('00000019900101123');
    expect(parseMainlandId(id)).toMatchObject({ ok: true, birthDate: '1990-01-01' });
  });

  it('rejects the hand-checked 110105194912310021 (check char should be X)', () => {
    expect(parseMainlandId('110105194912310021')).toEqual({ ok: false, problem: 'checksum' });
  });

  it.each(CHECK_CHARS.filter((c) => c !== 'X'))('rejects 11010519491231002X with check char %s', (c) => {
    expect(parseMainlandId(`11010519491231002${c}`)).toEqual({ ok: false, problem: 'checksum' });
  });

  it.each(CHECK_CHARS.filter((c) => c !== '3'))('rejects 110101199003071233 with check char %s', (c) => {
    expect(parseMainlandId(`11010119900307123${c}`)).toEqual({ ok: false, problem: 'checksum' });
  });

  it.each([
    ['one body digit off by one', '11010519491231003X'],
    ['adjacent digits swapped', '11010519491231020X'],
    ['birth year off by one', '11010519501231002X'],
  ])('rejects %s as a checksum error', (_label, id) => {
    expect(parseMainlandId(id)).toEqual({ ok: false, problem: 'checksum' });
  });

  it.each([
    ['1900 is not a leap year', '19000229'],
    ['2023 is not a leap year', '20230229'],
    ['2100 is not a leap year', '21000229'],
    ['30 February', '20000230'],
    ['31 April', '19900431'],
    ['31 June', '19900631'],
    ['31 September', '19900931'],
    ['31 November', '19901131'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['day 00', '19900100'],
    ['day 32', '19900132'],
    ['year before 1900', '18991231'],
  ])('rejects a correctly check-summed ID whose birth date is invalid: %s', (_label, yyyymmdd) => {
    expect(parseMainlandId(withCheck(`110105${yyyymmdd}123`))).toEqual({ ok: false, problem: 'birth_date' });
  });

  it('rejects the GB 11643 sample 440524188001010014: checksum right, born before 1900', () => {
    expect(parseMainlandId('440524188001010014')).toEqual({ ok: false, problem: 'birth_date' });
  });

  it.each([
    ['empty', ''],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X1'],
    ['old 15-digit format', '110105491231002'],
    ['X not at the end', '1101051949123100X2'],
    ['letter in the body', '1101051949A231002X'],
    ['check char Y', '11010519491231002Y'],
    ['full-width digits', '１１０１０５１９４９１２３１００２Ｘ'],
    ['hyphens', '110105-19491231-002X'],
  ])('rejects %s as a format error', (_label, raw) => {
    expect(parseMainlandId(raw)).toEqual({ ok: false, problem: 'format' });
  });
});

describe('permits', () => {
  it.each([
    ['H12345678', true],
    ['M12345678', true],
    ['H1234567890', true],
    ['M0000000000', true],
    ['h12345678', true],
    [' H 1234 5678 ', true],
    ['H1234567', false], // 7 digits
    ['H123456789', false], // 9 digits
    ['H12345678901', false], // 11 digits
    ['12345678', false],
    ['A12345678', false],
    ['HM12345678', false],
    ['H1234567X', false],
    ['', false],
  ])('isHkMacaoPermit(%j) = %s', (raw, expected) => {
    expect(isHkMacaoPermit(raw)).toBe(expected);
  });

  it.each([
    ['12345678', true],
    ['1234567890', true],
    ['1234 5678', true],
    ['1234567', false], // 7 digits
    ['123456789', false], // 9 digits
    ['12345678901', false], // 11 digits
    ['H12345678', false],
    ['T12345678', false],
    ['1234567X', false],
    ['', false],
  ])('isTaiwanPermit(%j) = %s', (raw, expected) => {
    expect(isTaiwanPermit(raw)).toBe(expected);
  });
});

describe('classifyIndividualId', () => {
  it.each([
    ['mainland_id', '11010519491231002x', { kind: 'valid', idType: 'mainland_id', normalized: '11010519491231002X', birthDate: '1949-12-31' }],
    ['mainland_id', '110105194912310021', { kind: 'invalid' }],
    ['mainland_id', '440524188001010014', { kind: 'invalid' }],
    ['mainland_id', 'H12345678', { kind: 'invalid' }],
    ['hk_macao_permit', 'm 1234 5678', { kind: 'valid', idType: 'hk_macao_permit', normalized: 'M12345678' }],
    ['hk_macao_permit', 'H1234567890', { kind: 'valid', idType: 'hk_macao_permit', normalized: 'H1234567890' }],
    ['hk_macao_permit', '12345678', { kind: 'invalid' }],
    ['hk_macao_permit', '11010519491231002X', { kind: 'invalid' }],
    ['taiwan_permit', '12345678', { kind: 'valid', idType: 'taiwan_permit', normalized: '12345678' }],
    ['taiwan_permit', '123456789', { kind: 'invalid' }],
    ['taiwan_permit', 'H12345678', { kind: 'invalid' }],
    ['passport', 'E12345678', { kind: 'international' }],
    ['foreign_id', '11010519491231002X', { kind: 'international' }],
    ['passport', '', { kind: 'international' }],
    ['', '11010519491231002X', { kind: 'international' }],
    ['MAINLAND_ID', '11010519491231002X', { kind: 'international' }],
    ['toString', '12345678', { kind: 'international' }],
  ])('(%j, %j) → %o', (idType, idNumber, expected) => {
    expect(classifyIndividualId(idType, idNumber)).toStrictEqual(expected);
  });
});
