import { randomBytes } from 'node:crypto';
import path from 'node:path';
import knex from 'knex';
import { inject } from 'vitest';
import { http } from './http';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';

const ADMIN_URL = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface OwnStack {
  baseUrl: string;
  databaseUrl: string;
  api: ReturnType<typeof http>;
  /** The environment its processes run with. */
  env: Record<string, string>;
  worker: ServiceProcess;
  /** What its worker and its API write (stdout and stderr), for tests that search the logs. */
  logFiles: string[];
  stop(): Promise<void>;
}

/**
 * A worker and an API of a test file's own, on the shared Temporal dev server
 * but with their own database and task queue, for tests that flip something
 * global (the sandbox's fault switch) or need settings of their own
 * (`overrides`, e.g. a short PROVIDER_CALL_TIMEOUT): the tests running beside
 * them on the shared stack see none of it.
 */
export async function startOwnStack(name: string, overrides: Record<string, string> = {}): Promise<OwnStack> {
  const env = inject('serviceEnv');
  const dbName = `rnv_${name}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: ADMIN_URL });
  await admin.raw(`create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const apiPort = await freePort();
  const own = { ...env, DATABASE_URL: url.toString(), TEMPORAL_TASK_QUEUE: dbName, CALLBACK_BASE_URL: `http://127.0.0.1:${apiPort}`, ...overrides };
  const log = (part: string) => path.join(env.DATA_DIR!, `${dbName}-${part}.log`);
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await admin.raw(`drop database if exists ${dbName} with (force)`);
    await admin.destroy();
  };
  try {
    processes.push(await startServiceProcess({ entry: 'worker/main.ts', port: await freePort(), logFile: log('worker'), env: own, readyLogLine: 'Worker polling on' }));
    processes.push(await startServiceProcess({ entry: 'api/main.ts', port: apiPort, logFile: log('api'), env: { ...own, MIGRATE_ON_START: 'false' } }));
  } catch (err) {
    await stop();
    throw err;
  }
  const baseUrl = processes[1]!.baseUrl;
  return { baseUrl, databaseUrl: url.toString(), api: http(baseUrl), env: own, worker: processes[0]!, logFiles: processes.map((p) => p.logFile), stop };
}
