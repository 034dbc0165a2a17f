import { useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { api } from '../../lib/api.ts';
import { errorText } from './use-resource.ts';

const settingsSchema = z.object({
  targetHalfWidth: z.number().nullable(),
  autoStop: z.boolean(),
  adaptive: z.boolean(),
});

/**
 * The study's allocation settings (issue 15): the target half-width of each pair's anytime-valid
 * confidence sequence (the dashboard's "enough verdicts" signal), auto-stop (the queue stops
 * handing out a pair's unstarted comparisons once it has enough) and adaptive allocation (the
 * queue hands out first the comparisons that narrow the widest intervals most).
 */
export function AllocationPanel({ studyId }: { studyId: string }) {
  const [target, setTarget] = useState('');
  const [autoStop, setAutoStop] = useState(false);
  const [adaptive, setAdaptive] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api('admin', `/api/studies/${studyId}/allocation`, settingsSchema)
      .then((s) => {
        if (!s) return;
        setTarget(s.targetHalfWidth === null ? '' : String(s.targetHalfWidth * 100));
        setAutoStop(s.autoStop);
        setAdaptive(s.adaptive);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [studyId]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setStatus(null);
    const pct = target.trim() === '' ? null : Number(target);
    if (pct !== null && !(pct > 0 && pct < 50)) {
      setError('target half-width: a percentage above 0 and below 50');
      return;
    }
    try {
      await api('admin', `/api/studies/${studyId}/allocation`, settingsSchema, {
        method: 'PUT',
        body: { targetHalfWidth: pct === null ? null : pct / 100, autoStop, adaptive },
      });
      setStatus('Saved; the queue is steered accordingly.');
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="card" data-testid="allocation">
      <h2>Allocation</h2>
      <form className="form" onSubmit={(e) => void save(e)}>
        <label>
          Target half-width (percentage points, empty: none){' '}
          <input
            type="number"
            min={0}
            max={50}
            step="any"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={autoStop}
            onChange={(e) => setAutoStop(e.target.checked)}
          />{' '}
          Auto-stop: stop handing out a pair once its sequence has decided or is narrower than the
          target
        </label>
        <label>
          <input
            type="checkbox"
            checked={adaptive}
            onChange={(e) => setAdaptive(e.target.checked)}
          />{' '}
          Adaptive allocation: hand out first the comparisons that narrow the widest intervals
        </label>
        <button type="submit">Save</button>
      </form>
      {status ? <p role="status">{status}</p> : null}
      {error ? <p className="error">{error}</p> : null}
    </section>
  );
}
