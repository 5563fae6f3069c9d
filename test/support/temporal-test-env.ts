import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, expect } from 'vitest';
import { requireTool } from '../../platform/tools';
import { bundleWorkflows as bundle } from '../../worker/workflow-bundle';

let runtimeInstalled = false;

/** Quiet SDK logs in tests; install once per process, before any worker or environment. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  runtimeInstalled = true;
}

/** The time-skipping test server from `npm run setup` (the SDK's own download cannot reach its host here). */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTool('temporal-test-server') } },
  });
}

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundle(new DefaultLogger('WARN'), path.resolve(__dirname, '../../workflows/index.ts'));
}

/** Polls until `check` stops throwing; for state that a workflow reaches asynchronously. */
export async function eventually<T>(check: () => Promise<T>, { timeoutMs = 10_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/**
 * A workflow's result without unlocking time skipping. The testing client's
 * result() lets the test server skip ahead while it waits, and after a run that
 * used an update it jumps years ahead, moving every later test's clock. Tests
 * here skip time only explicitly, with env.sleep.
 */
export async function resultWithoutSkipping<T>(env: TestWorkflowEnvironment, handle: { workflowId: string }): Promise<T> {
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  return client.workflow.getHandle(handle.workflowId).result() as Promise<T>;
}

const { EventType } = temporal.api.enums.v1;
const TASK_OPENED = new Set([EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED]);
const TASK_CLOSED = new Set([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT]);

/** Whether the run's last workflow task is scheduled or running (a closed run has none). */
async function workflowTaskInFlight(handle: WorkflowHandle): Promise<boolean> {
  const types = ((await handle.fetchHistory()).events ?? []).map((e) => e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED);
  const last = (set: Set<number>) => types.findLastIndex((t) => set.has(t));
  return last(TASK_OPENED) > last(TASK_CLOSED);
}

/**
 * The time-skipping test server and the workflow bundle for one test file,
 * created before its tests and torn down after them; and a worker per test on
 * its own task queue. A workflow left running when its worker is gone would stop
 * the test server from skipping time for every later test, so whatever a test
 * started (registered with `track`) is terminated.
 */
export function timeSkippingHarness() {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundleWithSourceMap | undefined;
  beforeAll(async () => {
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });
  const ready = () => {
    if (!env || !bundle) throw new Error('the time-skipping environment is not up yet');
    return { env, bundle };
  };
  const started: string[] = [];
  return {
    get env(): TestWorkflowEnvironment {
      return ready().env;
    },
    /** The workflow bundle, for a test that runs workers of its own (a restart, no cache). */
    get bundle(): WorkflowBundleWithSourceMap {
      return ready().bundle;
    },
    track: (workflowId: string) => {
      started.push(workflowId);
    },
    withWorker: async <T>(activities: object, fn: (taskQueue: string) => Promise<T>): Promise<T> => {
      const { env, bundle } = ready();
      const taskQueue = `tq-${randomUUID()}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
      const terminateStarted = async () => {
        for (const id of started.splice(0)) {
          const handle = env.client.workflow.getHandle(id);
          await eventually(async () => expect(await workflowTaskInFlight(handle)).toBe(false), { timeoutMs: 5_000 }).catch(() => undefined);
          await handle.terminate('test finished').catch(() => undefined);
        }
      };
      // Terminated while the worker still runs, between two workflow tasks: the test server leaves its clock locked for
      // good (every later env.sleep hangs) when a run is terminated with a workflow task in flight.
      return worker.runUntil(async () => {
        try {
          return await fn(taskQueue);
        } finally {
          await terminateStarted();
        }
      });
    },
  };
}
