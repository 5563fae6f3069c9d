/**
 * Four eyes (SPEC §6, API.md "Reviews"): a review of a kind in
 * REVIEW_TWO_PERSON_KINDS needs approvals by two different reviewers. The
 * first approval is kept here, in the workflow that owns the review, and
 * written to the read model; the review stays open (revocable, no decision
 * yet) and its author's claim is released. The same reviewer approving again
 * is refused (SECOND_REVIEWER_REQUIRED); a rejection by anyone decides.
 * Deterministic code only.
 */
import { patched } from '@temporalio/workflow';
import { approvalEffect } from '../../domain/four-eyes';
import { iso } from '../../domain/instant';
import { FailureType, type ReviewDecision } from '../messages';
import { databaseWrites } from './activities';
import { refuse } from './outcome';

const database = databaseWrites<'recordReviewApproval'>();

/** Runs started before four eyes decided on the first approval: their histories replay so. */
export const FOUR_EYES = 'four-eyes';

export interface GivenApproval {
  name: string;
  at: number;
  reason: string | null;
}

export class ReviewApprovals {
  private given: GivenApproval[] = [];

  /** The approvals on the current round's review (a run continued as new carries them). */
  get current(): GivenApproval[] {
    return this.given;
  }

  /** A new round: no approvals yet. A run continued as new restores its predecessor's. */
  reset(approvals: GivenApproval[] = []): void {
    this.given = [...approvals];
  }

  /** For a decision's validator: a reviewer whose approval is on the review may not approve it again. */
  readonly assertNotApprovedBy = (decision: ReviewDecision): void => {
    if (decision.decision === 'approve' && this.given.some((a) => a.name === decision.reviewer)) {
      throw refuse(FailureType.secondReviewerRequired, `${decision.reviewer} approved this review already: it needs another reviewer's approval`);
    }
  };

  /** Whether this approval leaves the review open for another reviewer's (it does not decide it). */
  leavesOpen(decision: ReviewDecision): boolean {
    if (decision.decision !== 'approve') return false;
    const effect = approvalEffect(
      this.given.map((a) => a.name),
      decision.reviewer,
      decision.requiredApprovals ?? 1,
    );
    // Only a review needing two asks: histories from before replay as they ran.
    return effect === 'recorded' && patched(FOUR_EYES);
  }

  /** Keeps the approval and writes it (the review's history, its approvals, its author's claim released). */
  async record(reviewId: string, decision: ReviewDecision): Promise<void> {
    const approval = { name: decision.reviewer, at: Date.now(), reason: decision.reason };
    this.given.push(approval);
    await database.recordReviewApproval({ reviewId, reviewer: approval.name, reason: approval.reason, at: iso(approval.at) });
  }
}
