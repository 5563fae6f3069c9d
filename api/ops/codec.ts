import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { appError } from '../../domain/errors';
import { redactPersonalData } from '../../domain/pii-redaction';
import { isSealed, SEALED_PREFIX, UNREADABLE } from '../../domain/sealed-value';
import type { CodecJwt } from '../../platform/config';
import type { Authenticator } from '../http/auth';
import { validationError } from '../http/problem';

/**
 * Temporal's remote codec protocol (the Temporal UI's and the `temporal` CLI's
 * "codec endpoint"): `POST /codec/decode` and `/codec/encode` take and answer
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`. Decoded JSON
 * payloads come back with personal data masked, so an operator reading a run
 * sees `1101**********1234`, never the number.
 */

export interface CodecOptions {
  codec: PayloadCodec;
  /** Browser origins (the Temporal UI) allowed to call it; other origins are refused. */
  allowedOrigins: string[];
  /** Production: an admin token or a JWT the JWKS verifies; elsewhere open. */
  requireAuth: boolean;
  auth: Authenticator;
  /** The UI's access tokens: signed by the JWKS and issued by `issuer` for `audience` (another app's token is refused). */
  jwt: CodecJwt | undefined;
  /** Opens a value sealed under its process's data key (platform/data-keys.ts): `[erased]` once the key is destroyed. */
  open: (sealed: string) => Promise<string>;
}

/** A copy of the JSON value with every sealed value opened (or `[erased]`), so it is masked by its field's name like the rest. */
async function opened(value: unknown, open: (sealed: string) => Promise<string>): Promise<unknown> {
  if (isSealed(value)) return open(value).catch(() => UNREADABLE);
  if (typeof value === 'string' && value.includes(SEALED_PREFIX) && /^\s*[{[]/.test(value)) return embedded(value, open);
  if (Array.isArray(value)) return Promise.all(value.map((item) => opened(item, open)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await opened(v, open)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** A JSON document carried as text inside a payload (a webhook event's body, signed as it is): opened and masked like the payload. */
async function embedded(text: string, open: (sealed: string) => Promise<string>): Promise<string> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(redactPersonalData(await opened(document, open)));
}

const Base64 = z.string().max(8_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
// Protobuf JSON leaves out an empty list: `{}` is no payloads (the CLI sends it).
const CodecBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() })).max(1000).default([]),
});
type WirePayload = z.infer<typeof CodecBody>['payloads'][number];

const JSON_ENCODINGS = new Set(['json/plain', 'json/protobuf']);
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const toBase64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('base64');

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, fromBase64(v)])),
  data: fromBase64(p.data ?? ''),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, toBase64(v)])),
  data: toBase64(p.data),
});

/** A decoded JSON payload as operators may see it: sealed values opened (or `[erased]`), then personal data masked as the API masks it, birth dates too; anything else as it is. */
export async function masked(payload: Payload, open: (sealed: string) => Promise<string>): Promise<Payload> {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || !JSON_ENCODINGS.has(Buffer.from(encoding).toString())) return payload;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8'));
  } catch {
    return { ...payload, data: new TextEncoder().encode('"<not readable JSON>"') };
  }
  return { ...payload, data: new TextEncoder().encode(JSON.stringify(redactPersonalData(await opened(value, open)))) };
}

function corsFor(allowedOrigins: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin !== undefined) {
      if (!allowedOrigins.includes(origin)) throw appError('FORBIDDEN', `The codec answers the Temporal UI's origin only (TEMPORAL_UI_ORIGIN), not ${origin}.`);
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

function authFor(options: CodecOptions) {
  const { jwt } = options;
  const jwks = jwt ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  return async (req: Request) => {
    if (!options.requireAuth) return;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) throw appError('UNAUTHENTICATED', 'The codec needs an admin token or the Temporal UI’s access token (Authorization: Bearer).');
    const principal = await options.auth.authenticate(req).catch(() => undefined);
    if (principal?.role === 'admin') return;
    if (principal) throw appError('FORBIDDEN', 'The codec is for admins.');
    if (!jwt || !jwks) throw appError('UNAUTHENTICATED', 'The bearer token is not valid.');
    await jwtVerify(token, jwks, { issuer: jwt.issuer, audience: jwt.audience }).catch(() => {
      throw appError('UNAUTHENTICATED', 'The access token is not valid for this codec (CODEC_AUTH_JWKS_URL, CODEC_AUTH_ISSUER, CODEC_AUTH_AUDIENCE).');
    });
  };
}

export function codecRoutes(app: Express, options: CodecOptions): void {
  const authenticate = authFor(options);
  const router = express.Router();
  router.use(corsFor(options.allowedOrigins));
  router.use(express.json({ limit: '8mb' }));
  const handle = (transform: (payloads: Payload[]) => Promise<Payload[]>) => async (req: Request, res: Response) => {
    await authenticate(req);
    const body = CodecBody.safeParse(req.body);
    if (!body.success) throw validationError(body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const payloads = await transform(body.data.payloads.map(fromWire));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ payloads: payloads.map(toWire) });
  };
  // A payload the codec cannot open (another key ring, not ours) is answered as it came.
  const decodeOne = (payload: Payload) => options.codec.decode([payload]).then(([decoded]) => masked(decoded!, options.open), () => payload);
  router.post('/decode', handle((payloads) => Promise.all(payloads.map(decodeOne))));
  router.post('/encode', handle((payloads) => options.codec.encode(payloads)));
  app.use('/codec', router);
}
