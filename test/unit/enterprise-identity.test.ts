import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../domain/credit-code';
import { classifyEnterpriseCode } from '../../domain/enterprise';
import { formerEnterpriseCode, identityCode, mayMapToCreditCode } from '../../domain/enterprise-identity';

const CREDIT = '91350100M000100Y43';
const OTHER_CREDIT = '92440300L12345678' + creditCodeCheckChar('92440300L12345678');
const ORG = 'D2143569X';
const REG_NO = '110108012345678';

describe('formerEnterpriseCode', () => {
  it.each([
    ['an organisation code', ORG, ORG],
    ['an organisation code as printed, lower case', ' d2143569-x ', ORG],
    ['an organisation code with a 0 check character', '100000040', '100000040'],
    ['a registration number', ` ${REG_NO} `, REG_NO],
  ])('%s (%j) → %s', (_label, raw, normalized) => {
    expect(formerEnterpriseCode(raw)).toBe(normalized);
  });

  it.each([
    ['a unified credit code', CREDIT],
    ['a credit code in lower case', CREDIT.toLowerCase()],
    ['an organisation code with the wrong check character', 'D21435690'],
    ['14 digits', '11010801234567'],
    ['16 digits', '1101080123456789'],
    ['empty', ''],
    ['letters', '公司'],
  ])('%s (%j) → null', (_label, raw) => {
    expect(formerEnterpriseCode(raw)).toBeNull();
  });
});

describe('identityCode', () => {
  const classified = (raw: string) => {
    const code = classifyEnterpriseCode('non_business_license', raw);
    if (!code.ok) throw new Error(`not a code: ${raw}`);
    return code;
  };

  it.each([
    ['a credit code is its own, whatever the registry says', CREDIT, OTHER_CREDIT, CREDIT],
    ['a credit code the registry does not know', CREDIT, null, CREDIT],
    ['an organisation code the registry maps', ORG, CREDIT, CREDIT],
    ['a registration number the registry maps', REG_NO, CREDIT, CREDIT],
    ['a mapping answered in lower case', ORG, CREDIT.toLowerCase(), CREDIT],
    ['an organisation code the registry does not map', ORG, null, ORG],
    ['a registration number the registry does not map', REG_NO, null, REG_NO],
    ['a registry record keyed by something that is not a credit code', ORG, 'D2143569X', ORG],
    ['a registry record whose credit code has a wrong check character', ORG, '91350100M000100Y44', ORG],
  ])('%s', (_label, raw, registered, expected) => {
    expect(identityCode(classified(raw), registered)).toBe(expected);
  });

  it.each([
    [CREDIT, false],
    [ORG, true],
    [REG_NO, true],
  ])('%s: the registry is asked → %s', (raw, asked) => {
    expect(mayMapToCreditCode(classified(raw))).toBe(asked);
  });
});
