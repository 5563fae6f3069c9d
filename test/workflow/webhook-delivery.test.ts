import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import { webhookDelivery } from '../../workflows';
import { webhookEventSignal, type WebhookDeliveryInput, type WebhookEvent } from '../../workflows/webhook-messages';
import { recordHistory } from '../support/record-history';
import { timeSkippingHarness } from '../support/temporal-test-env';

/**
 * The delivery workflow on the time-skipping server: a resource's events go
 * one after another; one the endpoint never acknowledges is retried with
 * backoff for the whole window (3 days, skipped in milliseconds), then given
 * up and recorded, and the next event goes; a repeated hand-over is dropped;
 * a deleted endpoint ends the run, and so does one disabled while the run was
 * retrying (its events are not given up: a replay sends them once it is enabled).
 */
const harness = timeSkippingHarness();
const { withWorker, track } = harness;

const DAY = 24 * 3600_000;
const retry = { initialMs: 10_000, maxIntervalMs: 3600_000, giveUpAfterMs: 3 * DAY };
const event = (seq: number): WebhookEvent => ({ id: `evt_${seq}_${randomUUID().slice(0, 8)}`, seq, body: JSON.stringify({ seq }) });

/** The server's (skipped) time at which this attempt was scheduled. */
const now = () => Context.current().info.currentAttemptScheduledTimestampMs;

function fakes(answer: (eventId: string) => 'ok' | 'fail' | 'deleted' | 'disabled') {
  const calls = { attempts: [] as { eventId: string; at: number }[], gaveUp: [] as { eventId: string; at: number }[] };
  const activities: Pick<Activities, 'deliverWebhook' | 'recordWebhookGaveUp'> = {
    async deliverWebhook({ eventId }) {
      calls.attempts.push({ eventId, at: now() });
      const answered = answer(eventId);
      if (answered === 'deleted') return { outcome: 'endpoint_deleted' };
      if (answered === 'disabled') return { outcome: 'endpoint_disabled' };
      if (answered === 'fail') throw ApplicationFailure.retryable('answered 500', 'WebhookNotAcknowledged');
      return { outcome: 'delivered', attempts: 1, status: 200 };
    },
    async recordWebhookGaveUp({ eventId }) {
      calls.gaveUp.push({ eventId, at: now() });
    },
  };
  return { calls, activities };
}

async function deliver(taskQueue: string, events: WebhookEvent[], extra: Partial<WebhookDeliveryInput> = {}) {
  const { client } = harness.env;
  const input: WebhookDeliveryInput = { endpointId: 'whe_test', resourceId: `ver_${randomUUID().slice(0, 12)}`, retry, ...extra };
  const workflowId = `webhook/${input.endpointId}/${input.resourceId}`;
  track(workflowId);
  for (const e of events) {
    await client.workflow.signalWithStart(webhookDelivery, { workflowId, taskQueue, args: [input], signal: webhookEventSignal, signalArgs: [e] });
  }
  return client.workflow.getHandle(workflowId);
}

describe('webhook delivery workflow', () => {
  it('retries an unacknowledged event for the whole window, gives it up and records it, then delivers the next', async () => {
    const [stuck, next] = [event(1), event(2)];
    const { calls, activities } = fakes((id) => (id === stuck.id ? 'fail' : 'ok'));
    await withWorker(activities, async (tq) => {
      const handle = await deliver(tq, [stuck, next]);
      const started = await harness.env.currentTimeMs();
      await handle.result();

      const tries = calls.attempts.filter((a) => a.eventId === stuck.id);
      // Exponential: 10 s, 20 s, 40 s … up to an hour between attempts, for three days.
      expect(tries.length).toBeGreaterThan(60);
      expect(tries.length).toBeLessThan(90);
      // (An attempt's scheduled time is when the one before it failed: the backoff shows from the second gap.)
      const gaps = tries.slice(1).map((t, i) => t.at - tries[i]!.at);
      expect(gaps[1]).toBeGreaterThanOrEqual(10_000);
      expect(gaps[2]).toBeGreaterThanOrEqual(2 * gaps[1]! - 1000);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(3600_000 + 1000);
      expect(calls.gaveUp.map((g) => g.eventId)).toEqual([stuck.id]);
      expect(calls.gaveUp[0]!.at - started).toBeGreaterThanOrEqual(3 * DAY - 3600_000);
      expect(calls.gaveUp[0]!.at - started).toBeLessThanOrEqual(3 * DAY + 60_000);
      // The next event only after the first was given up, and once.
      const nextTries = calls.attempts.filter((a) => a.eventId === next.id);
      expect(nextTries).toHaveLength(1);
      expect(nextTries[0]!.at).toBeGreaterThanOrEqual(calls.gaveUp[0]!.at);
      await recordHistory('webhook-delivery.gave-up-then-delivered', handle);
    });
  });

  it('delivers events in order, each once however often it is handed over', async () => {
    const events = [event(1), event(2), event(3)];
    const { calls, activities } = fakes(() => 'ok');
    await withWorker(activities, async (tq) => {
      const handle = await deliver(tq, [events[0]!, events[1]!, events[0]!, events[2]!, events[1]!]);
      await handle.result();
      expect(calls.attempts.map((a) => a.eventId)).toEqual(events.map((e) => e.id));
      expect(calls.gaveUp).toEqual([]);
      await recordHistory('webhook-delivery.in-order-deduplicated', handle);
    });
  });

  it("runs its deliveries on the webhook queue's activity-only worker, not on the queue of the run", async () => {
    const events = [event(1), event(2)];
    const { calls, activities } = fakes(() => 'ok');
    const activityTaskQueue = `webhooks-${randomUUID()}`;
    // The run's own worker has no webhook activities: a delivery scheduled there would never be done.
    await withWorker({}, async (tq) => {
      const deliveries = await Worker.create({ connection: harness.env.nativeConnection, taskQueue: activityTaskQueue, activities });
      await deliveries.runUntil(async () => {
        const handle = await deliver(tq, events, { activityTaskQueue });
        await handle.result();
      });
      expect(calls.attempts.map((a) => a.eventId)).toEqual(events.map((e) => e.id));
    });
  });

  it('stops at once when the endpoint was deleted', async () => {
    const events = [event(1), event(2)];
    const { calls, activities } = fakes(() => 'deleted');
    await withWorker(activities, async (tq) => {
      const handle = await deliver(tq, events);
      await handle.result();
      expect(calls.attempts.map((a) => a.eventId)).toEqual([events[0]!.id]);
    });
  });

  it('stops when the endpoint is disabled while an event is retried: nothing given up, the next event not tried', async () => {
    const events = [event(1), event(2)];
    let tries = 0;
    // Two unacknowledged attempts, then the activity finds the endpoint disabled (WEBHOOK_DISABLE_AFTER reached).
    const { calls, activities } = fakes(() => (++tries <= 2 ? 'fail' : 'disabled'));
    await withWorker(activities, async (tq) => {
      const handle = await deliver(tq, events);
      await handle.result();
      expect(calls.attempts.map((a) => a.eventId)).toEqual([events[0]!.id, events[0]!.id, events[0]!.id]);
      expect(calls.gaveUp).toEqual([]);
    });
  });
});
