import type { Db } from '../platform/db';
import { accountById, inboxOf } from './accounts';
import { processTimeline } from './audit';
import { changeById, changesOf } from './changes';
import { activeBindings, boundAccounts } from './identities';
import { lookupById, lookupsOfAccount, lookupStartsSince } from './lookups';
import { sharedFacts } from './process-facts';
import { progressOf, type WatchedTable } from './processes';
import { overdueReviews, reviewById, reviewsOf, reviewsPage } from './reviews';
import { verificationById, verificationsOf } from './verifications';

/**
 * The process read model as the API reads it: the read functions of the
 * aggregates over one database. Written only by activities; the API holds
 * this object, never their write functions.
 */
export function createReadModel(db: Db) {
  return {
    account: (id: string) => accountById(db, id),
    verification: (id: string) => verificationById(db, id),
    change: (id: string) => changeById(db, id),
    progress: (table: WatchedTable, id: string) => progressOf(db, table, id),
    lookup: (id: string) => lookupById(db, id),
    lookupsOfAccount: (accountId: string) => lookupsOfAccount(db, accountId),
    lookupStartsSince: (identityHash: string, since: Date, exceptId?: string) => lookupStartsSince(db, identityHash, since, exceptId),
    changes: (accountId: string, limit: number, cursor?: string) => changesOf(db, accountId, limit, cursor),
    verifications: (accountId: string, limit: number, cursor?: string) => verificationsOf(db, accountId, limit, cursor),
    review: (id: string) => reviewById(db, id),
    reviews: (filter: { status?: 'open' | 'decided' | undefined; kind?: string | undefined }, limit: number, cursor?: string) => reviewsPage(db, filter, limit, cursor),
    reviewsOf: (processId: string) => reviewsOf(db, processId),
    processTimeline: (processId: string) => processTimeline(db, processId),
    sharedFacts: (processId: string) => sharedFacts(db, processId),
    overdueReviews: (at: Date) => overdueReviews(db, at),
    inbox: (accountId: string, limit: number, cursor?: string) => inboxOf(db, accountId, limit, cursor),
    activeBindings: (identityHash: string) => activeBindings(db, identityHash),
    boundAccounts: (identityHash: string) => boundAccounts(db, identityHash),
  };
}

export type ReadModel = ReturnType<typeof createReadModel>;
