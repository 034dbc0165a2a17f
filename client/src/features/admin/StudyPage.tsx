import { studySummarySchema } from '../../../../shared/admin-api.ts';
import { Link } from '../../app/router.tsx';
import { api } from '../../lib/api.ts';
import { AllocationPanel } from './AllocationPanel.tsx';
import { ChangesPanel } from './ChangesPanel.tsx';
import { downloadAdminFile } from './download.ts';
import { GoldPanel } from './GoldPanel.tsx';
import { ImportPanel } from './ImportPanel.tsx';
import { IntegrityPanel } from './IntegrityPanel.tsx';
import { InvitesPanel } from './InvitesPanel.tsx';
import { LlmRunsPanel } from './LlmRunsPanel.tsx';
import { PairPanel } from './PairPanel.tsx';
import { PlanPanel } from './PlanPanel.tsx';
import { QualificationPanel } from './QualificationPanel.tsx';
import { QualityPanel } from './QualityPanel.tsx';
import { ReportPanel } from './ReportPanel.tsx';
import { RolesPanel } from './RolesPanel.tsx';
import { errorText, useResource } from './use-resource.ts';
import { useState } from 'react';

export function StudyPage({ studyId }: { studyId: string }) {
  const summary = useResource(
    () => api('admin', `/api/studies/${studyId}`, studySummarySchema),
    [studyId],
  );
  const s = summary.data;
  if (summary.error) return <p className="error">{summary.error}</p>;
  if (!s) return <p className="loading">Loading…</p>;
  return (
    <>
      <section className="card">
        <h2>{s.name}</h2>
        <div className="stats">
          {Object.entries(s.counts).map(([k, v]) => (
            <div key={k}>
              <strong>{v}</strong>
              <span className="hint">{k}</span>
            </div>
          ))}
        </div>
        <p>
          Systems: {s.systems.map((x) => x.name).join(', ') || 'none yet'} · axes:{' '}
          {s.axes.join(', ')} · K = {s.judgesPerComparison} · lease {s.leaseSeconds}s
        </p>
        <p className="actions">
          <Link href={`/dashboard/${s.id}`}>Open the live dashboard →</Link>
          <ExportButton studyId={s.id} name={s.name} />
        </p>
      </section>
      <div className="grid2">
        <ImportPanel studyId={s.id} onImported={summary.reload} />
        <PairPanel
          studyId={s.id}
          systems={s.systems.map((x) => x.name)}
          onPaired={summary.reload}
        />
      </div>
      <PlanPanel
        studyId={s.id}
        systems={s.systems.map((x) => x.name)}
        judgesPerComparison={s.judgesPerComparison}
      />
      <IntegrityPanel studyId={s.id} />
      <AllocationPanel studyId={s.id} />
      <ReportPanel studyId={s.id} />
      <InvitesPanel studyId={s.id} />
      <RolesPanel studyId={s.id} />
      <ChangesPanel studyId={s.id} />
      <LlmRunsPanel studyId={s.id} />
      <QualityPanel studyId={s.id} />
      <GoldPanel studyId={s.id} systems={s.systems.map((x) => x.name)} />
      <QualificationPanel studyId={s.id} systems={s.systems.map((x) => x.name)} />
    </>
  );
}

/** Downloads the judgments file. */
function ExportButton({ studyId, name }: { studyId: string; name: string }) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    try {
      setError(null);
      await downloadAdminFile(`/api/studies/${studyId}/export`, `${name}-judgments.jsonl`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <button type="button" onClick={() => void download()}>
        Export judgments (JSONL)
      </button>
      {error ? <span className="error">{error}</span> : null}
    </>
  );
}
