import { useState, type ReactNode } from 'react';
import {
  flaggedOutputSchema,
  integrityViewSchema,
  scanResultSchema,
  type FlagDecision,
  type FlaggedOutput,
  type FlagMatch,
  type FlagStatus,
} from '../../../../shared/integrity-api.ts';
import { api } from '../../lib/api.ts';
import { plural } from './plural.ts';
import { errorText, useResource } from './use-resource.ts';

/** Characters of context shown around a match. */
const CONTEXT = 80;
/** Flagged outputs shown at once. */
const PAGE = 50;

/** The text around the matches, each match highlighted; "…" where text is left out. */
export function highlight(text: string, matches: readonly FlagMatch[]): ReactNode[] {
  const sorted = [...matches].sort((x, y) => x.start - y.start);
  const out: ReactNode[] = [];
  let at = 0;
  sorted.forEach((m, i) => {
    if (m.start < at) return;
    const from = Math.max(at, m.start - CONTEXT);
    if (from > at || (i === 0 && from > 0)) out.push('… ');
    out.push(text.slice(from, m.start));
    out.push(
      <mark key={i} title={`${m.kind}: ${m.term}${m.evidence ? ` (${m.evidence})` : ''}`}>
        {text.slice(m.start, m.end)}
      </mark>,
    );
    const next = sorted[i + 1];
    const to = Math.min(
      text.length,
      m.end + CONTEXT,
      next ? Math.max(m.end, next.start) : Infinity,
    );
    out.push(text.slice(m.end, to));
    at = to;
  });
  if (at < text.length) out.push(' …');
  return out;
}

const ACTIONS: Array<{ action: FlagDecision['action']; label: string; status: FlagStatus }> = [
  { action: 'release', label: 'Release', status: 'released' },
  { action: 'redact', label: 'Redact', status: 'redacted' },
  { action: 'exclude', label: 'Exclude', status: 'excluded' },
  { action: 'hold', label: 'Hold', status: 'held' },
];

/**
 * The identity-leak scan's flagged outputs (docs/integrity.md): what matched, highlighted, and the
 * admin's decision for each (release, redact, exclude; a comparison with a held output waits out of
 * the queue); the study's own words; per system, the comparisons held, redacted and excluded.
 */
export function IntegrityPanel({ studyId }: { studyId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<FlagStatus | 'all'>('held');
  const [shown, setShown] = useState(PAGE);
  const [word, setWord] = useState('');
  const view = useResource(
    () => api('admin', `/api/studies/${studyId}/integrity`, integrityViewSchema),
    [studyId],
  );
  const run = async (f: () => Promise<unknown>) => {
    try {
      setError(null);
      await f();
      view.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const decide = (flag: FlaggedOutput, action: FlagDecision['action']) =>
    run(() =>
      api(
        'admin',
        `/api/studies/${studyId}/integrity/outputs/${flag.outputId}/decision`,
        flaggedOutputSchema,
        { method: 'POST', body: { action } },
      ),
    );
  const v = view.data;
  const flags = v ? v.flags.filter((f) => filter === 'all' || f.status === filter) : [];
  const held = v ? v.flags.filter((f) => f.status === 'held').length : 0;

  return (
    <section className="card" aria-labelledby="integrity-title">
      <h2 id="integrity-title">Identity leaks</h2>
      <p className="hint">
        Outputs that name a system of the study, a model or a vendor, or describe themselves as an
        AI. A comparison showing a held output stays out of the judging queue until you release it
        (judged as written), redact it (judged on the text with the matches replaced) or exclude it
        (never judged, not in the report).
      </p>
      {error || view.error ? <p className="error">{error ?? view.error}</p> : null}
      {v ? (
        <>
          <p>
            {plural(v.flags.length, 'flagged output')} of {v.outputs}; {held} held.
            {v.skippedSystemNames.length > 0
              ? ` System names not looked for (common words): ${v.skippedSystemNames.join(', ')}.`
              : ''}
          </p>
          <table className="data" aria-label="Comparisons by decision">
            <thead>
              <tr>
                <th>System</th>
                <th className="num">Held</th>
                <th className="num">Redacted</th>
                <th className="num">Excluded</th>
                <th className="num">Released</th>
              </tr>
            </thead>
            <tbody>
              {v.counts.map((c) => (
                <tr key={c.system}>
                  <td>{c.system}</td>
                  <td className="num">{c.held}</td>
                  <td className="num">{c.redacted}</td>
                  <td className="num">{c.excluded}</td>
                  <td className="num">{c.released}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="actions"
            onSubmit={(e) => {
              e.preventDefault();
              const w = word.trim();
              if (w)
                void run(async () => {
                  await api('admin', `/api/studies/${studyId}/integrity/words`, scanResultSchema, {
                    method: 'POST',
                    body: { word: w },
                  });
                  setWord('');
                });
            }}
          >
            <label>
              Also look for{' '}
              <input type="text" value={word} onChange={(e) => setWord(e.target.value)} />
            </label>
            <button type="submit">Add word</button>
            <button
              type="button"
              onClick={() =>
                void run(() =>
                  api('admin', `/api/studies/${studyId}/integrity/scan`, scanResultSchema, {
                    method: 'POST',
                  }),
                )
              }
            >
              Scan again
            </button>
          </form>
          {v.words.length > 0 ? (
            <p>
              The study&apos;s words:{' '}
              {v.words.map((w) => (
                <button
                  key={w}
                  type="button"
                  className="chip"
                  aria-label={`Remove the word ${w}`}
                  onClick={() =>
                    void run(() =>
                      api(
                        'admin',
                        `/api/studies/${studyId}/integrity/words/${encodeURIComponent(w)}`,
                        scanResultSchema,
                        { method: 'DELETE' },
                      ),
                    )
                  }
                >
                  {w} ×
                </button>
              ))}
            </p>
          ) : null}
          <label>
            Show{' '}
            <select
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value as FlagStatus | 'all');
                setShown(PAGE);
              }}
            >
              <option value="held">held</option>
              <option value="released">released</option>
              <option value="redacted">redacted</option>
              <option value="excluded">excluded</option>
              <option value="all">all</option>
            </select>
          </label>
          <table className="data" aria-label="Flagged outputs">
            <thead>
              <tr>
                <th>Item</th>
                <th>System</th>
                <th>What matched</th>
                <th>Decision</th>
              </tr>
            </thead>
            <tbody>
              {flags.slice(0, shown).map((f) => (
                <tr key={f.outputId} data-output={f.outputId}>
                  <td className="mono">{f.item}</td>
                  <td>{f.system}</td>
                  <td>
                    {(['trace', 'answer'] as const).map((field) => {
                      const ms = f.matches.filter((m) => m.field === field);
                      return ms.length > 0 ? (
                        <p key={field}>
                          <span className="hint">{field}: </span>
                          {highlight(f[field], ms)}
                        </p>
                      ) : null;
                    })}
                    {f.status === 'redacted' ? (
                      <p className="hint">Judges see: {f.redactedTrace?.slice(0, 300)}</p>
                    ) : null}
                  </td>
                  <td>
                    <strong>{f.status}</strong>
                    <span className="hint"> · {plural(f.comparisons, 'comparison')}</span>
                    <div className="actions">
                      {ACTIONS.filter((a) => a.status !== f.status).map((a) => (
                        <button
                          key={a.action}
                          type="button"
                          onClick={() => void decide(f, a.action)}
                        >
                          {a.label}
                        </button>
                      ))}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {flags.length > shown ? (
            <button type="button" onClick={() => setShown((n) => n + PAGE)}>
              Show more ({flags.length - shown} left)
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
