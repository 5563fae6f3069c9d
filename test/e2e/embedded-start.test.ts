import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporalReachable } from '../../platform/temporal';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';
import { eventually } from '../support/temporal-test-env';
import { threadNiceness } from '../support/thread-niceness';
import { MALLOC_ENV } from '../../platform/malloc-env';

/**
 * `npm start` with nothing configured: its own Temporal dev server (SQLite file,
 * Web UI), a PostgreSQL server of its own under DATA_DIR (run as the postgres
 * user when the tests run as root, as CI does), migrations, then the worker and
 * the API with the sandbox as processes of their own under one supervisor. A
 * worker killed with SIGKILL is started again; stopped with Ctrl-C and started
 * again, it resumes the workflows left open; nothing is left running. A second
 * start on the same DATA_DIR is refused; after the supervisor itself is killed,
 * the next start stops what it left behind.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-embedded-'));
let running: ServiceProcess | undefined;

afterAll(async () => {
  await running?.stop('SIGKILL');
  // Whatever a failed test left running on its DATA_DIR.
  spawnSync('pkill', ['-f', dataDir]);
  if (!process.env.E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded one-machine default', () => {
  it('starts from nothing, stops cleanly on Ctrl-C, and resumes open workflows on the next start', async () => {
    const [port, temporalPort, uiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    // Only what a second instance on this machine needs: ports and a data folder. No database, no Temporal address.
    const env = { DATA_DIR: dataDir, TEMPORAL_DEV_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), LOG_LEVEL: 'info' };
    const logFile = path.join(dataDir, 'service.log');

    const startedAt = Date.now();
    running = await startServiceProcess({ env, port, logFile, readyTimeoutMs: 60_000 });
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    const api = http(running.baseUrl);

    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
    // The Web UI decodes payloads through this service's codec endpoint, which answers the UI's origin.
    const uiSettings = (await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)).json()) as { Codec: { Endpoint: string } };
    expect(uiSettings.Codec.Endpoint).toBe(`${running.baseUrl}/codec`);
    const preflight = await fetch(`${running.baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: `http://127.0.0.1:${uiPort}`, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${uiPort}`);
    expect(statSync(path.join(dataDir, 'temporal.db')).isFile()).toBe(true);
    expect(statSync(path.join(dataDir, 'postgres', 'PG_VERSION')).isFile()).toBe(true);
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o077).toBe(0);
    expect(statSync(path.join(dataDir, 'postgres.secret')).mode & 0o077).toBe(0);

    // The banner's link opens the applicant's pages of a new demo account: the page's exchange of its token answers 200.
    const banner = await eventually(async () => {
      const line = /^ {2}Applicant pages {2}(\S+) {3}\(one-time, 1 h; npm run pages:link mints another\)$/m.exec(running!.logTail(400));
      expect(line).not.toBeNull();
      return line![1]!;
    });
    expect(banner).toMatch(new RegExp(`^${running.baseUrl}/apply#t=`));
    const opened = await api.post('/v1/sessions/exchange', { token: new URL(banner).hash.replace(/^#t=/, '') }, { token: null });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ accountId: expect.stringMatching(/^demo-/), locale: 'zh-CN' });

    const accountId = uniqueAccount('embedded');
    const idNumber = mainlandId();
    const started = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody({ idNumber }));
    expect(started.status).toBe(201);

    // Its parts, each a process of its own: the dev server, PostgreSQL, the worker and the API (tsx adds esbuild's).
    const parts = children(running.child.pid!).filter((pid) => /start-dev|bin\/postgres|worker\/main|api\/main/.test(cmdline(pid)));
    expect(parts).toHaveLength(4);
    // Workflow work runs below the API and PostgreSQL, every thread of it (a nice value is a thread's on Linux).
    const niceness = (pattern: RegExp) => threadNiceness(parts.find((pid) => pattern.test(cmdline(pid)))!);
    // (nice adds to the niceness it starts at: this test's, whatever it runs at.)
    const own = os.getPriority();
    expect(new Set(niceness(/start-dev/))).toEqual(new Set([Math.min(19, own + 5)]));
    expect(new Set(niceness(/worker\/main/))).toEqual(new Set([Math.min(19, own + 5)]));
    expect(new Set(niceness(/api\/main/))).toEqual(new Set([own]));
    // The API and the worker start with glibc's malloc held to two arenas that give back what a burst freed.
    const workerPid = parts.find((pid) => /worker\/main/.test(cmdline(pid)))!;
    const workerEnv = readFileSync(`/proc/${workerPid}/environ`, 'utf8').split('\0');
    for (const [name, value] of Object.entries(MALLOC_ENV)) expect(workerEnv).toContain(`${name}=${value}`);
    // A second start on the same DATA_DIR is refused, and leaves the first one's database alone.
    const second = startServiceProcess({ env, port: await freePort(), logFile: path.join(dataDir, 'second.log'), readyTimeoutMs: 60_000 });
    await expect(second).rejects.toThrow(/is in use by another running service/);
    expect((await api.get(`/v1/verifications/${started.body.id}`)).status).toBe(200);

    expect(await running.stop('SIGINT')).toBe(0);
    expect(await temporalReachable(`127.0.0.1:${temporalPort}`)).toBe(false);
    // Every part stopped with it; PostgreSQL shut down cleanly (it removes its pid file).
    expect(parts.filter(alive)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(running.logTail(400)).not.toContain(idNumber);

    running = await startServiceProcess({ env, port, logFile, readyTimeoutMs: 60_000 });
    const after = await api.get(`/v1/verifications/${started.body.id}`);
    expect(after.body).toMatchObject({ status: 'in_progress', step: 'awaiting_scan', nextAction: { ticket: started.body.nextAction.ticket } });

    // A worker that dies is started again: the verification goes on. (Once all is up: the banner of this start.)
    await eventually(async () => expect(running!.logTail(2000).split('Ctrl-C stops everything.').length).toBe(3), { timeoutMs: 60_000 });
    const [worker] = children(running.child.pid!, 'worker/main');
    process.kill(worker!, 'SIGKILL');
    await eventually(async () => expect(running!.logTail(200)).toContain('the worker restarted'), { timeoutMs: 60_000 });
    expect(children(running.child.pid!, 'worker/main')).not.toContain(worker);

    const scan = await api.post('/sandbox/wechat/scans', { ticket: started.body.nextAction.ticket, realName: '张三', idNumber, bankCardLinked: true }, { token: null });
    expect(scan.body).toMatchObject({ delivered: true });
    // (The run's next task first waits out the killed worker's sticky queue: WORKER_STICKY_TIMEOUT, 10 s.)
    await eventually(async () => expect((await api.get(`/v1/verifications/${started.body.id}`)).body.status).toBe('verified'), { timeoutMs: 60_000 });
    // The API's /metrics has the API's series; the worker's, at the address the banner shows, the outcomes and the SDK's.
    const apiMetrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
    expect(apiMetrics).toContain('http_request_duration_seconds_bucket{');
    expect(apiMetrics).toContain('# TYPE open_processes gauge');
    const workerUrl = [...running.logTail(2000).matchAll(/ {2}Metrics {7}\S+ \(API\), (\S+) \(worker\)$/gm)].at(-1)![1]!;
    const workerMetrics = await (await fetch(workerUrl)).text();
    expect(workerMetrics).toContain('verification_outcomes_total{method="wechat_qr",status="verified",reason=""} 1');
    expect(workerMetrics).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
    // A supervisor killed outright: the worker and the API stop by themselves; the next start shuts down the
    // PostgreSQL and the dev server it left behind, and starts its own.
    const before = children(running.child.pid!);
    const postgresPid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    await running.stop('SIGKILL');
    await eventually(async () => expect(before.filter((pid) => alive(pid) && pid !== postgresPid && cmdline(pid).includes('node'))).toEqual([]), { timeoutMs: 30_000 });
    running = await startServiceProcess({ env, port, logFile, readyTimeoutMs: 60_000 });
    expect(alive(postgresPid)).toBe(false);
    expect(running.logTail(400)).toContain('an embedded PostgreSQL from an earlier run is still running; shutting it down');
    expect(running.logTail(400)).toContain('a Temporal dev server from an earlier run is still running; stopping it');
    expect((await api.get(`/v1/verifications/${started.body.id}`)).body.status).toBe('verified');
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(running.logTail(800)).not.toContain(idNumber);
  });

  it('says what to do with a PGlite database from an earlier version, and starts nothing', async () => {
    const old = mkdtempSync(path.join(os.tmpdir(), 'rnv-pglite-'));
    try {
      mkdirSync(path.join(old, 'pglite'));
      const port = await freePort();
      await expect(startServiceProcess({ env: { DATA_DIR: old }, port, logFile: path.join(old, 'service.log'), readyTimeoutMs: 60_000 })).rejects.toThrow(
        /holds a PGlite database from an earlier version[\s\S]*EMBEDDED_DB=pglite npm start[\s\S]*move .*pglite and .*temporal\.db/,
      );
      expect(existsSync(path.join(old, 'postgres'))).toBe(false);
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** The supervisor's child processes (pgrep -P), those whose command line contains `match` if given. */
function children(pid: number, match?: string): number[] {
  try {
    const args = ['-P', String(pid), ...(match ? ['-f', match] : [])];
    return execFileSync('pgrep', args).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
