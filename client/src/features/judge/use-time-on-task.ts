import { useCallback, useEffect, useRef } from 'react';

/** Milliseconds the page was visible since `startMs` was restored (time on task, not wall time). */
export function useTimeOnTask(key: string, startMs: number) {
  const base = useRef(startMs);
  const since = useRef<number | null>(
    document.visibilityState === 'visible' ? performance.now() : null,
  );
  useEffect(() => {
    base.current = startMs;
    since.current = document.visibilityState === 'visible' ? performance.now() : null;
    const onVisibility = () => {
      if (document.visibilityState === 'visible') since.current = performance.now();
      else if (since.current !== null) {
        base.current += performance.now() - since.current;
        since.current = null;
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
    // startMs is read only when the comparison (key) changes.
  }, [key]);
  return useCallback(
    () =>
      Math.round(base.current + (since.current === null ? 0 : performance.now() - since.current)),
    [],
  );
}
