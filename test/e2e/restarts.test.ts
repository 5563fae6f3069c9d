import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../platform/logger';
import { startDevServer, type DevServer } from '../../platform/temporal-dev-server';
import { requireTool } from '../../platform/tools';
import { scanWechat } from '../support/changes';
import { bankAccountNumber, enterprise, enterpriseBody, register } from '../support/enterprise';
import { http, individualBody, mainlandId, uniqueAccount } from '../support/http';
import { expectCreatedOnce, expectCreateRefused, expectUnavailable, promptly, type Create } from '../support/outage';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { freePort, startServiceProcess, type ServiceProcess } from '../../scripts/lib/processes';
import { expectMoneyReconciled } from '../support/reconcile';
import { eventually } from '../support/temporal-test-env';

/**
 * PostgreSQL and the Temporal server restarted under open processes (issue 9),
 * on a stack of this test's own: a private PostgreSQL cluster (initdb), its own
 * Temporal dev server persisting to a file, and the service as worker and API
 * processes. While one is down, requests are answered in bounded time with 503
 * SERVICE_UNAVAILABLE problem documents (Retry-After), never a 500 or a hang;
 * a create retried with its Idempotency-Key succeeds once when it is back.
 * Nothing open is lost, no request gets a 5xx once both are back, and the
 * money of a recharge paid during the Temporal outage reconciles.
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

const newCreate = (): Create => ({ accountId: uniqueAccount('rs'), body: individualBody(), key: randomUUID() });

describe('restarts of PostgreSQL and the Temporal server', () => {
  it('answers 503 while each is down, keeps every open verification, and answers without 5xx once they are back', async () => {
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
    const apiLog = path.join(workDir, 'api.log');
    const apiProc = await startServiceProcess({ entry: 'api/main.ts', port: apiPort, logFile: apiLog, env: { ...env, MIGRATE_ON_START: 'false' } });
    processes.push(apiProc);
    const baseUrl = apiProc.baseUrl;
    const api = http(baseUrl);

    const people = [0, 1, 2].map(() => ({ accountId: uniqueAccount('rs'), idNumber: mainlandId('1984-04-04') }));
    const open: { id: string; nextAction: { ticket: string } }[] = [];
    for (const p of people) {
      const res = await api.post(`/v1/accounts/${p.accountId}/verifications`, individualBody({ idNumber: p.idNumber }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      open.push(res.body as { id: string; nextAction: { ticket: string } });
    }
    // A recharge open across both outages; its payer sends money while Temporal is down.
    const e = enterprise();
    await register(baseUrl, e);
    const payer = bankAccountNumber();
    const recharging = uniqueAccount('rs');
    const recharge = await api.post(`/v1/accounts/${recharging}/verifications`, await enterpriseBody(baseUrl, recharging, 'recharge', e, { payerAccount: payer }));
    expect(recharge.status, JSON.stringify(recharge.body)).toBe(201);
    const { amount, payee } = recharge.body.nextAction as { amount: string; payee: { accountNumber: string } };
    const transfer = (a: string) => promptly(api, 'POST', '/sandbox/bank/transfers', { token: null, body: { fromAccountNumber: payer, fromAccountName: e.name, toAccountNumber: payee.accountNumber, amount: a } });

    /** Once the part is back, requests succeed (allowing the first seconds of reconnection to answer 503, never 500). */
    const backWithout5xx = async () => {
      await eventually(async () => expect((await api.get('/readyz', { token: null })).status).toBe(200), { timeoutMs: 60_000, intervalMs: 250 });
      for (const v of open) {
        const res = await api.get(`/v1/verifications/${v.id}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
    };

    // PostgreSQL crashes and stays down: reads and a create are refused 503 at once; no reservation of the key is left behind.
    postgres.stop();
    expect((await promptly(api, 'GET', '/readyz', { token: null })).status).toBe(503);
    expectUnavailable(await promptly(api, 'GET', `/v1/accounts/${people[2]!.accountId}`), 'GET account, PostgreSQL down');
    expectUnavailable(await promptly(api, 'GET', `/v1/verifications/${open[2]!.id}`), 'GET verification, PostgreSQL down');
    const duringDatabaseOutage = newCreate();
    await expectCreateRefused(api, duringDatabaseOutage, 'PostgreSQL down');
    // It comes back: open verifications are there, the pool reconnects, the retried create makes one verification.
    postgres.start();
    await backWithout5xx();
    await expectCreatedOnce(api, duringDatabaseOutage);
    await scanWechat(baseUrl, open[0]!.nextAction.ticket, { realName: '张三', idNumber: people[0]!.idNumber });
    await eventually(async () => expect((await api.get(`/v1/verifications/${open[0]!.id}`)).body.status).toBe('verified'), { timeoutMs: 30_000 });

    // The Temporal server stops: reads come from the read model as usual; what needs a workflow is refused 503.
    await temporal.stop();
    expect((await promptly(api, 'GET', `/v1/accounts/${people[2]!.accountId}`)).status).toBe(200);
    expect((await promptly(api, 'GET', `/v1/verifications/${open[2]!.id}`)).body).toMatchObject({ status: 'in_progress', step: 'awaiting_scan' });
    const duringTemporalOutage = newCreate();
    await expectCreateRefused(api, duringTemporalOutage, 'Temporal down');
    expectUnavailable(await promptly(api, 'POST', `/v1/verifications/${open[2]!.id}/qr`), 'QR refresh, Temporal down');
    // A wrong amount sent now: the bank's callback is refused 503 and waits in its outbox.
    const wrongAmount = amount === '0.99' ? '0.98' : '0.99';
    expect(await transfer(wrongAmount)).toMatchObject({ status: 202, body: { delivered: false, callbackStatus: 503 } });

    // It starts again on its file: the workflows resume where they were, the retried create makes one verification.
    temporal = await devServer(temporalPort);
    await backWithout5xx();
    await expectCreatedOnce(api, duringTemporalOutage);
    await scanWechat(baseUrl, open[1]!.nextAction.ticket, { realName: '张三', idNumber: people[1]!.idNumber });
    await eventually(async () => expect((await api.get(`/v1/verifications/${open[1]!.id}`)).body.status).toBe('verified'), { timeoutMs: 60_000, intervalMs: 250 });
    const third = await api.get(`/v1/verifications/${open[2]!.id}`);
    expect(third.body).toMatchObject({ status: 'in_progress', step: 'awaiting_scan' });
    const fresh = await api.post(`/v1/accounts/${uniqueAccount('rs')}/verifications`, individualBody());
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);

    // The outbox redelivers the wrong amount: refunded; then the exact amount verifies the recharge and is credited.
    await eventually(async () => expect((await api.get(`/sandbox/bank/accounts/${payer}/statement`, { token: null })).body.items).toHaveLength(1), { timeoutMs: 60_000, intervalMs: 500 });
    expect((await transfer(amount)).body).toMatchObject({ delivered: true });
    await eventually(async () => expect((await api.get(`/v1/verifications/${recharge.body.id}`)).body.status).toBe('verified'), { timeoutMs: 30_000 });
    const money = await expectMoneyReconciled({ baseUrl, databaseUrl: postgres.url, accountIds: 'all' });
    expect(money.ledger).toEqual([expect.objectContaining({ accountId: recharging, amountFen: money.verifications.find((v) => v.id === recharge.body.id)!.expectedFen })]);

    // Never a 500 in the whole run: the API's access log has every answer.
    expect(readFileSync(apiLog, 'utf8').match(/"status":5(0[0-24-9]|[1-9]\d)/g)).toBeNull();
  }, 300_000);
});
