import { normalizeEntityName, sameEntityName } from '../../domain/entity-name';
import { describe, it, expect } from 'vitest';
import { creditCodeCheckChar } from '../../domain/credit-code';
import {
  classifyEnterpriseCode,
  isMainlandMobile,
  isRegistrationNumber,
  isValidOrganizationCode,
  MAINLAND_MOBILE,
  normalizeMobile,
  normalizeOrganizationCode,
  organizationCodeCheckChar,
} from '../../domain/enterprise';

const withCreditCheck = (first17: string) => first17 + creditCodeCheckChar(first17);
const ORG_CHECK_CHARS = '0123456789X'.split('');

// Organisation codes by hand, weights 3,7,9,10,5,8,4,2, C9 = 11 − (sum mod 11):
// D2143569: D=13 → 39+14+9+40+15+40+24+18 = 199; 199 mod 11 = 1; 11 − 1 = 10 → 'X'
// 10000004: 1·3 + 4·2 = 11; 11 mod 11 = 0; 11 − 0 = 11 → '0'
// B0000000: B=11 → 11·3 = 33; 33 mod 11 = 0 → '0'
// M000100Y (inside credit code 91350100M000100Y43): M=22, Y=34 →
//   66 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4 → '4'
// 12345678: 3+14+27+40+25+48+28+16 = 201; 201 mod 11 = 3; 11 − 3 = 8 → '8'
const ORG_X = 'D2143569X';
const ORG_0 = '100000040';
const CREDIT_91 = '91350100M000100Y43';

describe('organizationCodeCheckChar', () => {
  it.each([
    ['D2143569', 'X'],
    ['10000004', '0'],
    ['B0000000', '0'],
    ['00000000', '0'], // sum 0 → 11 → '0'
    ['M000100Y', '4'],
    ['12345678', '8'],
    ['70000000', '1'], // 21 mod 11 = 10 → 1
  ])('%s → %s', (first8, expected) => {
    expect(organizationCodeCheckChar(first8)).toBe(expected);
  });

  it.each([['1234567'], ['123456789'], ['']])('throws on %j (not 8 characters)', (s) => {
    expect(() => organizationCodeCheckChar(s)).toThrow(/8/);
  });

  it.each([['a'], ['-'], [' '], ['Ａ']])('throws on %j in the body', (c) => {
    expect(() => organizationCodeCheckChar(`1234567${c}`)).toThrow(/not 0-9 or A-Z/);
  });
});

describe('isValidOrganizationCode', () => {
  it.each([
    [ORG_X],
    ['D2143569-X'],
    ['d2143569-x'],
    ['  D2143569X\t'],
    [ORG_0],
    ['10000004-0'],
    ['B00000000'],
    ['M000100Y4'],
    ['12345678-8'],
    ['IOSVZ000' + organizationCodeCheckChar('IOSVZ000')], // unlike credit codes, all 26 letters are allowed
  ])('accepts %j', (code) => {
    expect(isValidOrganizationCode(code)).toBe(true);
  });

  it.each(ORG_CHECK_CHARS.filter((c) => c !== 'X'))('rejects D2143569 with check char %s', (c) => {
    expect(isValidOrganizationCode(`D2143569${c}`)).toBe(false);
  });

  it.each([
    ['a body character changed', 'D2143579X'],
    ['two characters swapped', 'D2413569X'],
    ['check char A', 'D2143569A'],
    ['8 characters', 'D2143569'],
    ['10 characters', 'D2143569X0'],
    ['hyphen in the wrong place', 'D214356-9X'],
    ['two hyphens', 'D2143569--X'],
    ['space before the check char', 'D2143569 X'],
    ['full-width letter', 'Ｄ2143569X'],
    ['the credit code it sits in', CREDIT_91],
    ['empty', ''],
  ])('rejects %s (%j)', (_label, code) => {
    expect(isValidOrganizationCode(code)).toBe(false);
  });
});

describe('normalizeOrganizationCode', () => {
  it.each([
    ['d2143569-x', 'D2143569X'],
    [' D2143569X ', 'D2143569X'],
    ['D214356-9X', 'D214356-9X'], // not the standard hyphen position: left for validation to reject
  ])('%j → %s', (raw, expected) => {
    expect(normalizeOrganizationCode(raw)).toBe(expected);
  });
});

describe('isRegistrationNumber', () => {
  it.each([
    ['110108012345678', true],
    [' 440301103456789 ', true],
    ['000000000000000', true],
    ['11010801234567', false], // 14 digits
    ['1101080123456789', false], // 16 digits
    ['11010801234567X', false],
    ['110108 012345678', false],
    ['１１０１０８０１２３４５６７８', false], // full-width digits
    ['', false],
  ])('%j → %s', (raw, expected) => {
    expect(isRegistrationNumber(raw)).toBe(expected);
  });
});

