import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api';

/**
 * Live status without reload (SPEC §13): reads `path` now, then again while `settled` says the thing is still moving,
 * every second at first and backing off to 8 s while nothing changes; at once again when the tab becomes visible. A
 * failed read backs off the same way and is shown only if the thing was never read.
 */
export function usePolled<T>(path: string, settled: (value: T) => boolean) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);
  const delay = useRef(1000);
  const last = useRef('');
  const alive = useRef(true);

  const read = useCallback(async () => {
    window.clearTimeout(timer.current);
    let next: T | undefined;
    try {
      next = await api.get<T>(path);
      const text = JSON.stringify(next);
      delay.current = text === last.current ? Math.min(delay.current * 2, 8000) : 1000;
      last.current = text;
      if (alive.current) {
        setValue(next);
        setError(undefined);
      }
    } catch (err) {
      delay.current = Math.min(delay.current * 2, 8000);
      if (alive.current && err instanceof ApiError) setError(err);
    }
    if (alive.current && (next === undefined || !settled(next))) timer.current = window.setTimeout(() => void read(), delay.current);
  }, [path]);

  useEffect(() => {
    alive.current = true;
    last.current = '';
    delay.current = 1000;
    setValue(undefined);
    void read();
    const onVisible = () => document.visibilityState === 'visible' && void read();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [read]);

  /** Read again now (after an action), with the short delay again. */
  const refresh = useCallback(
    (fresh?: T) => {
      delay.current = 1000;
      if (fresh !== undefined) setValue(fresh);
      void read();
    },
    [read],
  );
  return { value, error, refresh };
}
