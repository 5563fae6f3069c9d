import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { AesGcmPayloadCodec } from '../../platform/temporal-codec';

const text = (data: Uint8Array | null | undefined) => Buffer.from(data ?? []).toString('utf8');

/**
 * A workflow's history as anyone with access to the cluster reads it (no codec):
 * every payload's bytes as text, and the start input decoded with the codec key,
 * to show the plaintext check could fail.
 */
export async function historyWithoutCodec(workflowId: string): Promise<{ plaintext: string; decodedInput: string }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const plaintext = JSON.stringify(history, (_k, v) => (v instanceof Uint8Array || v?.type === 'Buffer' ? text(Buffer.from(v.data ?? v)) : v));
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const [decoded] = await new AesGcmPayloadCodec(Buffer.from(inject('secrets').codecKey, 'base64')).decode([input!]);
    return { plaintext, decodedInput: text(decoded?.data) };
  } finally {
    await connection.close();
  }
}

type Payload = { data?: Uint8Array | null; metadata?: Record<string, Uint8Array> | null };

/** The first payload of a run's start input, as the cluster stores it (encrypted by the payload codec). */
export async function startInput(workflowId: string): Promise<Payload> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    return history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  } finally {
    await connection.close();
  }
}

/** Every payload of a history (inputs, results, signals, updates, memo, failure details, search attributes): what a codec would be asked to decode. */
export function historyPayloads(history: unknown): Payload[] {
  const payloads: Payload[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    if ('data' in v && v.data instanceof Uint8Array) payloads.push(v as Payload);
    else for (const child of Object.values(v)) walk(child);
  };
  walk(history);
  return payloads;
}

/** What the Temporal UI shows of a payload: the service's codec endpoint's answer, as text. */
export async function decodedByCodec(payload: Payload): Promise<string> {
  return (await codecAnswers([payload]))[0]!;
}

/** The codec endpoint's answers (of the stack at `baseUrl`) for the payloads, as the Temporal UI asks for them: each as text. */
export async function codecAnswers(payloads: Payload[], baseUrl = inject('baseUrl')): Promise<string[]> {
  const answers: string[] = [];
  // The endpoint takes at most 1000 payloads a request.
  for (let at = 0; at < payloads.length; at += 500) {
    const wire = payloads.slice(at, at + 500).map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? []).toString('base64'),
    }));
    const res = await fetch(`${baseUrl}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: wire }) });
    if (res.status !== 200) throw new Error(`the codec answered ${res.status}: ${await res.text()}`);
    answers.push(...((await res.json()) as { payloads: { data: string }[] }).payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')));
  }
  return answers;
}

/**
 * Every payload of a workflow's history decoded with the service's own payload codec key, as text: what the
 * service itself can read of it (values sealed under a data key stay sealed).
 */
export async function decodedHistory(workflowId: string): Promise<string> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const codec = new AesGcmPayloadCodec(Buffer.from(inject('secrets').codecKey, 'base64'));
    const payloads = historyPayloads(history);
    const decoded = await codec.decode(payloads);
    return decoded.map((p) => text(p.data)).join('\n');
  } finally {
    await connection.close();
  }
}
