import { randomUUID } from 'node:crypto';
import { Client, type ConnectionLike } from '@temporalio/client';
import { webhookEventBody, type WebhookRenderDeps } from './payloads';
import type { Config } from '../platform/config';
import type { PiiCipher } from '../platform/crypto';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import { dataConverter } from '../platform/temporal';
import { liveEndpoints } from '../store/webhook-endpoints';
import { deleteReplays, queuedReplays } from '../store/webhook-event-log';
import { holdLease, markDispatched, markUnaddressed, releaseLease, undispatchedEvents, type WebhookEventRow } from '../store/webhook-events';
import { SearchAttributes } from '../workflows/messages';
import {
  WEBHOOK_DELIVERY_WORKFLOW,
  webhookDeliveryWorkflowId,
  webhookEventSignal,
  type WebhookDeliveryWorkflow,
  type WebhookEvent,
  type WebhookRetryPolicy,
} from '../workflows/webhook-messages';

/**
 * Hands the outbox's events (store/webhook-events.ts) to the delivery
 * workflows: for each event, in outbox order, signal-with-start the workflow
 * of every endpoint and that event's resource, then mark the event
 * dispatched. A crash in between hands it over again, and the workflow drops
 * the repeat by its id. One dispatcher at a time holds the lease, so two never
 * race a resource's events past each other; the others take over when it lapses.
 * It runs in the worker process, beside (never inside) the verifications:
 * a slow or failing endpoint costs them nothing.
 */

const LEASE_NAME = 'webhook-dispatcher';
const LEASE_MS = 10_000;
const BATCH = 100;

export interface WebhookDispatcherDeps {
  db: Db;
  /** The worker's connection (a client is made over it). */
  connection: ConnectionLike;
  namespace: string;
  codecKey: Buffer;
  /** The delivery workflows run on the processes' task queue; their deliveries on the webhook queue. */
  taskQueue: string;
  webhooks: { taskQueue: string; retry: WebhookRetryPolicy };
  render: WebhookRenderDeps;
  logger: Logger;
  pollMs?: number;
}

interface Endpoint {
  id: string;
  created_at: Date;
}

export class WebhookDispatcher {
  private readonly holder = randomUUID();
  private readonly client: Client;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private leaseRenewedAt = 0;
  private failing = false;

