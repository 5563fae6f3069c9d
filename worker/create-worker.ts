import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions as SdkWorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { withPauses } from '../activities/test-faults';
import { correlationActivityInterceptor } from '../platform/correlation';
import { refundStarter } from '../platform/refunds';
import { markRefunding } from '../store/ledger';
import { workflowInspector } from '../platform/workflow-inspector';
import { dataConverter } from '../platform/temporal';
import { createWebhookWorker } from './webhook-worker';
import { cachedBundle, workflowSource } from './workflow-bundle';

export interface WorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Webhook delivery's own task queue (worker/webhook-worker.ts). */
  webhookTaskQueue: string;
  codecKey: Buffer;
  maxCachedWorkflows: number;
  /** How long a task waits on this worker's sticky queue before any worker may take it (WORKER_STICKY_TIMEOUT). */
  stickyTimeoutMs: number;
  /** The activities' dependencies; those that talk to Temporal itself (starting refunds) are made here, over the worker's connection. */
  activityDeps: Omit<ActivityDeps, 'refunds' | 'inspector'>;
  /** Pre-bundled workflows (tests bundle once); otherwise the build's bundle when compiled, or bundled from source at start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** Both workers run the same workflow code: the given or prebuilt bundle, or one bundle made from source. */
async function workflowCode(options: WorkerOptions): Promise<Pick<SdkWorkerOptions, 'workflowBundle'>> {
  const source = options.workflowBundle ? { workflowBundle: options.workflowBundle } : workflowSource();
  if ('workflowBundle' in source) return source;
  return { workflowBundle: await cachedBundle(Runtime.instance().logger) };
}

/** The process worker (every workflow, the processes' activities), and the webhook worker beside it (deliveries only, on their own task queue), over one connection. */
export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; webhookWorker: Worker; connection: NativeConnection; client: Client }> {
  const connection = await NativeConnection.connect({ address: options.address });
  const client = new Client({ connection, namespace: options.namespace, dataConverter: dataConverter(options.codecKey) });
  const activityDeps: ActivityDeps = {
    ...options.activityDeps,
    refunds: refundStarter({ client, taskQueue: options.taskQueue, markRefunding: (transferId) => markRefunding(options.activityDeps.db, transferId) }),
    inspector: workflowInspector(client),
  };
  const workflows = await workflowCode(options);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflows,
    activities: withPauses(createActivities(activityDeps), activityDeps.faults?.pauseAfter ?? []),
    dataConverter: dataConverter(options.codecKey),
    interceptors: { activity: [correlationActivityInterceptor] },
    // Long-waiting workflows are evicted and replayed on their next event: memory stays bounded.
    maxCachedWorkflows: options.maxCachedWorkflows,
    stickyQueueScheduleToStartTimeout: options.stickyTimeoutMs,
  });
  const webhookWorker = await createWebhookWorker({ ...options, connection, taskQueue: options.webhookTaskQueue });
  return { worker, webhookWorker, connection, client };
}
