/**
 * A lookup on the kernel run: its row in `identity_lookups`, where the run is
 * written ('verify' completes it: the identity was proved, and the accounts it
 * holds verified are written with it), and the snapshot its callers read. A
 * lookup has no cancelled status: nothing asks to cancel one, so a run an
 * operator cancels in the Temporal UI ends failed with TERMINATED.
 * Deterministic code only.
 */
import type { LookupStep } from '../../domain/identity-lookup';
import type { Outcome } from '../kernel/outcome';
import { ProcessRun, type ProcessKind } from '../kernel/run';
import type { IdentityLookupInput, LookupOpenResult, LookupSnapshot } from '../lookup-messages';
import { database } from './activities';

export type LookupRun = ProcessRun<LookupSnapshot, LookupStep, LookupOpenResult>;

/** A lookup's terminal status for an outcome that did not prove the identity. */
const endOf = (outcome: Exclude<Outcome, 'verify'>) =>
  outcome.status === 'cancelled' ? { status: 'failed' as const, failureReason: 'TERMINATED' as const } : { status: outcome.status, failureReason: outcome.failureReason };

const lookupKind = (lookupId: string): ProcessKind<LookupSnapshot, LookupStep, LookupOpenResult> => ({
  progress: async (revision, step, nextAction) => {
    await database.recordLookupProgress({ lookupId, revision, step, nextAction });
  },
  close: (revision, outcome) => (outcome === 'verify' ? database.completeLookup({ lookupId, revision }) : database.finishLookup({ lookupId, revision, outcome: endOf(outcome) })),
  view: (run) => ({ lookupId, status: run.status, step: run.step, nextAction: run.status === 'in_progress' ? run.nextAction() : null, failureReason: run.failureReason }),
  shown: (run) => ({ opened: true, snapshot: run.snapshot() }),
});

/** A lookup's run: nobody is notified of its outcome (the person is in front of the page that polls it). */
export function lookupRun(input: IdentityLookupInput): LookupRun {
  return new ProcessRun(input.lookupId, lookupKind(input.lookupId), { providerCallTimeoutMs: input.timings.providerCallTimeoutMs });
}
