import { randomInt, randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, individualBody, KEYS, mainlandId, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

/**
 * The admin's reports (API.md "Admin"): the audit export an auditor takes
 * away (NDJSON, a time range, no personal data) and the verification funnel.
 */
const api = http(inject('baseUrl'));
const admin = { token: KEYS.admin };
const sandbox = (path: string, body: unknown) => api.post(path, body, { token: null });
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await db.destroy();
});

async function exportLines(from: Date, to: Date): Promise<Record<string, any>[]> {
  const res = await fetch(`${inject('baseUrl')}/v1/admin/audit-events/export?from=${from.toISOString()}&to=${to.toISOString()}`, { headers: { authorization: `Bearer ${KEYS.admin}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  const text = await res.text();
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
}

async function verification(accountId: string, body: ReturnType<typeof individualBody>) {
  const res = await api.post(`/v1/accounts/${accountId}/verifications`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; nextAction: { ticket: string } };
}

const statusOf = async (id: string) => (await api.get(`/v1/verifications/${id}`)).body.status as string;

/** A public remittance in review, decided by the reviewer of that name (default: the shared reviewer key). */
async function decidedRemittance(decision: 'approve' | 'reject', reviewerName?: string) {
  const e = enterprise();
  await register(inject('baseUrl'), e);
  const inReview = await remittanceInReview(inject('baseUrl'), uniqueAccount('rpt'), e);
  const token = reviewerName ? (await api.post('/v1/admin/staff-tokens', { role: 'reviewer', name: reviewerName, ttlSeconds: 600 }, admin)).body.token : KEYS.reviewer;
  const reason = `印章不清晰 ${randomUUID()}`;
  const decided = await api.post(`/v1/reviews/${inReview.reviewId}/decision`, decision === 'reject' ? { decision, reason } : { decision }, { token });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  return { id: inReview.id as string, reviewId: inReview.reviewId as string, reason };
}

describe('audit export', () => {
  it('streams the range’s events as NDJSON, without ID numbers, names or a reviewer’s free text', async () => {
    const from = new Date(Date.now() - 1000);
    const idNumber = mainlandId();
    const realName = `欧阳${String.fromCharCode(0x4e00 + randomInt(0, 2000))}`;
    const v = await verification(uniqueAccount('rpt'), individualBody({ idNumber, realName }));
    await sandbox('/sandbox/wechat/scans', { ticket: v.nextAction.ticket, realName, idNumber, bankCardLinked: true });
    await eventually(async () => expect(await statusOf(v.id)).toBe('verified'));
    const reviewer = `审核员${randomInt(1000, 9999)}`;
    const review = await decidedRemittance('reject', reviewer);
    const to = new Date(Date.now() + 60_000);

    const lines = await eventually(async () => {
      const all = await exportLines(from, to);
      expect(all.some((l) => l.action === 'review.decided' && l.resource.id === review.reviewId)).toBe(true);
      return all;
    });
    for (const line of lines) expect(Date.parse(line.at) >= from.getTime() && Date.parse(line.at) < to.getTime()).toBe(true);
    // Oldest first.
    expect(lines.map((l) => Date.parse(l.at))).toEqual(lines.map((l) => Date.parse(l.at)).sort((a, b) => a - b));
    const ours = lines.filter((l) => l.processId === v.id);
    expect(ours.map((l) => l.action)).toEqual(expect.arrayContaining(['verification.requested', 'verification.opened', 'verification.closed']));
    const decided = lines.find((l) => l.action === 'review.decided' && l.resource.id === review.reviewId);
    expect(decided).toMatchObject({ actor: { role: 'reviewer', name: expect.stringMatching(/^staff_[0-9a-f]{16}$/) }, detail: { decision: 'rejected' } });
    const text = JSON.stringify(lines);
    for (const secret of [idNumber, realName, reviewer, review.reason]) expect(text).not.toContain(secret);
  });

  it('holds nothing outside the range', async () => {
    const before = new Date();
    const v = await verification(uniqueAccount('rpt'), individualBody());
    const lines = await exportLines(new Date(before.getTime() - 60_000), before);
    expect(lines.filter((l) => l.processId === v.id)).toEqual([]);
  });

  it('refuses a range that is missing, backwards or longer than a year, and anyone but an admin', async () => {
    const path = '/v1/admin/audit-events/export';
    for (const query of ['', '?from=2026-12-01T00:00:00Z', '?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', '?from=2025-01-01T00:00:00Z&to=2026-12-01T00:00:00Z', '?from=yesterday&to=2026-12-01T00:00:00Z']) {
      const res = await api.get(`${path}${query}`, admin);
      expect(res.status, query).toBe(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await api.get(`${path}?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z`, { token: KEYS.reviewer })).status).toBe(403);
  });
});

describe('verification funnel', () => {
  /**
   * The e2e database is shared with test files running alongside: the
   * processes this test creates are moved, as a whole (created, completed,
   * due and decided times alike), to a window years back that only this run
   * uses, so the funnel of that window is exactly theirs.
   */
  async function moveToWindow(processIds: string[], windowEnd: Date) {
    const shift = `${Date.now() - windowEnd.getTime()} milliseconds`;
    await db('verifications').whereIn('id', processIds).update({
      created_at: db.raw('created_at - ?::interval', [shift]),
      completed_at: db.raw('completed_at - ?::interval', [shift]),
    });
    await db('reviews').whereIn('process_id', processIds).update({
      created_at: db.raw('created_at - ?::interval', [shift]),
      due_at: db.raw('due_at - ?::interval', [shift]),
      decided_at: db.raw('decided_at - ?::interval', [shift]),
    });
  }

  it('counts each method’s outcomes, where the lost and open ones stand, the time to verify and the reviews’ SLA', async () => {
    const passed = await verification(uniqueAccount('rpt'), individualBody({ method: 'face' }));
    await sandbox('/sandbox/face/results', { ticket: passed.nextAction.ticket, passed: true });
    const failed = await verification(uniqueAccount('rpt'), individualBody({ method: 'face' }));
    let ticket = failed.nextAction.ticket;
    for (let i = 0; i < 3; i++) {
      await sandbox('/sandbox/face/results', { ticket, passed: false });
      if (i < 2) ticket = (await api.get(`/v1/verifications/${failed.id}`)).body.nextAction.ticket;
    }
    const cancelledAccount = uniqueAccount('rpt');
    const cancelled = await verification(cancelledAccount, individualBody({ method: 'face' }));
    const accountToken = (await api.post('/v1/admin/account-tokens', { accountId: cancelledAccount, ttlSeconds: 600 })).body.token as string;
    expect((await api.post(`/v1/verifications/${cancelled.id}/cancel`, undefined, { token: accountToken })).status).toBe(200);
    const open = await verification(uniqueAccount('rpt'), individualBody({ method: 'face' }));
    const remittance = await decidedRemittance('approve');
    await eventually(async () => {
      expect(await Promise.all([passed, failed, cancelled].map((p) => statusOf(p.id)))).toEqual(['verified', 'failed', 'cancelled']);
    });
    // Approved, the remittance goes on (the payout, then the amount): open, at its next step.
    const remittanceStep = await eventually(async () => {
      const { step } = (await api.get(`/v1/verifications/${remittance.id}`)).body as { step: string };
      expect(step).not.toBe('awaiting_review');
      return step;
    });

    const windowEnd = new Date(Date.UTC(1990 + randomInt(0, 20), 0, 1) + randomInt(0, 300) * 86_400_000);
    await moveToWindow([passed.id, failed.id, cancelled.id, open.id, remittance.id], windowEnd);
    const secondsToVerify = async (id: string) =>
      Number((await db('verifications').where({ id }).first<{ seconds: string }>(db.raw('extract(epoch from completed_at - created_at) as seconds'))).seconds);
    const seconds = await secondsToVerify(passed.id);
    const range = `from=${new Date(windowEnd.getTime() - 3_600_000).toISOString()}&to=${new Date(windowEnd.getTime() + 3_600_000).toISOString()}`;

    const all = await api.get(`/v1/admin/analytics/funnel?${range}`, admin);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.items.map((i: { method: string }) => i.method)).toEqual(['face', 'public_remittance']);
    expect(all.body.items[0]).toEqual({
      method: 'face',
      started: 4,
      verified: 1,
      failed: { FACE_MISMATCH: 1 },
      expired: 0,
      cancelled: 1,
      dropOffByStep: { awaiting_face: 2 },
      timeToVerify: { p50: seconds, p90: seconds },
    });
    expect(all.body.items[1]).toEqual({
      method: 'public_remittance',
      started: 1,
      verified: 0,
      failed: {},
      expired: 0,
      cancelled: 0,
      dropOffByStep: { [remittanceStep]: 1 },
      timeToVerify: { p50: null, p90: null },
    });
    expect(all.body.reviews).toEqual({ decided: 1, withinSla: 1 });

    const face = await api.get(`/v1/admin/analytics/funnel?${range}&method=face`, admin);
    expect(face.body.items.map((i: { method: string }) => i.method)).toEqual(['face']);
    // The review was of a public remittance.
    expect(face.body.reviews).toEqual({ decided: 0, withinSla: 0 });
  });

  it('refuses a bad range or method, and anyone but an admin', async () => {
    const range = 'from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z';
    expect((await api.get(`/v1/admin/analytics/funnel?${range}`, admin)).status).toBe(200);
    for (const query of ['', `${range}&method=carrier_pigeon`, 'from=2026-12-02T00:00:00Z&to=2026-12-02T00:00:00Z']) {
      expect((await api.get(`/v1/admin/analytics/funnel?${query}`, admin)).status, query).toBe(422);
    }
    expect((await api.get(`/v1/admin/analytics/funnel?${range}`, { token: KEYS.reviewer })).status).toBe(403);
  });
});
