import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { correlationClientInterceptor } from './correlation';
import { AesGcmPayloadCodec } from './temporal-codec';

/** Client, worker and the codec endpoint all use the same codec key. */
export const payloadCodec = (codecKey: Buffer): PayloadCodec => new AesGcmPayloadCodec(codecKey);

export function dataConverter(codecKey: Buffer): DataConverter {
  return { payloadCodecs: [payloadCodec(codecKey)] };
}

/**
 * The API's RPCs retry an unreachable frontend for about 2 s (the SDK's default
 * retries for about 20 s): a request during an outage is answered 503 with
 * Retry-After, and the client's own retry is the better one.
 */
const RPC_ATTEMPTS = 5;
/** gRPC backs off reconnecting up to 2 minutes; a frontend that came back is found within 5 s. */
const MAX_RECONNECT_BACKOFF_MS = 5_000;

export async function connectClient(options: { address: string; namespace: string; codecKey: Buffer }): Promise<Client> {
  const connection = await Connection.connect({
    address: options.address,
    channelArgs: { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS },
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: RPC_ATTEMPTS }))],
  });
  return new Client({
    connection,
    namespace: options.namespace,
    dataConverter: dataConverter(options.codecKey),
    // The request's correlation id goes with every start, signal and update (platform/correlation.ts).
    interceptors: { workflow: [correlationClientInterceptor] },
  });
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
