import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { SandboxProviders } from '../adapters';
import type { SandboxCallbackOutbox } from '../adapters/sandbox/outbox';
import type { FileStorage } from '../adapters/types';
import { appError } from '../domain/errors';
import { runWithCorrelationId } from '../platform/correlation';
import type { Config } from '../platform/config';
import type { PiiCipher } from '../platform/crypto';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { refundStarter } from '../platform/refunds';
import { unsettledMoney } from '../store/ledger';
import { openProcessCounts } from '../store/processes';
import { createReadModel } from '../store/read-model';
import { createAuthenticator } from './http/auth';
import { codecRoutes } from './ops/codec';
import { securityHeaders, unauthenticatedRateLimit } from './http/hardening';
import { IdempotencyStore } from './http/idempotency';
import { problemMiddleware } from './http/problem';
import type { RouteDeps } from './http/route';
import { accountRoutes } from './accounts/routes';
import { adminRoutes } from './admin/routes';
import { callbackRoutes } from './callbacks/routes';
import { consoleRoutes } from './console/routes';
import { opsRoutes, type ReadinessCheck } from './ops/routes';
import { sandboxRoutes } from './sandbox/routes';
import { processedWatch } from './sandbox/processed';
import { sandboxFaultRoutes } from './sandbox/faults';
import { changeRoutes } from './changes/routes';
import { buildChangeService } from './changes/service';
import { sandboxEnterpriseRoutes } from './sandbox/enterprise';
import { uploadRoutes } from './uploads/routes';
import { verificationRoutes } from './verifications/routes';
import { webhookEndpointRoutes } from './webhooks/routes';
import { buildAccountService } from './accounts/service';
import { reviewRoutes } from './reviews/routes';
import { sandboxBankRoutes } from './sandbox/bank';
import { buildReviewService } from './reviews/service';
import { buildUploadService } from './uploads/service';
import { buildVerificationService } from './verifications/service';
import { buildWebhookEndpointService } from './webhooks/service';

