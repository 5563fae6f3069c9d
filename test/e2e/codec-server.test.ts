import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { requireTool } from '../../platform/tools';
import { startInput } from '../support/history';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';

/**
 * The codec endpoint behind the Temporal UI and CLI (API.md "Operator tools"):
 * what an operator reads of a run is decrypted, with personal data masked.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const UI_ORIGIN = 'http://127.0.0.1:8233';
const run = promisify(execFile);

const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
const wire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data),
});

async function codec(op: 'decode' | 'encode', payloads: unknown[], origin = UI_ORIGIN) {
  return fetch(`${baseUrl}/codec/${op}`, { method: 'POST', headers: { 'content-type': 'application/json', origin, 'x-namespace': 'default' }, body: JSON.stringify({ payloads }) });
}

async function startVerification() {
  const idNumber = mainlandId();
  const started = await api.post(`/v1/accounts/${uniqueAccount('codec')}/verifications`, individualBody({ idNumber }));
  expect(started.status).toBe(201);
  return { idNumber, workflowId: `verification/${started.body.id as string}` };
}

describe('codec endpoint', () => {
  it('decodes a run’s input for the Temporal UI’s origin, with the ID number masked', async () => {
    const { idNumber, workflowId } = await startVerification();
    const input = await startInput(workflowId);
    expect(Buffer.from(input.data!).toString('latin1')).not.toContain(idNumber);

    const res = await codec('decode', [wire(input)]);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const [decoded] = ((await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(decoded!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    const text = Buffer.from(decoded!.data, 'base64').toString('utf8');
    expect(text).toContain('"realName":"张三"');
    expect(text).toContain(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`);
    expect(text).not.toContain(idNumber);
    // The birth date is the part of the number its mask hides: not shown beside it either.
    const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
    expect(text).toContain('"birthDate":"****-**-**"');
    expect(text).not.toContain(birthDate);
  });

  it('encodes what it is given, so the UI can send a signal, and decodes it back', async () => {
    const plain = { metadata: { encoding: b64(new TextEncoder().encode('json/plain')) }, data: b64(new TextEncoder().encode('{"note":"hello"}')) };
    const encoded = ((await (await codec('encode', [plain])).json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads[0]!;
    expect(Buffer.from(encoded.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const back = ((await (await codec('decode', [encoded])).json()) as { payloads: { data: string }[] }).payloads[0]!;
    expect(Buffer.from(back.data, 'base64').toString()).toBe('{"note":"hello"}');
  });

  it('answers the UI’s preflight, refuses other origins and malformed bodies, and passes through what it cannot open', async () => {
    const preflight = await fetch(`${baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);

    const other = await codec('decode', [], 'https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const bad = await fetch(`${baseUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [{ data: 'not base64!' }] }) });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);

    const foreign = { metadata: { encoding: b64(new TextEncoder().encode('binary/encrypted')), 'encryption-key-id': b64(new TextEncoder().encode('another-key')) }, data: b64(new Uint8Array([1, 2, 3])) };
    const passed = ((await (await codec('decode', [foreign])).json()) as { payloads: unknown[] }).payloads;
    expect(passed).toEqual([foreign]);
  });

  it('serves the temporal CLI: `workflow show --codec-endpoint` shows the run readable and masked', async () => {
    const { idNumber, workflowId } = await startVerification();
    const show = async (...extra: string[]) => {
      const { stdout } = await run(requireTool('temporal'), ['workflow', 'show', '-w', workflowId, '--address', inject('temporalAddress'), '--output', 'json', ...extra]);
      type Shown = { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { metadata: Record<string, string>; data: string }[] } } }[] };
      const input = (JSON.parse(stdout) as Shown).events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
      return { encoding: Buffer.from(input.metadata.encoding!, 'base64').toString(), text: Buffer.from(input.data, 'base64').toString('utf8') };
    };
    expect((await show()).encoding).toBe('binary/encrypted');
    const decoded = await show('--codec-endpoint', `${baseUrl}/codec`);
    expect(decoded.encoding).toBe('json/plain');
    expect(decoded.text).toContain('"realName":"张三"');
    expect(decoded.text).toContain(`"idNumber":"${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}"`);
    expect(decoded.text).not.toContain(idNumber);
  });
});
