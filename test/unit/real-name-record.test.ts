import { describe, expect, it } from 'vitest';
import { evaluateRealNameRecord, type Applicant, type RealNameRecord } from '../../domain/real-name-record';

const at = new Date('2026-11-27T04:00:00Z');
const mainland: Applicant = { realName: '张三', idType: 'mainland_id', idNumber: '11010519491231002X', birthDate: '1949-12-31' };
const record = (r: Partial<RealNameRecord> = {}): RealNameRecord => ({
  realName: '张三',
  idNumber: '11010519491231002x',
  idType: 'mainland_id',
  birthDate: null,
  bankCardLinked: true,
  ...r,
});
const permit: Applicant = { realName: 'CHAN Tai Man', idType: 'hk_macao_permit', idNumber: 'H12345678' };

describe('evaluateRealNameRecord', () => {
  it.each<[string, Applicant, RealNameRecord, boolean, string | null]>([
    ['a matching record with a bank card', mainland, record(), true, null],
    ['the name differs', mainland, record({ realName: '张四' }), true, 'IDENTITY_MISMATCH'],
    ['the number differs', mainland, record({ idNumber: '110105194912310021' }), true, 'IDENTITY_MISMATCH'],
    ['the document type differs', mainland, record({ idType: 'taiwan_permit' }), true, 'IDENTITY_MISMATCH'],
    ['no bank card where one is required', mainland, record({ bankCardLinked: false }), true, 'BANK_CARD_REQUIRED'],
    ['no bank card where none is required (QQ waits for one)', mainland, record({ bankCardLinked: false }), false, null],
    ['a mismatch wins over a missing card', mainland, record({ realName: '李四', bankCardLinked: false }), true, 'IDENTITY_MISMATCH'],
    ['a permit holder of age per the record', permit, record({ realName: 'CHAN Tai Man', idNumber: 'H12345678', idType: 'hk_macao_permit', birthDate: '1990-01-01' }), true, null],
    ['a permit holder 17 per the record', permit, record({ realName: 'CHAN Tai Man', idNumber: 'H12345678', idType: 'hk_macao_permit', birthDate: '2008-11-28' }), true, 'UNDERAGE'],
    ['a permit holder 18 today (China time)', permit, record({ realName: 'CHAN Tai Man', idNumber: 'H12345678', idType: 'hk_macao_permit', birthDate: '2008-11-27' }), true, null],
    ['a permit record without a birth date', permit, record({ realName: 'CHAN Tai Man', idNumber: 'H12345678', idType: 'hk_macao_permit', birthDate: null }), true, 'IDENTITY_MISMATCH'],
    ['a permit record with an impossible birth date', permit, record({ realName: 'CHAN Tai Man', idNumber: 'H12345678', idType: 'hk_macao_permit', birthDate: '1990-02-30' }), true, 'IDENTITY_MISMATCH'],
  ])('%s', (_label, applicant, rec, bankCardRequired, expected) => {
    expect(evaluateRealNameRecord(applicant, rec, at, { bankCardRequired })).toBe(expected);
  });

  it("uses the applicant's own birth date (from the ID) over the provider's", () => {
    const minor: Applicant = { ...mainland, birthDate: '2010-01-01' };
    expect(evaluateRealNameRecord(minor, record({ birthDate: '1980-01-01' }), at, { bankCardRequired: true })).toBe('UNDERAGE');
  });
});
