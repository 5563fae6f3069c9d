import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bankAccountHash, enterpriseIdentityHash, individualIdentityHash, SIGNAL_KINDS, signalFactHash } from '../../domain/keyed-hashes';

const hasher = { keyedHash: (value: string) => createHmac('sha256', 'test-key').update(value).digest('hex') };

describe('keyed hashes', () => {
  it.each([
    ['6222 0210 0000 1234', '6222021000001234'],
    ['6222-0210-0000-1234', '6222021000001234'],
    ['6222021000001234', '6222 0210-0000 1234'],
  ])('a bank account printed as %s and as %s is one account', (a, b) => {
    expect(bankAccountHash(hasher, a)).toBe(bankAccountHash(hasher, b));
  });

  it('keeps the kinds of value apart, so the same text never finds a different kind', () => {
    const hashes = [
      individualIdentityHash(hasher, 'mainland_id', '91350100M000100Y43'),
      individualIdentityHash(hasher, 'hk_macao_permit', '91350100M000100Y43'),
      enterpriseIdentityHash(hasher, '91350100M000100Y43'),
      bankAccountHash(hasher, '91350100000100'),
      bankAccountHash(hasher, '91350100000101'),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('hashes what it was given, under the key, never the value itself', () => {
    const hash = bankAccountHash(hasher, '6222021000001234');
    expect(hash).not.toContain('6222021000001234');
    expect(hash).toBe(createHmac('sha256', 'test-key').update('bank-account:6222021000001234').digest('hex'));
  });

  it('hashes each signal kind under a purpose of its own: one value as four kinds is four hashes, none a quota identity or a transfer', () => {
    const value = '13912345678';
    const hashes = [...SIGNAL_KINDS.map((kind) => signalFactHash(hasher, kind, value)), bankAccountHash(hasher, value), individualIdentityHash(hasher, 'mainland_id', value)];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(signalFactHash(hasher, 'handler', value)).toBe(createHmac('sha256', 'test-key').update(`signal:handler:${value}`).digest('hex'));
  });

  it.each([
    ['bank_account', '6222 0210-0000 1234', '6222021000001234'],
    ['contact_mobile', '+86 139-1234-5678', '+8613912345678'],
    ['handler', ' 11010519900909123x ', '11010519900909123X'],
    ['legal_person', '11010519900909123x', '11010519900909123X'],
  ] as const)('a %s written as %s and as %s is one fact', (kind, a, b) => {
    expect(signalFactHash(hasher, kind, a)).toBe(signalFactHash(hasher, kind, b));
  });
});
