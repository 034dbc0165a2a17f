import { z } from 'zod';
import { auditChangeSchema } from '../../../../shared/audit.ts';
import { api } from '../../lib/api.ts';
import { useResource } from './use-resource.ts';

/** Who changed the study lately, from its audit trail (docs/audit.md): newest first. */
export function ChangesPanel({ studyId }: { studyId: string }) {
  const changes = useResource(
    () => api('admin', `/api/studies/${studyId}/audit/changes`, z.array(auditChangeSchema)),
    [studyId],
  );
  return (
    <section className="card" aria-labelledby="changes-title">
      <h2 id="changes-title">Changes</h2>
      {changes.error ? <p className="error">{changes.error}</p> : null}
      {changes.data?.length === 0 ? <p className="hint">No change recorded yet.</p> : null}
      <ul data-testid="changes">
        {changes.data?.map((c, i) => (
          <li key={`${c.at}-${i}`}>
            <span className="hint">{new Date(c.at).toLocaleString()}</span>{' '}
            <strong>{c.actor.replace(/^account:/, '')}</strong> {c.kind.replaceAll('_', ' ')}
          </li>
        ))}
      </ul>
    </section>
  );
}
