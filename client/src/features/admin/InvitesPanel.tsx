import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { inviteResponseSchema, judgeSummarySchema } from '../../../../shared/admin-api.ts';
import { api } from '../../lib/api.ts';
import { errorText, useResource } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export function InvitesPanel({ studyId }: { studyId: string }) {
  const judges = useResource(
    () => api('admin', `/api/studies/${studyId}/judges`, z.array(judgeSummarySchema)),
    [studyId],
  );
  const [created, setCreated] = useState<{ name: string; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const invite = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const quota = String(f.get('quota') ?? '').trim();
    try {
      setError(null);
      const res = await api('admin', `/api/studies/${studyId}/invites`, inviteResponseSchema, {
        method: 'POST',
        body: {
          name: String(f.get('name') ?? '').trim(),
          ...(quota ? { quota: Number(quota) } : {}),
        },
      });
      if (res) setCreated({ name: res.name, url: res.url });
      setCopied(false);
      form.reset();
      judges.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (judgeId: string, name: string) => {
    if (!window.confirm(`Revoke ${name}'s invite? Their verdicts are kept.`)) return;
    try {
      await api(
        'admin',
        `/api/studies/${studyId}/judges/${judgeId}/revoke`,
        z.object({ ok: z.literal(true) }),
        { method: 'POST' },
      );
      judges.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="card">
      <h2>Judges</h2>
      <form className="form" onSubmit={(e) => void invite(e)}>
        <div className="inline">
          <label>
            Name <input type="text" name="name" required maxLength={200} />
          </label>
          <label>
            Quota <input type="number" name="quota" min={0} />
          </label>
          <button type="submit" className="primary">
            Invite
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {created ? (
        <p role="status">
          Invite link for <strong>{created.name}</strong> (shown once; send it privately):{' '}
          <span className="mono" data-testid="invite-url">
            {created.url}
          </span>{' '}
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard?.writeText(created.url).then(() => setCopied(true))
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </p>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th className="num">Verdicts</th>
            <th className="num">Quota</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {judges.data?.map((j) => (
            <tr key={j.id}>
              <td>{j.name}</td>
              <td>{j.kind}</td>
              <td className="num">{j.verdicts}</td>
              <td className="num">{j.quota ?? '—'}</td>
              <td>
                {j.revoked ? (
                  'revoked'
                ) : j.kind === 'human' ? (
                  <button type="button" onClick={() => void revoke(j.id, j.name)}>
                    Revoke
                  </button>
                ) : (
                  'active'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
