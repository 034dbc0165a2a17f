import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import {
  accountSchema,
  createAccountResponseSchema,
  meSchema,
} from '../../../../shared/admin-api.ts';
import { api } from '../../lib/api.ts';
import { errorText, useResource } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/**
 * Who is signed in, and for a server-admin the server's accounts (docs/roles.md): create one (its
 * token shown once), see its last use, revoke it.
 */
export function AccountsPanel() {
  const me = useResource(() => api('admin', '/api/accounts/me', meSchema), []);
  if (!me.data) return null;
  return (
    <section className="card" aria-labelledby="accounts-title">
      <h2 id="accounts-title">People</h2>
      <p data-testid="signed-in-as">
        Signed in as <strong>{me.data.name}</strong>
        {me.data.serverAdmin ? ' (server-admin)' : ''}
      </p>
      {me.data.serverAdmin ? <AccountList /> : null}
    </section>
  );
}

function AccountList() {
  const accounts = useResource(() => api('admin', '/api/accounts', z.array(accountSchema)), []);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    try {
      setError(null);
      const res = await api('admin', '/api/accounts', createAccountResponseSchema, {
        method: 'POST',
        body: { name: String(f.get('name') ?? '').trim(), serverAdmin: f.get('admin') === 'on' },
      });
      if (res) setCreated({ name: res.name, token: res.token });
      form.reset();
      accounts.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (name: string) => {
    if (!window.confirm(`Revoke ${name}'s account? Their token stops working at once.`)) return;
    try {
      await api('admin', `/api/accounts/${encodeURIComponent(name)}/revoke`, accountSchema, {
        method: 'POST',
      });
      accounts.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <>
      <form className="form" onSubmit={(e) => void add(e)}>
        <div className="inline">
          <label>
            Name <input type="text" name="name" required maxLength={100} />
          </label>
          <label>
            <input type="checkbox" name="admin" /> server-admin
          </label>
          <button type="submit" className="primary">
            Add account
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {created ? (
        <p role="status">
          Token for <strong>{created.name}</strong> (shown once; send it privately):{' '}
          <span className="mono" data-testid="account-token">
            {created.token}
          </span>
        </p>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts.data?.map((a) => (
            <tr key={a.name}>
              <td>{a.name}</td>
              <td>{a.serverAdmin ? 'server-admin' : 'member'}</td>
              <td>{a.lastUsedAt ? new Date(a.lastUsedAt).toLocaleString() : 'never'}</td>
              <td>
                {a.revoked ? (
                  'revoked'
                ) : (
                  <button type="button" onClick={() => void revoke(a.name)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
