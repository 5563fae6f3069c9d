import { AsyncLocalStorage } from 'node:async_hooks';
import type { Headers } from '@temporalio/common';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { CORRELATION_HEADER, correlationIdOf, correlationPayload } from '../workflows/kernel/correlation-header';

/**
 * The request's correlation id (X-Request-Id), from the API's request to the
 * worker's log lines: the API runs each request in this context, its Temporal
 * client puts the id in a header of every start, signal and update, the
 * workflow passes it on (workflows/kernel/correlation.ts), and activities log
 * with it.
 */
const requestContext = new AsyncLocalStorage<string>();

export const runWithCorrelationId = <T>(id: string, fn: () => T): T => requestContext.run(id, fn);

const withId = (headers: Headers): Headers => {
  const id = requestContext.getStore();
  return id ? { ...headers, [CORRELATION_HEADER]: correlationPayload(id) } : headers;
};
const stamped = <T extends { headers: Headers }>(input: T): T => ({ ...input, headers: withId(input.headers) });

export const correlationClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next(stamped(input)),
  startWithDetails: (input, next) => next(stamped(input)),
  signal: (input, next) => next(stamped(input)),
  signalWithStart: (input, next) => next(stamped(input)),
  startUpdate: (input, next) => next(stamped(input)),
  startUpdateWithStart: (input, next) => next({ ...input, workflowStartHeaders: withId(input.workflowStartHeaders), updateHeaders: withId(input.updateHeaders) }),
};

/** Activities log with the correlation id their workflow scheduled them with. */
export const correlationActivityInterceptor: ActivityInterceptorsFactory = () => {
  let id: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        id = correlationIdOf(input.headers);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (attributes, next) => next(id ? { ...attributes, correlationId: id } : attributes),
    },
  };
};
