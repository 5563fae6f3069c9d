/**
 * Bounded histories (SPEC §10 "Every run closes"): a run that waits for a
 * review decision may be claimed and released for days, an Update and an
 * activity each time. Past its bound (HISTORY_ROLLOVER_EVENTS, or the
 * server's continueAsNewSuggested) the wait returns `rollover` once no
 * handler is in flight, and the process continues as new carrying a
 * RunResume (process-messages.ts). Deterministic code only.
 */
import { makeContinueAsNewFunc, patched, workflowInfo, type Workflow } from '@temporalio/workflow';
import { SearchAttributes } from '../messages';

/** Patch id: a run waiting for a review decision continues as new past its history bound. */
const HISTORY_ROLLOVER = 'history-rollover';
/** For runs whose input predates HISTORY_ROLLOVER_EVENTS; well under the engine's limit of 51,200 events. */
const DEFAULT_ROLLOVER_EVENTS = 10_000;

export class HistoryBound {
  /** Runs recorded before rollovers existed never roll over: their histories go on as recorded. */
  private off = false;

  constructor(private readonly events: number = DEFAULT_ROLLOVER_EVENTS) {}

  /** The history has grown past the bound, or the server suggests continuing as new. */
  reached(): boolean {
    if (this.off) return false;
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= this.events;
  }

  /** Called once the bound is reached: whether this run may roll over (always, but in the replay of a run from before). */
  mayRollOver(): boolean {
    this.off = !patched(HISTORY_ROLLOVER);
    return !this.off;
  }
}

/** Continues this run as new with `input`, keeping its search attributes (operators filter by them). Never returns. */
export function continueAsNewWith<F extends Workflow>(...args: Parameters<F>): Promise<never> {
  const attributes = workflowInfo().typedSearchAttributes;
  const keep = attributes.get(SearchAttributes.accountId) !== undefined;
  return makeContinueAsNewFunc<F>(keep ? { typedSearchAttributes: attributes } : {})(...args);
}
