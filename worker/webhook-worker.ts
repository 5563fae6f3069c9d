import { NativeConnection, Worker, type WorkerOptions as SdkWorkerOptions } from '@temporalio/worker';
import type { Knex } from 'knex';
import { createWebhookActivities } from '../activities/webhooks';
import type { PiiCipher } from '../platform/crypto';
import { correlationActivityInterceptor } from '../platform/correlation';
import { dataConverter } from '../platform/temporal';

/**
 * Webhook delivery runs on its own task queue, with its own slots: endpoints
 * that are slow (10 s per attempt) or down (retried for days) never take a
 * verification's activity or workflow slots.
 */

/** Deliveries in flight at once, per worker process. */
const MAX_CONCURRENT_DELIVERIES = 50;

export interface WebhookWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  codecKey: Buffer;
  maxCachedWorkflows: number;
  /** The same workflow code as the process worker's (one bundle for both). */
  workflows: Pick<SdkWorkerOptions, 'workflowBundle'>;
  activityDeps: { db: Knex; cipher: PiiCipher };
}

export function createWebhookWorker(options: WebhookWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...options.workflows,
    activities: createWebhookActivities(options.activityDeps),
    dataConverter: dataConverter(options.codecKey),
    interceptors: { activity: [correlationActivityInterceptor] },
    maxCachedWorkflows: options.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: MAX_CONCURRENT_DELIVERIES,
  });
}
