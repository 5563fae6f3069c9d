import type { Client } from '@temporalio/client';
import { appError } from '../../domain/errors';
import { decideReviewUpdate } from '../../workflows/messages';
import type { PiiCipher } from '../../platform/crypto';
import type { ReviewRow } from '../../platform/tables';
import type { Principal } from '../auth';
import type { ReadModel } from '../read-model';
import { reviewSummaryView, reviewView } from '../views';
import { translateTemporalError } from './temporal-errors';
import { withinDeadline } from './process-start';

/**
 * Human review (SPEC §6). Reviews are opened by workflows; a decision goes to
 * the workflow waiting on it (an Update), which records it. Overdue reviews are
 * flagged, never decided automatically.
 */
export function buildReviewService(deps: { readModel: ReadModel; client: Client; cipher: PiiCipher; publicBaseUrl: string; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  const summary = (row: ReviewRow) => reviewSummaryView(row, now());
  const detail = (row: ReviewRow, principal: Principal) =>
    reviewView(row, { revealPii: principal.role === 'admin', cipher: deps.cipher, publicBaseUrl: deps.publicBaseUrl, now: now() });

  async function load(id: string) {
    const row = await deps.readModel.review(id);
    if (!row) throw appError('NOT_FOUND', 'No such review.');
    return row;
  }

  return {
    async list(filter: { status?: 'open' | 'decided' | undefined; kind?: string | undefined }, limit: number, cursor?: string) {
      const page = await deps.readModel.reviews(filter, limit, cursor);
      return { items: page.items.map(summary), nextCursor: page.nextCursor };
    },

    async get(principal: Principal, id: string) {
      return detail(await load(id), principal);
    },

    async decide(principal: Principal, id: string, body: { decision: 'approve' | 'reject'; reason?: string | undefined }) {
      const reason = body.reason?.trim() || null;
      if (body.decision === 'reject' && !reason) {
        throw appError('VALIDATION_FAILED', 'A rejection needs a reason the applicant can act on.', { errors: [{ path: 'reason', message: 'required to reject' }] });
      }
      const row = await load(id);
      if (row.status !== 'open') throw appError('REVIEW_NOT_OPEN', `This review is ${row.status}.`);
      try {
        const handle = deps.client.workflow.getHandle(row.workflow_id);
        await withinDeadline(deps.client, () => handle.executeUpdate(decideReviewUpdate, { args: [{ reviewId: id, decision: body.decision, reason, reviewer: principal.role }] }));
      } catch (err) {
        const problem = translateTemporalError(err);
        // The process ended (revoked, expired) between our read and the decision.
        throw (problem as { code?: string }).code === 'PROCESS_NOT_OPEN' ? appError('REVIEW_NOT_OPEN', 'This review is no longer open.') : problem;
      }
      return detail(await load(id), principal);
    },
  };
}

export type ReviewService = ReturnType<typeof buildReviewService>;
