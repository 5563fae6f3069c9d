import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import { ACCOUNT_CLOSURE_WORKFLOW, awaitClosureOpenedUpdate, closureWorkflowId, type ClosureOpened, type ClosureOutcome } from '../../workflows/closure-messages';
import { recordHistory } from '../support/record-history';
import { timeSkippingHarness } from '../support/temporal-test-env';

/**
 * The closure workflow's orchestration with fake activities: the steps in
 * order, each once (a failed step is retried alone, the ones before it are not
 * run again), and a refusal at open that erases nothing.
 */
const harness = timeSkippingHarness();
const { withWorker, track } = harness;

type ClosureActivities = Pick<Activities, 'openClosure' | 'eraseClosedAccountKeys' | 'deleteClosedAccountUploads' | 'eraseClosedAccountRecords' | 'completeClosure'>;

function fakes(open: ClosureOpened, failRecordsOnce = false) {
  const calls: string[] = [];
  let failed = false;
  const activities: ClosureActivities = {
    async openClosure() {
      calls.push('open');
      return open;
    },
    async eraseClosedAccountKeys() {
      calls.push('keys');
      return { keys: 2 };
    },
    async deleteClosedAccountUploads() {
      calls.push('files');
      return { files: 1 };
    },
    async eraseClosedAccountRecords() {
      calls.push('records');
      if (failRecordsOnce && !failed) {
        failed = true;
        throw ApplicationFailure.retryable('the database went away', 'ConnectionError');
      }
      return { verifications: 1 };
    },
    async completeClosure() {
      calls.push('complete');
    },
  };
  return { calls, activities };
}

async function close(taskQueue: string, accountId: string, record?: string) {
  const workflowId = closureWorkflowId(accountId);
  track(workflowId);
  const start = new WithStartWorkflowOperation(ACCOUNT_CLOSURE_WORKFLOW, {
    workflowId,
    taskQueue,
    args: [{ closureId: `clo_${randomUUID().replace(/-/g, '')}`, accountId, reason: 'test' }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const opened = await harness.env.client.workflow.executeUpdateWithStart(awaitClosureOpenedUpdate, { startWorkflowOperation: start });
  const handle = harness.env.client.workflow.getHandle(workflowId);
  const outcome = (await handle.result()) as ClosureOutcome;
  if (record) await recordHistory(record, handle);
  return { opened, outcome };
}

describe('account closure workflow', () => {
  it('opens, destroys the keys, deletes the files, wipes the rows and completes, in that order, once each', async () => {
    const { calls, activities } = fakes({ opened: true, closureId: 'clo_existing123' });
    await withWorker(activities, async (tq) => {
      const { opened, outcome } = await close(tq, `acct-${randomUUID()}`, 'account-closure.completed');
      expect(opened).toEqual({ opened: true, closureId: 'clo_existing123' });
      expect(outcome).toEqual({ status: 'completed', closureId: 'clo_existing123' });
    });
    expect(calls).toEqual(['open', 'keys', 'files', 'records', 'complete']);
  });

  it('retries a failed step alone: nothing before it runs twice', async () => {
    const { calls, activities } = fakes({ opened: true, closureId: 'clo_retried1234' }, true);
    await withWorker(activities, async (tq) => {
      expect((await close(tq, `acct-${randomUUID()}`)).outcome.status).toBe('completed');
    });
    expect(calls).toEqual(['open', 'keys', 'files', 'records', 'records', 'complete']);
  });

  it.each(['PROCESS_ALREADY_OPEN', 'MONEY_UNSETTLED'] as const)('refused at open (%s): answers the refusal and erases nothing', async (code) => {
    const { calls, activities } = fakes({ opened: false, code });
    await withWorker(activities, async (tq) => {
      const { opened, outcome } = await close(tq, `acct-${randomUUID()}`, code === 'MONEY_UNSETTLED' ? 'account-closure.refused' : undefined);
      expect(opened).toEqual({ opened: false, code });
      expect(outcome).toEqual({ status: 'rejected', code });
    });
    expect(calls).toEqual(['open']);
  });
});
