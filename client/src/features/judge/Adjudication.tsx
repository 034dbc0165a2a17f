import { useCallback, useEffect, useState } from 'react';
import type * as z from 'zod/mini';
import type { Side } from '../../../../shared/judge-api.ts';
import { api } from '../../lib/api.ts';
import { axisLabel } from './Comparison.tsx';
import { adjudicationResponse, adjudicationSubmitResponse } from './qualification-wire.ts';
import { SideChoice, SidePanes, sideWords } from './SidePanes.tsx';

type View = z.infer<typeof adjudicationResponse>;

/**
 * The adjudication queue: a comparison whose judges split, blind, with the earlier verdicts and
 * their notes (never who gave them), and the adjudicator's final verdict with a reason.
 */
export function Adjudication() {
  const [view, setView] = useState<View | null>(null);
  const [empty, setEmpty] = useState(false);
  const [choice, setChoice] = useState<Side | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await api('judge', '/api/judge/adjudication/next', adjudicationResponse, {
        method: 'POST',
      });
      setView(next);
      setEmpty(next === null);
      setChoice(null);
      setReason('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const submit = async () => {
    if (!view || !choice || !reason.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await api('judge', `/api/judge/adjudication/${view.id}`, adjudicationSubmitResponse, {
        method: 'POST',
        body: { winner: choice, reason: reason.trim() },
      });
      await load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <div className="adjudication" aria-busy={busy}>
      <section aria-labelledby="adjudication-heading">
        <h2 id="adjudication-heading">Adjudication</h2>
        {view ? (
          <p data-testid="adjudication-waiting">
            The judges of this comparison disagreed. {view.waiting} split comparison
            {view.waiting === 1 ? '' : 's'} waiting.
          </p>
        ) : null}
      </section>
      {error ? (
        <p className="banner warn" role="alert">
          {error}
        </p>
      ) : null}
      {empty ? (
        <section className="state" aria-labelledby="adjudication-empty">
          <h2 id="adjudication-empty">No split comparisons are waiting</h2>
        </section>
      ) : null}
      {view ? (
        <>
          <SidePanes item={view.item} left={view.left} right={view.right} />
          <section className="earlier-verdicts" aria-labelledby="earlier-heading">
            <h2 id="earlier-heading">Earlier verdicts</h2>
            <ol>
              {view.earlier.map((v, i) => (
                <li key={i} className="earlier-verdict">
                  <strong>{sideWords[v.winner]}</strong>
                  {Object.keys(v.axes).length ? (
                    <span className="hint">
                      {' '}
                      (
                      {Object.entries(v.axes)
                        .map(([axis, side]) => `${axisLabel(axis)}: ${sideWords[side]}`)
                        .join('; ')}
                      )
                    </span>
                  ) : null}
                  {v.note ? <blockquote className="earlier-note">{v.note}</blockquote> : null}
                </li>
              ))}
            </ol>
          </section>
          <fieldset className="adjudication-choice">
            <legend>Your final verdict</legend>
            <SideChoice name="adjudication-winner" value={choice} onChange={setChoice} />
            <label className="adjudication-reason">
              Reason
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} />
            </label>
            <button
              type="button"
              className="primary"
              disabled={!choice || !reason.trim() || busy}
              onClick={() => void submit()}
            >
              Record final verdict
            </button>
          </fieldset>
        </>
      ) : null}
    </div>
  );
}
