import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * The audit log (API.md "Admin"): every state change and decision, who made
 * it, when, from which request; readable by admins only, and free of personal
 * data.
 */
const api = http(inject('baseUrl'));
const admin = { token: KEYS.admin };

interface AuditEvent {
  id: string;
  at: string;
  actor: { role: string; name: string };
  action: string;
  resource: { kind: string; id: string };
  accountId: string | null;
  processId: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
}

async function eventsOf(filter: string): Promise<AuditEvent[]> {
  const res = await api.get<{ items: AuditEvent[]; nextCursor: string | null }>(`/v1/admin/audit-events?${filter}&limit=100`, admin);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // Newest first; the story reads oldest first.
  return [...res.body.items].reverse();
}

describe('audit log', () => {
  it('records a verification from the request that started it to its close, each event with its actor and request', async () => {
    const accountId = uniqueAccount('audit');
    const idNumber = mainlandId();
    const requestId = `req-${randomUUID()}`;
    const body = individualBody({ idNumber });
    const key = { 'idempotency-key': randomUUID() };
    const started = await api.post(`/v1/accounts/${accountId}/verifications`, body, { headers: { 'x-request-id': requestId, ...key } });
    expect(started.status).toBe(201);
    // A replay answers what the first request did and records nothing again.
    expect((await api.post(`/v1/accounts/${accountId}/verifications`, body, { headers: key })).headers.get('idempotent-replayed')).toBe('true');
    const id = started.body.id as string;
    await api.post('/sandbox/wechat/scans', { ticket: started.body.nextAction.ticket, realName: '张三', idNumber, bankCardLinked: true }, { token: null });

    const events = await eventually(async () => {
      const all = await eventsOf(`processId=${id}`);
      expect(all.map((e) => e.action)).toContain('verification.closed');
      return all;
    });
    const actions = events.map((e) => e.action);
    // The request is recorded once it was accepted: after the process opened, which the create waits for.
    expect(actions).toEqual(expect.arrayContaining(['verification.requested', 'verification.opened', 'verification.step', 'verification.closed']));
    expect(actions.indexOf('verification.opened')).toBeLessThan(actions.indexOf('verification.closed'));
    expect(events.find((e) => e.action === 'verification.requested')).toMatchObject({ actor: { role: 'service', name: 'service' }, resource: { kind: 'verification', id }, accountId, processId: id, requestId });
    expect(actions.filter((a) => a === 'verification.requested')).toHaveLength(1);
    const closed = events.find((e) => e.action === 'verification.closed')!;
    expect(closed).toMatchObject({ actor: { role: 'workflow', name: `verification/${id}` }, detail: { status: 'verified', failureReason: null }, requestId: null });
    // Each step entered once, however often its activity ran.
    const steps = events.filter((e) => e.action === 'verification.step').map((e) => e.detail.step);
    expect(new Set(steps).size).toBe(steps.length);
    // The account's own filter sees the same events; nothing personal is in any of them.
    expect((await eventsOf(`accountId=${accountId}`)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(JSON.stringify(events)).not.toContain(idNumber);
  });

  it('records the applicant’s cancel and who decided a review', async () => {
    const cancelled = uniqueAccount('audit');
    const started = await api.post(`/v1/accounts/${cancelled}/verifications`, individualBody());
    const token = (await api.post('/v1/admin/account-tokens', { accountId: cancelled, ttlSeconds: 600 })).body.token as string;
    expect((await api.post(`/v1/verifications/${started.body.id}/cancel`, undefined, { token })).status).toBe(200);
    const cancelEvents = await eventually(async () => {
      const all = await eventsOf(`accountId=${cancelled}`);
      expect(all.map((e) => e.action)).toContain('verification.closed');
      return all;
    });
    expect(cancelEvents.find((e) => e.action === 'verification.cancel_requested')).toMatchObject({ actor: { role: 'account', name: cancelled } });
    expect(cancelEvents.find((e) => e.action === 'account_token.minted')).toMatchObject({ actor: { role: 'service' }, resource: { kind: 'account', id: cancelled } });
    expect(cancelEvents.find((e) => e.action === 'verification.closed')!.detail).toMatchObject({ status: 'cancelled' });

    const accountId = uniqueAccount('audit');
    const e = enterprise();
    await register(inject('baseUrl'), e);
    const inReview = await remittanceInReview(inject('baseUrl'), accountId, e);
    const reviewId = inReview.reviewId as string;
    const reason = `营业执照不清晰 ${randomUUID()}`;
    const rejected = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'reject', reason }, { token: KEYS.reviewer });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const reviewEvents = await eventually(async () => {
      const all = (await eventsOf(`processId=${inReview.id}`)).filter((ev) => ev.resource.kind === 'review');
      expect(all.map((ev) => ev.action).sort()).toEqual(['review.decided', 'review.decision_submitted', 'review.opened']);
      return all;
    });
    const byAction = (action: string) => reviewEvents.find((ev) => ev.action === action);
    expect(byAction('review.opened')).toMatchObject({ actor: { role: 'workflow', name: `verification/${inReview.id}` }, accountId });
    expect(byAction('review.decision_submitted')).toMatchObject({ actor: { role: 'reviewer', name: 'reviewer' }, resource: { id: reviewId }, requestId: rejected.headers.get('x-request-id') });
    expect(byAction('review.decided')).toMatchObject({ actor: { role: 'reviewer' }, detail: { decision: 'rejected' } });
    // The reviewer's free text stays on the review.
    expect(JSON.stringify(reviewEvents)).not.toContain(reason);
  });

  it('pages newest first, and is for admins only', async () => {
    const accountId = uniqueAccount('audit');
    for (let i = 0; i < 3; i++) await api.post('/v1/admin/account-tokens', { accountId, ttlSeconds: 60 });
    const first = await api.get(`/v1/admin/audit-events?accountId=${accountId}&limit=2`, admin);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(`/v1/admin/audit-events?accountId=${accountId}&limit=2&cursor=${first.body.nextCursor}`, admin);
    expect(second.body).toMatchObject({ items: [expect.anything()], nextCursor: null });
    const ids = [...first.body.items, ...second.body.items].map((e: AuditEvent) => e.id);
    expect(new Set(ids).size).toBe(3);
    expect(Date.parse(first.body.items[0].at)).toBeGreaterThanOrEqual(Date.parse(second.body.items[0].at));

    expect((await api.get('/v1/admin/audit-events?cursor=not-a-cursor', admin)).status).toBe(422);
    for (const token of [KEYS.service, KEYS.reviewer]) expect((await api.get('/v1/admin/audit-events', { token })).status).toBe(403);
    expect((await api.get('/v1/admin/audit-events', { token: null })).status).toBe(401);
  });
});
