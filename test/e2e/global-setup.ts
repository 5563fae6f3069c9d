import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../platform/logger';
import { startDevServer } from '../../platform/temporal-dev-server';
import { requireTool } from '../../platform/tools';
import { freePort, startServiceProcess } from '../../scripts/lib/processes';

/**
 * The real stack for end-to-end tests, in the scaled-out topology: a Temporal
 * dev server, a fresh database on the PostgreSQL at 127.0.0.1:5432 (E2E_PG_URL
 * overrides), and the service as two processes, `npm run worker` and
 * `npm run api` (with the sandbox), connected by DATABASE_URL and
 * TEMPORAL_ADDRESS. Tests talk to it over HTTP only.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    temporalAddress: string;
    secrets: { wechatCallback: string; bankCallback: string; codecKey: string; piiEncryptionKey: string; piiHashKey: string };
    /** The environment the service processes run with (for a test that starts its own). */
    serviceEnv: Record<string, string>;
    /** The stack's worker's own /metrics (split mode). */
    workerMetricsUrl: string;
  }
}

const ADMIN_URL = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject) {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-e2e-'));
  const logger = createLogger('warn');
  const temporal = await startDevServer({
    cliPath: requireTool('temporal'),
    dataDir: workDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    logger,
    // Persisted (DATA_DIR/temporal.db) as `npm start` does, so the secrets-at-rest test can search the store.
    headless: true,
  });

  const dbName = `rnv_e2e_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: ADMIN_URL });
  await admin.raw(`create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();

  const secrets = {
    wechatCallback: randomBytes(24).toString('hex'),
    bankCallback: randomBytes(24).toString('hex'),
    codecKey: randomBytes(32).toString('base64'),
    piiEncryptionKey: randomBytes(32).toString('base64'),
    piiHashKey: randomBytes(32).toString('base64'),
  };
  const port = await freePort();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    DATA_DIR: workDir,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `e2e-${dbName}`,
    WECHAT_CALLBACK_SECRET: secrets.wechatCallback,
    BANK_CALLBACK_SECRET: secrets.bankCallback,
    TEMPORAL_CODEC_KEY: secrets.codecKey,
    PII_ENCRYPTION_KEY: secrets.piiEncryptionKey,
    PII_HASH_KEY: secrets.piiHashKey,
    CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
    SANDBOX_PAYOUT_DELAY: '1s',
    // Changes of subject: a cooling-off tests can wait out (the rule itself is the same at 30 days).
    CHANGE_COOLDOWN: '8s',
    // Tests drive the sandbox hard from one address; hardening.test.ts tries the limit itself.
    RATE_LIMIT_MAX: '1000000',
    // The stack's reconciler would close the read-model rows that tests write without a workflow behind them (activities.test.ts):
    // it sweeps once an hour here; reconciler.test.ts runs one every 2 s on a stack of its own.
    RECONCILE_INTERVAL: '1h',
    // Webhook retries (webhooks.test.ts) back off from 200 ms instead of 10 s, up to 30 s apart (endpoints that never answer,
    // such as those Schemathesis registers, cost little); the 3-day window stays.
    WEBHOOK_RETRY_INITIAL: '200ms',
    WEBHOOK_RETRY_MAX_INTERVAL: '30s',
    // Workers that tests start themselves serve no metrics; the stack's worker does (below).
    WORKER_METRICS_PORT: '0',
  };
  // The worker applies the migrations; the API starts after it, without migrating.
  const workerMetricsPort = await freePort();
  const worker = await startServiceProcess({
    entry: 'worker/main.ts',
    port: await freePort(),
    logFile: path.join(workDir, 'worker.log'),
    env: { ...env, WORKER_METRICS_PORT: String(workerMetricsPort) },
    readyLogLine: 'Worker polling on',
  });
  const service = await startServiceProcess({
    entry: 'api/main.ts',
    port,
    logFile: path.join(workDir, 'api.log'),
    env: { ...env, MIGRATE_ON_START: 'false' },
  });

  project.provide('baseUrl', service.baseUrl);
  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('secrets', secrets);
  project.provide('serviceEnv', env);
  project.provide('workerMetricsUrl', `http://127.0.0.1:${workerMetricsPort}/metrics`);

  return async () => {
    for (const [name, proc] of [['api', service], ['worker', worker]] as const) {
      const code = await proc.stop('SIGTERM');
      if (code !== 0) console.error(`${name} exited with ${code}:\n${proc.logTail()}`);
    }
    await temporal.stop();
    await admin.raw(`drop database if exists ${dbName} with (force)`);
    await admin.destroy();
    if (!process.env.E2E_KEEP) rmSync(workDir, { recursive: true, force: true });
    else console.error(`e2e files kept in ${workDir}`);
  };
}
