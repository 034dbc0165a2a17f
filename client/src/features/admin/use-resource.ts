import { useCallback, useEffect, useState } from 'react';

/** Loads something once and on `reload()`; keeps the last value while reloading. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const stable = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    stable().then(
      (v) => live && (setData(v), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [stable, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
