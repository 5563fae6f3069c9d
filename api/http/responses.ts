import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { Role } from './auth';
import { ProblemSchema } from './problem';

/**
 * The responses an operation declares: its answers, and every refusal it can
 * give, each status with its problem document. No `default`: a status the
 * document does not name is a defect a client (and Schemathesis) should see.
 */

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** What decides which refusals an operation can give. */
export interface OperationShape {
  auth: Role[] | 'public';
  /** Path parameter names: an `id` that names nothing answers 404, any other that is not valid 422. */
  params?: string[];
  query?: unknown;
  body?: unknown;
  /** A JSON body (parsed by express.json: malformed → 400, over 1 MB → 413). */
  jsonBody?: boolean;
  idempotent?: unknown;
  /** An account token for another account's resource answers 404. */
  owner?: unknown;
}

const header = (description: string, schema: { type: 'string'; pattern?: string }) => ({ description, required: true, schema });

/** Headers that always come with a refusal of this status. */
const HEADERS: Record<number, NonNullable<ResponseConfig['headers']>> = {
  401: { 'WWW-Authenticate': header('Bearer', { type: 'string' }) },
  429: { 'Retry-After': header('Seconds until the limit resets', { type: 'string', pattern: '^[0-9]+$' }) },
};

/** The refusals every operation of this shape can give, by status. */
export function commonRefusals(op: OperationShape): Record<number, string[]> {
  const refusals: Record<number, string[]> = {};
  const add = (status: number, text: string) => (refusals[status] ??= []).push(text);
  if (op.auth !== 'public') {
    add(401, 'UNAUTHENTICATED: no bearer token, or one that is not valid (unknown, expired)');
    add(403, `FORBIDDEN: for ${op.auth.join(', ')} only`);
    if (op.auth.includes('account') && (op.params?.length || op.owner)) add(404, "NOT_FOUND: another account's resource, for an account token");
  } else {
    add(429, 'RATE_LIMITED: too many requests from this address (see Retry-After)');
  }
  const ids = op.params?.includes('id') ?? false;
  if (ids) add(404, 'NOT_FOUND: nothing has this id');
  // An Idempotency-Key header is a field too: one that is not 1-255 visible ASCII characters is refused.
  if (op.params?.some((name) => name !== 'id') || op.query || op.body || op.idempotent) add(422, 'VALIDATION_FAILED: a field breaks this document (errors lists each)');
  if (op.jsonBody) {
    add(400, 'VALIDATION_FAILED: the body is not valid JSON');
    add(413, 'the body is over 1 MB');
  }
  if (op.idempotent) add(409, 'IDEMPOTENCY_CONFLICT: the Idempotency-Key was used with another body; IDEMPOTENCY_IN_PROGRESS: its first request is still being answered (see Retry-After)');
  add(503, 'SERVICE_UNAVAILABLE: the database or the workflow engine cannot be reached right now (see Retry-After)');
  return refusals;
}

function problem(status: number, descriptions: string[]): ResponseConfig {
  return {
    description: descriptions.join('; '),
    ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
    content: { 'application/problem+json': { schema: ProblemSchema } },
  };
}

/**
 * The `responses` object: the operation's own entries (a status of 400 and up
 * without a schema is a refusal, described by its codes) merged with the
 * common refusals of its shape.
 */
export function responsesOf(own: Record<number, ResponseSpec>, op: OperationShape): Record<string, ResponseConfig> {
  const responses: Record<string, ResponseConfig> = {};
  const refusals = commonRefusals(op);
  for (const [key, r] of Object.entries(own)) {
    const status = Number(key);
    if (status >= 400 && !r.schema) {
      refusals[status] = [r.description, ...(refusals[status] ?? [])];
      continue;
    }
    responses[key] = r.schema
      ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }
      : { description: r.description };
  }
  for (const [status, descriptions] of Object.entries(refusals)) responses[status] = problem(Number(status), descriptions);
  return responses;
}
