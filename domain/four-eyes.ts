/**
 * Four eyes (SPEC §6): review kinds listed in REVIEW_TWO_PERSON_KINDS need
 * two approvals by different reviewers; a rejection by either decides. Pure
 * rules, shared by the config, the API's views and the review's workflow.
 */

export const REVIEW_KINDS = ['public_remittance', 'enterprise_entity_change', 'enterprise_name_change'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** REVIEW_TWO_PERSON_KINDS's default: an entity change hands the account to another owner. */
export const DEFAULT_TWO_PERSON_KINDS = 'enterprise_entity_change';

const isReviewKind = (kind: string): kind is ReviewKind => (REVIEW_KINDS as readonly string[]).includes(kind);

/** Reads REVIEW_TWO_PERSON_KINDS: a comma list of review kinds (empty: every kind needs one approval). */
export function parseTwoPersonKinds(text: string): ReviewKind[] {
  if (!text.trim()) return [];
  const kinds = text.split(',').map((k) => k.trim());
  for (const kind of kinds) {
    if (!kind) throw new Error(`an empty entry in "${text}"`);
    if (!isReviewKind(kind)) throw new Error(`"${kind}" is not a review kind (${REVIEW_KINDS.join(', ')})`);
  }
  if (new Set(kinds).size !== kinds.length) throw new Error(`a kind is given twice in "${text}"`);
  return kinds as ReviewKind[];
}

/** How many approvals by different reviewers a review of this kind needs. */
export const requiredApprovals = (kind: string, twoPersonKinds: readonly string[]): 1 | 2 => (twoPersonKinds.includes(kind) ? 2 : 1);

/**
 * What a reviewer's approval does, given the approvals already given:
 * `same_reviewer` (they approved already: a second reviewer is needed),
 * `recorded` (the review stays open for the next) or `decides`.
 */
export function approvalEffect(approvedBy: readonly string[], reviewer: string, required: number): 'same_reviewer' | 'recorded' | 'decides' {
  if (approvedBy.includes(reviewer)) return 'same_reviewer';
  return approvedBy.length + 1 >= required ? 'decides' : 'recorded';
}
