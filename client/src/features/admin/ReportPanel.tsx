import { useState } from 'react';
import {
  reportSchema,
  levelPercent,
  missingRankingCi,
  rankingNote,
} from '../../../../shared/report.ts';
import { api } from '../../lib/api.ts';
import { downloadAdminFile } from './download.ts';
import { plural } from './plural.ts';
import { errorText, useResource } from './use-resource.ts';

/** The report formats the server offers as downloads (`GET /api/studies/:id/report?format=`). */
const DOWNLOADS = [
  ['html', 'HTML'],
  ['json', 'JSON'],
  ['csv', 'CSV'],
  ['markdown', 'Markdown'],
  ['latex', 'LaTeX'],
] as const;

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, d = 3) => (v === null ? '—' : v.toFixed(d));

/** The report JSON (the statistics issue), as tables: pairs with CIs and p-values, and the ranking. */
export function ReportPanel({ studyId }: { studyId: string }) {
  const [ties, setTies] = useState<'half' | 'exclude'>('half');
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const report = useResource(
    () => api('admin', `/api/studies/${studyId}/report?ties=${ties}`, reportSchema),
    [studyId, ties],
  );
  const r = report.data;
  return (
    <section className="card">
      <h2>Report</h2>
      <p className="actions">
        <button type="button" onClick={report.reload}>
          Refresh
        </button>{' '}
        <label className="inline">
          Ties{' '}
          <select
            style={{ width: 'auto' }}
            value={ties}
            onChange={(e) => setTies(e.target.value === 'exclude' ? 'exclude' : 'half')}
          >
            <option value="half">half</option>
            <option value="exclude">excluded</option>
          </select>
        </label>
      </p>
      <p className="actions">
        Download:{' '}
        {DOWNLOADS.map(([format, label]) => (
          <button
            key={format}
            type="button"
            onClick={() => {
              setDownloadError(null);
              downloadAdminFile(
                `/api/studies/${studyId}/report?format=${format}&ties=${ties}`,
                `report.${format}`,
              ).catch((err: unknown) => setDownloadError(errorText(err)));
            }}
          >
            {label}
          </button>
        ))}
        {downloadError ? <span className="error">{downloadError}</span> : null}
      </p>
      {report.error ? <p className="error">{report.error}</p> : null}
      {r ? (
        <>
          <p className="hint">
            {plural(r.input.verdicts, 'verdict')} on {plural(r.input.items, 'item')} by{' '}
            {plural(r.input.judges, 'judge')} · {levelPercent(r.ci.level)}% CI
          </p>
          <table className="data">
            <thead>
              <tr>
                <th>Pair</th>
                <th className="num">n</th>
                <th className="num">W / L / T</th>
                <th className="num">Win rate</th>
                <th className="num">CI</th>
                <th className="num">p</th>
              </tr>
            </thead>
            <tbody>
              {r.pairs.map((p) => (
                <tr key={`${p.a}|${p.b}`}>
                  <td>
                    {p.a} vs {p.b}
                  </td>
                  <td className="num">{p.n}</td>
                  <td className="num">
                    {p.wins} / {p.losses} / {p.ties}
                  </td>
                  <td className="num" title={p.reasons.winRate}>
                    {pct(p.winRate)}
                  </td>
                  <td className="num" title={p.reasons.ci ?? p.ciMethod}>
                    {p.ci ? `${pct(p.ci[0])} – ${pct(p.ci[1])}` : '—'}{' '}
                    <span className="hint">{p.ciMethod}</span>
                  </td>
                  <td className="num">{num(p.pValue, 4)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Ranking ({r.rankingInfo.model})</h3>
          <table className="data">
            <caption className="hint" style={{ textAlign: 'left' }}>
              {rankingNote(r)}
            </caption>
            <thead>
              <tr>
                <th>System</th>
                <th className="num">Log-strength</th>
                <th className="num">CI</th>
              </tr>
            </thead>
            <tbody>
              {r.ranking.map((e) => (
                <tr key={e.system}>
                  <td>{e.system}</td>
                  <td className="num">{num(e.score)}</td>
                  <td className="num">
                    {e.ci ? `${num(e.ci[0])} – ${num(e.ci[1])}` : missingRankingCi(r, e)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
