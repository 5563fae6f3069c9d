import { sql, type Tx } from './tx';

/**
 * Who hears that a process closed: told once the transaction that wrote its
 * terminal status committed. That write happens once per process (under the
 * row's lock, only while it is in progress), so a retried activity that finds
 * it written tells nobody again: outcome metrics count processes, not attempts.
 */

export interface ProcessClosed {
  kind: 'verification' | 'change';
  /** A verification's method, a change's type. */
  method: string;
  status: string;
  failureReason: string | null;
}

type Listener = (closed: ProcessClosed) => void;
const listeners = new Set<Listener>();

/** Returns the unsubscribe. */
export function onProcessClosed(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceClosed(tx: Tx, closed: ProcessClosed): void {
  if (listeners.size === 0) return;
  sql(tx).executionPromise.then(
    () => listeners.forEach((listener) => listener(closed)),
    // Rolled back: nothing closed.
    () => undefined,
  );
}
