import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../adapters/signature';

const secret = 'a-callback-secret-of-some-length';
const body = Buffer.from('{"eventId":"evt_1"}');
const now = 1_800_000_000;

describe('callback signatures', () => {
  it('accepts its own signature', () => {
    expect(verifySignature(secret, signBody(secret, body, now), body, now)).toEqual({ ok: true });
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['no v1', `t=${now}`, 'malformed'],
    ['no t', 'v1=abc', 'malformed'],
    ['garbage', 'hello', 'malformed'],
    ['another secret', signBody('another-secret-entirely', body, now), 'mismatch'],
    ['301 seconds old', signBody(secret, body, now - 301), 'stale'],
    ['301 seconds ahead', signBody(secret, body, now + 301), 'stale'],
  ])('refuses a signature that is %s', (_label, header, reason) => {
    expect(verifySignature(secret, header, body, now)).toEqual({ ok: false, reason });
  });

  it('accepts a signature exactly 300 seconds old', () => {
    expect(verifySignature(secret, signBody(secret, body, now - 300), body, now).ok).toBe(true);
  });

  it('binds the timestamp: a valid MAC under another t fails', () => {
    const mac = signBody(secret, body, now - 1000).split('v1=')[1];
    expect(verifySignature(secret, `t=${now},v1=${mac}`, body, now)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('binds the body byte for byte', () => {
    expect(verifySignature(secret, signBody(secret, body, now), Buffer.from('{"eventId":"evt_1"} '), now).ok).toBe(false);
  });

  it('accepts when any of several v1 values matches (secret rotation)', () => {
    const good = signBody(secret, body, now).split('v1=')[1];
    expect(verifySignature(secret, `t=${now},v1=${'0'.repeat(64)},v1=${good}`, body, now).ok).toBe(true);
  });
});
