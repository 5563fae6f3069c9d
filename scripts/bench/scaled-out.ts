// The scaled-out topology as deployed, for `npm run bench` and `npm run bench:soak`: a Temporal dev server persisted
// with WAL, a database of its own on PostgreSQL, and the compiled worker and API (`npm run build` first) as their own
// processes, with the image's environment. What the Compose file runs, minus the containers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { BACKGROUND_NICENESS } from '../../app/child-process';
import { createLogger } from '../../platform/logger';
import { startDevServer } from '../../platform/temporal-dev-server';
import { REPO_ROOT, requireTool } from '../../platform/tools';
import { freePort, startServiceProcess, type ServiceProcess } from '../lib/processes';
import { IMAGE_RUNTIME_ENV } from './image-env';

/** PostgreSQL to create the stack's database in: BENCH_PG_URL (SOAK_PG_URL), or the local server the tests use. */
export const adminPgUrl = () => process.env.BENCH_PG_URL ?? process.env.SOAK_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScaledOut {
  baseUrl: string;
  temporalAddress: string;
  workDir: string;
  /** The stack's own database, and a connection that can size or drop it. */
  dbName: string;
  admin: Knex;
  api: ServiceProcess;
  /** The running worker; `restartWorker` replaces it. */
  worker: ServiceProcess;
  workerMetricsUrl: string;
  /** The dev server's process, and PostgreSQL's postmaster when it runs on this machine (its backends do the work). */
  temporalPid: number | null;
  postgresPid: number | null;
  /** From nothing to an API that answers, in ms. */
  readyMs: number;
  /** Kills the worker (SIGKILL: nothing is flushed) and starts another; resolves once it polls, with the time that took. */
  restartWorker(): Promise<number>;
  stop(): Promise<void>;
}

/** The local server's postmaster, from the pid file in its data directory (null when it is elsewhere or unreadable). */
async function postmasterPid(admin: Knex): Promise<number | null> {
  try {
    const { rows } = await admin.raw<{ rows: { data_directory: string }[] }>('show data_directory');
    return Number(readFileSync(path.join(rows[0]!.data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

/** Whether PostgreSQL answers at `url` (the scaled-out stack needs it). */
export async function pgReachable(url = adminPgUrl()): Promise<boolean> {
  const db = knex({ client: 'pg', connection: { connectionString: url, connectionTimeoutMillis: 3000 } });
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await db.destroy();
  }
}

/** The worker's tuning, when the bench's own environment sets it (to compare settings). */
const TUNING = ['WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_STICKY_TIMEOUT'];
const workerTuning = () => Object.fromEntries(TUNING.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));

export async function startScaledOut(label: string): Promise<ScaledOut> {
  const t0 = performance.now();
  const workDir = mkdtempSync(path.join(os.tmpdir(), `rnv-${label}-`));
  const dbName = `rnv_${label}_${process.pid}`;
  const admin = knex({ client: 'pg', connection: adminPgUrl() });
  await admin.raw(`create database ${dbName}`);
  const url = new URL(adminPgUrl());
  url.pathname = `/${dbName}`;
  const cleanups: (() => Promise<unknown>)[] = [
    async () => {
      await admin.raw(`drop database if exists ${dbName} with (force)`);
      await admin.destroy();
      if (!process.env.BENCH_KEEP) rmSync(workDir, { recursive: true, force: true });
    },
  ];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => console.error(err));
  };
  try {
    // As on one host under Compose (cpu_shares 512) and npm start (nice 5): workflow work yields the CPU to the API.
    const temporal = await startDevServer({ cliPath: requireTool('temporal'), dataDir: workDir, port: await freePort(), uiPort: 0, namespace: 'default', logger: createLogger('warn'), headless: true, niceness: BACKGROUND_NICENESS });
    cleanups.push(() => temporal.stop());
    const env = { ...IMAGE_RUNTIME_ENV, ...workerTuning(), DATA_DIR: workDir, DATABASE_URL: url.toString(), TEMPORAL_ADDRESS: temporal.address, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' };
    const metricsPort = await freePort();
    let workerStarts = 0;
    // A log file per start: readiness is the banner's line appearing in it. The worker migrates the database.
    const startWorker = () =>
      startServiceProcess({
        nodeArgs: [path.join(REPO_ROOT, 'dist/worker/main.js')],
        port: 0,
        logFile: path.join(workDir, `worker-${workerStarts++}.log`),
        env: { ...env, WORKER_METRICS_PORT: String(metricsPort) },
        readyLogLine: 'Worker polling on',
        readyTimeoutMs: 180_000,
        niceness: BACKGROUND_NICENESS,
      });
    const stack = { worker: await startWorker() };
    cleanups.push(() => stack.worker.stop('SIGTERM'));
    const api = await startServiceProcess({
      nodeArgs: [path.join(REPO_ROOT, 'dist/api/main.js')],
      port: await freePort(),
      logFile: path.join(workDir, 'api.log'),
      env: { ...env, MIGRATE_ON_START: 'false' },
    });
    cleanups.push(() => api.stop('SIGTERM'));
    return Object.assign(stack, {
      baseUrl: api.baseUrl,
      temporalAddress: temporal.address,
      workDir,
      dbName,
      admin,
      api,
      workerMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      temporalPid: temporal.pid,
      postgresPid: await postmasterPid(admin),
      readyMs: Math.round(performance.now() - t0),
      async restartWorker() {
        await stack.worker.stop('SIGKILL');
        const started = performance.now();
        stack.worker = await startWorker();
        return Math.round(performance.now() - started);
      },
      stop,
    });
  } catch (err) {
    await stop();
    throw err;
  }
}
