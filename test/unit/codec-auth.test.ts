import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../api/auth';
import { codecRoutes } from '../../api/codec';
import { problemMiddleware } from '../../api/problem';
import type { Secrets } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { payloadCodec } from '../../platform/temporal';

/**
 * The codec in production (API.md "Operator tools"): an admin token, or the
 * Temporal UI's access token verified against CODEC_AUTH_JWKS_URL; nothing else.
 */
const secrets = { serviceApiKey: 'service-key-0123456789', reviewerApiKey: 'reviewer-key-0123456789', adminApiKey: 'admin-key-0123456789', accountTokenSecret: 'x'.repeat(32) } as Secrets;
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
  codecRoutes(app, { codec: payloadCodec(Buffer.alloc(32, 7)), auth: createAuthenticator(secrets), allowedOrigins: [], requireAuth: true, jwksUrl: `${jwksUrl}/jwks.json` });
  app.use(problemMiddleware(createLogger('silent')));
  codecUrl = `${await listen(createServer(app))}/codec/decode`;
});
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

const jwt = (key: SigningKey, expiresIn = '5m'): Promise<string> => new SignJWT({ sub: 'operator@example.com' }).setProtectedHeader({ alg: 'RS256', kid: 'ui' }).setIssuedAt().setExpirationTime(expiresIn).sign(key);

async function decodeWith(authorization?: string) {
  const res = await fetch(codecUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: '{"payloads":[]}' });
  return res.status;
}

type Header = () => string | undefined | Promise<string>;
const bearer = (token: Promise<string>) => token.then((t) => `Bearer ${t}`);

describe('codec authentication in production', () => {
  it.each<[string, Header, number]>([
    ['no token', () => undefined, 401],
    ['the admin key', () => `Bearer ${secrets.adminApiKey}`, 200],
    ['the service key', () => `Bearer ${secrets.serviceApiKey}`, 403],
    ['the reviewer key', () => `Bearer ${secrets.reviewerApiKey}`, 403],
    ['the UI’s access token, signed by the JWKS key', () => bearer(jwt(uiKey)), 200],
    ['an expired UI token', () => bearer(jwt(uiKey, '-1m')), 401],
    ['a token signed by another key', () => bearer(jwt(strangerKey)), 401],
    ['garbage', () => 'Bearer not-a-token', 401],
  ])('%s → %i', async (_, header, status) => {
    expect(await decodeWith(await header())).toBe(status);
  });
});
