import { describe, expect, it } from 'vitest';
import { closureRefusal, erasePersonalFields, personalStrings } from '../../domain/erasure';

describe('erasePersonalFields', () => {
  it('replaces names, numbers, dates and addresses at any depth; keeps types, methods and codes', () => {
    const subject = {
      realName: '张三',
      idType: 'mainland_id',
      idNumber: '1101**********002X',
      industry: 'internet',
      address: { region: '北京市', detail: '望京街 1 号' },
      legalPerson: { name: '王法人', idNumber: '11010519491231002X' },
      contact: { name: '李联系', mobile: '+8613912345678' },
      bankAccount: { accountNumber: '6222020200112233', bankName: '中国工商银行' },
      people: [{ name: '赵经办', birthDate: '1995-12-12' }],
      attempts: 2,
      certified: true,
    };
    expect(erasePersonalFields(subject)).toEqual({
      realName: '[erased]',
      idType: 'mainland_id',
      idNumber: '[erased]',
      industry: 'internet',
      address: { region: '[erased]', detail: '[erased]' },
      legalPerson: { name: '[erased]', idNumber: '[erased]' },
      contact: { name: '[erased]', mobile: '[erased]' },
      bankAccount: { accountNumber: '[erased]', bankName: '中国工商银行' },
      people: [{ name: '[erased]', birthDate: '[erased]' }],
      attempts: 2,
      certified: true,
    });
  });

  it('is idempotent and leaves null alone', () => {
    const once = erasePersonalFields({ realName: '张三', next: null });
    expect(erasePersonalFields(once)).toEqual(once);
  });
});

describe('personalStrings', () => {
  it('finds the unmasked personal values, not masks, placeholders or other fields', () => {
    expect([...personalStrings({ realName: '张三', idNumber: '1101**********002X', industry: 'internet', contact: { name: '[erased]', mobile: '+8613912345678' } })].sort()).toEqual(
      ['+8613912345678', '张三'].sort(),
    );
  });
});

describe('closureRefusal', () => {
  it.each([
    [{ openProcess: true, unsettledTransfers: 1, balanceFen: 5 }, 'PROCESS_ALREADY_OPEN'],
    [{ openProcess: false, unsettledTransfers: 1, balanceFen: 0 }, 'MONEY_UNSETTLED'],
    [{ openProcess: false, unsettledTransfers: 0, balanceFen: 1 }, 'MONEY_UNSETTLED'],
    [{ openProcess: false, unsettledTransfers: 0, balanceFen: -1 }, 'MONEY_UNSETTLED'],
    [{ openProcess: false, unsettledTransfers: 0, balanceFen: 0 }, null],
  ])('%o → %s', (account, expected) => {
    expect(closureRefusal(account)).toBe(expected);
  });
});
