/**
 * What the webhook dispatcher, the delivery workflow and the tests share
 * (API.md "Webhooks to clients"). Pure definitions, safe in the workflow sandbox.
 */
import { defineSignal } from '@temporalio/workflow';

export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDelivery';

/** One delivery workflow per endpoint and resource: a resource's events reach an endpoint one after another, in order. */
export const webhookDeliveryWorkflowId = (endpointId: string, resourceId: string) => `webhook/${endpointId}/${resourceId}`;

/** An event as an endpoint receives it: `body` is the exact JSON signed and sent on every attempt. */
export interface WebhookEvent {
  id: string;
  /** The outbox's order: a resource's events are delivered in it. */
  seq: number;
  body: string;
  /** Resent on request (POST …/replay): delivered again even when this run delivered it already. */
  replay?: boolean;
}

/** WEBHOOK_RETRY_*: a delivery not acknowledged with a 2xx is retried with exponential backoff until `giveUpAfterMs`. */
export interface WebhookRetryPolicy {
  initialMs: number;
  maxIntervalMs: number;
  giveUpAfterMs: number;
}

export interface WebhookDeliveryInput {
  endpointId: string;
  resourceId: string;
  retry: WebhookRetryPolicy;
  /**
   * The task queue the deliveries (activities) run on: the webhook worker's, an activity-only worker, so a slow
   * endpoint never takes a verification's slots. Absent in runs started before it was set: the run's own queue.
   */
  activityTaskQueue?: string;
  /** Carried over a continue-as-new: events not delivered yet, and the ids of the last ones delivered (a repeat is dropped). */
  pending?: WebhookEvent[];
  delivered?: string[];
}

export type WebhookDeliveryOutcome =
  | { outcome: 'delivered'; attempts: number; status: number }
  /** The endpoint was deleted: it receives nothing more. */
  | { outcome: 'endpoint_deleted' }
  /** The endpoint is disabled (it kept failing): its deliveries stop until it is enabled and the operator replays. */
  | { outcome: 'endpoint_disabled' };

/** The dispatcher's hand-over (signal-with-start): idempotent by event id. */
export const webhookEventSignal = defineSignal<[WebhookEvent]>('webhookEvent');

export type WebhookDeliveryWorkflow = (input: WebhookDeliveryInput) => Promise<void>;
