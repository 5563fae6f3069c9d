import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bankAccountHash, enterpriseIdentityHash, individualIdentityHash } from '../../domain/keyed-hashes';

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
});
