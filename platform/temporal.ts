import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './temporal-codec';

/** Client and worker both encrypt payloads with the same codec key. */
export function dataConverter(codecKey: Buffer): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(codecKey)] };
}

export async function connectClient(options: { address: string; namespace: string; codecKey: Buffer }): Promise<Client> {
  const connection = await Connection.connect({ address: options.address });
  return new Client({ connection, namespace: options.namespace, dataConverter: dataConverter(options.codecKey) });
}

/** Answers whether a Temporal frontend is serving at this address. */
export async function temporalReachable(address: string, timeoutMs = 1500): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.withDeadline(Date.now() + timeoutMs, () => connection!.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
