import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

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

/**
 * Files at rest (uploads): the bytes sealed like the personal data fields, and
 * bound to where they are kept (`context`, the storage key), so a file copied
 * over another upload's does not open there. One small interface: the key
 * behind it may change (a later issue gives each process its own).
 */
export interface BytesSealer {
  seal(bytes: Buffer, context: string): Buffer;
  open(sealed: Buffer, context: string): Buffer;
}

/** Format: MAGIC, the key id (8 ASCII hex), the 12-byte IV, the 16-byte tag, the ciphertext. */
const SEALED_BYTES_MAGIC = Buffer.from('RNVSEAL1', 'latin1');
const KID = 8;
const IV = 12;
const TAG = 16;

/** AES-256-GCM under a key derived from a PII key (its own key, so a sealed file and a sealed field never share one). */
export function createBytesSealer(encryptionKey: Buffer, oldKeys: Buffer[] = []): BytesSealer {
  if (encryptionKey.length !== 32) throw new Error('PII keys must be 32 bytes');
  const derive = (key: Buffer) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'realname-verification uploads v1', 32));
  const current = keyId(encryptionKey);
  const sealingKey = derive(encryptionKey);
  const ring = new Map<string, Buffer>([[current, sealingKey], ...oldKeys.map((k) => [keyId(k), derive(k)] as const)]);

  return {
    seal(bytes, context) {
      const iv = randomBytes(IV);
      const cipher = createCipheriv('aes-256-gcm', sealingKey, iv).setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
      return Buffer.concat([SEALED_BYTES_MAGIC, Buffer.from(current, 'latin1'), iv, cipher.getAuthTag(), ciphertext]);
    },
    open(sealed, context) {
      if (!sealed.subarray(0, SEALED_BYTES_MAGIC.length).equals(SEALED_BYTES_MAGIC)) throw new Error('not sealed bytes');
      let at = SEALED_BYTES_MAGIC.length;
      const take = (length: number) => sealed.subarray(at, (at += length));
      const kid = take(KID).toString('latin1');
      const key = ring.get(kid);
      if (!key) throw new Error(`no key ${kid} in the PII key ring`);
      const decipher = createDecipheriv('aes-256-gcm', key, take(IV)).setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(take(TAG));
      return Buffer.concat([decipher.update(sealed.subarray(at)), decipher.final()]);
    },
  };
}
