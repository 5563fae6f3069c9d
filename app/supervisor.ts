import type { Logger } from '../platform/logger';

/**
 * Keeping one part of `npm start` running (the dev server, PostgreSQL, the worker, the API): a part that exits on its
 * own is started again after a pause that doubles from 1 s to 30 s while it keeps failing, and is back to 1 s once
 * it has run for a minute. Stopping is final: nothing is restarted after it.
 */
export interface Running {
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export interface Supervised<T extends Running> {
  /** The running instance (the latest, after restarts). */
  readonly current: T;
  stop(): Promise<void>;
}

export const RESTART_MIN_MS = 1_000;
export const RESTART_MAX_MS = 30_000;
const STABLE_MS = 60_000;

/** The pause before the next start, after a run that lasted `ranMs` and the pause used last time. */
export function nextRestartDelay(lastDelayMs: number, ranMs: number): number {
  if (ranMs >= STABLE_MS) return RESTART_MIN_MS;
  return Math.min(RESTART_MAX_MS, Math.max(RESTART_MIN_MS, lastDelayMs * 2));
}

/** Starts the part (a failing first start fails the caller) and watches it; `onRestarted` hears of each new start. */
export async function supervise<T extends Running>(name: string, start: () => Promise<T>, logger: Logger, onRestarted?: (part: T) => void): Promise<Supervised<T>> {
  let current = await start();
  let startedAt = Date.now();
  let delay = RESTART_MIN_MS / 2;
  let stopping = false;
  let pause: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;

  const watch = async (): Promise<void> => {
    while (!stopping) {
      const exit = await current.exited;
      if (stopping) return;
      delay = nextRestartDelay(delay, Date.now() - startedAt);
      logger.error({ part: name, exit, restartInMs: delay }, `${name} exited on its own; restarting`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        pause = setTimeout(resolve, delay);
      });
      if (stopping) return;
      try {
        current = await start();
        startedAt = Date.now();
        logger.info({ part: name }, `${name} restarted`);
        onRestarted?.(current);
      } catch (err) {
        logger.error({ part: name, err }, `${name} could not be restarted`);
        startedAt = Date.now();
        current = { ...current, exited: Promise.resolve({ startFailed: (err as Error).message }) };
      }
    }
  };
  const watching = watch();

  return {
    get current() {
      return current;
    },
    async stop() {
      stopping = true;
      clearTimeout(pause);
      wake();
      await current.stop();
      await watching;
    },
  };
}
