// `npx tsx clients/typescript/examples/review.ts` with `npm start` running: the README's typed reviewer round.
import { createClient } from '../src/index.js';

// A reviewer's own staff token (or the shared dev-reviewer-key, acting as `reviewer`).
const reviews = createClient({ baseUrl: 'http://127.0.0.1:3000', token: 'dev-reviewer-key' });

// 1. The open queue, overdue first; take the first public remittance.
const queue = await reviews.GET('/v1/reviews', { params: { query: { status: 'open', kind: 'public_remittance' } } });
const next = queue.data?.items[0];
if (!next) throw new Error('nothing to review');

// 2. Claim it: nobody else decides it while the claim lasts (409 REVIEW_CLAIMED names who holds it).
const claimed = await reviews.POST('/v1/reviews/{id}/claim', { params: { path: { id: next.id } } });
if (!claimed.data) throw new Error(`${claimed.error.code}: ${claimed.error.detail}`);

// 3. Decide: the decision is a union, and a rejection must carry its reason.
const decided = await reviews.POST('/v1/reviews/{id}/decision', { params: { path: { id: next.id } }, body: { decision: 'approve' } });
console.log(decided.data?.status ?? decided.error?.code);
