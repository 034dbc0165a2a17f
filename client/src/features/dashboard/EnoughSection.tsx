import type { DashboardSnapshot } from '../../../../shared/admin-views.ts';
import { levelPercent } from '../../../../shared/report.ts';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * The "enough verdicts" signal per pair (issue 15): the anytime-valid confidence sequence of the
 * pair's human verdicts, safe to watch after every verdict; a pair has enough once the sequence
 * excludes 50% (a winner is decided) or is narrower than the study's target half-width.
 */
export function EnoughSection({ allocation }: { allocation: DashboardSnapshot['allocation'] }) {
  const { targetHalfWidth, autoStop, adaptive, level, pairs } = allocation;
  if (pairs.length === 0) return null;
  return (
    <section className="card" data-testid="enough">
      <h2>Enough verdicts? ({levelPercent(level)}% confidence sequence, human verdicts)</h2>
      <p className="hint">
        Target half-width: {targetHalfWidth === null ? 'none' : pct(targetHalfWidth)}
        {autoStop ? ' · auto-stop on' : ''}
        {adaptive ? ' · adaptive allocation on' : ''}
      </p>
      <table className="data">
        <thead>
          <tr>
            <th>Pair</th>
            <th className="num">Items</th>
            <th>Sequence</th>
            <th className="num">Half-width</th>
            <th>Signal</th>
          </tr>
        </thead>
        <tbody>
          {pairs.map((p) => (
            <tr key={`${p.a}|${p.b}`} data-enough-pair={`${p.a}|${p.b}`} data-enough={p.enough}>
              <td className="name">
                {p.a} vs {p.b}
              </td>
              <td className="num">{p.items}</td>
              <td>{p.ci ? `${pct(p.ci[0])} – ${pct(p.ci[1])}` : '—'}</td>
              <td className="num">{p.halfWidth === null ? '—' : pct(p.halfWidth)}</td>
              <td>
                {p.decided
                  ? `enough: ${p.decided === 'a' ? p.a : p.b} wins`
                  : p.enough
                    ? 'enough: narrower than the target'
                    : 'keep collecting'}
                {p.stopped ? ' (stopped)' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
