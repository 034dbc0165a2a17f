import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { studyRoleEntrySchema } from '../../../../shared/admin-api.ts';
import { api } from '../../lib/api.ts';
import { errorText, useResource } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

const ok = z.object({ ok: z.literal(true) });

/**
 * The study's people (docs/roles.md): owners change everything of the study, viewers read its
 * dashboard, report and export. Shows who granted each role and when; owners grant and remove.
 */
export function RolesPanel({ studyId }: { studyId: string }) {
  const roles = useResource(
    () => api('admin', `/api/studies/${studyId}/roles`, z.array(studyRoleEntrySchema)),
    [studyId],
  );
  const [error, setError] = useState<string | null>(null);
  const path = (name: string) => `/api/studies/${studyId}/roles/${encodeURIComponent(name)}`;

  const grant = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    try {
      setError(null);
      await api('admin', path(String(f.get('name') ?? '').trim()), ok, {
        method: 'PUT',
        body: { role: String(f.get('role')) },
      });
      form.reset();
      roles.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (name: string) => {
    try {
      setError(null);
      await api('admin', path(name), ok, { method: 'DELETE' });
      roles.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">People of this study</h2>
      {roles.error ? <p className="error">{roles.error}</p> : null}
      {roles.data?.length === 0 ? <p className="hint">Only server-admins so far.</p> : null}
      <ul data-testid="study-roles">
        {roles.data?.map((r) => (
          <li key={r.name}>
            <strong>{r.name}</strong> {r.role}
            {r.revoked ? ' (account revoked)' : ''}{' '}
            <span className="hint">
              granted by {r.grantedBy.replace(/^account:/, '')},{' '}
              {new Date(r.grantedAt).toLocaleString()}
            </span>{' '}
            <button type="button" onClick={() => void remove(r.name)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={(e) => void grant(e)}>
        <div className="inline">
          <label>
            Account <input type="text" name="name" required maxLength={100} />
          </label>
          <label>
            Role{' '}
            <select name="role" defaultValue="viewer">
              <option value="viewer">viewer</option>
              <option value="owner">owner</option>
            </select>
          </label>
          <button type="submit">Grant</button>
        </div>
      </form>
      <ErrorAlert error={error} />
    </section>
  );
}
