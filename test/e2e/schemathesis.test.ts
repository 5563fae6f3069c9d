import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT, TOOLS_VENV_BIN } from '../../platform/tools';
import { KEYS } from '../support/http';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';

/**
 * An outside judge of the served OpenAPI document (issue 9): Schemathesis,
 * pinned by `npm run setup`, generates requests from /openapi.json and runs all
 * its checks, as the admin (the sandbox, the outside world's stand-in, is left
 * out). Green means: no 5xx; every answer and refusal is one the document
 * declares, in the declared shape and headers; data the document calls valid is
 * accepted, or refused only as test/schemathesis/schemathesis.toml declares,
 * operation by operation; data it calls invalid is refused; an undeclared
 * method answers 405 with Allow.
 *
 * It runs against an API and worker of its own, on a database of its own (the
 * e2e stack's PostgreSQL and Temporal server, another task queue): following
 * the links it infers, an admin reaches every account the audit log and the
 * review queue name, and would cancel or decide other tests' processes, while
 * their sandbox faults (an OCR outage) would answer its requests 503.
 *
 * A fixed seed keeps CI repeatable; SCHEMATHESIS_SEED picks another (st prints
 * the seed of every run), SCHEMATHESIS_MAX_EXAMPLES a longer run.
 */
const ST = path.join(TOOLS_VENV_BIN, 'st');
const SEED = process.env.SCHEMATHESIS_SEED ?? '20261203';
const MAX_EXAMPLES = process.env.SCHEMATHESIS_MAX_EXAMPLES ?? '12';

const sharedEnv = inject('serviceEnv');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-schemathesis-'));
const dbName = `rnv_st_${process.pid}_${randomBytes(3).toString('hex')}`;
const adminUrl = new URL(sharedEnv.DATABASE_URL!);
adminUrl.pathname = '/postgres';
const admin = knex({ client: 'pg', connection: adminUrl.toString() });
const processes: ServiceProcess[] = [];
let baseUrl: string;

beforeAll(async () => {
  await admin.raw(`create database ${dbName}`);
  const databaseUrl = new URL(sharedEnv.DATABASE_URL!);
  databaseUrl.pathname = `/${dbName}`;
  const port = await freePort();
  const env = {
    ...sharedEnv,
    DATA_DIR: workDir,
    DATABASE_URL: databaseUrl.toString(),
    TEMPORAL_TASK_QUEUE: `schemathesis-${dbName}`,
    CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
  };
  // The worker applies the migrations; the API starts after it, as in the shared stack.
  processes.push(await startServiceProcess({ entry: 'worker/main.ts', port: await freePort(), logFile: path.join(workDir, 'worker.log'), env, readyLogLine: 'Worker polling on' }));
  const api = await startServiceProcess({ entry: 'api/main.ts', port, logFile: path.join(workDir, 'api.log'), env: { ...env, MIGRATE_ON_START: 'false' } });
  processes.push(api);
  baseUrl = api.baseUrl;
}, 180_000);

afterAll(async () => {
  for (const proc of processes.reverse()) await proc.stop('SIGTERM');
  await admin.raw(`drop database if exists ${dbName} with (force)`);
  await admin.destroy();
  rmSync(workDir, { recursive: true, force: true });
});

function st(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ST, args, {
      cwd: REPO_ROOT,
      // No __pycache__ beside the hooks file in the working tree.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('Schemathesis against the served OpenAPI document', () => {
  it('finds no failure with every check', async () => {
    expect(existsSync(ST), `${ST} is missing: run \`npm run setup\``).toBe(true);
    const { code, output } = await st([
      '--config-file', 'test/schemathesis/schemathesis.toml',
      'run', `${baseUrl}/openapi.json`,
      '--url', baseUrl,
      '--checks', 'all',
      '-H', `Authorization: Bearer ${KEYS.admin}`,
      '--exclude-path-regex', '^/sandbox',
      '--max-examples', MAX_EXAMPLES,
      '--seed', SEED,
      // Under CI load a start waits for its workflow (up to 20 s) before it answers.
      '--request-timeout', '30',
      '--no-color',
    ]);
    if (code !== 0) console.error(output);
    expect(code, `st exited with ${code} (its output is above)`).toBe(0);
  }, 300_000);
});
