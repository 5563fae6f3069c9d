import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry, ZodContentObject } from '@asteasolutions/zod-to-openapi';
import { appError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { auditRequest, concernedAccount, type AuditSpec } from './audit';
import { principalKey, type Authenticator, type Principal, type Role } from './auth';
import { IDEMPOTENCY_HEADER, IdempotencyKeyHeader, requestHash, validateKey, type IdempotencyStore } from './idempotency';
import { fieldErrors, validationError } from './problem';
import { responsesOf, type ResponseSpec } from './responses';
import { writeStream } from './stream';

/**
 * One declaration per endpoint: the zod schemas that validate the request are
 * the ones the OpenAPI document is generated from, and the handler receives
 * only the parsed values.
 */

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Instead of a body: chunks written as the client reads them (give the Content-Type in headers; not for idempotent routes). */
  stream?: AsyncIterable<string>;
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

/**
 * A body that is not JSON (a multipart form; a provider's signed bytes): read
 * and validated by the reader instead of express.json and a zod schema.
 */
export interface BodyReader<T> {
  /** The body as the OpenAPI document declares it (media type → schema); none: not declared. */
  content?: ZodContentObject;
  /** Reads and validates the body; a refusal is thrown as a problem. */
  read(req: Request): Promise<T>;
  /** What a repeated Idempotency-Key is compared on: the body as read, or a digest of it. */
  fingerprint?(body: T): unknown;
}

type Body = z.ZodType | BodyReader<unknown>;
/** The body a handler receives: the reader's value, or the schema's parsed one. */
export type BodyOf<B> = B extends BodyReader<infer T> ? T : B extends z.ZodType ? z.infer<B> : undefined;
const isReader = (body: Body | undefined): body is BodyReader<unknown> => body !== undefined && !(body instanceof z.ZodType);

export interface RouteSpec<P extends AnyObject, Q extends AnyObject, B extends Body> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: /v1/accounts/{accountId} */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Roles allowed; 'public' routes authenticate otherwise (signatures, in `before`) or not at all. */
  auth: Role[] | 'public';
  /** What runs before the route itself, on the raw request (a provider callback's signature check). */
  before?: (RequestHandler | ErrorRequestHandler)[];
  params?: P;
  query?: Q;
  /** Headers the document declares (beyond Idempotency-Key). */
  headers?: z.ZodObject;
  /** JSON validated by this schema, or a reader of its own. */
  body?: B;
  /** Idempotency-Key accepted: a retry gets the stored answer; 'rerun' (answers that hold a secret) runs again instead. */
  idempotent?: boolean | 'rerun';
  /**
   * The account the addressed resource belongs to (paths with {accountId}: that one). An account token
   * for another account is answered 404 before the request is read, as if the resource did not exist.
   * null: it exists and belongs to no account (a lookup the service role made), so no account token reaches it;
   * undefined: nothing to tell (it does not exist: the handler answers that).
   */
  owner?: (params: Record<string, string>) => Promise<string | null | undefined>;
  /** The account a request addresses in its body (an upload's accountId): another account's, for an account token, answers 404 too. */
  bodyOwner?: (body: BodyOf<B>) => Promise<string | undefined> | string | undefined;
  /** What an accepted request records in the audit log; required on routes with a bearer token that change something (`false`: it only reads). */
  audit?: AuditSpec | false;
  /** Answers, and refusals beyond the common ones (a status of 400 and up without a schema: a problem document, described by its codes). */
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<z.infer<P>, z.infer<Q>, BodyOf<B>>) => Promise<Reply | undefined>;
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

export function defineRoute<P extends AnyObject, Q extends AnyObject, B extends Body = z.ZodUndefined>(deps: RouteDeps, spec: RouteSpec<P, Q, B>): void {
  if (spec.method !== 'get' && spec.auth !== 'public' && spec.audit === undefined) {
    throw new Error(`${spec.method.toUpperCase()} ${spec.path}: say what it records in the audit log (audit: { action }), or audit: false if it changes nothing`);
  }
  document(deps.registry, spec);
  const reader = isReader(spec.body) ? spec.body : undefined;
  const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
  deps.app[spec.method](expressPath, ...(spec.before ?? []), async (req: Request, res: Response) => {
    const principal = await admit(deps, spec, req);
    const key = spec.idempotent ? req.get(IDEMPOTENCY_HEADER) : undefined;
    // A body of its own is read once, after the key is known to be usable: a refused key costs no upload.
    if (reader && key !== undefined) validateKey(key);
    if (!reader && spec.body && req.body === undefined) {
      throw validationError([{ path: '', message: 'expected a JSON body (Content-Type: application/json)' }]);
    }
    const ctx: RouteContext<z.infer<P>, z.infer<Q>, BodyOf<B>> = {
      req,
      res,
      principal,
      params: parse(spec.params, req.params, 'path'),
      query: parse(spec.query, req.query, 'query'),
      body: (reader ? await reader.read(req) : parse(spec.body as z.ZodType | undefined, req.body, 'body')) as BodyOf<B>,
      seed: crypto.randomUUID(),
      log: (res.locals.log as Logger | undefined) ?? deps.logger,
    };
    if (principal.role === 'account' && spec.bodyOwner) {
      const owner = await spec.bodyOwner(ctx.body);
      if (owner !== undefined && owner !== principal.accountId) throw appError('NOT_FOUND', 'No such resource.');
    }

    const run = async () => {
      const reply = await spec.handler(ctx);
      if (reply && reply.status < 400 && spec.audit) await audit(deps.db, spec, req, ctx, reply);
      return reply;
    };
    if (key === undefined) {
      const reply = await run();
      if (reply?.stream) await writeStream(res, reply.status, reply.headers ?? {}, reply.stream, ctx.log);
      else if (reply) send(res, reply);
      return;
    }
    validateKey(key);
    const fingerprint: unknown = reader ? reader.fingerprint?.(ctx.body) : req.body;
    const answer = await deps.idempotency.execute(principalKey(principal), key, requestHash(req.method, req.path, fingerprint), async (seed) => {
      ctx.seed = seed;
      const reply = await run();
      if (!reply || reply.stream) throw new Error(`idempotent route ${spec.path} must reply with a value`);
      return { status: reply.status, body: reply.body ?? null };
    }, spec.idempotent === 'rerun' ? 'rerun' : 'stored', (answer) => concernedAccount({ principal, params: req.params as Record<string, string>, owner: ownerOf(spec, req, ctx) }, answer));
    send(res, { status: answer.status, body: answer.body, ...(answer.replayed ? { headers: { 'Idempotent-Replayed': 'true' } } : {}) });
  });
}

