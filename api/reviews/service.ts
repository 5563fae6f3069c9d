import type { Client } from '@temporalio/client';
import type { CalendarOverrides } from '../../domain/business-days';
import { appError } from '../../domain/errors';
import { DEFAULT_TWO_PERSON_KINDS, requiredApprovals } from '../../domain/four-eyes';
import { signalsOf } from '../../domain/signals';
import { claimReviewUpdate, decideReviewUpdate, releaseReviewUpdate } from '../../workflows/messages';
import type { ReviewRow } from '../../store/reviews';
import type { Principal } from '../http/auth';
import type { ReadModel } from '../../store/read-model';
import { reviewSummaryView, reviewView, roundView } from '../../views/review';
import { verificationView } from '../../views/verification';
import { translateTemporalError } from '../http/temporal-errors';
import { sendUpdate, type UpdateRequest } from '../verifications/process-start';
import type { ProcessKeys } from '../../platform/data-keys';

/**
 * Human review (SPEC §6). Reviews are opened by workflows; claims and
 * decisions go to the workflow that owns the review (Updates), which records
 * them. Overdue reviews are flagged, never decided automatically.
 */
export interface ReviewServiceDeps {
  readModel: ReadModel;
  client: Client;
  /** Opens the applicant's sealed fields: names for every caller, the rest for admins (either kind of seal). */
  keys: ProcessKeys;
  publicBaseUrl: string;
  calendar?: CalendarOverrides;
  claimTtlMs: number;
  /** Review kinds that need two approvals by different reviewers (REVIEW_TWO_PERSON_KINDS); absent: the default. */
  twoPersonKinds?: readonly string[];
  now?: () => Date;
}

/** The reviewer or admin acting (the routes admit no one else). */
function staffName(principal: Principal): string {
  if (principal.role !== 'reviewer' && principal.role !== 'admin') throw appError('FORBIDDEN', 'Reviews are decided by reviewers and admins.');
  return principal.name;
}

export function buildReviewService(deps: ReviewServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const options = () => ({ now: now(), ...(deps.calendar ? { calendar: deps.calendar } : {}) });
  const twoPersonKinds = deps.twoPersonKinds ?? [DEFAULT_TWO_PERSON_KINDS];

  async function load(id: string) {
    const row = await deps.readModel.review(id);
    if (!row) throw appError('NOT_FOUND', 'No such review.');
    return row;
  }

  /** The process under review: its state, steps and what its workflow recorded when. */
  async function processOf(row: ReviewRow) {
    const kind = row.process_id.startsWith('chg_') ? ('change' as const) : ('verification' as const);
    const timeline = (await deps.readModel.processTimeline(row.process_id)).map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, ...e.detail }));
    if (kind === 'change') {
      const change = await deps.readModel.change(row.process_id);
      return change ? { kind, id: change.id, status: change.status, step: change.step, timeline } : null;
    }
    const verification = await deps.readModel.verification(row.process_id);
    if (!verification) return null;
    const view = verificationView(verification, { revealPii: false, cipher: await deps.keys.readerFor(verification), ...(deps.calendar ? { calendar: deps.calendar } : {}) });
    return { kind, id: view.id, status: view.status, step: view.step, steps: view.steps, timeline };
  }

  async function detail(row: ReviewRow, principal: Principal) {
    const rounds = await deps.readModel.reviewsOf(row.process_id);
    return {
      ...reviewView(row, { ...options(), revealPii: principal.role === 'admin', cipher: await deps.keys.readerFor(row), publicBaseUrl: deps.publicBaseUrl, twoPersonKinds }),
      process: await processOf(row),
      // Earlier rounds of the same process, with their rejection reasons.
      rounds: rounds.map((round, i) => roundView(round, i + 1)).filter((r) => r.reviewId !== row.id),
      // Other accounts' processes sharing its bank account, handler, legal person or contact mobile (keyed hashes).
      signals: signalsOf(await deps.readModel.sharedFacts(row.process_id)),
    };
  }

  /** Sends a request's Update to the workflow that owns the review; a process that ended meanwhile makes the review not open. */
  async function toWorkflow<R, A extends unknown[]>(row: ReviewRow, request: UpdateRequest<R, A>) {
    if (row.status !== 'open') throw appError('REVIEW_NOT_OPEN', 'This review is no longer open.');
    try {
      await sendUpdate(deps.client, row.workflow_id, request);
    } catch (err) {
      const problem = translateTemporalError(err);
      throw (problem as { code?: string }).code === 'PROCESS_NOT_OPEN' ? appError('REVIEW_NOT_OPEN', 'This review is no longer open.') : problem;
    }
  }

  return {
    async list(filter: { status?: 'open' | 'decided' | undefined; kind?: string | undefined }, limit: number, cursor?: string) {
      const page = await deps.readModel.reviews(filter, limit, cursor);
      return { items: page.items.map((row) => reviewSummaryView(row, options())), nextCursor: page.nextCursor };
    },

    async get(principal: Principal, id: string) {
      return detail(await load(id), principal);
    },

    async claim(principal: Principal, id: string, seed: string) {
      const row = await load(id);
      await toWorkflow(row, { update: claimReviewUpdate, args: [{ reviewId: id, by: staffName(principal), ttlMs: deps.claimTtlMs }], seed });
      return detail(await load(id), principal);
    },

    async release(principal: Principal, id: string, seed: string) {
      const row = await load(id);
      await toWorkflow(row, { update: releaseReviewUpdate, args: [{ reviewId: id, by: staffName(principal) }], seed });
      return detail(await load(id), principal);
    },

    async decide(principal: Principal, id: string, body: { decision: 'approve' | 'reject'; reason?: string | undefined }, seed: string) {
      const reason = body.reason?.trim() || null;
      if (body.decision === 'reject' && !reason) {
        throw appError('VALIDATION_FAILED', 'A rejection needs a reason the applicant can act on.', { errors: [{ path: 'reason', message: 'required to reject' }] });
      }
      const row = await load(id);
      const decision = { reviewId: id, decision: body.decision, reason, reviewer: staffName(principal), requiredApprovals: requiredApprovals(row.kind, twoPersonKinds) };
      await toWorkflow(row, { update: decideReviewUpdate, args: [decision], seed });
      return detail(await load(id), principal);
    },
  };
}

export type ReviewService = ReturnType<typeof buildReviewService>;
