import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import {
  studyListEntrySchema,
  studySchema,
  type StudyListEntry,
} from '../../../../shared/admin-api.ts';
import { Link, navigate } from '../../app/router.tsx';
import { api } from '../../lib/api.ts';
import { AccountsPanel } from './AccountsPanel.tsx';
import { errorText, useResource } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export function StudyList() {
  const studies = useResource(
    () => api('admin', '/api/studies', z.array(studyListEntrySchema)),
    [],
  );
  return (
    <>
      <div className="grid2">
        <section className="card">
          <h2>Studies</h2>
          {studies.error ? <p className="error">{studies.error}</p> : null}
          {studies.data?.length === 0 ? <p>No study yet: create one.</p> : null}
          <ul>
            {studies.data?.map((s) => (
              <li key={s.id}>
                <Link href={`/admin/studies/${s.id}`}>{s.name}</Link>{' '}
                <span className="hint">
                  {s.axes.join(', ')} · K = {s.judgesPerComparison}
                </span>
                <Progress progress={s.progress} name={s.name} />
              </li>
            ))}
          </ul>
        </section>
        <CreateStudy />
      </div>
      <AccountsPanel />
    </>
  );
}

/** Judged / planned per judge kind; a kind with nothing planned is left out. */
function Progress({ progress, name }: { progress: StudyListEntry['progress']; name: string }) {
  const kinds = (['human', 'llm'] as const).filter((k) => progress[k].planned > 0);
  if (kinds.length === 0) return <div className="hint">no comparisons planned yet</div>;
  return (
    <div className="study-progress">
      {kinds.map((kind) => {
        const { judged, planned } = progress[kind];
        const label = `${kind === 'human' ? 'Human' : 'LLM'}: ${judged} / ${planned} judged`;
        return (
          <div key={kind} className="hint">
            <progress value={judged} max={planned} aria-label={`${name}, ${label}`} /> {label} (
            {Math.floor((judged / planned) * 100)}%)
          </div>
        );
      })}
    </div>
  );
}

function CreateStudy() {
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    try {
      const study = await api('admin', '/api/studies', studySchema, {
        method: 'POST',
        body: {
          name: text('name'),
          axes: text('axes')
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
          guidelines: text('guidelines'),
          judgesPerComparison: Number(text('k') || 1),
          leaseSeconds: Number(text('lease') || 600),
          requireAxes: f.get('requireAxes') === 'on',
        },
      });
      if (study) navigate(`/admin/studies/${study.id}`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card">
      <h2>Create a study</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          Name <input type="text" name="name" required maxLength={200} />
        </label>
        <label>
          Axes (comma-separated)
          <input type="text" name="axes" defaultValue="perception, medical_knowledge, rationale" />
        </label>
        <label>
          Guidelines (Markdown)
          <textarea name="guidelines" rows={4} />
        </label>
        <label>
          Judges per comparison (K){' '}
          <input type="number" name="k" min={1} max={100} defaultValue={1} />
        </label>
        <label>
          Lease (seconds) <input type="number" name="lease" min={5} defaultValue={600} />
        </label>
        <label className="inline">
          <input type="checkbox" name="requireAxes" /> Require a verdict on every axis
        </label>
        <button type="submit" className="primary">
          Create
        </button>
        <ErrorAlert error={error} />
      </form>
    </section>
  );
}
