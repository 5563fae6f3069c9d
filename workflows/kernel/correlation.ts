import type { Payload } from '@temporalio/common';
import type { Next, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';
import { CORRELATION_HEADER, correlationIdOf, correlationPayload } from './correlation-header';

/**
 * Workflow interceptors (bundled with the workflows, worker/workflow-bundle.ts):
 * the correlation id of the request that last reached the run — its start, a
 * signal or an update — is the run's current one; it goes on with every
 * activity and child it schedules, and on every line the workflow logs.
 * Module state is per run: the SDK gives each workflow its own globals.
 */
let current: string | undefined;

const heard = (headers: Record<string, Payload>) => {
  current = correlationIdOf(headers) ?? current;
};
const withCurrent = (headers: Record<string, Payload>) => (current ? { ...headers, [CORRELATION_HEADER]: correlationPayload(current) } : headers);

const inbound: WorkflowInboundCallsInterceptor = {
  execute: (input, next) => (heard(input.headers), next(input)),
  handleSignal: (input, next) => (heard(input.headers), next(input)),
  handleUpdate: (input, next) => (heard(input.headers), next(input)),
};

const outbound: WorkflowOutboundCallsInterceptor = {
  scheduleActivity: (input, next) => next({ ...input, headers: withCurrent(input.headers) }),
  scheduleLocalActivity: (input, next) => next({ ...input, headers: withCurrent(input.headers) }),
  startChildWorkflowExecution: (input, next) => next({ ...input, headers: withCurrent(input.headers) }),
  getLogAttributes: (input, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) => next(current ? { ...input, correlationId: current } : input),
};

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [inbound], outbound: [outbound] });
