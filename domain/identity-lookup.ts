/**
 * Find my accounts, self-service (SPEC §12): a person proves an identity (face
 * recognition of the ID holder, WeChat authorisation for a permit holder, the
 * legal representative's face for an enterprise) and sees which accounts that
 * identity verified. Its vocabularies and its daily limit, as pure rules.
 */

export const LookupStatus = { in_progress: 'in_progress', completed: 'completed', failed: 'failed', expired: 'expired' } as const;
export type LookupStatus = (typeof LookupStatus)[keyof typeof LookupStatus];
export const LOOKUP_STATUSES = Object.values(LookupStatus) as [LookupStatus, ...LookupStatus[]];

/** The step a lookup waits in: the face check, or (permit holders) the WeChat authorisation. */
export const LookupStep = { awaiting_face: 'awaiting_face', awaiting_scan: 'awaiting_scan' } as const;
export type LookupStep = (typeof LookupStep)[keyof typeof LookupStep];

/** SPEC §12 (chosen): at most this many lookups of one identity… */
export const LOOKUPS_PER_DAY = 5;
/** …within any 24 hours (a rolling window: a Beijing calendar day would let ten through around midnight). */
export const LOOKUP_WINDOW_MS = 24 * 3600_000;

export type LookupAllowance = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Whether one more lookup of an identity may start at `now`, given when its
 * earlier lookups started (any outcome counts: a failed face check is an
 * attempt too). Refused, it says when the oldest lookup in the window leaves
 * it, which is when the next one may start.
 */
export function lookupAllowance(earlierStarts: readonly Date[], now: Date, limit = LOOKUPS_PER_DAY): LookupAllowance {
  const windowStart = now.getTime() - LOOKUP_WINDOW_MS;
  const inWindow = earlierStarts
    .map((d) => d.getTime())
    // A start stamped after `now` counts too: it is another request's, which took its time before this one got the
    // identity's lock (and committed first) — leaving it out let a sixth lookup through when ten opened at once.
    .filter((t) => t > windowStart)
    .sort((a, b) => a - b);
  if (inWindow.length < limit) return { allowed: true };
  // The window holds `limit` or more: the next start is possible once all but limit - 1 of them have left it.
  const freesAt = inWindow[inWindow.length - limit]! + LOOKUP_WINDOW_MS;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) };
}

/** The account a lookup made by the service role files its data key under: not an account id (those have no `/`), so no account's closure reaches it; retention does. */
export const serviceLookupKeyOwner = (lookupId: string): string => `lookup/${lookupId}`;

/** Whose data key a lookup's personal values are sealed under: the account whose token started it, else the placeholder above. */
export const lookupKeyOwner = (lookupId: string, accountId: string | null): string => accountId ?? serviceLookupKeyOwner(lookupId);
