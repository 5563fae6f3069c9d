import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Activities } from '../../activities';
import { enterpriseVerification } from '../../workflows';
import { awaitOpenedUpdate, providerEventSignal, snapshotQuery } from '../../workflows/messages';
import { eventually, type timeSkippingHarness } from './temporal-test-env';
import { enterpriseInput } from './workflow-inputs';

/** Workflow tests of a public remittance's review: activities that let it reach the review (review `rev-1`), overridable. */
export function remittanceActivities(overrides: Partial<Activities>): Partial<Activities> {
  return {
    openEnterpriseVerification: async () => ({ opened: true }),
    checkRegistry: async () => ({ known: true, nameMatches: true, legalPersonMatches: true }),
    issueQr: async () => ({ ticket: 'ticket-1', qrContent: 'qr', expiresAt: new Date().toISOString() }),
    revokeQr: async () => {},
    recordVerificationProgress: async () => {},
    openReview: async () => ({ reviewId: 'rev-1' }),
    recordReviewDecision: async () => {},
    recordReviewApproval: async () => {},
    revokeReview: async () => {},
    notifyEnterprise: async () => {},
    finishVerification: async (args) => args.outcome,
    completeVerification: async () => ({ status: 'verified', failureReason: null }),
    requestPayout: async () => ({ status: 'pending', bankReference: 'PO-TEST' }),
    ...overrides,
  };
}

/** Starts a public remittance and takes it through the handler's face: it then waits in review `rev-1`. */
export async function remittanceInReview(harness: ReturnType<typeof timeSkippingHarness>, taskQueue: string, input = enterpriseInput('public_remittance')): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const handle = await harness.env.client.workflow.start(enterpriseVerification, { args: [input], taskQueue, workflowId: `verification/${input.verificationId}` });
  harness.track(handle.workflowId);
  await handle.executeUpdate(awaitOpenedUpdate);
  await handle.signal(providerEventSignal, { eventId: `evt_${randomUUID()}`, provider: 'face', type: 'face.completed', ticket: 'ticket-1', passed: true, occurredAt: new Date().toISOString() });
  await eventually(async () => expect(await handle.query(snapshotQuery)).toMatchObject({ step: 'awaiting_review' }));
  return handle;
}
