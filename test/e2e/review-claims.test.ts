import { describe, expect, inject, it } from 'vitest';
import { enterprise, register, remittanceInReview } from '../support/enterprise';
import { http, KEYS, uniqueAccount } from '../support/http';

/**
 * Claims and the decision record (issue 11, API.md "Reviews"): one reviewer at
 * a time works a case; every claim, release and decision names its reviewer.
 */
const baseUrl = inject('baseUrl');
const api = http(baseUrl);

async function staff(name: string) {
  const res = await api.post('/v1/admin/staff-tokens', { role: 'reviewer', name, ttlSeconds: 600 }, { token: KEYS.admin });
  expect(res.status).toBe(201);
  return { token: res.body.token as string };
}

async function openReview() {
  const e = enterprise();
  await register(baseUrl, e);
  const inReview = await remittanceInReview(baseUrl, uniqueAccount('claims'), e);
  return inReview.reviewId as string;
}

describe('review claims', () => {
  it('one reviewer holds a case: others are refused REVIEW_CLAIMED until it is released; every step is named in the history', async () => {
    const [wang, li] = await Promise.all([staff('王芳'), staff('li.lei')]);
    const reviewId = await openReview();

    const claimed = await api.post(`/v1/reviews/${reviewId}/claim`, undefined, wang);
    expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
    expect(claimed.body.claimedBy).toMatchObject({ name: '王芳', until: expect.any(String) });
    expect(Date.parse(claimed.body.claimedBy.until) - Date.now()).toBeGreaterThan(29 * 60_000);
    const queue = (await api.get('/v1/reviews?status=open&kind=public_remittance&limit=100', li)).body.items;
    expect(queue).toContainEqual(expect.objectContaining({ id: reviewId, claimedBy: expect.objectContaining({ name: '王芳' }) }));

    for (const attempt of [
      api.post(`/v1/reviews/${reviewId}/claim`, undefined, li),
      api.post(`/v1/reviews/${reviewId}/release`, undefined, li),
      api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'approve' }, li),
    ]) {
      const refused = await attempt;
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'REVIEW_CLAIMED', claimedBy: { name: '王芳' } });
    }
    expect((await api.get(`/v1/reviews/${reviewId}`, li)).body).toMatchObject({ status: 'open', decision: null });

    expect((await api.post(`/v1/reviews/${reviewId}/release`, undefined, wang)).body.claimedBy).toBeNull();
    const decided = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'reject', reason: '营业执照模糊 licence blurred' }, li);
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'decided', claimedBy: null, decision: { decision: 'reject', reason: '营业执照模糊 licence blurred', by: { name: 'li.lei' } } });
    expect(decided.body.history.map((h: { action: string; by?: { name: string } }) => `${h.action}${h.by ? `:${h.by.name}` : ''}`)).toEqual([
      'opened',
      'claimed:王芳',
      'released:王芳',
      'decided:li.lei',
    ]);
    expect((await api.post(`/v1/reviews/${reviewId}/claim`, undefined, wang)).body.code).toBe('REVIEW_NOT_OPEN');

    const audit = (await api.get(`/v1/admin/audit-events?processId=${decided.body.processId}&limit=100`, { token: KEYS.admin })).body.items as { action: string; actor: { name: string } }[];
    expect(audit.filter((e) => e.action === 'review.claimed').map((e) => e.actor.name)).toEqual(['王芳']);
    expect(audit.find((e) => e.action === 'review.decided')?.actor.name).toBe('li.lei');
  });

  it('the holder decides without releasing; the shared reviewer key acts as the reviewer named reviewer', async () => {
    const reviewId = await openReview();
    const shared = { token: KEYS.reviewer };
    expect((await api.post(`/v1/reviews/${reviewId}/claim`, undefined, shared)).body.claimedBy).toMatchObject({ name: 'reviewer' });
    const approved = await api.post(`/v1/reviews/${reviewId}/decision`, { decision: 'approve' }, shared);
    expect(approved.body).toMatchObject({ status: 'decided', decision: { decision: 'approve', by: { name: 'reviewer' } } });
    for (const token of [KEYS.service, null]) expect((await api.post(`/v1/reviews/${reviewId}/claim`, undefined, { token })).status).toBe(token ? 403 : 401);
  });
});
