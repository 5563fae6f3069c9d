import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config';
import { createDb, describeDb, migrateLatest } from '../platform/db';
import { postgresBinaries, startEmbeddedPostgres, type EmbeddedPostgres } from '../platform/embedded-postgres';
import { processesRunning, runningSupervisorOf, stopProcess } from '../platform/left-behind';
import { demoAccountId } from '../platform/ids';
import type { Logger } from '../platform/logger';
import { loopbackPort } from '../platform/sdk-metrics';
import { startDevServer, type DevServer } from '../platform/temporal-dev-server';
import { startChild, BACKGROUND_NICENESS } from './child-process';
import { devServerOptions } from './dev-server';
import { supervise, type Supervised } from './supervisor';

/**
 * `npm start`: the whole service on one machine, as processes under one supervisor, in this order: the Temporal dev
 * server (unless TEMPORAL_ADDRESS), PostgreSQL (unless DATABASE_URL), the migrations, then the worker and the API,
 * each on its own event loop. A part that dies is started again (supervisor.ts); Ctrl-C stops the API and the
 * worker first, then PostgreSQL, then the dev server. The same entry points scale out unchanged (`npm run api`,
 * `npm run worker`, the Compose file).
 */
export interface OneMachine {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  database: string;
  workerMetricsUrl: string | null;
  pagesLink: string | null;
  stop(): Promise<void>;
}

/** A PGlite database from before the embedded PostgreSQL: its data is not carried over by itself, so say what to do. */
export function pgliteLeftBehind(config: Config): string | null {
  const pglite = path.join(config.dataDir, 'pglite');
  if (config.databaseUrl || config.embedded.database === 'pglite' || !existsSync(pglite) || existsSync(path.join(config.dataDir, 'postgres'))) return null;
  return [
    `${pglite} holds a PGlite database from an earlier version of this service; npm start now runs PostgreSQL under ${path.join(config.dataDir, 'postgres')}.`,
    '- to keep using that data as it is: EMBEDDED_DB=pglite npm start (one process, as before);',
    `- to start afresh: move ${pglite} and ${path.join(config.dataDir, 'temporal.db')} (whose runs refer to its rows) aside, then npm start.`,
  ].join('\n');
}

/**
 * A dev server on this DATA_DIR's store that a killed supervisor left running is stopped (this start then owns the
 * one it starts); one that another running `npm start` uses refuses this start.
 */
async function stopLeftBehindDevServer(config: Config, logger: Logger): Promise<void> {
  const store = path.join(config.dataDir, 'temporal.db');
  for (const pid of processesRunning(`--db-filename ${store}`)) {
    const owner = runningSupervisorOf(pid);
    if (owner !== null) throw new Error(`${store} is in use by another running service (Temporal dev server ${pid}, started by: ${owner}): stop it first, or choose another DATA_DIR`);
    logger.warn({ pid }, 'a Temporal dev server from an earlier run is still running; stopping it');
    if (!(await stopProcess(pid, 'SIGTERM', 15_000))) await stopProcess(pid, 'SIGKILL', 5_000);
  }
}

async function devServer(config: Config, logger: Logger): Promise<Supervised<DevServer> | null> {
  if (config.temporal.address) return null;
  await stopLeftBehindDevServer(config, logger);
  // Below the API, as the worker (child-process.ts): a GET, which needs only the API and PostgreSQL, is not queued
  // behind workflow work for a core; the dev server gets every core the API leaves idle.
  return supervise('the Temporal dev server', () => startDevServer({ ...devServerOptions(config, logger, true), niceness: BACKGROUND_NICENESS }), logger);
}

async function postgres(config: Config, logger: Logger): Promise<Supervised<EmbeddedPostgres> | null> {
  if (config.databaseUrl) return null;
  // Chosen once: a restarted server comes back on the same port, the one the API and the worker were given.
  const port = await loopbackPort(config.embedded.postgresPort);
  return supervise('PostgreSQL', () => startEmbeddedPostgres({ dataDir: config.dataDir, port, logger, user: config.embedded.postgresUser }), logger);
}

async function migrate(databaseUrl: string, logger: Logger): Promise<void> {
  const db = createDb({ databaseUrl, dataDir: '' });
  try {
    const applied = await migrateLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } finally {
    await db.destroy();
  }
}

/** A one-time link to the applicant's pages for a new demo account, minted through the API like any other. */
async function mintPagesLink(config: Config, apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/v1/accounts/${demoAccountId()}/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.secrets.serviceApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ locale: 'zh-CN' }),
  });
  if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
  return ((await res.json()) as { url: string }).url;
}

export async function startOneMachine(config: Config, logger: Logger): Promise<OneMachine> {
  const parts: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const part of parts.splice(0).reverse()) await part.stop().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
  };
  try {
    const [temporal, db] = await Promise.all([devServer(config, logger), postgres(config, logger)]);
    if (temporal) parts.push(temporal);
    if (db) parts.push(db);
    const databaseUrl = config.databaseUrl ?? db!.current.url;
    if (config.migrateOnStart) await migrate(databaseUrl, logger);

    const temporalAddress = config.temporal.address ?? temporal!.current.address;
    // A port of its own unless one is configured (several npm starts side by side); 0 turns it off.
    const workerMetricsPort = process.env.WORKER_METRICS_PORT ? config.metrics.workerPort : await loopbackPort(0);
    const env = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, MIGRATE_ON_START: 'false' };
    const [worker, api] = await Promise.all([
      supervise('the worker', () => startChild('worker', { ...env, WORKER_METRICS_PORT: String(workerMetricsPort) }), logger),
      supervise('the API', () => startChild('api', env), logger),
    ]);
    parts.push({ stop: () => Promise.all([worker.stop(), api.stop()]).then(() => undefined) });

    const apiUrl = api.current.ready.apiUrl!;
    const pagesLink = config.sandbox.enabled ? await mintPagesLink(config, apiUrl).catch((err: unknown) => `(no link: ${(err as Error).message})`) : null;
    return {
      apiUrl,
      temporalAddress,
      temporalUiUrl: temporal?.current.uiUrl ?? null,
      database: db ? `embedded PostgreSQL 127.0.0.1:${db.current.port} (${db.current.dataDir})` : describeDb({ databaseUrl, dataDir: config.dataDir }),
      workerMetricsUrl: workerMetricsPort > 0 ? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${workerMetricsPort}/metrics` : null,
      pagesLink,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Whether this platform can run the embedded PostgreSQL (else npm start falls back to PGlite in one process). */
export async function canRunPostgres(config: Config): Promise<boolean> {
  if (config.databaseUrl) return true;
  return config.embedded.database === 'postgres' && (await postgresBinaries()) !== null;
}
