import { log } from '@temporalio/activity';
import type { SubjectType } from '../domain/constants';
import type { Db } from '../platform/db';
import { completeLookup, finishLookup, openLookup, recordLookupProgress, type LookupEnd } from '../store/lookups';
import type { LookupRefusal, ScanQrAction } from '../workflows/lookup-messages';

/** The "find my accounts" workflow's writes (workflows/lookup/lookup.ts): each idempotent. */
export function createLookupActivities(deps: { db: Db; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    /** Records the lookup, unless the identity had its lookups for the day (counted again here, under a lock). */
    async openLookup(args: {
      lookupId: string;
      workflowId: string;
      accountId: string | null;
      subjectType: SubjectType;
      identityHash: string;
      expiresAt: string;
    }): Promise<{ opened: true } | ({ opened: false } & LookupRefusal)> {
      const { lookupId: id, workflowId, accountId, subjectType, identityHash } = args;
      const opened = await openLookup(db, { id, workflowId, accountId, subjectType, identityHash, expiresAt: new Date(args.expiresAt) }, now());
      if (!opened.opened) log.info('lookup refused at open', { code: opened.code });
      return opened;
    },

    async recordLookupProgress(args: { lookupId: string; revision: number; step: string | null; nextAction: ScanQrAction | null }): Promise<void> {
      await recordLookupProgress(db, args);
    },

    /** The identity was proved: the accounts it holds verified are written with the outcome. */
    completeLookup: (args: { lookupId: string; revision: number }): Promise<LookupEnd> => completeLookup(db, args),

    finishLookup: (args: { lookupId: string; revision: number; outcome: LookupEnd }): Promise<LookupEnd> => finishLookup(db, args),
  };
}
