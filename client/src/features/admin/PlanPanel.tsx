import { useState, type FormEvent } from 'react';
import {
  lockedPlanSchema,
  planResponseSchema,
  powerResponseSchema,
  type AnalysisPlan,
  type LockedPlan,
  type PowerResponse,
} from '../../../../shared/plan.ts';
import { ciChoiceSchema } from '../../../../shared/report.ts';
import { api } from '../../lib/api.ts';
import { errorText, useResource } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/**
 * The study's locked analysis plan (docs/plan.md): its SHA-256 and what it fixes, or a form to
 * lock one; and the sample-size calculator (`tracearena plan power` over `GET /api/plan/power`).
 */
export function PlanPanel({
  studyId,
  systems,
  judgesPerComparison,
}: {
  studyId: string;
  systems: string[];
  judgesPerComparison: number;
}) {
  const plan = useResource(
    () => api('admin', `/api/studies/${studyId}/plan`, planResponseSchema),
    [studyId],
  );
  const [items, setItems] = useState('');
  const locked = plan.data?.plan ?? null;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">Analysis plan</h2>
      {plan.error ? <p className="error">{plan.error}</p> : null}
      {locked ? (
        <LockedPlanView locked={locked} />
      ) : plan.data ? (
        <LockForm
          studyId={studyId}
          systems={systems}
          judgesPerComparison={judgesPerComparison}
          items={items}
          setItems={setItems}
          onLocked={plan.reload}
        />
      ) : null}
      <Calculator onUse={locked ? null : (n) => setItems(String(n))} judges={judgesPerComparison} />
    </section>
  );
}

function LockedPlanView({ locked }: { locked: LockedPlan }) {
  const p = locked.plan;
  return (
    <div data-testid="locked-plan">
      <p>
        Locked {new Date(locked.lockedAt).toLocaleString()} by {locked.lockedBy}. SHA-256:{' '}
        <code className="mono" data-testid="plan-hash">
          {locked.sha256}
        </code>
      </p>
      {locked.forced ? (
        <p className="error" role="note">
          Locked after judging had started ({locked.verdictsAtLock} verdicts in): every report says
          so.
        </p>
      ) : null}
      <table className="data">
        <tbody>
          <tr>
            <th>Primary comparison</th>
            <td>
              win rate of {p.primary.a} against {p.primary.b}
            </td>
          </tr>
          <tr>
            <th>Ties</th>
            <td>{p.metric.ties === 'half' ? 'half a win' : 'excluded'}</td>
          </tr>
          <tr>
            <th>Interval</th>
            <td>
              {p.interval.ci}, level {p.interval.level}
            </td>
          </tr>
          <tr>
            <th>Judges per comparison</th>
            <td>{p.judgesPerComparison}</td>
          </tr>
          <tr>
            <th>Stopping rule</th>
            <td>
              {p.stopping.rule === 'fixed'
                ? `fixed at ${p.items} items`
                : `sequential at a half-width of ${p.stopping.halfWidth} (at most ${p.items} items)`}
            </td>
          </tr>
        </tbody>
      </table>
      <p className="hint">
        A locked plan never changes. Reports made with other options say they deviate from it.
      </p>
    </div>
  );
}

