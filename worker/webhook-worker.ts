import { NativeConnection, Worker } from '@temporalio/worker';
import { createWebhookActivities, type WebhookActivityDeps } from '../activities/webhooks';
import { correlationActivityInterceptor } from '../platform/correlation';
import { dataConverter } from '../platform/temporal';

/**
 * Webhook deliveries (the POSTs, 10 s each, retried for days) run on their own
 * task queue, with their own slots: endpoints that are slow or down never take
 * a verification's activity slots. Only activities: the delivery workflows run
 * on the processes' queue beside the verifications (a workflow task is short),
 * so this worker needs no workflow thread, no bundle and no cache of its own.
 */

/** Deliveries in flight at once, per worker process. */
const MAX_CONCURRENT_DELIVERIES = 50;

export interface WebhookWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codecKey: Buffer;
  activityDeps: WebhookActivityDeps;
}

export function createWebhookWorker(options: WebhookWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createWebhookActivities(options.activityDeps),
    dataConverter: dataConverter(options.codecKey),
    interceptors: { activity: [correlationActivityInterceptor] },
    maxConcurrentActivityTaskExecutions: MAX_CONCURRENT_DELIVERIES,
  });
}
