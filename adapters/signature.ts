import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed HTTP bodies: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.
 * Provider callbacks use it (the sandbox providers sign, the API verifies, exactly as a real provider
 * integration would), and so do the webhooks this service sends its clients.
 */
export const SIGNATURE_HEADER = 'X-Signature';
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signBody(secret: string, rawBody: string | Buffer, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** The headers of a signed JSON POST, signed now. */
export function signedJsonHeaders(secret: string, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, rawBody, nowSeconds) };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: Buffer,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const k = item.slice(0, eq).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(eq + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const candidates = parts.get('v1') ?? [];
  if (!t || !/^\d{1,12}$/.test(t) || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t);
  // A signature from the future beyond the tolerance is as suspect as an old one.
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signBody(secret, rawBody, timestamp).split('v1=')[1]!, 'hex');
  const match = candidates.some((hex) => {
    if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  return match ? { ok: true } : { ok: false, reason: 'mismatch' };
}