function LockForm({
  studyId,
  systems,
  judgesPerComparison,
  items,
  setItems,
  onLocked,
}: {
  studyId: string;
  systems: string[];
  judgesPerComparison: number;
  items: string;
  setItems(v: string): void;
  onLocked(): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [stop, setStop] = useState<'fixed' | 'sequential'>('fixed');
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const plan: AnalysisPlan = {
      version: 1,
      primary: { a: text('a'), b: text('b') },
      metric: { kind: 'win-rate', ties: text('ties') === 'exclude' ? 'exclude' : 'half' },
      interval: {
        ci: text('ci') as AnalysisPlan['interval']['ci'],
        level: Number(text('level')),
      },
      judgesPerComparison: Number(text('judges')),
      stopping:
        stop === 'sequential'
          ? { rule: 'sequential', halfWidth: Number(text('halfWidth')) }
          : { rule: 'fixed' },
      items: Number(items),
    };
    try {
      setError(null);
      await api('admin', `/api/studies/${studyId}/plan`, lockedPlanSchema, {
        method: 'POST',
        body: { plan, force: f.get('force') === 'on' },
      });
      onLocked();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const [a = '', b = ''] = systems;
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Lock the analysis plan">
      <p className="hint">No plan is locked. Lock one before judging starts.</p>
      <label>
        System A (its win rate)
        <select name="a" defaultValue={a}>
          {systems.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        System B
        <select name="b" defaultValue={b}>
          {systems.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Ties
        <select name="ties" defaultValue="half">
          <option value="half">half a win</option>
          <option value="exclude">excluded</option>
        </select>
      </label>
      <label>
        Interval
        <select name="ci" defaultValue="auto">
          {ciChoiceSchema.options.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>
      <label>
        Level <input name="level" type="number" step="any" defaultValue="0.95" />
      </label>
      <label>
        Judges per comparison{' '}
        <input name="judges" type="number" min={1} defaultValue={judgesPerComparison} />
      </label>
      <label>
        Stopping rule
        <select
          name="stop"
          value={stop}
          onChange={(e) => setStop(e.target.value === 'sequential' ? 'sequential' : 'fixed')}
        >
          <option value="fixed">fixed number of items</option>
          <option value="sequential">sequential, at a half-width</option>
        </select>
      </label>
      {stop === 'sequential' ? (
        <label>
          Target half-width <input name="halfWidth" type="number" step="any" />
        </label>
      ) : null}
      <label>
        Planned items{' '}
        <input
          name="items"
          type="number"
          min={1}
          value={items}
          onChange={(e) => setItems(e.target.value)}
        />
      </label>
      <label className="inline">
        <input type="checkbox" name="force" /> Lock even though judging has started
      </label>
      <button type="submit" className="primary">
        Lock plan
      </button>
      <ErrorAlert error={error} />
    </form>
  );
}

function Calculator({
  onUse,
  judges,
}: {
  onUse: ((items: number) => void) | null;
  judges: number;
}) {
  const [answer, setAnswer] = useState<PowerResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const q = new URLSearchParams();
    for (const k of ['rate', 'icc', 'verdictsPerItem', 'halfWidth', 'level']) {
      const v = String(f.get(k) ?? '').trim();
      if (v) q.set(k, v);
    }
    try {
      setError(null);
      setAnswer(await api('admin', `/api/plan/power?${q.toString()}`, powerResponseSchema));
    } catch (err) {
      setAnswer(null);
      setError(errorText(err));
    }
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Sample-size calculator">
      <h3>Sample size</h3>
      <p className="hint">
        Items needed for the report&apos;s default interval to reach a half-width (as{' '}
        <code>tracearena plan power</code>).
      </p>
      <label>
        Expected win rate <input name="rate" type="number" step="any" defaultValue="0.6" />
      </label>
      <label>
        ICC <input name="icc" type="number" step="any" defaultValue="0.2" />
      </label>
      <label>
        Verdicts per item{' '}
        <input name="verdictsPerItem" type="number" min={1} defaultValue={Math.max(1, judges)} />
      </label>
      <label>
        Target half-width <input name="halfWidth" type="number" step="any" defaultValue="0.05" />
      </label>
      <label>
        Level <input name="level" type="number" step="any" defaultValue="0.95" />
      </label>
      <button type="submit">Compute</button>
      <ErrorAlert error={error} />
      {answer ? (
        <p className="ok" role="status" data-testid="power-answer">
          {answer.items} items needed ({answer.verdicts} verdicts): expected half-width{' '}
          {answer.halfWidth.toFixed(4)}, design effect {answer.deff.toFixed(3)}, effective sample
          size {answer.effectiveN.toFixed(1)}.{' '}
          {onUse ? (
            <button type="button" onClick={() => onUse(answer.items)}>
              Use {answer.items} items in the plan
            </button>
          ) : null}
        </p>
      ) : null}
    </form>
  );
}
