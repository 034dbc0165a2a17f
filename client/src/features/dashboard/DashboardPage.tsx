import { Link } from '../../app/router.tsx';
import { levelPercent } from '../../../../shared/report.ts';
import { EnoughSection } from './EnoughSection.tsx';
import { ForestPlot, MinuteBars } from './ForestPlot.tsx';
import { RunsSection } from './RunsSection.tsx';
import { useLive } from './use-live.ts';

const pct = (done: number, all: number) => (all ? `${((done / all) * 100).toFixed(0)}%` : '—');

/** The study's live dashboard (admin only): progress, throughput, judges and running win rates. */
export default function DashboardPage({ studyId }: { studyId: string }) {
  const { snapshot: s, connected, error, updates } = useLive(studyId);
  return (
    <div className="admin dashboard">
      <header>
        <h1>{s ? s.studyName : 'Dashboard'}</h1>
        <span role="status" aria-live="polite">
          <span className={`live-dot${connected ? ' on' : ''}`} aria-hidden="true" />
          {connected ? 'live' : 'reconnecting…'}
          {s ? ` · updated ${new Date(s.generatedAt).toLocaleTimeString()}` : ''}
        </span>
        <nav>
          <Link href={`/admin/studies/${studyId}`}>Study admin</Link>
        </nav>
      </header>
      {error ? <p className="error card">{error}</p> : null}
      {s ? (
        <>
          <section className="card">
            <div className="stats" data-testid="totals" data-updates={updates}>
              <div>
                <strong data-testid="verdicts">{s.totals.verdicts}</strong>
                <span className="hint">verdicts</span>
              </div>
              <div>
                <strong>{pct(s.totals.slotsDone, s.totals.slots)}</strong>
                <span className="hint">of {s.totals.slots} judging slots done</span>
              </div>
              <div>
                <strong>{s.totals.slotsLeased}</strong>
                <span className="hint">in progress</span>
              </div>
              <div>
                <strong>{s.totals.skips}</strong>
                <span className="hint">skipped</span>
              </div>
              <div>
                <strong>{s.totals.judges}</strong>
                <span className="hint">judges</span>
              </div>
            </div>
          </section>
          {s.runs.length ? <RunsSection runs={s.runs} /> : null}
          <EnoughSection allocation={s.allocation} />
          <div className="grid2">
            <section className="card">
              <h2>
                Win rate (first system of each pair, ties half,{' '}
                {levelPercent(s.pairs[0]?.level ?? 0.95)}% CI)
              </h2>
              {s.pairs.length ? <ForestPlot pairs={s.pairs} /> : <p>No verdicts yet.</p>}
            </section>
            <section className="card">
              <h2>Verdicts per minute</h2>
              <MinuteBars perMinute={s.perMinute} />
            </section>
          </div>
          <div className="grid2">
            <section className="card">
              <h2>Progress per comparison set</h2>
              <table className="data">
                <thead>
                  <tr>
                    <th>Pair</th>
                    <th className="num">Comparisons complete</th>
                    <th className="num">Slots done</th>
                    <th className="num">In progress</th>
                  </tr>
                </thead>
                <tbody>
                  {s.sets.map((set) => (
                    <tr key={`${set.a}|${set.b}`}>
                      <td className="name">
                        {set.a} vs {set.b}
                      </td>
                      <td className="num">
                        {set.comparisonsComplete} / {set.comparisons}
                      </td>
                      <td className="num">
                        {set.slotsDone} / {set.slots} ({pct(set.slotsDone, set.slots)})
                      </td>
                      <td className="num">{set.slotsLeased}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card">
              <h2>Judges</h2>
              <table className="data">
                <thead>
                  <tr>
                    <th>Judge</th>
                    <th className="num">Verdicts</th>
                    <th className="num">Skips</th>
                    <th>Last verdict</th>
                  </tr>
                </thead>
                <tbody>
                  {s.judges.map((j) => (
                    <tr key={`${j.kind}|${j.name}`}>
                      <td className="name">
                        {j.name} <span className="hint">{j.kind}</span>
                      </td>
                      <td className="num">{j.verdicts}</td>
                      <td className="num">{j.skips}</td>
                      <td>
                        {j.lastVerdictAt ? new Date(j.lastVerdictAt).toLocaleTimeString() : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
        </>
      ) : !error ? (
        <p className="loading">Connecting…</p>
      ) : null}
    </div>
  );
}