describe('classifyEnterpriseCode', () => {
  const CREDIT_92 = withCreditCheck('92440300L12345678');
  const CREDIT_12 = withCreditCheck('12100000400000624'); // public institution
  const CREDIT_93 = withCreditCheck('93440300L12345678'); // farmers' cooperative

  it.each([
    ['business_license', CREDIT_91, CREDIT_91, 'credit_code', true],
    ['business_license', ' 91350100m000100y43 ', CREDIT_91, 'credit_code', true],
    ['business_license', CREDIT_92, CREDIT_92, 'credit_code', true],
    ['business_license', CREDIT_93, CREDIT_93, 'credit_code', false],
    ['non_business_license', CREDIT_91, CREDIT_91, 'credit_code', true],
    ['non_business_license', CREDIT_12, CREDIT_12, 'credit_code', false],
    ['non_business_license', 'D2143569-X', 'D2143569X', 'organization_code', false],
    ['non_business_license', ' 100000040 ', '100000040', 'organization_code', false],
    ['non_business_license', ' 110108012345678', '110108012345678', 'registration_number', false],
  ] as const)('%s %j → %s (%s)', (licenseType, raw, normalized, kind, industrialCommercial) => {
    expect(classifyEnterpriseCode(licenseType, raw)).toEqual({ ok: true, normalized, kind, industrialCommercial });
  });

  it.each([
    ['business licence with an organisation code', 'business_license', ORG_X],
    ['business licence with a hyphenated organisation code', 'business_license', 'D2143569-X'],
    ['business licence with a registration number', 'business_license', '110108012345678'],
    ['credit code with the wrong check char', 'business_license', '91350100M000100Y44'],
    ['credit code with I', 'business_license', '91350100M0001I0Y43'],
    ['credit code with O', 'non_business_license', '91350100MO00100Y43'],
    ['credit code with Z', 'non_business_license', '91350100M000100Z43'],
    ['organisation code with the wrong check char', 'non_business_license', 'D21435690'],
    ['14 digits', 'non_business_license', '11010801234567'],
    ['17 characters', 'non_business_license', '91350100M000100Y4'],
    ['empty', 'non_business_license', ''],
    ['empty', 'business_license', ''],
  ] as const)('%s → not ok', (_label, licenseType, raw) => {
    expect(classifyEnterpriseCode(licenseType, raw)).toEqual({ ok: false });
  });
});

describe('mainland mobile', () => {
  it.each([
    ['+8613812345678', '+8613812345678'],
    ['+86 138-1234-5678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['  +86-19912345678 ', '+8619912345678'],
    ['+86\u3000138\u30001234\u30005678', '+8613812345678'], // ideographic spaces
    ['＋８６ １３８１２３４５６７８', '+8613812345678'], // full-width input
    ['+8616612345678', '+8616612345678'],
  ])('%j is valid → %s', (raw, normalized) => {
    expect(isMainlandMobile(raw)).toBe(true);
    expect(normalizeMobile(raw)).toBe(normalized);
    expect(MAINLAND_MOBILE.test(normalizeMobile(raw))).toBe(true);
  });

  it.each([
    ['without +86', '13812345678'],
    ['86 without +', '8613812345678'],
    ['0086 prefix', '008613812345678'],
    ['12 digits', '+86138123456789'],
    ['10 digits', '+861381234567'],
    ['starting +8612', '+8612812345678'],
    ['starting +8610', '+8610812345678'],
    ['starting +862 (not a mobile)', '+862112345678'],
    ['Hong Kong +852', '+85291234567'],
    ['letters', '+86138abcd5678'],
    ['brackets', '+86 (138) 1234 5678'],
    ['dots', '+86.138.1234.5678'],
    ['empty', ''],
  ])('%s (%j) is not valid', (_label, raw) => {
    expect(isMainlandMobile(raw)).toBe(false);
  });

  it('normalizeMobile does not add a country code', () => {
    expect(normalizeMobile('138 1234 5678')).toBe('13812345678');
  });

  it('MAINLAND_MOBILE is anchored and takes the normalized form only', () => {
    expect(MAINLAND_MOBILE.test('+86 138-1234-5678')).toBe(false);
    expect(MAINLAND_MOBILE.test('x+8613812345678')).toBe(false);
    expect(MAINLAND_MOBILE.test('+8613812345678\n')).toBe(false);
  });
});

describe('enterprise names', () => {
  it.each([
    ['腾讯科技（深圳）有限公司', '腾讯科技(深圳)有限公司'],
    ['  腾讯科技（深圳）有限公司\n', '腾讯科技(深圳)有限公司'],
    ['Ａｐｐｌｅ　Ｃｈｉｎａ', 'Apple China'],
    ['Foo   Bar\tLtd.', 'Foo Bar Ltd.'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeEntityName(raw)).toBe(expected);
  });

  it.each([
    ['腾讯科技（深圳）有限公司', '腾讯科技(深圳)有限公司', true],
    ['腾讯科技（深圳）有限公司', ' 腾讯科技(深圳)有限公司 ', true],
    ['北京某某科技有限公司', '北京某某科技有限公司', true],
    ['Foo  Bar Co.,Ltd', 'Foo Bar Co.,Ltd', true],
    ['北京某某科技有限公司', '北京某某科技股份有限公司', false],
    ['北京某某科技有限公司', '北京某某科技有限公司分公司', false],
    ['腾讯科技（深圳）有限公司', '腾讯科技[深圳]有限公司', false],
    ['Foo Bar', 'FOO BAR', false], // case is significant
    ['', '', true],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(sameEntityName(a, b)).toBe(expected);
  });
});
