import { describe, it, expect } from 'vitest';
import { checkIndividualEligibility, individualMethodsFor } from '../../domain/eligibility';

describe('individualMethodsFor', () => {
  it.each([
    ['mainland_id', ['wechat_qr', 'qq_qr', 'face']],
    ['hk_macao_permit', ['wechat_qr']],
    ['taiwan_permit', ['wechat_qr']],
  ] as const)('%s → %j', (idType, expected) => {
    expect([...individualMethodsFor(idType)].sort()).toEqual([...expected].sort());
  });

  it('returns a fresh array each time', () => {
    individualMethodsFor('mainland_id').pop();
    expect(individualMethodsFor('mainland_id')).toHaveLength(3);
  });
});

describe('checkIndividualEligibility', () => {
  it.each([
    ['mainland_id', 'wechat_qr', null],
    ['mainland_id', 'qq_qr', null],
    ['mainland_id', 'face', null],
    ['hk_macao_permit', 'wechat_qr', null],
    ['hk_macao_permit', 'qq_qr', 'METHOD_NOT_ELIGIBLE'],
    ['hk_macao_permit', 'face', 'METHOD_NOT_ELIGIBLE'],
    ['taiwan_permit', 'wechat_qr', null],
    ['taiwan_permit', 'qq_qr', 'METHOD_NOT_ELIGIBLE'],
    ['taiwan_permit', 'face', 'METHOD_NOT_ELIGIBLE'],
    ['mainland_id', 'recharge', 'METHOD_NOT_ELIGIBLE'],
    ['mainland_id', 'legal_person_face', 'METHOD_NOT_ELIGIBLE'],
    ['mainland_id', '', 'METHOD_NOT_ELIGIBLE'],
    ['mainland_id', 'WECHAT_QR', 'METHOD_NOT_ELIGIBLE'],
    ['passport', 'wechat_qr', 'INTERNATIONAL_SITE_REQUIRED'],
    ['passport', 'face', 'INTERNATIONAL_SITE_REQUIRED'],
    ['foreign_id', 'nonsense', 'INTERNATIONAL_SITE_REQUIRED'],
    ['', 'wechat_qr', 'INTERNATIONAL_SITE_REQUIRED'],
    ['hasOwnProperty', 'wechat_qr', 'INTERNATIONAL_SITE_REQUIRED'],
  ])('(%j, %j) → %s', (idType, method, expected) => {
    expect(checkIndividualEligibility(idType, method)).toBe(expected);
  });
});
