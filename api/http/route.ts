import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { appError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { auditRequest, type AuditSpec } from './audit';
import { principalKey, type Authenticator, type Principal, type Role } from './auth';
import { IDEMPOTENCY_HEADER, IdempotencyKeyHeader, requestHash, validateKey, type IdempotencyStore } from './idempotency';
import { fieldErrors, validationError } from './problem';
import { responsesOf, type ResponseSpec } from './responses';

/**
 * One declaration per endpoint: the zod schemas that validate the request are
 * the ones the OpenAPI document is generated from, and the handler receives
 * only the parsed values.
 */

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  /** Deterministic per Idempotency-Key (random without one): ids of created resources derive from it. */
  seed: string;
  log: Logger;
}

type AnyObject = z.ZodType<Record<string, unknown>>;

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI form: /v1/accounts/{accountId} */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Roles allowed; 'public' routes authenticate otherwise (signatures) or not at all. */
  auth: Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** Idempotency-Key accepted: a retry gets the stored answer; 'rerun' (answers that hold a secret) runs again instead. */
  idempotent?: boolean | 'rerun';
  /**
   * The account the addressed resource belongs to (paths with {accountId}: that one). An account token
   * for another account is answered 404 before the request is read, as if the resource did not exist.
   */
  owner?: (params: Record<string, string>) => Promise<string | undefined>;
  /** What an accepted request records in the audit log; required on routes with a bearer token that change something (`false`: it only reads). */
  audit?: AuditSpec | false;
  /** Answers, and refusals beyond the common ones (a status of 400 and up without a schema: a problem document, described by its codes). */
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<Reply | undefined>;
}

export interface RouteDeps {
  app: Express;
  registry: OpenAPIRegistry;
  auth: Authenticator;
  idempotency: IdempotencyStore;
  logger: Logger;
  /** Where accepted requests are audited. */
  db: Db;
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, location: 'body' | 'query' | 'path'): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) {
    // A resource id that cannot exist names nothing: 404, as for an id that does not exist.
    if (location === 'path' && result.error.issues.every((i) => i.path[0] === 'id')) throw appError('NOT_FOUND', 'No such resource.');
    throw validationError(fieldErrors(result.error, location));
  }
  return result.data;
}

const ANONYMOUS: Principal = { role: 'anonymous' };

export function defineRoute<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(
  deps: RouteDeps,
  spec: RouteSpec<P, Q, B>,
): void {
  if (spec.method !== 'get' && spec.auth !== 'public' && spec.audit === undefined) {
    throw new Error(`${spec.method.toUpperCase()} ${spec.path}: say what it records in the audit log (audit: { action }), or audit: false if it changes nothing`);
  }
  const responses = responsesOf(spec.responses, {
    auth: spec.auth,
    ...(spec.params ? { params: Object.keys((spec.params as unknown as z.ZodObject).shape) } : {}),
    query: spec.query,
    body: spec.body,
    jsonBody: spec.body !== undefined,
    idempotent: spec.idempotent,
    owner: spec.owner,
  });
  deps.registry.registerPath({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    ...(spec.auth === 'public' ? {} : { security: [{ bearer: [] }] }),
    // Who may call it: clients and the access-matrix test read this.
    'x-roles': spec.auth === 'public' ? ['public'] : spec.auth,
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      ...(spec.idempotent
        ? { headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKeyHeader }) as never }
        : {}),
    },
    responses,
  });

  const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  deps.app[spec.method](expressPath, async (req, res) => {
    let principal: Principal = ANONYMOUS;
    if (spec.auth !== 'public') {
      const authenticated = await deps.auth.authenticate(req);
      if (!spec.auth.includes(authenticated.role)) throw appError('FORBIDDEN', `This endpoint is for: ${spec.auth.join(', ')}.`);
      principal = authenticated;
      if (principal.role === 'account') {
        const params = req.params as Record<string, string>;
        const owner = params.accountId ?? (spec.owner ? await spec.owner(params) : undefined);
        if (owner !== undefined && owner !== principal.accountId) throw appError('NOT_FOUND', 'No such resource.');
      }
    }
    if (spec.body && req.body === undefined) {
      throw validationError([{ path: '', message: 'expected a JSON body (Content-Type: application/json)' }]);
    }
    const ctx: RouteContext<z.infer<P>, z.infer<Q>, z.infer<B>> = {
      req,
      res,
      principal,
      params: parse(spec.params, req.params, 'path'),
      query: parse(spec.query, req.query, 'query'),
      body: parse(spec.body, req.body, 'body'),
      seed: crypto.randomUUID(),
      log: (res.locals.log as Logger | undefined) ?? deps.logger,
    };

    const run = async () => {
      const reply = await spec.handler(ctx);
      if (reply && reply.status < 400 && spec.audit) await audit(deps.db, spec, req, ctx, reply);
      return reply;
    };
    const key = spec.idempotent ? req.get(IDEMPOTENCY_HEADER) : undefined;
    if (key === undefined) {
      const reply = await run();
      if (reply) send(res, reply);
      return;
    }
    validateKey(key);
    const answer = await deps.idempotency.execute(principalKey(principal), key, requestHash(req.method, req.path, req.body), async (seed) => {
      ctx.seed = seed;
      const reply = await run();
      if (!reply) throw new Error(`idempotent route ${spec.path} must reply with a value`);
      return { status: reply.status, body: reply.body ?? null };
    }, spec.idempotent === 'rerun' ? 'rerun' : 'stored');
    send(res, { status: answer.status, body: answer.body, ...(answer.replayed ? { headers: { 'Idempotent-Replayed': 'true' } } : {}) });
  });
}

/** Recorded when the handler accepted the request: an idempotent replay records nothing again. */
function audit(db: Db, spec: RouteSpec<AnyObject, AnyObject, z.ZodType>, req: Request, ctx: RouteContext<unknown, unknown, unknown>, reply: Reply) {
  const params = req.params as Record<string, string>;
  return auditRequest(db, spec.audit as AuditSpec, {
    principal: ctx.principal,
    params,
    body: ctx.body,
    requestId: ctx.res.locals.correlationId as string | undefined,
    owner: async () => (spec.owner ? spec.owner(params) : undefined),
  }, reply.body);
}

function send(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  const body = reply.body;
  const isProblem = reply.status >= 400 && body && typeof body === 'object' && 'code' in body;
  res.status(reply.status);
  if (body === undefined) res.end();
  else res.type(isProblem ? 'application/problem+json' : 'application/json').send(JSON.stringify(body));
}
