import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';
import { eventually } from '../support/temporal-test-env';

const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const reviewer = { token: KEYS.reviewer };
let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 2 } });
});
afterAll(async () => {
  await db?.destroy();
});

/** The reviews_overdue gauge as GET /metrics reports it. */
async function overdueGauge(): Promise<number> {
  const res = await api.get('/metrics', { token: null });
  expect(res.status).toBe(200);
  const match = /^reviews_overdue (\S+)$/m.exec(res.body as string);
  expect(match, 'reviews_overdue is exported').not.toBeNull();
  return Number(match![1]);
}

/** A public remittance whose handler passed face recognition: its materials wait in review. */
async function remittanceInReviewNow() {
  const e = enterprise();
  await register(baseUrl, e);
  const v = await remittanceInReview(baseUrl, uniqueAccount('ovd'), e);
  return { verificationId: v.id as string, reviewId: v.nextAction.reviewId as string };
}

// SPEC §6: a review past its due time is flagged overdue, listed as such and counted in metrics; it is never decided automatically.
describe('overdue reviews', () => {
  it('are flagged in the review and the list, counted by reviews_overdue, and stay open for a reviewer to decide', async () => {
    const { verificationId, reviewId } = await remittanceInReviewNow();
    const fresh = (await api.get(`/v1/reviews/${reviewId}`, reviewer)).body;
    expect(fresh).toMatchObject({ id: reviewId, status: 'open', overdue: false, claimedBy: null });
    expect(fresh.businessDaysLeft).toBeGreaterThanOrEqual(1);
    expect(Date.parse(fresh.dueAt)).toBeGreaterThan(Date.now());
    const before = await overdueGauge();

    // Two business days cannot pass in a test: move the review's due time into the past instead.
    const dueAt = new Date(Date.now() - 60_000);
    expect(await db('reviews').where({ id: reviewId }).update({ due_at: dueAt })).toBe(1);

    expect((await api.get(`/v1/reviews/${reviewId}`, reviewer)).body).toMatchObject({ id: reviewId, status: 'open', dueAt: dueAt.toISOString(), overdue: true });
    expect((await api.get(`/v1/reviews/${reviewId}`, reviewer)).body.businessDaysLeft).toBeLessThanOrEqual(-1);
    const open = (await api.get('/v1/reviews?status=open&kind=public_remittance&limit=100', reviewer)).body;
    expect(open.items).toContainEqual(expect.objectContaining({ id: reviewId, status: 'open', overdue: true }));
    // The queue lists overdue reviews first, then by due time.
    const dues = (open.items as { dueAt: string; overdue: boolean }[]).map((i) => Date.parse(i.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const flags = (open.items as { overdue: boolean }[]).map((i) => i.overdue);
    expect(flags.indexOf(false) === -1 || flags.lastIndexOf(true) < flags.indexOf(false)).toBe(true);
    const overdue = await overdueGauge();
    expect(overdue).toBeGreaterThanOrEqual(1);
    expect(overdue).toBeGreaterThanOrEqual(before + 1);

    // Overdue is a flag for people: the process still waits for the reviewer.
    expect((await api.get(`/v1/verifications/${verificationId}`)).body).toMatchObject({ status: 'in_progress', step: 'awaiting_review' });
    const decided = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'approve' }, reviewer);
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body).toMatchObject({ status: 'decided', overdue: false, businessDaysLeft: null, decision: { decision: 'approve' } });
    // A decided review is no longer overdue, nor counted.
    expect(await overdueGauge()).toBeLessThanOrEqual(overdue - 1);
    await eventually(async () => expect((await api.get(`/v1/verifications/${verificationId}`)).body.step).not.toBe('awaiting_review'));
  });
});
