import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../platform/tools';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';
import { eventually } from '../support/temporal-test-env';

/**
 * The production build, run as the image runs it: `npm run build` compiles to
 * dist/ and prebuilds the workflow bundle; then plain `node` (no tsx) runs the
 * package's migrate:prod, worker:prod and api:prod entries against a fresh
 * database and the e2e Temporal server, on a task queue of their own.
 */
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const ADMIN_URL = process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `rnv_build_${process.pid}_${randomBytes(3).toString('hex')}`;
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-build-'));
const admin = knex({ client: 'pg', connection: ADMIN_URL });
const running: ServiceProcess[] = [];

/** `node dist/x.js` from a package script, as the Dockerfile and docker-compose.yml run it. */
function nodeArgsOf(script: string): string[] {
  const command = pkg.scripts[script];
  const [node, ...args] = (command ?? '').split(' ');
  if (node !== 'node' || !args[0]?.startsWith('dist/')) throw new Error(`${script} should be "node dist/…", is "${command}"`);
  return args;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT, timeout: 170_000 });
  await admin.raw(`create database ${dbName}`);
}, 180_000);

afterAll(async () => {
  for (const proc of running.reverse()) await proc.stop('SIGTERM');
  await admin.raw(`drop database if exists ${dbName} with (force)`);
  await admin.destroy();
  if (!process.env.E2E_KEEP) rmSync(workDir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('compiles to JavaScript that needs only production dependencies, with the workflow bundle prebuilt', () => {
    expect(existsSync(path.join(REPO_ROOT, 'dist', 'workflow-bundle.js'))).toBe(true);
    for (const script of ['api:prod', 'worker:prod', 'migrate:prod']) {
      expect(existsSync(path.join(REPO_ROOT, nodeArgsOf(script)[0]!)), script).toBe(true);
    }
    // What `npm ci --omit=dev` leaves in the image: every package the compiled code loads must be among these.
    const needed = new Set<string>();
    for (const file of jsFiles(path.join(REPO_ROOT, 'dist'))) {
      if (file.endsWith('workflow-bundle.js')) continue; // self-contained
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        if (!isBuiltin(spec!)) needed.add(name);
      }
    }
    expect(needed.size).toBeGreaterThan(10);
    expect([...needed].filter((name) => !(name in pkg.dependencies)), 'loaded by dist/ but not a production dependency').toEqual([]);
    expect(pkg.dependencies).not.toHaveProperty('tsx');
  });

  it('runs the compiled migrate, worker and API with plain node against a fresh database', async () => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    const port = await freePort();
    const env = {
      ...inject('serviceEnv'),
      DATABASE_URL: url.toString(),
      DATA_DIR: workDir,
      TEMPORAL_TASK_QUEUE: `build-${dbName}`,
      CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
      MIGRATE_ON_START: 'false',
    };
    const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env };

    const migrated = await run(process.execPath, nodeArgsOf('migrate:prod'), { cwd: REPO_ROOT, env: childEnv });
    expect(migrated.stdout).toMatch(/applied to PostgreSQL .*: 20261127_0001_foundation/);

    const worker = await startServiceProcess({ env, port: await freePort(), logFile: path.join(workDir, 'worker.log'), nodeArgs: nodeArgsOf('worker:prod'), readyLogLine: 'Worker polling on' });
    running.push(worker);
    const api = await startServiceProcess({ env, port, logFile: path.join(workDir, 'api.log'), nodeArgs: nodeArgsOf('api:prod') });
    running.push(api);

    expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${api.baseUrl}/readyz`)).status).toBe(200);
    // The reviewer console's static files are copied into dist/ by the build.
    const page = await fetch(`${api.baseUrl}/console`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('console.js');
    // The applicant's pages: the bundle npm run build made (dist/api/pages/static/app.js), not one made at the request.
    expect(existsSync(path.join(REPO_ROOT, 'dist', 'api', 'pages', 'static', 'app.js'))).toBe(true);
    const script = await fetch(`${api.baseUrl}/apply/app.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toBe(readFileSync(path.join(REPO_ROOT, 'dist', 'api', 'pages', 'static', 'app.js'), 'utf8'));
    // The worker loaded dist/workflow-bundle.js: the SDK logs this line only when it bundles at start.
    expect(worker.logTail(400)).not.toContain('Workflow bundle created');

    // Workflows and activities run on the compiled worker; its logs name the workflow.
    const client = http(api.baseUrl);
    const started = await client.post(`/v1/accounts/${uniqueAccount('build')}/verifications`, individualBody({ idNumber: mainlandId() }));
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'in_progress', step: 'awaiting_scan' });
    expect((await client.post(`/v1/verifications/${started.body.id}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    const closed = await eventually(async () => {
      const line = worker
        .logTail(400)
        .split('\n')
        .find((l) => l.includes('"process closed"') && l.includes(`verification/${started.body.id}`));
      expect(line).toBeDefined();
      return JSON.parse(line!) as Record<string, unknown>;
    });
    expect(closed).toMatchObject({ workflowId: `verification/${started.body.id}`, workflowType: 'individualVerification' });

    // The worker container's healthcheck: this host's worker polls its task queue, and no worker polls another.
    const healthcheck = ['dist/worker/healthcheck.js'];
    await eventually(() => run(process.execPath, healthcheck, { cwd: REPO_ROOT, env: childEnv }), { timeoutMs: 20_000, intervalMs: 500 });
    await expect(run(process.execPath, healthcheck, { cwd: REPO_ROOT, env: { ...childEnv, TEMPORAL_TASK_QUEUE: 'nobody-polls-this' } })).rejects.toMatchObject({
      code: 1,
    });
  });
});
