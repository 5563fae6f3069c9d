import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { FileStorage, Providers } from '../adapters/types';
import type { Config } from '../platform/config';
import type { PiiCipher } from '../platform/crypto';
import type { ProcessKeys } from '../platform/data-keys';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { refundStarter } from '../platform/refunds';
import { markRefunding, unsettledMoney } from '../store/ledger';
import { pageSessionLive } from '../store/page-sessions';
import { openProcessCounts } from '../store/processes';
import { createReadModel } from '../store/read-model';
import { accountRoutes } from './accounts/routes';
import { buildPersonalDataService, personalDataRoutes } from './accounts/personal-data';
import { buildAccountService } from './accounts/service';
import { closureRoutes } from './accounts/closure-routes';
import { buildClosureService } from './accounts/closure-service';
import { adminRoutes } from './admin/routes';
import { callbackRoutes } from './callbacks/routes';
import { recordSealer } from './callbacks/seal-record';
import { changeRoutes } from './changes/routes';
import { buildChangeService } from './changes/service';
import { consoleRoutes } from './console/routes';
import { lookupRoutes } from './lookups/routes';
import { buildLookupService } from './lookups/service';
import { createAuthenticator } from './http/auth';
import { securityHeaders, unauthenticatedRateLimit } from './http/hardening';
import { IdempotencyStore } from './http/idempotency';
import { noSuchRoute } from './http/not-found';
import { problemMiddleware } from './http/problem';
import { requestLog } from './http/request-log';
import type { RouteDeps } from './http/route';
import { codecRoutes } from './ops/codec';
import { opsRoutes, type ReadinessCheck } from './ops/routes';
import { pageRoutes } from './pages/routes';
import { reviewRoutes } from './reviews/routes';
import { buildReviewService } from './reviews/service';
import { mountSandbox, type SandboxParts } from './sandbox';
import { processedWatch } from './sandbox/processed';
import { sessionRoutes } from './sessions/routes';
import { buildSessionService, type SessionService } from './sessions/service';
import { uploadRoutes } from './uploads/routes';
import { buildUploadService } from './uploads/service';
import { verificationRoutes } from './verifications/routes';
import { buildVerificationService } from './verifications/service';
import { webhookEndpointRoutes } from './webhooks/routes';
import { buildWebhookEndpointService } from './webhooks/service';

export interface AppDeps {
  config: Config;
  db: Db;
  temporal: { client: Client; taskQueue: string; codec: PayloadCodec };
  cipher: PiiCipher;
  /** Per-process data keys (SPEC §11): what opens a sealed personal value, until its process is erased. */
  keys: ProcessKeys;
  logger: Logger;
  metrics: Metrics;
  /** The providers as the service calls them. */
  providers: Providers;
  storage: FileStorage;
  /** The sandbox providers' own sides, for /sandbox (mounted when SANDBOX_ENABLED). */
  sandbox: SandboxParts | null;
  readiness: ReadinessCheck[];
}

/** The HTTP application, and the hosted pages' links for the composition root (`npm start` prints one for a demo account). */
export interface BuiltApp {
  app: Express;
  sessions: SessionService;
  /** The OpenAPI document /openapi.json serves (built once, on first use): the typed client is generated from it. */
  openapi: () => object;
}

/**
 * The API process's HTTP application: cross-cutting machinery from http/, then
 * each bounded context's routes over its service. Every route of the REST
 * contract is declared through http/route.ts (defineRoute), which decides
 * access, validates, replays idempotent requests, audits and documents.
 */
