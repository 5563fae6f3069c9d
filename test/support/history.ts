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
