import type { Server } from 'node:http';
import path from 'node:path';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createSandboxProviders } from '../adapters/sandbox';
import { SandboxCallbackOutbox } from '../adapters/sandbox/outbox';
import { LocalDiskStorage } from '../adapters/storage';
import { createWorker } from '../worker/create-worker';
import { ensureReconcilerSchedule, ensureRetentionSchedules } from '../worker/schedules';
import { startWebhookDispatcher } from '../webhooks/dispatcher';
import { ConfigError, type Config } from '../platform/config';
import { createBytesSealer, createPiiCipher } from '../platform/crypto';
import { createProcessKeys } from '../platform/data-keys';
import { connectionPool, createDb, describeDb, migrateLatest, pingDb } from '../platform/db';
import { demoAccountId } from '../platform/ids';
import type { Logger } from '../platform/logger';
import { dataKeyStore } from '../store/data-keys';
import { onProcessClosed, type ProcessClosed } from '../store/process-closed';
import { createMetrics, type Metrics } from '../platform/metrics';
import { loopbackPort, sdkMetricsTelemetry, serveWorkerMetrics } from '../platform/sdk-metrics';
import { connectClient, payloadCodec } from '../platform/temporal';
import { startDevServer } from '../platform/temporal-dev-server';
import { devServerOptions } from './dev-server';

export interface Roles {
  api: boolean;
  worker: boolean;
  /** Start a Temporal dev server when TEMPORAL_ADDRESS is not set (the one-machine default). */
  embeddedTemporal: boolean;
}

export interface RunningService {
  apiUrl: string | null;
  temporalAddress: string;
  temporalUiUrl: string | null;
  database: string;
  /** A fresh one-time link to the applicant's pages for a new demo account: with the API and the sandbox on (never in production). */
  demoPagesLink: (() => Promise<string>) | null;
  stop(): Promise<void>;
  /** Settles when a part fails on its own (the worker stopping); the caller should then stop. */
  failed: Promise<Error>;
}

let runtimeInstalled = false;
let sdkMetricsPort: number | undefined;

/** SDK and workflow logs go through pino, with the workflow id and run id they carry. */
function installRuntime(logger: Logger, sdkMetricsPort: number): void {
  if (runtimeInstalled) return;
  const sdkLog = logger.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      const level = entry.level.toLowerCase() as Lowercase<LogLevel>;
      const method = level === 'trace' ? 'trace' : level === 'warn' ? 'warn' : level === 'error' ? 'error' : level === 'debug' ? 'debug' : 'info';
      sdkLog[method](entry.meta ?? {}, entry.message);
    }),
    // The native core's own logs join the same stream.
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } }, ...sdkMetricsTelemetry(sdkMetricsPort) },
  });
  runtimeInstalled = true;
}

/**
 * Brings up the parts this process runs: the embedded Temporal dev server and
 * PGlite on one machine, or connections to a cluster and PostgreSQL when
 * configured. Stop unwinds in reverse order.
 */
