/**
 * How an LLM-judge run's figures read, on the admin page and on the live dashboard alike:
 * done/total, rate, ETA, tokens and cost.
 */
export interface RunFiguresInput {
  status: string;
  total: number;
  done: number;
  failed: number;
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  maxCostUsd: number | null;
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

export const STATUS_LABELS: Record<string, string> = {
  pending: 'starting',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  budget_exhausted: 'budget reached',
  cancelled: 'cancelled',
};

export const isActiveRun = (status: string) => status === 'pending' || status === 'running';

export function percent(r: RunFiguresInput): string {
  if (!r.total) return '—';
  return `${Math.floor(((r.done + r.failed) / r.total) * 100)}%`;
}

export function rate(v: number | null): string {
  if (v === null) return '—';
  return v >= 1 ? `${v.toFixed(1)}/s` : `${(v * 60).toFixed(1)}/min`;
}

export function eta(r: RunFiguresInput): string {
  if (!isActiveRun(r.status)) return '—';
  if (r.etaSeconds === null) return '…';
  const s = Math.round(r.etaSeconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function tokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

export function usd(v: number): string {
  return `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;
}

export function cost(r: RunFiguresInput): string {
  return r.maxCostUsd === null ? usd(r.costUsd) : `${usd(r.costUsd)} of ${usd(r.maxCostUsd)}`;
}
