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

/** What the Temporal UI shows of a payload: the service's codec endpoint's answer, as text. */
export async function decodedByCodec(payload: Payload): Promise<string> {
  const wire = { metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(payload.data ?? []).toString('base64') };
  const res = await fetch(`${inject('baseUrl')}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [wire] }) });
  return Buffer.from(((await res.json()) as { payloads: { data: string }[] }).payloads[0]!.data, 'base64').toString('utf8');
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
    const payloads: Payload[] = [];
    const collect = (value: unknown): void => {
      if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
      const p = value as Payload;
      if (p.data instanceof Uint8Array && p.metadata) payloads.push(p);
      else for (const inner of Object.values(value)) collect(inner);
    };
    collect(history);
    const decoded = await codec.decode(payloads);
    return decoded.map((p) => text(p.data)).join('\n');
  } finally {
    await connection.close();
  }
}
