import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { keyId } from './crypto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encrypts every payload (workflow inputs, signals, updates, results, memo) with
 * AES-256-GCM before it leaves the process, so histories hold no personal data
 * in plaintext. Search attributes are not payloads of this kind: they must
 * never carry personal data.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly ring: Map<string, Buffer>;
  private readonly currentKeyId: string;

  constructor(
    private readonly key: Buffer,
    oldKeys: Buffer[] = [],
  ) {
    if (key.length !== 32) throw new Error('the payload codec key must be 32 bytes');
    this.currentKeyId = keyId(key);
    this.ring = new Map([[this.currentKeyId, key], ...oldKeys.map((k) => [keyId(k), k] as const)]);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: encoder.encode(ENCODING), [KEY_ID]: encoder.encode(this.currentKeyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING) return payload;
      const kidBytes = payload.metadata?.[KEY_ID];
      const key = kidBytes ? this.ring.get(decoder.decode(kidBytes)) : undefined;
      if (!key) throw new Error('payload encrypted with a key that is not in the codec key ring');
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const iv = data.subarray(0, 12);
      const tag = data.subarray(data.length - 16);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
