import { useState, type FormEvent } from 'react';
import { pairResultSchema, type PairResult } from '../../../../shared/admin-api.ts';
import { api } from '../../lib/api.ts';
import { errorText } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export function PairPanel({
  studyId,
  systems,
  onPaired,
}: {
  studyId: string;
  systems: string[];
  onPaired(): void;
}) {
  const [result, setResult] = useState<PairResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    try {
      setError(null);
      setResult(
        await api('admin', `/api/studies/${studyId}/pairings`, pairResultSchema, {
          method: 'POST',
          body: {
            ...(text('base') ? { base: text('base') } : {}),
            allPairs: f.get('allPairs') === 'on',
            ...(text('sample') ? { sample: Number(text('sample')) } : {}),
            ...(text('k') ? { judgesPerComparison: Number(text('k')) } : {}),
            ...(text('seed') ? { seed: text('seed') } : {}),
          },
        }),
      );
      onPaired();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card">
      <h2>Pair</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Base system
          <select name="base" defaultValue="">
            <option value="">(default)</option>
            {systems.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" name="allPairs" /> All pairs
        </label>
        <label>
          Sample N items (optional) <input type="number" name="sample" min={1} />
        </label>
        <label>
          Judges per comparison (optional) <input type="number" name="k" min={1} max={100} />
        </label>
        <label>
          Seed (optional: the last plan&apos;s, else a random one; keep it from judges){' '}
          <input type="text" name="seed" />
        </label>
        <button type="submit" className="primary">
          Pair
        </button>
        <ErrorAlert error={error} />
        {result ? (
          <p className="ok" role="status">
            {result.comparisonsCreated} new comparisons ({result.comparisonsExisting} existing),{' '}
            {result.assignmentsCreated} judging slots:{' '}
            {result.pairs.map((p) => `${p.a} vs ${p.b}`).join(', ')}; seed {result.seed}.
          </p>
        ) : null}
        {result?.warnings.length ? (
          <p className="error" role="alert">
            {result.warnings.join(' ')}
          </p>
        ) : null}
      </form>
    </section>
  );
}
