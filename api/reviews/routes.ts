import { z } from 'zod';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { ReviewDetail, ReviewSummary } from '../../contracts/review';
import { emptyAsAbsent, ListQuery, page } from '../http/schemas';
import { nonBlankText, text } from '../http/text';
import type { ReviewService } from './service';

/** A rejection carries a reason the applicant can act on; an approval may carry a note. */
const ReviewDecisionBody = z
  .discriminatedUnion('decision', [
    z.object({ decision: z.literal('approve'), reason: text(500).optional() }),
    z.object({ decision: z.literal('reject'), reason: nonBlankText(500, 'required to reject: what the applicant should correct') }),
  ])
  .meta({ id: 'ReviewDecision' });

const ReviewParams = z.object({ id: z.string().regex(/^rev_[A-Za-z0-9]{8,64}$/, 'a review id looks like rev_…') });

export function reviewRoutes(deps: RouteDeps, reviews: ReviewService): void {
  defineRoute(deps, {
    method: 'get',
    path: '/v1/reviews',
    summary: 'Review tasks, newest first',
    tags: ['reviews'],
    auth: ['reviewer', 'admin'],
    query: ListQuery.extend({
      status: emptyAsAbsent(z.enum(['open', 'decided'])),
      kind: emptyAsAbsent(z.enum(['public_remittance', 'enterprise_entity_change', 'enterprise_name_change'])),
    }),
    responses: { 200: { description: 'A page of reviews', schema: page(ReviewSummary, 'ReviewPage') } },
    handler: async ({ query }) => ({ status: 200, body: await reviews.list({ status: query.status, kind: query.kind }, query.limit, query.cursor) }),
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/reviews/{id}',
    summary: 'A review with the applicant data and the uploaded materials',
    tags: ['reviews'],
    auth: ['reviewer', 'admin'],
    params: ReviewParams,
    responses: { 200: { description: 'The review', schema: ReviewDetail } },
    handler: async ({ principal, params }) => ({ status: 200, body: await reviews.get(principal, params.id) }),
  });

  for (const [action, summary] of [
    ['claim', 'Take the review: no one else may decide or release it until the claim lapses (REVIEW_CLAIM_TTL) or is released'],
    ['release', 'Let the review go'],
  ] as const) {
    defineRoute(deps, {
      method: 'post',
      path: `/v1/reviews/{id}/${action}`,
      audit: { action: `review.${action}_requested` },
      summary,
      tags: ['reviews'],
      auth: ['reviewer', 'admin'],
      params: ReviewParams,
      idempotent: true,
      responses: {
        200: { description: action === 'claim' ? 'The review, claimedBy set' : 'The review, unclaimed', schema: ReviewDetail },
        409: { description: 'REVIEW_CLAIMED: another reviewer holds it (claimedBy names them); REVIEW_NOT_OPEN: decided or closed' },
      },
      handler: async ({ principal, params, seed }) => ({ status: 200, body: await reviews[action](principal, params.id, seed) }),
    });
  }

  defineRoute(deps, {
    method: 'post',
    path: '/v1/reviews/{id}/decision',
    audit: { action: 'review.decision_submitted' },
    summary: 'Approve, or reject with a reason',
    description:
      'A review that is no longer open (revoked, expired, decided) answers 409 REVIEW_NOT_OPEN. The answer comes once the process shows the outcome: after an approval the verification is in awaiting_payout, after a rejection it carries the rejection.',
    tags: ['reviews'],
    auth: ['reviewer', 'admin'],
    params: ReviewParams,
    body: ReviewDecisionBody,
    idempotent: true,
    responses: {
      200: { description: 'The review, decided', schema: ReviewDetail },
      409: { description: 'REVIEW_NOT_OPEN: revoked, expired or decided; REVIEW_CLAIMED: another reviewer holds the claim' },
    },
    handler: async ({ principal, params, body, seed }) => ({ status: 200, body: await reviews.decide(principal, params.id, body, seed) }),
  });
}