export function buildApp(deps: AppDeps): BuiltApp {
  const { config, db, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer (TRUST_PROXY) req.ip is the client's address from X-Forwarded-For: what the rate limit counts.
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(logger, metrics));
  app.use(securityHeaders());
  // Without a bearer token, requests are limited per client address: the sandbox's, and callbacks that fail their
  // signature (checked first, api/callbacks/signature.ts: a signed callback is never refused for others' junk), in one budget.
  const unauthenticated = unauthenticatedRateLimit(config.rateLimit);
  app.use('/sandbox', unauthenticated);
  // The hosted pages' exchange is public: guessing tokens costs the same budget.
  app.use('/v1/sessions/exchange', unauthenticated);

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'SERVICE_API_KEY, REVIEWER_API_KEY, ADMIN_API_KEY, or an account token from POST /v1/admin/account-tokens',
  });
  // A hosted page's cookie works while its session's row says so (closure and retention end it).
  const auth = createAuthenticator(config.secrets, { isPageSessionLive: (sessionId) => pageSessionLive(db, sessionId, new Date()) });
  // The Temporal UI's codec endpoint: its own body size and CORS.
  codecRoutes(app, { codec: deps.temporal.codec, auth, open: (sealed) => deps.keys.open(sealed), ...config.codec });

  const routes: RouteDeps = { app, registry, auth, idempotency: new IdempotencyStore(db, deps.cipher), logger, db };
  const readModel = createReadModel(db);
  const { client, taskQueue } = deps.temporal;
  // Signed callbacks read the raw body, so they come before the JSON parser.
  callbackRoutes(routes, {
    client,
    taskQueue,
    cipher: deps.cipher,
    secrets: config.secrets.callbackSecrets,
    refunds: refundStarter({ client, taskQueue, markRefunding: (transferId) => markRefunding(db, transferId) }),
    junkLimit: unauthenticated,
    metrics,
    sealFor: recordSealer({ readModel, keys: deps.keys }),
  });
  // Anything else under /v1/callbacks (another method or path) is junk too.
  app.use('/v1/callbacks', unauthenticated);
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  const sessions = mountContexts(routes, deps, readModel);
  metrics.registerOverdueReviews(() => readModel.overdueReviews(new Date()));
  metrics.registerOpenProcesses(() => openProcessCounts(db));
  metrics.registerUnsettledMoney(() => unsettledMoney(db));
  if (config.sandbox.enabled && deps.sandbox) mountSandbox(routes, deps.sandbox, processedWatch(client, readModel));

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
  pageRoutes(app, { sandbox: Boolean(config.sandbox.enabled && deps.sandbox) });
  app.use(noSuchRoute(registry));
  app.use(problemMiddleware(logger));
  return { app, sessions, openapi };
}

/** The bounded contexts: each builds its service from what it needs and declares its routes. */
function mountContexts(routes: RouteDeps, deps: AppDeps, readModel: ReturnType<typeof createReadModel>): SessionService {
  const { config, db, cipher, providers } = deps;
  const uploads = buildUploadService({ db, storage: deps.storage, ocr: providers.ocr });
  // Verifications and changes start workflows from the same inputs (a change's new subject is an enterprise verification).
  const processDeps = {
    temporal: deps.temporal,
    readModel,
    cipher,
    // Asked for the credit code behind a registration number or organisation code (one enterprise, one identity).
    registry: providers.registry,
    timings: config.timings,
    assertUploadOf: uploads.assertUploadOf,
    collectionAccount: config.platformAccount,
    calendar: config.calendar,
    keys: deps.keys,
  };
  accountRoutes(routes, buildAccountService({ readModel, keys: deps.keys, changeCooldownMs: config.timings.changeCooldownMs }));
  closureRoutes(routes, buildClosureService({ db, readModel, temporal: deps.temporal }));
  personalDataRoutes(routes, buildPersonalDataService({ db, readModel, keys: deps.keys, cipher, periods: config.retention.periods }));
  verificationRoutes(routes, buildVerificationService(processDeps));
  changeRoutes(routes, buildChangeService(processDeps));
  lookupRoutes(routes, buildLookupService(processDeps));
  uploadRoutes(routes, uploads);
  reviewRoutes(
    routes,
    buildReviewService({ readModel, client: deps.temporal.client, keys: deps.keys, publicBaseUrl: config.publicBaseUrl, calendar: config.calendar, claimTtlMs: config.reviews.claimTtlMs, twoPersonKinds: config.reviews.twoPersonKinds }),
  );
  adminRoutes(routes, { auth: routes.auth, readModel, cipher, registry: providers.registry, db });
  const sessions = buildSessionService({
    db,
    hasher: cipher,
    auth: routes.auth,
    publicBaseUrl: config.publicBaseUrl,
    returnOrigins: config.sessions.returnOrigins,
    isClosed: async (id) => Boolean((await readModel.account(id))?.closed_at),
  });
  sessionRoutes(routes, sessions);
  webhookEndpointRoutes(
    routes,
    buildWebhookEndpointService({ db, cipher, keys: deps.keys, render: { calendar: config.calendar, publicBaseUrl: config.publicBaseUrl, twoPersonKinds: config.reviews.twoPersonKinds } }),
    {
    httpsOnly: config.webhooks.httpsOnly,
    targets: { allowLoopback: config.webhooks.allowLoopback },
  });
  return sessions;
}
