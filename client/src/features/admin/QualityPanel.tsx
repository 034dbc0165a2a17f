import { z } from 'zod';
import { judgeQualitySchema } from '../../../../shared/admin-views.ts';
import { api } from '../../lib/api.ts';
import { useResource } from './use-resource.ts';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(0)}%`);
const secs = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

export function QualityPanel({ studyId }: { studyId: string }) {
  const q = useResource(
    () => api('admin', `/api/studies/${studyId}/judge-quality`, z.array(judgeQualitySchema)),
    [studyId],
  );
  return (
    <section className="card">
      <h2>
        Judge quality{' '}
        <button type="button" onClick={q.reload}>
          Refresh
        </button>
      </h2>
      {q.error ? <p className="error">{q.error}</p> : null}
      <table className="data">
        <thead>
          <tr>
            <th>Judge</th>
            <th className="num">Verdicts</th>
            <th className="num">Skipped / can’t judge</th>
            <th className="num">Gold accuracy</th>
            <th
              className="num"
              title="Median time the comparison was on screen and visible (the page's measure; hidden time not counted)"
            >
              Median reading time
            </th>
            <th
              className="num"
              title="Median server-side time from handing out the comparison to the verdict"
            >
              Median lease to verdict
            </th>
            <th className="num">Agreement with others</th>
            <th
              className="num"
              title="Probability of giving a comparison's true verdict, estimated from the verdicts themselves (Dawid–Skene model; the report's sensitivity analysis)"
            >
              Estimated reliability
            </th>
            <th title="Training before judging: passed, in training, held (release it under Qualification)">
              Qualification
            </th>
          </tr>
        </thead>
        <tbody>
          {q.data?.map((j) => (
            <tr key={j.judgeId}>
              <td>
                {j.name} <span className="hint">{j.kind}</span>
              </td>
              <td className="num">{j.verdicts}</td>
              <td className="num">
                {j.skips} / {j.cannotJudge}
              </td>
              <td className="num" title={j.gold.accuracy.reason}>
                {pct(j.gold.accuracy.value)}{' '}
                {j.gold.judged ? `(${j.gold.correct}/${j.gold.judged})` : ''}
              </td>
              <td className="num">{secs(j.medianReadingMs)}</td>
              <td className="num">{secs(j.medianWallMs)}</td>
              <td className="num" title={j.agreement.rate.reason}>
                {pct(j.agreement.rate.value)}{' '}
                {j.agreement.pairs ? `(${j.agreement.agreed}/${j.agreement.pairs})` : ''}
              </td>
              <td className="num" title={j.reliability.reason}>
                {pct(j.reliability.value)}
              </td>
              <td data-testid="qualification-status">
                {j.qualification.status.replace('_', ' ')}
                {j.qualification.attempts ? ` (${j.qualification.attempts} attempts)` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
