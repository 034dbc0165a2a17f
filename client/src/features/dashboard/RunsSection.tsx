import type { RunProgress } from '../../../../shared/admin-views.ts';
import { RunDone } from './RunDone.tsx';
import { STATUS_LABELS, cost, eta, rate, tokens } from './run-figures.ts';

/** LLM-judge runs on the live dashboard: the admin page's figures, pushed with each snapshot. */
export function RunsSection({ runs }: { runs: RunProgress[] }) {
  return (
    <section className="card">
      <h2>LLM judge runs</h2>
      <table className="data" data-testid="dashboard-runs">
        <thead>
          <tr>
            <th>Judges</th>
            <th>Status</th>
            <th className="num">Done / total</th>
            <th className="num">Failed</th>
            <th className="num">Rate</th>
            <th className="num">ETA</th>
            <th className="num">Tokens in / out</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-run={r.id} data-status={r.status}>
              <td>
                {r.judges.join(', ')}
                {r.swap ? <span className="hint"> · both orders</span> : null}
              </td>
              <td data-testid="run-status" title={r.error ?? undefined}>
                {STATUS_LABELS[r.status] ?? r.status}
              </td>
              <td className="num">
                <RunDone run={r} />
              </td>
              <td className="num">{r.failed}</td>
              <td className="num">{rate(r.ratePerSecond)}</td>
              <td className="num">{eta(r)}</td>
              <td className="num">
                {tokens(r.inputTokens)} / {tokens(r.outputTokens)}
              </td>
              <td className="num" data-testid="run-cost">
                {cost(r)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
