import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createReadModel } from '../../store/read-model';
import { processedWatch } from '../../api/sandbox/processed';
import { eventHandledQuery } from '../../workflows/messages';
import { http, individualBody, uniqueAccount } from '../support/http';

const api = http(inject('baseUrl'));
let db: Knex;
let readModel: ReturnType<typeof createReadModel>;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  db = knex({ client: 'pg', connection: inject('databaseUrl') });
  readModel = createReadModel(db);
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
  await db?.destroy();
});

type Command = temporal.api.command.v1.ICommand;

/**
 * A run on a task queue no worker polls, whose first task the test answers by hand with `commands`:
 * from then on only the server can say anything about it, or a worker of that queue, and none comes.
 */
async function runAnsweredByHand(commands: Command[]) {
  const taskQueue = `nobody-polls-${randomUUID()}`;
  const workflowId = `verification/ver_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const handle = await client.workflow.start('individualVerification', { workflowId, taskQueue, args: [] });
  const { namespace } = client.options;
  const task = await connection.withDeadline(Date.now() + 10_000, () =>
    client.workflowService.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: 'test' }),
  );
  await client.workflowService.respondWorkflowTaskCompleted({ namespace, taskToken: task.taskToken, identity: 'test', commands });
  return { workflowId, handle };
}

describe("the sandbox's wait for a process to act on its event", () => {
  it('asks the server, not a worker, about a closed run', async () => {
    const complete: Command = { commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION, completeWorkflowExecutionCommandAttributes: {} };
    const { workflowId, handle } = await runAnsweredByHand([complete]);
    expect((await handle.describe()).status.name).toBe('COMPLETED');

    // A plain Query of it waits for a worker to replay the run, and none comes.
    await expect(connection.withDeadline(Date.now() + 1500, () => handle.query(eventHandledQuery, 'evt_x'))).rejects.toThrow();
    const t0 = Date.now();
    await expect(processedWatch(client, readModel).askRun(workflowId, 'evt_x', Date.now() + 5000)).resolves.toBe(true);
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('gives up on a Query at its deadline when no worker has the run', async () => {
    const { workflowId, handle } = await runAnsweredByHand([]);
    try {
      const t0 = Date.now();
      await expect(processedWatch(client, readModel).askRun(workflowId, 'evt_x', t0 + 800)).resolves.toBe(false);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await handle.terminate('test finished');
    }
  });

  it("reads a process's row from the read model", async () => {
    const accountId = uniqueAccount();
    const started = await api.post(`/v1/accounts/${accountId}/verifications`, individualBody());
    expect(started.status).toBe(201);
    const watch = processedWatch(client, readModel);
    await expect(watch.row(`verification/${started.body.id}`)).resolves.toEqual({ status: 'in_progress', revision: expect.any(Number) });
    await expect(watch.row('verification/ver_doesnotexist0')).resolves.toBeNull();
    await expect(watch.row('refund/tr_1')).resolves.toBeNull();
    const cancelled = await api.post(`/v1/verifications/${started.body.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    await expect(watch.row(`verification/${started.body.id}`)).resolves.toMatchObject({ status: 'cancelled' });
  });
});