  constructor(private readonly deps: WebhookDispatcherDeps) {
    this.client = new Client({ connection: deps.connection, namespace: deps.namespace, dataConverter: dataConverter(deps.codecKey) });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.deps.pollMs ?? 500);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    // Let another dispatcher take over at once.
    await releaseLease(this.deps.db, { name: LEASE_NAME, holder: this.holder }).catch(() => undefined);
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.drain()
      .then(() => {
        if (this.failing) this.deps.logger.info('webhook dispatch resumed');
        this.failing = false;
      })
      .catch((err: unknown) => {
        // Logged once per outage (the database or Temporal away); the next tick tries again.
        if (!this.failing) this.deps.logger.warn({ err }, 'webhook dispatch round failed; retrying');
        this.failing = true;
      })
      .finally(() => (this.running = undefined));
  }

  /** Rounds until the outbox has no full batch left. (Dispatched events are deleted by retention's schedule, SPEC §11.) */
  async drain(): Promise<void> {
    while ((await this.round()) === BATCH);
    while ((await this.replayRound()) === BATCH);
  }

  /** Takes or renews the lease (by the database's clock); false: another dispatcher holds it. */
  private async holdLease(): Promise<boolean> {
    const held = await holdLease(this.deps.db, { name: LEASE_NAME, holder: this.holder, ms: LEASE_MS });
    if (held) this.leaseRenewedAt = Date.now();
    return held;
  }

  /** One batch, in outbox order; returns how many events it took. */
  private async round(): Promise<number> {
    const { db } = this.deps;
    if (!(await this.holdLease())) return 0;
    const events = await undispatchedEvents(db, BATCH);
    if (events.length === 0) return 0;
    const endpoints: Endpoint[] = await liveEndpoints(db);
    // An endpoint receives the changes made after it was registered.
    const targetsOf = (event: WebhookEventRow) => endpoints.filter((e) => new Date(e.created_at).getTime() <= new Date(event.created_at).getTime());
    const unaddressed = events.filter((e) => targetsOf(e).length === 0).map((e) => e.seq);
    if (unaddressed.length > 0) await markUnaddressed(db, unaddressed);
    for (const event of events) {
      const targets = targetsOf(event);
      if (targets.length === 0) continue;
      // A round longer than the lease renews it on the way, or stops if another dispatcher took over.
      if (Date.now() - this.leaseRenewedAt > LEASE_MS / 3 && !(await this.holdLease())) return 0;
      await this.handOver(event, targets);
      await markDispatched(db, event.seq);
    }
    return events.length;
  }

  /** One batch of replays (POST …/replay), in the order queued: each event to its one endpoint again, marked a replay. */
  private async replayRound(): Promise<number> {
    const { db } = this.deps;
    if (!(await this.holdLease())) return 0;
    const queued = await queuedReplays(db, BATCH);
    for (const replay of queued) {
      // None: retention deleted the event after it was queued.
      if (!replay.id) continue;
      const event = replay as WebhookEventRow;
      const body = this.render(event);
      if (body !== undefined) await this.signal(replay.endpoint_id, event, { id: event.id, seq: Number(event.seq), body, replay: true });
    }
    await deleteReplays(db, queued.map((r) => r.replay_seq));
    return queued.length;
  }

  /** The body every endpoint receives; undefined (logged) for a snapshot this code cannot render. */
  private render(event: WebhookEventRow): string | undefined {
    try {
      return webhookEventBody(event, this.deps.render);
    } catch (err) {
      // A snapshot this code cannot render must not hold up every later event.
      this.deps.logger.error({ err, eventId: event.id }, 'webhook event cannot be rendered; skipped');
      return undefined;
    }
  }

  private async handOver(event: WebhookEventRow, endpoints: Endpoint[]): Promise<void> {
    const body = this.render(event);
    if (body === undefined) return;
    const signalled: WebhookEvent = { id: event.id, seq: Number(event.seq), body };
    await Promise.all(endpoints.map((endpoint) => this.signal(endpoint.id, event, signalled)));
  }

  private signal(endpointId: string, event: WebhookEventRow, signalled: WebhookEvent) {
    const { taskQueue: deliveryQueue, retry } = this.deps.webhooks;
    return this.client.workflow.signalWithStart<WebhookDeliveryWorkflow, [WebhookEvent]>(WEBHOOK_DELIVERY_WORKFLOW, {
      workflowId: webhookDeliveryWorkflowId(endpointId, event.resource_id),
      taskQueue: this.deps.taskQueue,
      args: [{ endpointId, resourceId: event.resource_id, retry, activityTaskQueue: deliveryQueue }],
      signal: webhookEventSignal,
      signalArgs: [signalled],
      typedSearchAttributes: [
        { key: SearchAttributes.processKind, value: 'webhook' },
        ...(event.account_id ? [{ key: SearchAttributes.accountId, value: event.account_id }] : []),
      ],
    });
  }
}

/** Starts the dispatcher of a worker process; returns its stop. */
export function startWebhookDispatcher(deps: { db: Db; cipher: PiiCipher; connection: ConnectionLike; config: Config; logger: Logger }): () => Promise<void> {
  const { config } = deps;
  const dispatcher = new WebhookDispatcher({
    db: deps.db,
    connection: deps.connection,
    namespace: config.temporal.namespace,
    codecKey: config.secrets.temporalCodecKey,
    taskQueue: config.temporal.taskQueue,
    webhooks: config.webhooks,
    render: { calendar: config.calendar, publicBaseUrl: config.publicBaseUrl, twoPersonKinds: config.reviews.twoPersonKinds },
    logger: deps.logger.child({ component: 'webhooks' }),
  });
  dispatcher.start();
  return () => dispatcher.stop();
}