export interface AppDeps {
  config: Config;
  db: Db;
  temporal: { client: Client; taskQueue: string; codec: PayloadCodec };
  cipher: PiiCipher;
  logger: Logger;
  metrics: Metrics;
  providers: SandboxProviders;
  storage: FileStorage;
  /** The sandbox providers' callback sender. */
  outbox: SandboxCallbackOutbox;
  readiness: ReadinessCheck[];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function buildApp(deps: AppDeps): Express {
  const { config, db, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer (TRUST_PROXY) req.ip is the client's address from X-Forwarded-For: what the rate limit counts.
  app.set('trust proxy', config.trustProxy);

  // Correlation id and an access log line per request: method, route, status, time. Never bodies.
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const correlationId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.correlationId = correlationId;
    res.locals.log = logger.child({ correlationId });
    res.setHeader('X-Request-Id', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = ((req.route as { path?: string } | undefined)?.path) ?? 'unmatched';
      metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      (res.locals.log as Logger).info({ method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    // The rest of the request runs in its correlation context: Temporal calls carry the id (platform/correlation.ts).
    runWithCorrelationId(correlationId, next);
  });

  app.use(securityHeaders());
  // Without a bearer token, requests are limited per client address: the sandbox's, and callbacks that fail their
  // signature (checked first, api/callbacks/signature.ts: a signed callback is never refused for others' junk), in one budget.
  const unauthenticated = unauthenticatedRateLimit(config.rateLimit);
  app.use('/sandbox', unauthenticated);

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'SERVICE_API_KEY, REVIEWER_API_KEY, ADMIN_API_KEY, or an account token from POST /v1/admin/account-tokens',
  });

  const auth = createAuthenticator(config.secrets);
  // The Temporal UI's codec endpoint: its own body size and CORS.
  codecRoutes(app, { codec: deps.temporal.codec, auth, ...config.codec });

  // Signed callbacks read the raw body, so they come before the JSON parser.
  callbackRoutes(app, registry, {
    db,
    client: deps.temporal.client,
    taskQueue: deps.temporal.taskQueue,
    cipher: deps.cipher,
    secrets: config.secrets.callbackSecrets,
    refunds: refundStarter({ client: deps.temporal.client, taskQueue: deps.temporal.taskQueue, db }),
    junkLimit: unauthenticated,
    logger,
    metrics,
  });
  // Anything else under /v1/callbacks (another method or path) is junk too.
  app.use('/v1/callbacks', unauthenticated);

  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  const routeDeps: RouteDeps = { app, registry, auth, idempotency: new IdempotencyStore(db, deps.cipher), logger, db };
  const readModel = createReadModel(db);
  const { providers } = deps;
  const uploads = buildUploadService({ db, storage: deps.storage, ocr: providers.service.ocr });
  // Verifications and changes start workflows from the same inputs (a change's new subject is an enterprise verification).
  const processDeps = {
    temporal: deps.temporal,
    readModel,
    cipher: deps.cipher,
    // Asked for the credit code behind a registration number or organisation code (one enterprise, one identity).
    registry: providers.service.registry,
    timings: config.timings,
    assertUploadOf: uploads.assertUploadOf,
    collectionAccount: config.platformAccount,
    calendar: config.calendar,
  };
  const verifications = buildVerificationService(processDeps);
  const accounts = buildAccountService({ readModel, cipher: deps.cipher, changeCooldownMs: config.timings.changeCooldownMs });
  const reviews = buildReviewService({ readModel, client: deps.temporal.client, cipher: deps.cipher, publicBaseUrl: config.publicBaseUrl, calendar: config.calendar, claimTtlMs: config.reviews.claimTtlMs });
  metrics.registerOverdueReviews(() => readModel.overdueReviews(new Date()));
  metrics.registerOpenProcesses(() => openProcessCounts(db));
  metrics.registerUnsettledMoney(() => unsettledMoney(db));

  accountRoutes(routeDeps, accounts);
  verificationRoutes(routeDeps, verifications);
  changeRoutes(routeDeps, buildChangeService(processDeps));
  uploadRoutes(routeDeps, uploads);
  reviewRoutes(routeDeps, reviews);
  adminRoutes(routeDeps, { auth, readModel, cipher: deps.cipher, registry: providers.service.registry, db });
  webhookEndpointRoutes(routeDeps, buildWebhookEndpointService({ db, cipher: deps.cipher }), {
    httpsOnly: config.webhooks.httpsOnly,
    targets: { allowLoopback: config.webhooks.allowLoopback },
  });
  if (config.sandbox.enabled) {
    // Both sandboxes answer `processed` the same way: one watch over the read model and Temporal.
    const processed = processedWatch(deps.temporal.client, readModel);
    sandboxRoutes(routeDeps, { tickets: providers.tickets, outbox: deps.outbox, processed });
    sandboxEnterpriseRoutes(routeDeps, { ocr: providers.ocr, registry: providers.registry });
    sandboxBankRoutes(routeDeps, { bank: providers.bank, notifier: providers.notifier, processed });
    sandboxFaultRoutes(routeDeps, { faults: providers.faults });
  }

  let document: object | undefined;
  const openapi = () =>
    (document ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Real-name verification API',
        version: '1',
        description: 'Every verification is a durable Temporal workflow. Errors are RFC 9457 problem documents with a stable `code`.',
      },
      servers: [{ url: config.publicBaseUrl }],
    }));
  opsRoutes(app, { checks: deps.readiness, metrics, openapi });
  consoleRoutes(app);

  const allowedMethods = methodsByPath(registry);
  app.use((req) => {
    const allow = allowedMethods(req.path);
    if (allow.length > 0) throw appError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; it takes ${allow.join(', ')}.`, { allow });
    throw appError('NOT_FOUND', `No route for ${req.method} ${req.path}.`);
  });
  app.use(problemMiddleware(logger));
  return app;
}

/** The methods the document declares for a concrete path (empty: no such path). */
function methodsByPath(registry: OpenAPIRegistry): (path: string) => string[] {
  const routes = registry.definitions.flatMap((d) => (d.type === 'route' ? [{ method: d.route.method.toUpperCase(), path: d.route.path }] : []));
  const patterns = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const entry = patterns.get(route.path) ?? { pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`), methods: new Set<string>() };
    entry.methods.add(route.method);
    if (route.method === 'GET') entry.methods.add('HEAD');
    patterns.set(route.path, entry);
  }
  return (path) => [...patterns.values()].filter((p) => p.pattern.test(path)).flatMap((p) => [...p.methods]);
}
