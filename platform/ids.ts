import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += ALPHABET[bytes[i % bytes.length]! % 62];
  return out;
}

export type IdPrefix = 'ver' | 'chg' | 'lkp' | 'rev' | 'upl' | 'msg' | 'evt' | 'wxt' | 'qqt' | 'fct' | 'trf' | 'ntf' | 'aud' | 'whe' | 'clo' | 'ses';

/** Prefixed opaque ids (`ver_…`) as API.md promises. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base62(randomBytes(24), 24)}`;
}

/** The same seed always gives the same id: a retried request reaches the resource the first attempt created. */
export function idFromSeed(prefix: IdPrefix, seed: string): string {
  return `${prefix}_${base62(createHash('sha256').update(`${prefix}:${seed}`).digest(), 24)}`;
}

/** The verification a change opens for its new subject: its id derives from the change's, so every retry names the same one. */
export const newSubjectVerificationId = (changeId: string) => idFromSeed('ver', `${changeId}/new-subject`);

/** A fresh account id for trying the applicant's pages: `npm start`'s banner, `npm run pages:link` without an account. */
export const demoAccountId = () => `demo-${randomBytes(6).toString('hex')}`;
