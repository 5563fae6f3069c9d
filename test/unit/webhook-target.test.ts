import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender, webhookUrlRefusal, WebhookTargetRefused, type ResolvedAddress, type Resolver } from '../../webhooks/target';

/**
 * Webhook targets (SPEC §10, API.md "Webhooks to clients"): refused at
 * registration when the host is or resolves to an inside address, and again
 * at connection against what the name resolves to then (DNS rebinding).
 */

const PUBLIC: ResolvedAddress = { address: '93.184.216.34', family: 4 };
const LOOPBACK: ResolvedAddress = { address: '127.0.0.1', family: 4 };
const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** Answers each lookup from a fixed table; unknown names fail as getaddrinfo does. */
function resolverOf(table: Record<string, ResolvedAddress[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const answer = table[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return Object.assign(resolve, { asked });
}

/** A rebinding name server: the first answer is public, every later one the given inside address. */
function rebinding(inside: ResolvedAddress): Resolver {
  let calls = 0;
  return async () => (calls++ === 0 ? [PUBLIC] : [inside]);
}

describe('webhookUrlRefusal at registration', () => {
  const resolve = resolverOf({
    'hooks.example.com': [PUBLIC, v6('2606:2800:220:1::1')],
    'split.example.com': [PUBLIC, v4('10.1.2.3')],
    'inside-v6.example.com': [v6('fd00::5')],
    'mapped.example.com': [v6('::ffff:169.254.169.254')],
    'cgnat.example.com': [v4('100.64.3.4')],
    'metadata-alias.example.com': [v4('100.100.100.200')],
    'home.example.com': [LOOPBACK],
    localhost: [LOOPBACK],
  });

  it.each([
    ['a name resolving to public addresses only', 'https://hooks.example.com/in?token=abc'],
    ['a public IP literal', 'http://93.184.216.34:8443/hooks'],
  ])('accepts %s', async (_why, url) => {
    expect(await webhookUrlRefusal(url, { allowLoopback: false, resolve })).toBeNull();
  });

  it.each([
    ['a private IPv4 literal', 'http://10.0.0.1/hooks', /10\.0\.0\.1 is a private address/],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', /a cloud metadata address/],
    ["Alibaba Cloud's metadata address", 'http://100.100.100.200/latest/meta-data/', /a cloud metadata address/],
    ['a link-local literal', 'http://169.254.10.10/', /a link-local address/],
    ['a multicast literal', 'http://239.1.1.1/', /a multicast address/],
    ['the unspecified address', 'http://0.0.0.0:8080/', /an unspecified address/],
    ['an IPv4-mapped IPv6 literal', 'http://[::ffff:10.0.0.1]/', /a private address/],
    ['an IPv6 unique local literal', 'http://[fd00::1]/', /a private address/],
    ['a decimal IPv4 (the URL parser reads 2852039166 as 169.254.169.254)', 'http://2852039166/latest', /169\.254\.169\.254 is a cloud metadata address/],
    ['a hex IPv4', 'http://0xa9.0xfe.0xa9.0xfe/', /169\.254\.169\.254 is a cloud metadata address/],
    ['an octal IPv4', 'http://012.0.0.1/', /10\.0\.0\.1 is a private address/],
    ['a short IPv4 (10.1 is 10.0.0.1)', 'http://10.1/', /10\.0\.0\.1 is a private address/],
    ['a metadata host name', 'http://metadata.google.internal/computeMetadata/v1/', /a cloud metadata host name/],
    ['another metadata host name', 'http://instance-data/latest/', /a cloud metadata host name/],
    ['a name resolving to a private address among public ones', 'https://split.example.com/', /split\.example\.com resolves to a private address/],
    ['a name resolving to a private IPv6 address', 'https://inside-v6.example.com/', /resolves to a private address/],
    ['a name resolving to a mapped metadata address', 'https://mapped.example.com/', /resolves to a cloud metadata address/],
    ['a name resolving to a carrier-grade NAT address', 'https://cgnat.example.com/', /resolves to a carrier-grade NAT address/],
    ['a name resolving to a metadata address', 'https://metadata-alias.example.com/', /resolves to a cloud metadata address/],
    ['a name that does not resolve', 'https://nowhere.example.com/', /nowhere\.example\.com does not resolve/],
  ])('refuses %s', async (_why, url, reason) => {
    expect(await webhookUrlRefusal(url, { allowLoopback: true, resolve })).toMatch(reason);
  });

  it('takes loopback (127/8, ::1, localhost, a name resolving to it) outside production only', async () => {
    for (const url of ['http://127.0.0.1:8080/hooks', 'http://127.9.9.9/', 'http://[::1]/', 'http://localhost:3000/', 'http://home.example.com/', 'http://0x7f.1/']) {
      expect(await webhookUrlRefusal(url, { allowLoopback: true, resolve }), url).toBeNull();
      expect(await webhookUrlRefusal(url, { allowLoopback: false, resolve }), url).toMatch(/loopback/);
    }
  });

  it('does not look up an IP literal, nor a metadata host name', async () => {
    const counted = resolverOf({});
    await webhookUrlRefusal('http://10.0.0.1/', { allowLoopback: true, resolve: counted });
    await webhookUrlRefusal('http://93.184.216.34/', { allowLoopback: true, resolve: counted });
    await webhookUrlRefusal('http://metadata.google.internal/', { allowLoopback: true, resolve: counted });
    expect(counted.asked).toEqual([]);
  });
});

describe('the webhook sender at connection time', () => {
  let server: Server;
  let port: number;
  const received: { url: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = { headers: { 'content-type': 'application/json' }, body: '{"id":"evt_1"}', timeoutMs: 5_000 };

  it('connects to the address the name resolves to, when the policy allows it', async () => {
    received.length = 0;
    const send = createWebhookSender({ allowLoopback: true, resolve: resolverOf({ 'hooks.example.com': [LOOPBACK] }) });
    expect(await send(`http://hooks.example.com:${port}/in?token=abc`, post)).toBe(204);
    expect(received).toEqual([{ url: '/in?token=abc', body: '{"id":"evt_1"}' }]);
  });

  it.each([
    ['10.0.0.1', v4('10.0.0.1')],
    ['the metadata address', v4('169.254.169.254')],
    ['a mapped private address', v6('::ffff:192.168.0.10')],
    ['loopback, in production', LOOPBACK],
  ])('refuses a name registered on a public address that now resolves to %s (DNS rebinding), sending nothing', async (_why, inside) => {
    received.length = 0;
    const resolve = rebinding(inside);
    const url = `http://rebind.example.com:${port}/in?token=secret-in-query`;
    expect(await webhookUrlRefusal(url, { allowLoopback: false, resolve })).toBeNull();
    const send = createWebhookSender({ allowLoopback: false, resolve });
    const refused = await send(url, post).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WebhookTargetRefused);
    expect((refused as Error).message).toMatch(/^rebind\.example\.com resolves to an? /);
    expect((refused as Error).message).not.toContain('secret-in-query');
    expect(received).toEqual([]);
  });

  it('refuses an IP literal (which Node connects to without a lookup) and a metadata host name, sending nothing', async () => {
    received.length = 0;
    const resolve = resolverOf({});
    const strict = createWebhookSender({ allowLoopback: false, resolve });
    await expect(strict(`http://127.0.0.1:${port}/in`, post)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    await expect(strict(`http://[::ffff:127.0.0.1]:${port}/in`, post)).rejects.toThrow(WebhookTargetRefused);
    await expect(strict('http://169.254.169.254/latest/meta-data/', post)).rejects.toThrow(/cloud metadata address/);
    await expect(strict('http://metadata.google.internal/computeMetadata/v1/', post)).rejects.toThrow(/cloud metadata host name/);
    expect(resolve.asked).toEqual([]);
    expect(received).toEqual([]);
    // Outside production the same literal is delivered to.
    expect(await createWebhookSender({ allowLoopback: true, resolve })(`http://127.0.0.1:${port}/in`, post)).toBe(204);
  });

  it('fails a name that no longer resolves as a network error, not a refusal', async () => {
    const send = createWebhookSender({ allowLoopback: true, resolve: resolverOf({}) });
    const failed = await send(`http://gone.example.com:${port}/in`, post).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).not.toBeInstanceOf(WebhookTargetRefused);
    expect((failed as Error).message).toMatch(/ENOTFOUND/);
  });
});
