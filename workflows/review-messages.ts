/**
 * A review's Updates, answered by the process that owns the review (a public
 * remittance, a change of subject): decisions and claims. Pure definitions,
 * safe in the workflow sandbox; messages.ts re-exports them.
 */
import { defineUpdate } from '@temporalio/workflow';

export interface ReviewDecision {
  reviewId: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  reviewer: string;
  /** Approvals by different reviewers the review needs (REVIEW_TWO_PERSON_KINDS, SPEC §6 four eyes); absent: 1. */
  requiredApprovals?: number;
}

/** `open`: an approval the review still needs another reviewer's approval after (four eyes). */
export interface ReviewDecisionAnswer {
  status: 'approved' | 'rejected' | 'open';
}

/**
 * A reviewer's decision; refused (REVIEW_NOT_OPEN) unless the review is the one this process waits on, REVIEW_CLAIMED while
 * another reviewer holds it, SECOND_REVIEWER_REQUIRED when this reviewer's approval is already on it.
 */
export const decideReviewUpdate = defineUpdate<ReviewDecisionAnswer, [ReviewDecision]>('decideReview');

/** A reviewer takes a review for `ttlMs` (REVIEW_CLAIM_TTL), or lets it go; `by` is the reviewer's name. */
export interface ReviewClaimRequest {
  reviewId: string;
  by: string;
  ttlMs: number;
}
export interface ReviewClaimAnswer {
  claimedBy: { name: string; until: string } | null;
}
export const claimReviewUpdate = defineUpdate<ReviewClaimAnswer, [ReviewClaimRequest]>('claimReview');
export const releaseReviewUpdate = defineUpdate<ReviewClaimAnswer, [Omit<ReviewClaimRequest, 'ttlMs'>]>('releaseReview');
