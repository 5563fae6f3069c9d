import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { withPauses } from '../activities/test-faults';
import { dataConverter } from '../platform/temporal';
import { workflowSource } from './workflow-bundle';

export interface WorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  codecKey: Buffer;
  maxCachedWorkflows: number;
  activityDeps: ActivityDeps;
  /** Pre-bundled workflows (tests bundle once); otherwise the build's bundle when compiled, or bundled from source at start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : workflowSource()),
    activities: withPauses(createActivities(options.activityDeps), options.activityDeps.faults?.pauseAfter ?? []),
    dataConverter: dataConverter(options.codecKey),
    // Long-waiting workflows are evicted and replayed on their next event: memory stays bounded.
    maxCachedWorkflows: options.maxCachedWorkflows,
  });
  return { worker, connection };
}
