/**
 * Claims on a review (API.md "Reviews"): a reviewer takes the open review for
 * REVIEW_CLAIM_TTL so no one else decides it meanwhile; a claim held by
 * someone else refuses claims, releases and decisions (REVIEW_CLAIMED); it
 * lapses on its own. Kept here, in the workflow that owns the review, so a
 * claim and a decision are ordered by the same history, and written to the
 * read model for the queue.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  claimReviewUpdate,
  FailureType,
  releaseReviewUpdate,
  type ReviewClaimAnswer,
  type ReviewClaimRequest,
  type ReviewDecision,
} from '../messages';
import { iso } from '../../domain/instant';
import { databaseWrites } from './activities';
import { refuse } from './outcome';

const database = databaseWrites<'recordReviewClaim'>();

export interface Claim {
  reviewId: string;
  name: string;
  until: number;
}

export class ReviewClaims {
  private claim: Claim | undefined;

  /** @param openReview the id of the review this process waits on a decision for, if any */
  constructor(private readonly openReview: () => string | undefined) {}

  /** Registers the claim and release handlers. */
  install(): void {
    setHandler(claimReviewUpdate, this.take, { validator: this.validateClaim });
    setHandler(releaseReviewUpdate, this.release, { validator: this.validateRelease });
  }

  /** The last claim taken, lapsed or not: a run continued as new carries it. */
  get current(): Claim | undefined {
    return this.claim;
  }

  /** A run continued as new takes over the claim its predecessor held. */
  restore(claim: Claim | undefined): void {
    this.claim = claim;
  }

  /** A first approval of two releases its author's claim (no other can hold it: the approval was accepted). The approval's write records it. */
  clear(): void {
    this.claim = undefined;
  }

  /** Who holds the review now (a lapsed claim holds nothing). */
  holder(reviewId: string): Claim | undefined {
    const claim = this.claim;
    return claim && claim.reviewId === reviewId && Date.now() < claim.until ? claim : undefined;
  }

  /** For a decision's validator: refused while another reviewer holds the review. */
  readonly assertMayDecide = (decision: ReviewDecision): void => this.assertNotHeldByOther(decision.reviewId, decision.reviewer);

  private assertOpen(reviewId: string): void {
    if (this.openReview() !== reviewId) throw refuse(FailureType.reviewNotOpen, 'this review is no longer open');
  }

  private assertNotHeldByOther(reviewId: string, name: string): void {
    const holder = this.holder(reviewId);
    if (holder && holder.name !== name) {
      throw ApplicationFailure.create({
        type: FailureType.reviewClaimed,
        message: `${holder.name} holds this review until ${iso(holder.until)}`,
        nonRetryable: true,
        details: [{ claimedBy: { name: holder.name, until: iso(holder.until) } }],
      });
    }
  }

  private readonly validateClaim = (request: ReviewClaimRequest): void => {
    this.assertOpen(request.reviewId);
    this.assertNotHeldByOther(request.reviewId, request.by);
    if (!Number.isSafeInteger(request.ttlMs) || request.ttlMs < 1) throw refuse(FailureType.validationFailed, 'a claim lasts a positive number of milliseconds');
  };

  private readonly validateRelease = (request: Omit<ReviewClaimRequest, 'ttlMs'>): void => {
    this.assertOpen(request.reviewId);
    this.assertNotHeldByOther(request.reviewId, request.by);
  };

  // The claim is taken before the first await, so a second claim's validator already sees it.
  private readonly take = async (request: ReviewClaimRequest): Promise<ReviewClaimAnswer> => {
    const claim = { reviewId: request.reviewId, name: request.by, until: Date.now() + request.ttlMs };
    this.claim = claim;
    await database.recordReviewClaim({ reviewId: claim.reviewId, action: 'claimed', by: claim.name, at: iso(Date.now()), until: iso(claim.until) });
    return { claimedBy: { name: claim.name, until: iso(claim.until) } };
  };

  private readonly release = async (request: Omit<ReviewClaimRequest, 'ttlMs'>): Promise<ReviewClaimAnswer> => {
    this.claim = undefined;
    await database.recordReviewClaim({ reviewId: request.reviewId, action: 'released', by: request.by, at: iso(Date.now()), until: null });
    return { claimedBy: null };
  };
}