/**
 * Who may call: the one place access is decided. A role the route does not
 * name is refused; an account token reaches only its own account's resources
 * (the path's accountId, or the owner of the addressed resource), anything
 * else answering 404 before the request is read, as if it did not exist.
 */
async function admit<B extends Body>(deps: RouteDeps, spec: RouteSpec<AnyObject, AnyObject, B>, req: Request): Promise<Principal> {
  if (spec.auth === 'public') return ANONYMOUS;
  const principal = await deps.auth.authenticate(req);
  if (!spec.auth.includes(principal.role)) throw appError('FORBIDDEN', `This endpoint is for: ${spec.auth.join(', ')}.`);
  if (principal.role === 'account') {
    const params = req.params as Record<string, string>;
    const owner = params.accountId ?? (spec.owner ? await spec.owner(params) : undefined);
    if (owner !== undefined && owner !== principal.accountId) throw appError('NOT_FOUND', 'No such resource.');
  }
  return principal;
}

/** The operation in the OpenAPI document, from the same declaration that validates it. */
function document<B extends Body>(registry: OpenAPIRegistry, spec: RouteSpec<AnyObject, AnyObject, B>): void {
  const reader = isReader(spec.body) ? spec.body : undefined;
  const json = spec.body instanceof z.ZodType ? spec.body : undefined;
  const headers = spec.idempotent ? z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKeyHeader, ...spec.headers?.shape }) : spec.headers;
  const content = json ? { 'application/json': { schema: json } } : reader?.content;
  registry.registerPath({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    ...(spec.auth === 'public' ? {} : { security: [{ bearer: [] }] }),
    // Who may call it: clients and the access-matrix test read this.
    'x-roles': spec.auth === 'public' ? ['public'] : spec.auth,
    request: {
      ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
      ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
      ...(content ? { body: { content, required: true } } : {}),
      ...(headers ? { headers } : {}),
    },
    responses: responsesOf(spec.responses, {
      auth: spec.auth,
      ...(spec.params ? { params: Object.keys((spec.params as z.ZodObject).shape) } : {}),
      query: spec.query,
      body: spec.body,
      jsonBody: json !== undefined,
      idempotent: spec.idempotent,
      owner: spec.owner ?? spec.bodyOwner,
    }),
  });
}

/** Recorded when the handler accepted the request: an idempotent replay records nothing again. */
function audit<B extends Body>(db: Db, spec: RouteSpec<AnyObject, AnyObject, B>, req: Request, ctx: RouteContext<unknown, unknown, BodyOf<B>>, reply: Reply) {
  const params = req.params as Record<string, string>;
  return auditRequest(db, spec.audit as AuditSpec, {
    principal: ctx.principal,
    params,
    body: ctx.body,
    requestId: ctx.res.locals.correlationId as string | undefined,
    owner: ownerOf(spec, req, ctx),
  }, reply.body);
}

/** The account the addressed resource (or the one the body names) belongs to, asked only when needed. */
function ownerOf<B extends Body>(spec: RouteSpec<AnyObject, AnyObject, B>, req: Request, ctx: RouteContext<unknown, unknown, BodyOf<B>>) {
  const params = req.params as Record<string, string>;
  return async () => (spec.owner ? spec.owner(params) : spec.bodyOwner ? spec.bodyOwner(ctx.body) : undefined);
}

function send(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  const body = reply.body;
  const isProblem = reply.status >= 400 && body && typeof body === 'object' && 'code' in body;
  res.status(reply.status);
  if (body === undefined) res.end();
  else res.type(isProblem ? 'application/problem+json' : 'application/json').send(JSON.stringify(body));
}
