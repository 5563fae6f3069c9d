import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../platform/logger';
import { startDevServer, type DevServer } from '../../platform/temporal-dev-server';
import { requireTool } from '../../platform/tools';
import { scanWechat } from '../support/changes';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { freePort, startServiceProcess, type ServiceProcess } from '../support/processes';
import { eventually } from '../support/temporal-test-env';

/**
 * PostgreSQL and the Temporal server restarted under open processes (issue 9),
 * on a stack of this test's own: a private PostgreSQL cluster (initdb), its own
 * Temporal dev server persisting to a file, and the service as worker and API
 * processes. Nothing open is lost, and once each is back no request gets a 5xx.
 */
const workDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-restarts-'));
const pgDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-pg-'));
const processes: ServiceProcess[] = [];
let postgres: PrivatePostgres | undefined;
let temporal: DevServer | undefined;

afterAll(async () => {
  for (const p of processes) await p.stop('SIGKILL');
  await temporal?.stop();
  postgres?.stop();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
});

const devServer = async (port: number) =>
  startDevServer({ cliPath: requireTool('temporal'), dataDir: workDir, port, uiPort: 0, namespace: 'default', logger: createLogger('silent'), headless: true });

describe('restarts of PostgreSQL and the Temporal server', () => {
  it('keeps every open verification and answers without 5xx once they are back', async () => {
    postgres = startPrivatePostgres(pgDir, await freePort());
    const temporalPort = await freePort();
    temporal = await devServer(temporalPort);
    const apiPort = await freePort();
    const env = {
      ...inject('serviceEnv'),
      DATA_DIR: workDir,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `restarts-${randomUUID().slice(0, 8)}`,
      CALLBACK_BASE_URL: `http://127.0.0.1:${apiPort}`,
    };
    processes.push(await startServiceProcess({ entry: 'worker/main.ts', port: await freePort(), logFile: path.join(workDir, 'worker.log'), env, readyLogLine: 'Worker polling on' }));
    const apiProc = await startServiceProcess({ entry: 'api/main.ts', port: apiPort, logFile: path.join(workDir, 'api.log'), env: { ...env, MIGRATE_ON_START: 'false' } });
    processes.push(apiProc);
    const api = http(apiProc.baseUrl);

    const people = [0, 1, 2].map(() => ({ accountId: uniqueAccount('rs'), idNumber: mainlandId('1984-04-04') }));
    const open: { id: string; nextAction: { ticket: string } }[] = [];
    for (const p of people) {
      const res = await api.post(`/v1/accounts/${p.accountId}/verifications`, individualBody({ idNumber: p.idNumber }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      open.push(res.body as { id: string; nextAction: { ticket: string } });
    }
    /** Once the part is back, requests succeed (allowing the first seconds of reconnection to answer 503, never 500). */
    const backWithout5xx = async () => {
      await eventually(async () => expect((await api.get('/readyz', { token: null })).status).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
      for (const v of open) {
        const res = await api.get(`/v1/verifications/${v.id}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
    };

    // PostgreSQL crashes and comes back: open verifications are there, the pool reconnects.
    postgres.restart();
    await backWithout5xx();
    await scanWechat(apiProc.baseUrl, open[0]!.nextAction.ticket, { realName: '张三', idNumber: people[0]!.idNumber });
    await eventually(async () => expect((await api.get(`/v1/verifications/${open[0]!.id}`)).body.status).toBe('verified'), { timeoutMs: 30_000 });

    // The Temporal server stops and starts again on its file: the workflows resume where they were.
    await temporal.stop();
    temporal = await devServer(temporalPort);
    await backWithout5xx();
    await scanWechat(apiProc.baseUrl, open[1]!.nextAction.ticket, { realName: '张三', idNumber: people[1]!.idNumber });
    await eventually(async () => expect((await api.get(`/v1/verifications/${open[1]!.id}`)).body.status).toBe('verified'), { timeoutMs: 60_000, intervalMs: 250 });
    const third = await api.get(`/v1/verifications/${open[2]!.id}`);
    expect(third.body).toMatchObject({ status: 'in_progress', step: 'awaiting_scan' });
    const fresh = await api.post(`/v1/accounts/${uniqueAccount('rs')}/verifications`, individualBody());
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
  }, 240_000);
});
