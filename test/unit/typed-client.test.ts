import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../clients/typescript/src/index';

/** The typed client's own additions over openapi-fetch: the bearer token and an Idempotency-Key on every POST. */
function recording() {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { requests, fetch };
}

describe('createClient', () => {
  it('sends the token as a bearer, to the path under baseUrl', async () => {
    const { requests, fetch } = recording();
    const client = createClient({ baseUrl: 'http://api.test/', token: 'k1', fetch });
    await client.GET('/v1/verifications/{id}', { params: { path: { id: 'ver_1' } } });
    expect(requests[0]!.url).toBe('http://api.test/v1/verifications/ver_1');
    expect(requests[0]!.headers.get('authorization')).toBe('Bearer k1');
    expect(requests[0]!.headers.get('idempotency-key')).toBeNull();
  });

  it('asks a token function before every request, and sends nothing without a token', async () => {
    const { requests, fetch } = recording();
    let n = 0;
    const client = createClient({ baseUrl: 'http://api.test', token: async () => `t${++n}`, fetch });
    await client.GET('/v1/reviews');
    await client.GET('/v1/reviews');
    expect(requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer t1', 'Bearer t2']);
    await createClient({ baseUrl: 'http://api.test', fetch }).POST('/sandbox/wechat/scans', { body: { ticket: 't', realName: '张三', idNumber: 'x', bankCardLinked: true } });
    expect(requests[2]!.headers.get('authorization')).toBeNull();
  });

  it('gives each POST a fresh Idempotency-Key unless the call brings its own', async () => {
    const { requests, fetch } = recording();
    const client = createClient({ baseUrl: 'http://api.test', token: 'k', fetch });
    const path = { accountId: 'acct-1' };
    const body = { subjectType: 'individual', method: 'wechat_qr', individual: { realName: '张三', idType: 'mainland_id', idNumber: 'x', industry: 'internet', address: { region: 'r', detail: 'd' } } } as const;
    await client.POST('/v1/accounts/{accountId}/verifications', { params: { path }, body });
    await client.POST('/v1/accounts/{accountId}/verifications', { params: { path }, body });
    await client.POST('/v1/accounts/{accountId}/verifications', { params: { path, header: { 'Idempotency-Key': 'mine-1' } }, body });
    const [first, second, own] = requests.map((r) => r.headers.get('idempotency-key'));
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
    expect(own).toBe('mine-1');
  });
});

describe("README's typed-client examples", () => {
  const root = path.resolve(__dirname, '../..');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const dir = path.join(root, 'clients/typescript/examples');

  it.each(readdirSync(dir).filter((f) => f.endsWith('.ts')))('%s is a README block, which the typecheck covers', (file) => {
    const example = readFileSync(path.join(dir, file), 'utf8');
    // The file's first line says how to run it; the rest is the README's block.
    expect(blocks).toContain(example.slice(example.indexOf('\n') + 1));
  });

  it('covers every README block that uses the client', () => {
    const files = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8'));
    for (const block of blocks.filter((b) => b.includes('createClient('))) expect(files.some((f) => f.endsWith(block))).toBe(true);
  });
});
