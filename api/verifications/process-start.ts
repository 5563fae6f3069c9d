import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client, type WorkflowUpdateOptions } from '@temporalio/client';
import type { SearchAttributePair, UpdateDefinition } from '@temporalio/common';
import { appError } from '../../domain/errors';
import { translateTemporalError } from '../http/temporal-errors';

/**
 * How long a request waits for a workflow to answer (open, take an update):
 * past it the request is answered 503 SERVICE_UNAVAILABLE with Retry-After
 * (a worker that is down, a cluster that is overloaded) instead of hanging.
 * A retry with the same Idempotency-Key reaches the same workflow, and
 * sends the same update id (`sendUpdate`).
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
  options: {
    workflowId: string;
    workflowType: string;
    input: unknown;
    searchAttributes: SearchAttributePair[];
    /** Whether a run with this id that ended may be started again (a refused closure, retried once the money is settled). */
    workflowIdReusePolicy?: 'REJECT_DUPLICATE' | 'ALLOW_DUPLICATE';
  },
): Promise<{ kind: 'opened'; result: R } | { kind: 'ended'; result: () => Promise<unknown> }> {
  const start = () =>
    temporal.client.workflow.executeUpdateWithStart(opened, {
      startWorkflowOperation: new WithStartWorkflowOperation(options.workflowType, {
        workflowId: options.workflowId,
        taskQueue: temporal.taskQueue,
        args: [options.input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: options.workflowIdReusePolicy ?? 'REJECT_DUPLICATE',
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

/** One request's Update: what it sends, and the request's seed (per Idempotency-Key), from which its update id derives. */
export interface UpdateRequest<Ret, Args extends unknown[]> {
  update: UpdateDefinition<Ret, Args>;
  args: Args;
  seed: string;
}

/**
 * The id a request's Update carries: a retry of the request (same
 * Idempotency-Key, so the same seed) sends the same id, and Temporal answers
 * it with the first Update's outcome instead of applying it again. A request
 * without a key has a random seed: its own id.
 */
export const updateIdOf = (update: { name: string }, seed: string): string => `${update.name}/${seed}`;

type ExecuteUpdate<Ret, Args extends unknown[]> = (update: UpdateDefinition<Ret, Args>, options: WorkflowUpdateOptions & { args: Args }) => Promise<Ret>;

/** Sends a request's Update to a workflow under its update id, within the deadline; refusals become problems. */
export function sendUpdate<Ret, Args extends unknown[]>(client: Client, workflowId: string, request: UpdateRequest<Ret, Args>): Promise<Ret> {
  const handle = client.workflow.getHandle(workflowId);
  // executeUpdate's overloads split on whether the Update takes arguments; this serves both.
  const execute: ExecuteUpdate<Ret, Args> = handle.executeUpdate.bind(handle);
  return withinDeadline(client, () => execute(request.update, { args: request.args, updateId: updateIdOf(request.update, request.seed) }));
}

/**
 * Sends a request's Update to an open process's workflow (a verification's, a
 * change's): a process the read model shows closed is refused at once with
 * `closedMessage`, and the workflow's refusals become problems.
 */
export async function updateProcess<Ret, Args extends unknown[]>(
  client: Client,
  row: { workflow_id: string; status: string },
  closedMessage: string,
  request: UpdateRequest<Ret, Args>,
): Promise<Ret> {
  if (row.status !== 'in_progress') throw appError('PROCESS_NOT_OPEN', closedMessage);
  return sendUpdate(client, row.workflow_id, request);
}
