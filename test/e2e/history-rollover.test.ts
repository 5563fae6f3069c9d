import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { enterpriseVerification } from '../../workflows';
import { awaitOpenedUpdate, claimReviewUpdate, providerEventSignal, releaseReviewUpdate, SearchAttributes, snapshotQuery, verificationWorkflowId } from '../../workflows/messages';
import { remittanceActivities } from '../support/remittance-workflow';
import { bundleWorkflows, eventually, installQuietRuntime } from '../support/temporal-test-env';
import { enterpriseInput } from '../support/workflow-inputs';

/**
 * Bounded histories on the real dev server (issue 21): a public remittance
 * continued as new during a claim/release storm keeps the search attributes
 * operators filter by (the time-skipping server has no custom ones). The
 * workflow code is the real one; its activities are fakes on a task queue of
 * this test's own, so nothing reaches the stack's database.
 */
const BOUND = 100;
let client: Client;
let native: NativeConnection;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  const address = inject('temporalAddress');
  [client, native, bundle] = await Promise.all([
    Connection.connect({ address }).then((connection) => new Client({ connection })),
    NativeConnection.connect({ address }),
    bundleWorkflows(),
  ]);
});
afterAll(async () => {
  await client?.connection.close();
  await native?.close();
});

describe('a public remittance continued as new during a claim/release storm', () => {
  it('keeps its search attributes (account, kind, method, status, step) on the new run', async () => {
    const activities: Partial<Activities> = remittanceActivities({ recordReviewClaim: async () => {} });
    const taskQueue = `rollover-${randomUUID()}`;
    const worker = await Worker.create({ connection: native, taskQueue, workflowBundle: bundle, activities });
    const base = enterpriseInput('public_remittance', { accountId: `acct-rollover-${randomUUID()}` });
    const input = { ...base, timings: { ...base.timings, historyRolloverEvents: BOUND } };
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(enterpriseVerification, {
        args: [input],
        taskQueue,
        workflowId: verificationWorkflowId(input.verificationId),
        typedSearchAttributes: [
          { key: SearchAttributes.accountId, value: input.accountId },
          { key: SearchAttributes.processKind, value: 'verification' },
          { key: SearchAttributes.method, value: input.method },
          { key: SearchAttributes.processStatus, value: 'in_progress' },
        ],
      });
      try {
        await handle.executeUpdate(awaitOpenedUpdate);
        await handle.signal(providerEventSignal, { eventId: `evt_${randomUUID()}`, provider: 'face', type: 'face.completed', ticket: 'ticket-1', passed: true, occurredAt: new Date().toISOString() });
        await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_review' }));
        // Claims and releases until the third run: each new run's first task meets the next claim.
        const runs = new Set([(await handle.describe()).runId]);
        for (let i = 0; i < 3 * BOUND && runs.size < 3; i++) {
          await handle.executeUpdate(claimReviewUpdate, { args: [{ reviewId: 'rev-1', by: 'script', ttlMs: 60_000 }] });
          await handle.executeUpdate(releaseReviewUpdate, { args: [{ reviewId: 'rev-1', by: 'script' }] });
          runs.add((await handle.describe()).runId);
        }
        expect(runs.size).toBe(3);
        const now = await handle.describe();
        expect(now.status.name).toBe('RUNNING');
        const attributes = now.typedSearchAttributes;
        expect(attributes.get(SearchAttributes.accountId)).toBe(input.accountId);
        expect(attributes.get(SearchAttributes.processKind)).toBe('verification');
        expect(attributes.get(SearchAttributes.method)).toBe('public_remittance');
        expect(attributes.get(SearchAttributes.processStatus)).toBe('in_progress');
        expect(attributes.get(SearchAttributes.step)).toBe('awaiting_review');
        // Visibility finds the process by its account, as operators do.
        await eventually(async () => {
          const found: string[] = [];
          for await (const w of client.workflow.list({ query: `AccountId = '${input.accountId}' AND ExecutionStatus = 'Running'` })) found.push(w.runId);
          expect(found).toEqual([now.runId]);
        });
        expect(await handle.query(snapshotQuery)).toMatchObject({ status: 'in_progress', step: 'awaiting_review', nextAction: { reviewId: 'rev-1' } });
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  });
});
