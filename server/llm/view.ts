import type { LlmRun } from '../../shared/llm-api.ts';
import type { RunRow } from './repository.ts';
import type { RunConfig } from './types.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A run as the API shows it, with its rate and ETA; the dashboard shows the same figures. */
export function toApi(run: RunRow, activeHere: boolean): LlmRun {
  const config = run.config as unknown as Partial<RunConfig>;
  const finished = run.done + run.failed;
  const elapsed = run.startedAt
    ? ((run.finishedAt ?? run.heartbeatAt ?? new Date()).getTime() - run.startedAt.getTime()) / 1000
    : 0;
  const rate = elapsed > 0 && finished > 0 ? finished / elapsed : null;
  return {
    id: run.id,
    studyId: run.studyId,
    status: run.status,
    judges: (config.judges ?? []).map((j) => j.name),
    swap: config.swap ?? false,
    total: run.total,
    done: run.done,
    failed: run.failed,
    calls: run.calls,
    cachedCalls: run.cachedCalls,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costUsd,
    reservedUsd: run.reservedUsd,
    maxCostUsd: run.maxCostUsd,
    ratePerSecond: rate,
    etaSeconds: rate && run.status === 'running' ? Math.max(0, run.total - finished) / rate : null,
    error: run.error,
    activeHere,
    heartbeatAt: iso(run.heartbeatAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    createdAt: run.createdAt.toISOString(),
  };
}
