/**
 * The sandbox's `processed`: once a provider callback was acknowledged, the
 * sandbox waits briefly until the process has acted on the event, so that a
 * person (or test) playing the user sees the effect with their next GET. Real
 * providers do not wait; this is the sandbox's convenience, so it should cost
 * little: the process's read-model row is watched first (a closed row is the
 * outcome itself), and the workflow is asked with a Query, which a worker has
 * to answer, only when the row moved or after a wait that doubles from QUERY_EVERY_MS; never once the
 * run is closed (NOT_OPEN: the server answers that itself, where a Query of a
 * closed run would replay its whole history on a worker).
 */
import { Client, QueryRejectedError } from '@temporalio/client';
import { changeWorkflowId } from '../../workflows/change-messages';
import { lookupWorkflowId } from '../../workflows/lookup-messages';
import { eventHandledQuery, refundWorkflowId, verificationWorkflowId } from '../../workflows/messages';
import type { ReadModel } from '../../store/read-model';

/**
 * The row is read after POLL_MS, then after half as long again each time, up to POLL_MAX_MS: a run that acts at once
 * shows within 50 ms, and one slowed by load is not read twenty times a second (each read is a statement, and it is
 * under load that runs are slow).
 */
const POLL_MS = 50;
const POLL_MAX_MS = 400;
/**
 * Events that write nothing (a stale scan, say) are confirmed by a Query after this long, then after twice as long
 * each time, up to QUERY_EVERY_MAX_MS: under load a run takes longer to act, and each Query costs the server and a
 * worker an activation while the row shows the outcome for nothing.
 */
const QUERY_EVERY_MS = 200;
const QUERY_EVERY_MAX_MS = 1600;

/** A process's read-model row as the sandbox watches it. */
export type Seen = { status: string; revision: number } | null;

/** What the wait looks at; `processedWatch` builds it from the API's Temporal client and read model. */
export interface ProcessedWatch {
  /** The row a workflow reference writes (verification/…, change/…, lookup/…); null when it has none. */
  row(reference: string): Promise<Seen>;
  /**
   * Asks the run with a Query: has it acted on the event? A closed run has acted on every event it ever will.
   * False when no answer comes by `deadline` (epoch ms): a run whose worker died answers only once
   * another worker has taken it over.
   */
  askRun(reference: string, eventId: string, deadline: number): Promise<boolean>;
  /** Waits for a workflow to end (a refund is acted on when the money went back). */
  ended(reference: string): Promise<boolean>;
}

/** The read-model table behind each kind of process workflow id (the ids' own helpers give the prefixes). */
const TABLES = [
  { prefix: verificationWorkflowId(''), table: 'verifications' },
  { prefix: changeWorkflowId(''), table: 'changes' },
  { prefix: lookupWorkflowId(''), table: 'identity_lookups' },
] as const;

export function processedWatch(client: Client, readModel: Pick<ReadModel, 'progress'>): ProcessedWatch {
  // The server refuses a Query of a closed run itself (NOT_OPEN), instead of a worker replaying the run to answer it.
  const { namespace, loadedDataConverter } = client.options;
  const openRuns = new Client({ connection: client.connection, namespace, dataConverter: loadedDataConverter, workflow: { queryRejectCondition: 'NOT_OPEN' } });
  return {
    async row(reference) {
      const kind = TABLES.find(({ prefix }) => reference.startsWith(prefix));
      return kind ? readModel.progress(kind.table, reference.slice(kind.prefix.length)) : null;
    },
    async askRun(reference, eventId, deadline) {
      try {
        return await openRuns.connection.withDeadline(deadline, () => openRuns.workflow.getHandle(reference).query(eventHandledQuery, eventId));
      } catch (err) {
        return err instanceof QueryRejectedError;
      }
    },
    ended: (reference) => client.workflow.getHandle(reference).result().then(() => true, () => false),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits up to `timeoutMs` for the process behind `reference` to act on the event; false when it did not in time. */
export async function waitUntilActedOn(watch: ProcessedWatch, eventId: string, reference: string, timeoutMs: number): Promise<boolean> {
  if (reference.startsWith(refundWorkflowId(''))) return Promise.race([watch.ended(reference), sleep(timeoutMs).then(() => false)]);
  let seen: Seen | undefined;
  let lastAsked = Date.now();
  let gap = QUERY_EVERY_MS;
  const deadline = Date.now() + timeoutMs;
  let pause = POLL_MS;
  const nextRead = async () => {
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(POLL_MAX_MS, pause * 1.5);
  };
  for (; ; await nextRead()) {
    const now = await watch.row(reference);
    if (now && now.status !== 'in_progress') return true;
    const moved = seen !== undefined && now?.revision !== seen?.revision;
    seen = now;
    const due = Date.now() - lastAsked >= gap;
    if (moved || now === null || due) {
      lastAsked = Date.now();
      if (due && !moved) gap = Math.min(QUERY_EVERY_MAX_MS, gap * 2);
      if (await watch.askRun(reference, eventId, deadline)) return true;
    }
    if (Date.now() >= deadline) return false;
  }
}
