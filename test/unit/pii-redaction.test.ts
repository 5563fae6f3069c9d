import { describe, expect, it } from 'vitest';
import { maskText, redactPersonalData } from '../../domain/pii-redaction';

describe('redactPersonalData', () => {
  it.each([
    ['an ID number by name', { idNumber: '11010519900307123X' }, { idNumber: '1101**********123X' }],
    ['a bank account by name', { payerAccount: { accountNumber: '6222020200112233' } }, { payerAccount: { accountNumber: '6222********2233' } }],
    ['a mobile by name', { contact: { mobile: '+8613812345678' } }, { contact: { mobile: '138****5678' } }],
    ['a short account number by name', { toAccountNumber: '12345678' }, { toAccountNumber: '****5678' }],
    ['a number-typed field by name', { phone: 13812345678 }, { phone: '138****5678' }],
    ['an ID under an unexpected key', { note: '11010519900307123X' }, { note: '1101**********123X' }],
    ['numbers inside text', { message: 'id 110105199003071234, card 6222020200112233, tel 13812345678.' }, { message: 'id 1101**********1234, card 6222********2233, tel 138****5678.' }],
    ['arrays', [{ idNumber: '110105199003071234' }, '13812345678'], [{ idNumber: '1101**********1234' }, '138****5678']],
    ['what is not personal', { realName: '张三', amountFen: 37, step: 'awaiting_scan', at: '2026-12-03T10:00:00.000Z', id: 'ver_abc123' }, { realName: '张三', amountFen: 37, step: 'awaiting_scan', at: '2026-12-03T10:00:00.000Z', id: 'ver_abc123' }],
    ['ids, hashes and credit codes stay', { identityHash: 'a'.repeat(64), creditCode: '91110000600037341L', code: '911100006000373418' }, { identityHash: 'a'.repeat(64), creditCode: '91110000600037341L', code: '9111**********3418' }],
    ['scalars', null, null],
  ])('%s', (_, input, expected) => {
    const before = JSON.stringify(input);
    expect(redactPersonalData(input)).toEqual(expected);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('masks an 18-digit run as an ID, not a mobile inside it', () => {
    expect(maskText('x110105199003071234y')).toBe('x110105199003071234y'.replace('110105199003071234', '1101**********1234'));
  });
});
