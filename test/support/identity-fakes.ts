import { createIdentityActivities } from '../../activities/identity';

/**
 * The comparison activities (activities/identity.ts) for workflow tests whose
 * other activities are fakes: the real comparisons, over values the tests
 * pass in clear (nothing is sealed there).
 */
export const identityChecks = createIdentityActivities({ open: async (value) => value });
