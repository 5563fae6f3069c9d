// The baseline of `npm run bench`: the bare workflow on a fresh dev server with the best persisted store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createLogger } from '../../platform/logger';
import { startDevServer } from '../../platform/temporal-dev-server';
import { requireTool } from '../../platform/tools';
import { freePort } from '../lib/processes';
import { openedUpdate, scannedSignal } from './bare-workflow';
import { cpuMsOfTree, runPool, summarize, type Summary } from './stats';

/** WAL with synchronous=normal: survives a process kill; only a power loss may drop the last commits. */
export const BEST_PERSISTED_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface BareResult {
  store: string;
  n: number;
  concurrency: number;
  throughputPerSec: number;
  latencyMs: Summary;
  errors: number;
  /** CPU per measured workflow, in ms: the dev server's, and this process's (the worker and the client driving it). */
  cpuMsPerVerification: { temporal: number | null; workerAndClient: number };
}

export async function runBareBaseline(options: { n: number; concurrency: number; warmup: number }): Promise<BareResult> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rnv-bench-bare-'));
  const dev = await startDevServer({
    cliPath: requireTool('temporal'),
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    logger: createLogger('warn'),
    headless: true,
    sqlitePragmas: BEST_PERSISTED_PRAGMAS,
  });
  const nativeConnection = await NativeConnection.connect({ address: dev.address });
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection });
  const taskQueue = 'bench-bare';
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./bare-workflow'),
    activities: { step: async (name: string) => name },
  });
  const running = worker.run();
  try {
    const one = async (id: string) => {
      await client.workflow.executeUpdateWithStart(openedUpdate, {
        startWorkflowOperation: new WithStartWorkflowOperation('bareVerification', { workflowId: id, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING' }),
      });
      const handle = client.workflow.getHandle(id);
      await handle.signal(scannedSignal, 'scan');
      await handle.result();
    };
    await waitUntilServing(client);
    const warm = await runPool(options.warmup, options.concurrency, (i) => one(`warmup-${i}`));
    if (warm.errors.length) throw new Error(`bare warm-up failed: ${warm.errors[0]}`);
    const [temporalBefore, selfBefore] = [dev.pid ? await cpuMsOfTree(dev.pid, false) : null, process.cpuUsage()];
    const run = await runPool(options.n, options.concurrency, (i) => one(`bare-${i}`));
    const [temporalAfter, self] = [dev.pid ? await cpuMsOfTree(dev.pid, false) : null, process.cpuUsage(selfBefore)];
    const per = (ms: number) => Math.round((ms / run.latencies.length) * 10) / 10;
    return {
      cpuMsPerVerification: {
        temporal: temporalBefore === null || temporalAfter === null ? null : per(temporalAfter - temporalBefore),
        workerAndClient: per((self.user + self.system) / 1000),
      },
      store: `SQLite ${BEST_PERSISTED_PRAGMAS.join(', ')}`,
      n: options.n,
      concurrency: options.concurrency,
      throughputPerSec: run.latencies.length / (run.elapsedMs / 1000),
      latencyMs: summarize(run.latencies),
      errors: run.errors.length,
    };
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await nativeConnection.close();
    await dev.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A fresh dev server may refuse its first starts for a few seconds (shard status unknown). */
async function waitUntilServing(client: Client): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.workflow.count();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
