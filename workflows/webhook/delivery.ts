import { ActivityFailure, condition, continueAsNew, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { webhookEventSignal, type WebhookDeliveryInput, type WebhookDeliveryWorkflow, type WebhookEvent, type WebhookRetryPolicy } from '../webhook-messages';

/**
 * Delivers one resource's events to one endpoint, in order (API.md "Webhooks
 * to clients"): each event is POSTed until the endpoint acknowledges it with a
 * 2xx, retried with exponential backoff for the retry window, then given up and
 * recorded; only then does the next event go. Started (and fed) by the
 * dispatcher with signal-with-start; it ends once nothing has come for a while,
 * and the next event starts it again.
 */

/** How long a run waits for more events before it ends. */
const IDLE = '1 minute';
/** Runs start afresh (continue-as-new) after this many events, so a long-lived resource keeps a short history. */
const EVENTS_PER_RUN = 100;
/** Delivered ids kept to drop a repeated hand-over (the dispatcher may hand an event over twice after a crash). */
const REMEMBERED = 50;

/** The patch under which a disabled endpoint's run ends (API.md: its pending retries stop). */
export const DISABLED_ENDPOINT_STOPS = 'webhook-disabled-endpoint-stops';

/** Bookkeeping: retried until the database answers. */
const records = (taskQueue: string | undefined) =>
  proxyActivities<Pick<Activities, 'recordWebhookGaveUp'>>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

/** One attempt is one POST answered within 10 s; the retries span the whole window. */
const deliveries = (retry: WebhookRetryPolicy, taskQueue: string | undefined) =>
  proxyActivities<Pick<Activities, 'deliverWebhook'>>({
    taskQueue,
    startToCloseTimeout: '10 seconds',
    scheduleToCloseTimeout: retry.giveUpAfterMs,
    retry: { initialInterval: retry.initialMs, backoffCoefficient: 2, maximumInterval: retry.maxIntervalMs },
  });

/** The events not delivered yet, in outbox order, each once. */
class PendingEvents {
  private readonly events: WebhookEvent[];
  private readonly delivered: string[];

  constructor(input: WebhookDeliveryInput) {
    this.events = [...(input.pending ?? [])];
    this.delivered = [...(input.delivered ?? [])];
  }

  add(event: WebhookEvent): void {
    // A replay is sent again even if this run delivered it; one already waiting here goes once.
    if ((!event.replay && this.delivered.includes(event.id)) || this.events.some((e) => e.id === event.id)) return;
    this.events.push(event);
    this.events.sort((a, b) => a.seq - b.seq);
  }

  get empty(): boolean {
    return this.events.length === 0;
  }

  /** The next event; it counts as handled (delivered or given up) once `done` is called. */
  peek(): WebhookEvent {
    return this.events[0]!;
  }

  done(event: WebhookEvent): void {
    this.events.splice(this.events.indexOf(event), 1);
    this.delivered.push(event.id);
    if (this.delivered.length > REMEMBERED) this.delivered.shift();
  }

  carryOver(): Pick<WebhookDeliveryInput, 'pending' | 'delivered'> {
    return { pending: [...this.events], delivered: [...this.delivered] };
  }
}

export const webhookDelivery: WebhookDeliveryWorkflow = async (input) => {
  const pending = new PendingEvents(input);
  setHandler(webhookEventSignal, (event) => pending.add(event));
  const { deliverWebhook } = deliveries(input.retry, input.activityTaskQueue);
  const { recordWebhookGaveUp } = records(input.activityTaskQueue);

  for (let handled = 0; ; handled++) {
    if (pending.empty) {
      await condition(() => !pending.empty, IDLE);
      // Asked again rather than trusting the wait's answer: an event that came with the idle timer's firing counts.
      if (pending.empty) return;
    }
    if (handled >= EVENTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<WebhookDeliveryWorkflow>({ ...input, ...pending.carryOver() });
    }
    const event = pending.peek();
    try {
      const result = await deliverWebhook({ endpointId: input.endpointId, eventId: event.id, body: event.body });
      if (result.outcome === 'endpoint_deleted') return;
      // Disabled: what is pending stops here (the operator replays it once the endpoint is back on). Runs that
      // went past such an answer before this code moved on to the next event, and still do.
      if (result.outcome === 'endpoint_disabled' && patched(DISABLED_ENDPOINT_STOPS)) return;
    } catch (err) {
      // Not acknowledged within the retry window: the event is given up, the next one goes.
      log.warn('webhook event given up', { endpointId: input.endpointId, eventId: event.id });
      const error = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
      await recordWebhookGaveUp({ endpointId: input.endpointId, eventId: event.id, error });
    }
    pending.done(event);
  }
};