export async function startService(config: Config, logger: Logger, roles: Roles): Promise<RunningService> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    }
  };
  let reportFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => (reportFailure = resolve));

  try {
    // Once per process: the SDK's exporter port is the one the first start picked.
    sdkMetricsPort ??= await loopbackPort(config.metrics.sdkPort);
    installRuntime(logger, sdkMetricsPort);
    if (!config.databaseUrl && !(roles.api && roles.worker)) {
      throw new ConfigError('the embedded database can be opened by one process only: set DATABASE_URL to run the api and the worker separately');
    }

    let temporalAddress = config.temporal.address;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      if (!roles.embeddedTemporal) throw new ConfigError('TEMPORAL_ADDRESS is not set');
      const dev = await startDevServer(devServerOptions(config, logger, roles.api));
      cleanups.push(() => dev.stop());
      temporalAddress = dev.address;
      temporalUiUrl = dev.uiUrl;
    }

    const applicationName = roles.api && roles.worker ? 'realname' : roles.api ? 'realname-api' : 'realname-worker';
    const dbOptions = { databaseUrl: config.databaseUrl, dataDir: config.dataDir, applicationName };
    const db = createDb(dbOptions);
    cleanups.push(() => db.destroy());
    if (config.migrateOnStart) {
      const applied = await migrateLatest(db);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }

    const cipher = createPiiCipher(config.secrets.piiEncryptionKey, config.secrets.piiHashKey);
    // Each process's personal values under its own data key, wrapped by the PII key (SPEC §11).
    const keys = createProcessKeys({ store: dataKeyStore(db), master: cipher });
    const metrics = createMetrics();
    metrics.appendSdkMetrics(`http://127.0.0.1:${sdkMetricsPort}/metrics`);
    const pool = connectionPool(db);
    if (pool) metrics.registerDbPool(pool);
    // The sandbox providers answer through this outbox; only an API process with the sandbox mounted runs its delivery loop.
    const outbox = new SandboxCallbackOutbox({
      db,
      callbackBaseUrl: config.callbackBaseUrl,
      secrets: config.secrets.callbackSecrets,
      logger: logger.child({ component: 'sandbox' }),
      cipher,
    });
    const providers = createSandboxProviders({
      db,
      cipher,
      outbox,
      payoutDelayMs: config.sandbox.payoutDelayMs,
      platformAccount: config.platformAccount,
    });
    if (config.env === 'production') {
      logger.warn('only sandbox provider adapters are built: with the sandbox unmounted in production, provider steps cannot complete');
    }
    const storage = new LocalDiskStorage(path.join(config.dataDir, 'uploads'), createBytesSealer(config.secrets.piiEncryptionKey));

    if (roles.worker) {
      const { worker, webhookWorker, connection, client } = await createWorker({
        address: temporalAddress,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        webhookTaskQueue: config.webhooks.taskQueue,
        codecKey: config.secrets.temporalCodecKey,
        maxCachedWorkflows: config.temporal.maxCachedWorkflows,
        stickyTimeoutMs: config.temporal.stickyTimeoutMs,
        activityDeps: { db, cipher, keys, providers: providers.service, storage, faults: config.faults, webhookTargets: { allowLoopback: config.webhooks.allowLoopback }, webhookHealth: config.webhooks.health, metrics },
      });
      const unsubscribe = onProcessClosed((closed) => countOutcome(metrics, closed));
      cleanups.push(async () => unsubscribe());
      const running = Promise.all([worker.run(), webhookWorker.run()]).then(() => undefined);
      running.catch((err: Error) => {
        logger.error({ err }, 'the worker stopped');
        reportFailure(err);
      });
      cleanups.push(async () => {
        for (const w of [worker, webhookWorker]) if (w.getState() === 'RUNNING') w.shutdown();
        await running.catch(() => undefined);
        await connection.close();
      });
      cleanups.push(startWebhookDispatcher({ db, cipher, connection, config, logger }));
      await retried(() => ensureReconcilerSchedule(client, { taskQueue: config.temporal.taskQueue, intervalMs: config.reconcile.intervalMs, logger }), logger);
      await retried(() => ensureRetentionSchedules(client, { taskQueue: config.temporal.taskQueue, retention: config.retention, logger }), logger);
      logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
      // On its own, the worker has no API to scrape: it serves its metrics itself.
      if (!roles.api && config.metrics.workerPort > 0) cleanups.push(await serveWorkerMetrics(metrics, { host: config.host, port: config.metrics.workerPort, logger }));
    }

    let apiUrl: string | null = null;
    let demoPagesLink: RunningService['demoPagesLink'] = null;
    if (roles.api) {
      const client: Client = await connectClient({
        address: temporalAddress,
        namespace: config.temporal.namespace,
        codecKey: config.secrets.temporalCodecKey,
      });
      cleanups.push(() => client.connection.close());
      if (config.sandbox.enabled) {
        outbox.start();
        cleanups.push(() => outbox.stop());
      }
      // Loaded only here: a worker on its own never pays for Express, the OpenAPI document and the console.
      const { buildApp } = await import('../api/app.js');
      const { app, sessions } = buildApp({
        config,
        db,
        temporal: { client, taskQueue: config.temporal.taskQueue, codec: payloadCodec(config.secrets.temporalCodecKey) },
        cipher,
        keys,
        logger,
        metrics,
        providers: providers.service,
        storage,
        sandbox: config.sandbox.enabled ? { ...providers, outbox } : null,
        readiness: [
          { name: 'database', check: () => pingDb(db) },
          { name: 'temporal', check: async () => void (await client.workflowService.getSystemInfo({})) },
        ],
      });
      const server: Server = await new Promise((resolve, reject) => {
        const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      });
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      apiUrl = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
      if (config.sandbox.enabled) demoPagesLink = async () => (await sessions.mint(demoAccountId(), { locale: 'zh-CN' })).url;
    }

    return { apiUrl, temporalAddress, temporalUiUrl, database: describeDb(dbOptions), demoPagesLink, stop, failed };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A start-up call to Temporal, retried for a while: a fresh dev server answers "shard status unknown" for its first seconds. */
async function retried(call: () => Promise<void>, logger: Logger, attempts = 15): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts) throw err;
      logger.warn({ err, attempt }, 'Temporal is not ready yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** A process that closed, counted once (store/process-closed.ts tells). */
function countOutcome(metrics: Metrics, closed: ProcessClosed): void {
  const labels = { status: closed.status, reason: closed.failureReason ?? '' };
  if (closed.kind === 'verification') metrics.verificationOutcomes.inc({ method: closed.method, ...labels });
  else metrics.changeOutcomes.inc({ type: closed.method, ...labels });
}
