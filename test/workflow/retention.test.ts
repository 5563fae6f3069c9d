import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import type { DeleteExpiredArgs } from '../../activities/retention';
import type { RetentionCategory } from '../../domain/retention';
import { retention } from '../../workflows';
import type { RetentionInput } from '../../workflows/messages';
import { timeSkippingHarness } from '../support/temporal-test-env';

/**
 * The retention workflow (SPEC §11) on the time-skipping server, its activity
 * replaced by a fake: each category it is given is deleted up to the cutoff
 * the run fixes from its own clock, the counts come back, a category that
 * reached the bound is reported unfinished, and a retried attempt deletes up
 * to the same cutoff.
 */
const harness = timeSkippingHarness();
const { withWorker, track } = harness;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Call extends DeleteExpiredArgs {
  attempt: number;
  scheduledAt: number;
}

/** The activity as a fake: answers from `answers` by category, recording each call. */
function fakes(answers: Partial<Record<RetentionCategory, { deleted: number; more: boolean }>>, failFirstAttempt = false) {
  const calls: Call[] = [];
  const activities: Pick<Activities, 'deleteExpired'> = {
    async deleteExpired(args) {
      const { attempt, currentAttemptScheduledTimestampMs } = Context.current().info;
      calls.push({ ...args, attempt, scheduledAt: currentAttemptScheduledTimestampMs });
      if (failFirstAttempt && attempt === 1) throw ApplicationFailure.retryable('the database went away', 'Error');
      return answers[args.category] ?? { deleted: 0, more: false };
    },
  };
  return { calls, activities };
}

async function run(taskQueue: string, input: RetentionInput) {
  const workflowId = `retention/test/${randomUUID()}`;
  track(workflowId);
  const handle = await harness.env.client.workflow.start(retention, { workflowId, taskQueue, args: [input] });
  const started = (await handle.describe()).startTime.getTime();
  return { result: await handle.result(), started };
}

const input = (rules: RetentionInput['rules']): RetentionInput => ({ rules, batchSize: 1000, maxBatchesPerRun: 100 });

describe('retention workflow', () => {
  it('deletes each category it is given up to its cutoff from the run’s own now, and returns the counts', async () => {
    const { calls, activities } = fakes({ idempotency: { deleted: 12, more: false }, audit: { deleted: 3, more: false } });
    await withWorker(activities, async (tq) => {
      const { result, started } = await run(tq, input([{ category: 'idempotency', keepMs: DAY }, { category: 'audit', keepMs: 1095 * DAY }]));
      expect(result).toEqual({ deleted: { idempotency: 12, audit: 3 }, unfinished: [] });
      expect(calls.map(({ category, batchSize, maxBatches }) => ({ category, batchSize, maxBatches }))).toEqual([
        { category: 'idempotency', batchSize: 1000, maxBatches: 100 },
        { category: 'audit', batchSize: 1000, maxBatches: 100 },
      ]);
      // One now for every category: the run's clock, between its start and its first activity.
      const nows = calls.map((c, i) => Date.parse(c.cutoff) + [DAY, 1095 * DAY][i]!);
      expect(nows[1]).toBe(nows[0]);
      expect(nows[0]).toBeGreaterThanOrEqual(started);
      expect(nows[0]).toBeLessThanOrEqual(calls[0]!.scheduledAt);
    });
  });

  it('reports a category that reached the bound per run as unfinished (the next run goes on)', async () => {
    const { activities } = fakes({ webhooks: { deleted: 200, more: true }, 'provider-events': { deleted: 7, more: false } });
    await withWorker(activities, async (tq) => {
      const { result } = await run(tq, { ...input([{ category: 'webhooks', keepMs: 30 * DAY }, { category: 'provider-events', keepMs: 30 * DAY }]), batchSize: 2, maxBatchesPerRun: 100 });
      expect(result).toEqual({ deleted: { webhooks: 200, 'provider-events': 7 }, unfinished: ['webhooks'] });
    });
  });

  it('a failed attempt is retried with the same cutoff', async () => {
    const { calls, activities } = fakes({ audit: { deleted: 5, more: false } }, true);
    await withWorker(activities, async (tq) => {
      const { result } = await run(tq, input([{ category: 'audit', keepMs: 1095 * DAY }]));
      expect(result).toEqual({ deleted: { audit: 5 }, unfinished: [] });
      expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
      expect(calls[1]!.cutoff).toBe(calls[0]!.cutoff);
    });
  });

  it('a category the worker does not know fails the run, where operators see it, without retries', async () => {
    let calls = 0;
    const activities: Pick<Activities, 'deleteExpired'> = {
      async deleteExpired() {
        calls += 1;
        throw ApplicationFailure.nonRetryable('no retention category photos', 'UnknownRetentionCategory');
      },
    };
    await withWorker(activities, async (tq) => {
      await expect(run(tq, input([{ category: 'photos' as RetentionCategory, keepMs: DAY }, { category: 'audit', keepMs: DAY }]))).rejects.toBeInstanceOf(WorkflowFailedError);
      expect(calls).toBe(1);
    });
  });
});
