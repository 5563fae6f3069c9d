import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair, UpdateDefinition } from '@temporalio/common';
import { appError } from '../../domain/errors';
import { translateTemporalError } from './temporal-errors';

/**
 * How long a request waits for a workflow to answer (open, take an update):
 * past it the request is answered 503 SERVICE_UNAVAILABLE with Retry-After
 * (a worker that is down, a cluster that is overloaded) instead of hanging.
 * A retry with the same Idempotency-Key reaches the same workflow.
 */
export const TEMPORAL_CALL_DEADLINE_MS = 20_000;

/** Runs `call` with every Temporal RPC it makes under one deadline; its failures become problems. */
export async function withinDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, call);
  } catch (err) {
    throw translateTemporalError(err);
  }
}

/**
 * Starts a process's workflow and answers once it opened (its opening Update):
 * the one way the API starts verifications and changes. A retried request
 * (same Idempotency-Key, so the same workflow id) joins the run it started;
 * a run with that id that already ended answers `ended` with its result, for
 * the caller to show what it became.
 */
export async function startAndAwaitOpened<R>(
  temporal: { client: Client; taskQueue: string },
  opened: UpdateDefinition<R, []>,
  options: { workflowId: string; workflowType: string; input: unknown; searchAttributes: SearchAttributePair[] },
): Promise<{ kind: 'opened'; result: R } | { kind: 'ended'; result: () => Promise<unknown> }> {
  const start = () =>
    temporal.client.workflow.executeUpdateWithStart(opened, {
      startWorkflowOperation: new WithStartWorkflowOperation(options.workflowType, {
        workflowId: options.workflowId,
        taskQueue: temporal.taskQueue,
        args: [options.input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: options.searchAttributes,
      }),
    });
  try {
    return { kind: 'opened', result: await withinDeadline(temporal.client, start) };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { kind: 'ended', result: () => withinDeadline(temporal.client, () => temporal.client.workflow.getHandle(options.workflowId).result()) };
  }
}

/**
 * Runs an Update on an open process's workflow (a verification's, a change's):
 * a process the read model shows closed is refused at once with `closedMessage`,
 * and the workflow's refusals become problems.
 */
export async function updateProcess<T>(
  client: Client,
  row: { workflow_id: string; status: string },
  closedMessage: string,
  run: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<T>,
): Promise<T> {
  if (row.status !== 'in_progress') throw appError('PROCESS_NOT_OPEN', closedMessage);
  return withinDeadline(client, () => run(client.workflow.getHandle(row.workflow_id)));
}
