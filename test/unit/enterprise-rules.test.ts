import { describe, expect, it } from 'vitest';
import { enterpriseMethodEligible, enterpriseOptions, registryVerdict } from '../../domain/enterprise-rules';

describe('registryVerdict', () => {
  const known = { known: true, nameMatches: true, legalPersonMatches: null };
  it.each([
    ['business licence, unknown code', 'business_license', 'wechat_official_account', { known: false, nameMatches: false, legalPersonMatches: null }, 'ENTERPRISE_NOT_IN_REGISTRY'],
    ['other certificate, unknown code', 'non_business_license', 'legal_person_face', { known: false, nameMatches: false, legalPersonMatches: null }, null],
    ['other certificate, legal-person WeChat, unknown code', 'non_business_license', 'legal_person_wechat', { known: false, nameMatches: false, legalPersonMatches: null }, 'ENTERPRISE_NOT_IN_REGISTRY'],
    ['known, other name', 'business_license', 'recharge', { ...known, nameMatches: false }, 'ENTERPRISE_NAME_MISMATCH'],
    ['other certificate, known, other name', 'non_business_license', 'public_remittance', { ...known, nameMatches: false }, 'ENTERPRISE_NAME_MISMATCH'],
    ['known, another legal representative', 'business_license', 'legal_person_face', { ...known, legalPersonMatches: false }, 'LEGAL_PERSON_MISMATCH'],
    ['known, matching', 'business_license', 'legal_person_wechat', { ...known, legalPersonMatches: true }, null],
    ['known, no legal person to check', 'business_license', 'recharge', known, null],
  ] as const)('%s', (_label, licenseType, method, check, expected) => {
    expect(registryVerdict({ licenseType, method }, check)).toBe(expected);
  });
});

describe('enterprise methods', () => {
  it.each([
    [true, ['legal_person_wechat', 'legal_person_face', 'wechat_official_account', 'recharge', 'public_remittance'], 'legal_person_wechat'],
    [false, ['legal_person_face', 'wechat_official_account', 'recharge', 'public_remittance'], 'legal_person_face'],
  ])('industrial-and-commercial %s → eligible %j, recommended %s', (ic, eligible, recommended) => {
    const options = enterpriseOptions(ic);
    expect(options.methods.filter((m) => m.eligible).map((m) => m.method)).toEqual(eligible);
    expect(options.recommended).toBe(recommended);
    expect(Object.fromEntries(options.methods.map((m) => [m.method, m.completes]))).toEqual({
      legal_person_wechat: 'instant',
      legal_person_face: 'instant',
      wechat_official_account: 'instant',
      recharge: '1 business day',
      public_remittance: '1-5 business days',
    });
  });

  it('legal-person WeChat needs a 91/92 code; the others do not', () => {
    expect(enterpriseMethodEligible('legal_person_wechat', false)).toBe(false);
    expect(enterpriseMethodEligible('legal_person_face', false)).toBe(true);
    expect(enterpriseOptions(false).methods.find((m) => m.method === 'legal_person_wechat')).toMatchObject({ eligible: false, reason: 'METHOD_NOT_ELIGIBLE' });
  });
});
