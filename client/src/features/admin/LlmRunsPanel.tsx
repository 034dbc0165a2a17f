import { useEffect, useState, type FormEvent } from 'react';
import { z } from 'zod';
import {
  llmRunDetailSchema,
  llmRunSchema,
  type LlmRun,
  type StartRunBody,
} from '../../../../shared/llm-api.ts';
import { api } from '../../lib/api.ts';
import { STATUS_LABELS, cost, eta, isActiveRun, rate, tokens } from '../dashboard/run-figures.ts';
import { RunDone } from '../dashboard/RunDone.tsx';
import { errorText } from './use-resource.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/** How often the list is refreshed while a run is unfinished. */
const POLL_MS = 1000;
const IDLE_POLL_MS = 15_000;
const API_KEY_ENV = /^[A-Z][A-Z0-9_]*(_API_KEY|_KEY|_TOKEN)$/;

type RunView = LlmRun & { failedByReason?: Record<string, number> };

/**
 * LLM-judge runs of the study: a form to start one in the server process (the API key stays in
 * the server's environment: only the variable's name is sent) and the runs with live figures.
 */
export function LlmRunsPanel({ studyId }: { studyId: string }) {
  const [runs, setRuns] = useState<RunView[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((t) => t + 1);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const list =
          (await api('admin', `/api/studies/${studyId}/llm-runs`, z.array(llmRunSchema))) ?? [];
        // Failures by reason come with a run's detail: fetched for the few runs that have some.
        const views: RunView[] = await Promise.all(
          list.map(async (r, i) =>
            r.failed > 0 && i < 10
              ? {
                  ...r,
                  failedByReason:
                    (
                      await api(
                        'admin',
                        `/api/studies/${studyId}/llm-runs/${r.id}`,
                        llmRunDetailSchema,
                      )
                    )?.failedByReason ?? {},
                }
              : r,
          ),
        );
        if (!live) return;
        setRuns(views);
        setListError(null);
        // Runs started elsewhere (the CLI, another server) show up within the idle interval.
        const active = views.some((r) => isActiveRun(r.status));
        timer = setTimeout(() => void load(), active ? POLL_MS : IDLE_POLL_MS);
      } catch (err) {
        if (!live) return;
        setListError(errorText(err));
        timer = setTimeout(() => void load(), POLL_MS * 5);
      }
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [studyId, tick]);

  const start = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const models = text('models')
      .split(/[\s,]+/)
      .filter(Boolean);
    const apiKeyEnv = text('apiKeyEnv');
    if (apiKeyEnv && !API_KEY_ENV.test(apiKeyEnv)) {
      setFormError(
        'The API key field takes the name of an environment variable of the server (ending in _API_KEY, _KEY or _TOKEN), never a key.',
      );
      return;
    }
    const body: StartRunBody = {
      provider: text('provider') === 'anthropic' ? 'anthropic' : 'openai',
      models,
      concurrency: Number(text('concurrency') || 4),
      swap: f.get('swap') === 'on',
      withReference: f.get('withReference') === 'on',
      temperature: 0,
      maxTokens: 1024,
      structured: true,
      ...(text('baseUrl') ? { baseUrl: text('baseUrl') } : {}),
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
      ...(text('rpm') ? { rpm: Number(text('rpm')) } : {}),
      ...(text('maxCostUsd') ? { maxCostUsd: Number(text('maxCostUsd')) } : {}),
    };
    setBusy(true);
    try {
      setFormError(null);
      const run = await api('admin', `/api/studies/${studyId}/llm-runs`, llmRunSchema, {
        method: 'POST',
        body,
      });
      setStarted(run ? `Run started: ${run.judges.join(', ')} (${run.total} to judge).` : null);
      refresh();
    } catch (err) {
      setFormError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (run: LlmRun) => {
    try {
      const res = await api(
        'admin',
        `/api/studies/${studyId}/llm-runs/${run.id}/cancel`,
        z.object({ ok: z.literal(true), activeHere: z.boolean() }),
        { method: 'POST' },
      );
      if (res && !res.activeHere) {
        setListError(
          'This run is not worked on by this server process: stop it where it runs (e.g. the CLI).',
        );
      }
      refresh();
    } catch (err) {
      setListError(errorText(err));
    }
  };

  return (
    <section className="card" aria-labelledby="llm-runs-title">
      <h2 id="llm-runs-title">LLM judges</h2>
      <form className="form" onSubmit={(e) => void start(e)} aria-label="Start an LLM-judge run">
        <div className="inline">
          <label>
            Provider
            <select name="provider" defaultValue="openai">
              <option value="openai">OpenAI-compatible</option>
              <option value="anthropic">Anthropic</option>
            </select>
          </label>
          <label>
            Models{' '}
            <input
              type="text"
              name="models"
              required
              placeholder="gpt-4o, claude-sonnet-4-5"
              aria-describedby="llm-models-hint"
            />
          </label>
        </div>
        <span id="llm-models-hint" className="hint">
          One or more, separated by commas: several models make a panel.
        </span>
        <label>
          Base URL (optional){' '}
          <input type="url" name="baseUrl" placeholder="http://localhost:8000/v1" />
        </label>
        <label>
          API key variable{' '}
          <input
            type="text"
            name="apiKeyEnv"
            placeholder="OPENAI_API_KEY"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="llm-key-hint"
          />
        </label>
        <span id="llm-key-hint" className="hint">
          The name of an environment variable of the server that holds the key. The key itself is
          never sent, stored or shown.
        </span>
        <label className="inline">
          <input type="checkbox" name="swap" defaultChecked /> Swap positions (judge both orders)
        </label>
        <label className="inline">
          <input type="checkbox" name="withReference" /> With reference answer
        </label>
        <div className="inline">
          <label>
            Concurrency{' '}
            <input type="number" name="concurrency" min={1} max={256} defaultValue={4} />
          </label>
          <label>
            Requests per minute <input type="number" name="rpm" min={1} />
          </label>
          <label>
            Max cost (USD) <input type="number" name="maxCostUsd" min={0} step="0.01" />
          </label>
        </div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
        <ErrorAlert error={formError} />
        {started ? (
          <p className="ok" role="status">
            {started}
          </p>
        ) : null}
      </form>
      <ErrorAlert error={listError} />
      {runs && runs.length ? (
        <table className="data" data-testid="llm-runs">
          <thead>
            <tr>
              <th>Judges</th>
              <th>Status</th>
              <th className="num">Done / total</th>
              <th className="num">Failed</th>
              <th className="num">Rate</th>
              <th className="num">ETA</th>
              <th className="num">Tokens in / out</th>
              <th className="num">Calls (cached)</th>
              <th className="num">Cost</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id} data-status={r.status}>
                <td>
                  {r.judges.join(', ')}
                  {r.swap ? <span className="hint"> · both orders</span> : null}
                  <br />
                  <span className="hint">{new Date(r.createdAt).toLocaleString()}</span>
                </td>
                <td data-testid="run-status" title={r.error ?? undefined}>
                  {STATUS_LABELS[r.status] ?? r.status}
                  {r.error ? (
                    <span className="error" data-testid="run-error">
                      {' · '}
                      {r.error}
                    </span>
                  ) : null}
                </td>
                <td className="num">
                  <RunDone run={r} />
                </td>
                <td className="num" data-testid="run-failed">
                  {r.failed}
                  {r.failedByReason && Object.keys(r.failedByReason).length ? (
                    <span className="hint" data-testid="run-failed-reasons">
                      {' ('}
                      {Object.entries(r.failedByReason)
                        .map(([reason, n]) => `${reason}: ${n}`)
                        .join(', ')}
                      )
                    </span>
                  ) : null}
                </td>
                <td className="num">{rate(r.ratePerSecond)}</td>
                <td className="num">{eta(r)}</td>
                <td className="num">
                  {tokens(r.inputTokens)} / {tokens(r.outputTokens)}
                </td>
                <td className="num">
                  {r.calls} ({r.cachedCalls})
                </td>
                <td className="num" data-testid="run-cost">
                  {cost(r)}
                </td>
                <td>
                  {isActiveRun(r.status) ? (
                    <button type="button" onClick={() => void cancel(r)}>
                      Cancel
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : runs ? (
        <p className="hint">No LLM-judge runs yet.</p>
      ) : null}
    </section>
  );
}
