import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { judgeQualitySchema } from '../../../../shared/admin-views.ts';
import {
  qualificationAdminSchema,
  type AdjudicationRule,
  type QualificationSettings,
} from '../../../../shared/qualification-api.ts';
import { api } from '../../lib/api.ts';
import { errorText, useResource } from './use-resource.ts';
import { Markdown } from '../markdown/Markdown.tsx';

const ok = z.object({ ok: z.literal(true) });

/**
 * Qualification and adjudication (docs/qualification.md): the training set (study comparisons
 * with the expected verdict and an explanation), the pass mark, the attempts, the adjudication
 * rule; judges held after failing (release) and the adjudicator flag.
 */
export function QualificationPanel({ studyId, systems }: { studyId: string; systems: string[] }) {
  const q = useResource(
    () => api('admin', `/api/studies/${studyId}/qualification`, qualificationAdminSchema),
    [studyId],
  );
  const judges = useResource(
    () => api('admin', `/api/studies/${studyId}/judge-quality`, z.array(judgeQualitySchema)),
    [studyId],
  );
  const [error, setError] = useState<string | null>(null);
  const [a = '', b = ''] = systems;
  const [item, setItem] = useState('');
  const [winner, setWinner] = useState('tie');
  const [explanation, setExplanation] = useState('');

  const call = async (run: () => Promise<unknown>) => {
    try {
      setError(null);
      await run();
      q.reload();
      judges.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const saveSettings = (s: QualificationSettings) =>
    call(() =>
      api('admin', `/api/studies/${studyId}/qualification`, qualificationAdminSchema, {
        method: 'PUT',
        body: s,
      }),
    );
  const addItem = (e: FormEvent) => {
    e.preventDefault();
    void call(async () => {
      await api('admin', `/api/studies/${studyId}/qualification/items`, z.unknown(), {
        method: 'POST',
        body: { item, a, b, winner, explanation },
      });
      setItem('');
      setExplanation('');
    });
  };

  const s = q.data?.settings;
  return (
    <section className="card" aria-labelledby="qualification-heading">
      <h2 id="qualification-heading">Qualification and adjudication</h2>
      {error || q.error ? <p className="error">{error ?? q.error}</p> : null}
      {s ? (
        <form className="form" onSubmit={(e) => e.preventDefault()}>
          <label className="inline">
            <input
              type="checkbox"
              checked={s.required}
              onChange={(e) => void saveSettings({ ...s, required: e.target.checked })}
            />{' '}
            Judges must pass the training first
          </label>{' '}
          <label>
            Pass mark (%){' '}
            <input
              type="number"
              min={1}
              max={100}
              defaultValue={Math.round(s.passMark * 100)}
              onBlur={(e) => void saveSettings({ ...s, passMark: Number(e.target.value) / 100 })}
            />
          </label>{' '}
          <label>
            Attempts{' '}
            <input
              type="number"
              min={1}
              max={100}
              defaultValue={s.maxAttempts}
              onBlur={(e) => void saveSettings({ ...s, maxAttempts: Number(e.target.value) })}
            />
          </label>{' '}
          <label>
            Adjudicate{' '}
            <select
              value={s.adjudicationRule}
              onChange={(e) =>
                void saveSettings({ ...s, adjudicationRule: e.target.value as AdjudicationRule })
              }
            >
              <option value="off">never</option>
              <option value="no_majority">when no verdict has a majority</option>
              <option value="any_disagreement">on any disagreement</option>
            </select>
          </label>
        </form>
      ) : null}
      <h3>Training comparisons</h3>
      <table className="data">
        <thead>
          <tr>
            <th>Item</th>
            <th>Expected</th>
            <th>Explanation</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data?.items.map((t) => (
            <tr key={t.id}>
              <td>
                {t.item}{' '}
                <span className="hint">
                  ({t.a} vs {t.b})
                </span>
              </td>
              <td>{t.winner}</td>
              <td>
                <Markdown text={t.explanation} />
              </td>
              <td>
                <button
                  type="button"
                  onClick={() =>
                    void call(() =>
                      api('admin', `/api/studies/${studyId}/qualification/items/${t.id}`, ok, {
                        method: 'DELETE',
                      }),
                    )
                  }
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="form" onSubmit={addItem} aria-label="Add a training comparison">
        <label>
          Item id <input value={item} onChange={(e) => setItem(e.target.value)} required />
        </label>{' '}
        <label>
          Expected{' '}
          <select value={winner} onChange={(e) => setWinner(e.target.value)}>
            <option value="tie">tie</option>
            {a ? <option value={a}>{a}</option> : null}
            {b ? <option value={b}>{b}</option> : null}
          </select>
        </label>{' '}
        <label>
          Explanation{' '}
          <input value={explanation} onChange={(e) => setExplanation(e.target.value)} required />
        </label>{' '}
        <button type="submit">Add training comparison</button>
      </form>
      <h3>Judges</h3>
      <table className="data">
        <thead>
          <tr>
            <th>Judge</th>
            <th>Qualification</th>
            <th className="num">Attempts</th>
            <th>Adjudicator</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {judges.data
            ?.filter((j) => j.kind === 'human')
            .map((j) => (
              <tr key={j.judgeId}>
                <td>{j.name}</td>
                <td>{j.qualification.status.replace('_', ' ')}</td>
                <td className="num">{j.qualification.attempts}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${j.name} adjudicates`}
                    checked={j.qualification.adjudicator}
                    onChange={(e) =>
                      void call(() =>
                        api(
                          'admin',
                          `/api/studies/${studyId}/judges/${j.judgeId}/adjudicator`,
                          ok,
                          {
                            method: 'PUT',
                            body: { adjudicator: e.target.checked },
                          },
                        ),
                      )
                    }
                  />
                </td>
                <td>
                  {j.qualification.status === 'held' ? (
                    <button
                      type="button"
                      onClick={() =>
                        void call(() =>
                          api('admin', `/api/studies/${studyId}/judges/${j.judgeId}/release`, ok, {
                            method: 'POST',
                          }),
                        )
                      }
                    >
                      Release
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      <p className="hint">
        {q.data?.adjudicatedComparisons ?? 0} comparisons adjudicated. Reports use the original
        verdicts unless asked for adjudication.
      </p>
    </section>
  );
}
