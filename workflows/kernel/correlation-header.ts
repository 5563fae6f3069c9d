import { defaultPayloadConverter, type Payload } from '@temporalio/common';

/**
 * The correlation id of the API request that started or woke a run travels
 * in this Temporal header: from the API's client into the workflow, from the
 * workflow into its activities and children, so worker log lines name the
 * request an operator was handed (X-Request-Id). Not secret: a random id.
 */
export const CORRELATION_HEADER = 'correlation-id';

export function correlationPayload(id: string): Payload {
  return defaultPayloadConverter.toPayload(id);
}

/** The id a header carries, if it carries one. */
export function correlationIdOf(headers: Record<string, Payload> | undefined): string | undefined {
  const payload = headers?.[CORRELATION_HEADER];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : undefined;
}
