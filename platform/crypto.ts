import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data at rest: AES-256-GCM with a random 12-byte IV; the key id is
 * stored with each value so keys can be rotated (old values stay readable
 * while their key is kept in the ring).
 *
 * Format: v1.<keyId>.<iv>.<tag>.<ciphertext>, each part base64url.
 */
export interface PiiCipher {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
  /** Keyed hash for look-ups (quota, identity search) without scanning plaintext. */
  keyedHash(value: string): string;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createPiiCipher(encryptionKey: Buffer, hashKey: Buffer, oldKeys: Buffer[] = []): PiiCipher {
  if (encryptionKey.length !== 32 || hashKey.length !== 32) throw new Error('PII keys must be 32 bytes');
  const current = keyId(encryptionKey);
  const ring = new Map<string, Buffer>([[current, encryptionKey], ...oldKeys.map((k) => [keyId(k), k] as const)]);

  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return ['v1', current, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [version, kid, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !kid || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed value');
      const key = ring.get(kid);
      if (!key) throw new Error(`no key ${kid} in the PII key ring`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
    keyedHash(value) {
      return createHmac('sha256', hashKey).update(value, 'utf8').digest('hex');
    },
  };
}
