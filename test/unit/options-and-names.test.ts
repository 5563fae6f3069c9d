import { describe, expect, it } from 'vitest';
import { individualOptions } from '../../domain/eligibility';
import { sameEntityName } from '../../domain/entity-name';

describe('individualOptions', () => {
  it.each([
    ['mainland_id', ['wechat_qr', 'qq_qr', 'face'], 'wechat_qr'],
    ['hk_macao_permit', ['wechat_qr'], 'wechat_qr'],
    ['taiwan_permit', ['wechat_qr'], 'wechat_qr'],
    ['passport', [], null],
  ])('%s: eligible %j, recommended %s', (idType, eligible, recommended) => {
    const options = individualOptions(idType);
    expect(options.methods.filter((m) => m.eligible).map((m) => m.method)).toEqual(eligible);
    expect(options.recommended).toBe(recommended);
    expect(options.methods.map((m) => m.completes)).toEqual(['instant', 'instant', 'instant']);
  });

  it('gives the reason of every ineligible method', () => {
    expect(individualOptions('taiwan_permit').methods).toEqual([
      { method: 'wechat_qr', eligible: true, completes: 'instant' },
      { method: 'qq_qr', eligible: false, reason: 'METHOD_NOT_ELIGIBLE', completes: 'instant' },
      { method: 'face', eligible: false, reason: 'METHOD_NOT_ELIGIBLE', completes: 'instant' },
    ]);
    expect(individualOptions('foreign_id').methods.every((m) => m.reason === 'INTERNATIONAL_SITE_REQUIRED')).toBe(true);
  });
});

describe('sameEntityName (ICP filing)', () => {
  it.each([
    ['张三', '张三', true],
    [' 张三 ', '张三', true],
    ['北京某某科技有限公司（分公司）', '北京某某科技有限公司(分公司)', true],
    ['ＡＢＣ科技有限公司', 'ABC科技有限公司', true],
    ['Acme  Ltd', 'Acme Ltd', true],
    ['张三', '张四', false],
    ['北京某某科技有限公司', '北京某某科技有限责任公司', false],
    ['Acme Ltd', 'ACME LTD', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(sameEntityName(a, b)).toBe(expected);
  });
});
