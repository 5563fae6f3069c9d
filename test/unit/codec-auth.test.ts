import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../api/http/auth';
import { codecRoutes } from '../../api/ops/codec';
import { problemMiddleware } from '../../api/http/problem';
import type { Secrets } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { payloadCodec } from '../../platform/temporal';

/**
 * The codec in production (API.md "Operator tools"): an admin token, or the
 * Temporal UI's access token verified against CODEC_AUTH_JWKS_URL, issued by
 * CODEC_AUTH_ISSUER for CODEC_AUTH_AUDIENCE; nothing else (the identity
 * provider's tokens for other apps are signed by the same key).
 */
const ISSUER = 'https://sso.example.com';
const AUDIENCE = 'temporal-ui';
const secrets = { serviceApiKey: 'service-key-0123456789', reviewerApiKey: 'reviewer-key-0123456789', adminApiKey: 'admin-key-0123456789', accountTokenSecret: 'x'.repeat(32) } as Secrets;
// The codec takes no page cookie: no page session stands here.
const noPageSessions = { isPageSessionLive: async () => false };
const servers: Server[] = [];
let codecUrl = '';
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let uiKey: SigningKey;
let strangerKey: SigningKey;

const listen = (server: Server) =>
  new Promise<string>((resolve) => {
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

beforeAll(async () => {
  const ui = await generateKeyPair('RS256');
  uiKey = ui.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(ui.publicKey)), kid: 'ui', alg: 'RS256', use: 'sig' };
  const jwksUrl = await listen(createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] }))));
  const app = express();
  codecRoutes(app, { codec: payloadCodec(Buffer.alloc(32, 7)), auth: createAuthenticator(secrets, noPageSessions), open: (sealed) => Promise.reject(new Error(sealed)), allowedOrigins: [], requireAuth: true, jwt: { jwksUrl: `${jwksUrl}/jwks.json`, issuer: ISSUER, audience: AUDIENCE } });
  app.use(problemMiddleware(createLogger('silent')));
  codecUrl = `${await listen(createServer(app))}/codec/decode`;
});
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

interface Claims {
  expiresIn?: string;
  /** null: the claim is left out. */
  issuer?: string | null;
  audience?: string | null;
}
const jwt = (key: SigningKey, { expiresIn = '5m', issuer = ISSUER, audience = AUDIENCE }: Claims = {}): Promise<string> => {
  const token = new SignJWT({ sub: 'operator@example.com' }).setProtectedHeader({ alg: 'RS256', kid: 'ui' }).setIssuedAt().setExpirationTime(expiresIn);
  if (issuer !== null) token.setIssuer(issuer);
  if (audience !== null) token.setAudience(audience);
  return token.sign(key);
};

async function decodeWith(authorization?: string) {
  const res = await fetch(codecUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{"payloads":[]}' });
  return res.status;
}

type Header = () => string | undefined | Promise<string>;
const bearer = (token: Promise<string>) => token.then((t) => `Bearer ${t}`);

describe('codec authentication in production', () => {
  it.each<[string, number, Header]>([
    ['no token', 401, () => undefined],
    ['the admin key', 200, () => `Bearer ${secrets.adminApiKey}`],
    ['the service key', 403, () => `Bearer ${secrets.serviceApiKey}`],
    ['the reviewer key', 403, () => `Bearer ${secrets.reviewerApiKey}`],
    ['the UI’s access token, signed by the JWKS key', 200, () => bearer(jwt(uiKey))],
    ['an expired UI token', 401, () => bearer(jwt(uiKey, { expiresIn: '-1m' }))],
    ['a token of the JWKS key from another issuer', 401, () => bearer(jwt(uiKey, { issuer: 'https://other-sso.example.com' }))],
    ['a token of the JWKS key for another audience (another app)', 401, () => bearer(jwt(uiKey, { audience: 'billing-console' }))],
    ['a token of the JWKS key without an issuer', 401, () => bearer(jwt(uiKey, { issuer: null }))],
    ['a token of the JWKS key without an audience', 401, () => bearer(jwt(uiKey, { audience: null }))],
    ['a token signed by another key', 401, () => bearer(jwt(strangerKey))],
    ['garbage', 401, () => 'Bearer not-a-token'],
  ])('%s → %i', async (_, status, header) => {
    expect(await decodeWith(await header())).toBe(status);
  });
});
