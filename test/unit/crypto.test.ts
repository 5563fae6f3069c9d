import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { AesGcmPayloadCodec } from '../../platform/temporal-codec';
import { defaultPayloadConverter } from '@temporalio/common';

const key = randomBytes(32);
const hashKey = randomBytes(32);

describe('PII cipher', () => {
  const cipher = createPiiCipher(key, hashKey);

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.encrypt('11010519491231002X');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain('11010519491231002X');
    expect(cipher.decrypt(sealed)).toBe('11010519491231002X');
  });

  it('uses a fresh IV per value', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('detects tampering', () => {
    const parts = cipher.encrypt('11010519491231002X').split('.');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
  });

  it('reads values sealed under an old key kept in the ring', () => {
    const oldKey = randomBytes(32);
    const sealed = createPiiCipher(oldKey, hashKey).encrypt('x');
    expect(() => cipher.decrypt(sealed)).toThrow(/no key/);
    expect(createPiiCipher(key, hashKey, [oldKey]).decrypt(sealed)).toBe('x');
  });

  it('keyed hash: stable, key-dependent, not the plain SHA-256', () => {
    expect(cipher.keyedHash('individual:mainland_id:X')).toBe(cipher.keyedHash('individual:mainland_id:X'));
    expect(createPiiCipher(key, randomBytes(32)).keyedHash('individual:mainland_id:X')).not.toBe(cipher.keyedHash('individual:mainland_id:X'));
  });
});

describe('bytes sealer (uploads at rest)', () => {
  const sealer = createBytesSealer(key);
  const photo = Buffer.from('\x89PNG 11010519491231002X');

  it('round-trips and never holds the plaintext', () => {
    const sealed = sealer.seal(photo, 'sealed/ab/upl_1');
    expect(sealed.includes(Buffer.from('11010519491231002X'))).toBe(false);
    expect(sealer.open(sealed, 'sealed/ab/upl_1')).toEqual(photo);
  });

  it('uses a fresh IV per file, and a key of its own (a sealed field does not open as a file)', () => {
    expect(sealer.seal(photo, 'k').equals(sealer.seal(photo, 'k'))).toBe(false);
    expect(() => sealer.open(Buffer.from(createPiiCipher(key, hashKey).encrypt('x')), 'k')).toThrow(/not sealed bytes/);
  });

  it('detects tampering and a file moved to another place', () => {
    const sealed = sealer.seal(photo, 'sealed/ab/upl_1');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    expect(() => sealer.open(tampered, 'sealed/ab/upl_1')).toThrow();
    expect(() => sealer.open(sealed, 'sealed/ab/upl_2')).toThrow();
  });

  it('opens files sealed under an old key kept in the ring', () => {
    const oldKey = randomBytes(32);
    const sealed = createBytesSealer(oldKey).seal(photo, 'k');
    expect(() => sealer.open(sealed, 'k')).toThrow(/no key/);
    expect(createBytesSealer(key, [oldKey]).open(sealed, 'k')).toEqual(photo);
  });
});

describe('Temporal payload codec', () => {
  const codec = new AesGcmPayloadCodec(key);

  it('encrypts payloads so the plaintext is not in them, and decrypts them back', async () => {
    const payload = defaultPayloadConverter.toPayload({ idNumber: '11010519491231002X' });
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('11010519491231002X');
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ idNumber: '11010519491231002X' });
  });

  it('passes through payloads it did not encrypt', async () => {
    const payload = defaultPayloadConverter.toPayload('plain');
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  it('refuses payloads of a key it does not hold', async () => {
    const [foreign] = await new AesGcmPayloadCodec(randomBytes(32)).encode([defaultPayloadConverter.toPayload('x')]);
    await expect(codec.decode([foreign!])).rejects.toThrow(/key ring/);
  });
});
