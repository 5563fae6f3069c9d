// The worker container's healthcheck (`node dist/worker/healthcheck.js`): exit 0 when a worker of this host polls
// the task queue. Read-only, no secrets: it needs TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE / TEMPORAL_TASK_QUEUE).
import os from 'node:os';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEFAULT_TASK_QUEUE } from '../workflows/messages';

const { TaskQueueType } = temporal.api.enums.v1;
const DEADLINE_MS = 5_000;

/**
 * The SDK names a worker `<pid>@<hostname>`, and each container has its own
 * hostname, so a scaled worker reports only itself. The server keeps a poller
 * listed for minutes after its last poll: a worker that stopped polling shows
 * unhealthy that much later, while a live one never flaps.
 */
export async function workerPolls(options: { address: string; namespace: string; taskQueue: string; hostname: string }): Promise<boolean> {
  const connection = await Connection.connect({ address: options.address, connectTimeout: DEADLINE_MS });
  try {
    for (const taskQueueType of [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]) {
      const { pollers } = await connection.withDeadline(Date.now() + DEADLINE_MS, () =>
        connection.workflowService.describeTaskQueue({ namespace: options.namespace, taskQueue: { name: options.taskQueue }, taskQueueType }),
      );
      if (pollers.some((p) => p.identity?.endsWith(`@${options.hostname}`))) return true;
    }
    return false;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE;
  if (!address) {
    console.error('healthcheck: TEMPORAL_ADDRESS is not set');
    process.exit(2);
  }
  workerPolls({ address, namespace: process.env.TEMPORAL_NAMESPACE || 'default', taskQueue, hostname: os.hostname() }).then(
    (polling) => {
      if (!polling) console.error(`healthcheck: no worker of ${os.hostname()} polls ${taskQueue}`);
      process.exit(polling ? 0 : 1);
    },
    (err: unknown) => {
      console.error(`healthcheck: ${String(err)}`);
      process.exit(1);
    },
  );
}
