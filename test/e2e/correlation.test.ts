import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * One request, followed from the API into the worker (issue 10): the
 * X-Request-Id a client sends is on the API's lines and on the worker's, the
 * workflow's and its activities', beside the workflow id.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const dataDir = inject('serviceEnv').DATA_DIR!;

/** The first JSON line of a log that has the message and the correlation id. */
const lineOf = (file: string, message: string, correlationId: string) =>
  eventually(
    async () => {
      const line = readFileSync(path.join(dataDir, file), 'utf8')
        .split('\n')
        .find((l) => l.includes(`"${message}"`) && l.includes(correlationId));
      expect(line, `${file}: "${message}" with ${correlationId}`).toBeDefined();
      return JSON.parse(line!) as Record<string, unknown>;
    },
    { timeoutMs: 20_000, intervalMs: 250 },
  );

describe('correlation ids', () => {
  it('a cancel request’s id is on the API’s line and on the workflow’s closing line', async () => {
    const started = await api.post(`/v1/accounts/${uniqueAccount('corr')}/verifications`, individualBody({ idNumber: mainlandId() }));
    expect(started.status).toBe(201);
    const requestId = `corr-${randomUUID()}`;
    const cancelled = await api.post(`/v1/verifications/${started.body.id}/cancel`, undefined, { headers: { 'x-request-id': requestId } });
    expect(cancelled.headers.get('x-request-id')).toBe(requestId);
    expect(await lineOf('api.log', 'request', requestId)).toMatchObject({ correlationId: requestId, route: '/v1/verifications/:id/cancel' });
    expect(await lineOf('worker.log', 'process closed', requestId)).toMatchObject({
      correlationId: requestId,
      workflowId: `verification/${started.body.id}`,
      status: 'cancelled',
    });
  });

  it('a reviewer’s approval’s id is on the payout activity’s line', async () => {
    const e = enterprise();
    await register(baseUrl, e);
    const inReview = await remittanceInReview(baseUrl, uniqueAccount('corr'), e);
    const requestId = `corr-${randomUUID()}`;
    const decided = await api.post(`/v1/reviews/${inReview.reviewId}/decision`, { decision: 'approve' }, { token: KEYS.reviewer, headers: { 'x-request-id': requestId } });
    expect(decided.status).toBe(200);
    expect(await lineOf('worker.log', 'payout ordered', requestId)).toMatchObject({
      correlationId: requestId,
      workflowId: `verification/${inReview.id}`,
      activityType: 'requestPayout',
    });
  });
});
