import { setTimeout as sleep } from 'node:timers/promises';

/** What a crowd of scripted judges saw: every answer by status, and every verdict the server acknowledged. */
export class Tally {
  /** assignment id → the judge's token, for each verdict answered 200. */
  readonly acknowledged = new Map<string, string>();
  readonly statuses = new Map<string, number>();
  /** Answers a client must never see (a 500, a reset connection…), one line each. */
  readonly bad: string[] = [];
  /** 503 answers without a Retry-After header. */
  missingRetryAfter = 0;
  /** Requests that found no server (allowed only where a test kills servers). */
  networkErrors = 0;
  lost = 0;

  count(key: string): void {
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
  }
}

export interface JudgeOptions {
  /** The servers to use; a judge moves to the next one after a failed request. */
  urls: () => readonly string[];
  token: string;
  tally: Tally;
  /** Checked before each new comparison: the judge stops when it returns true. */
  stop: () => boolean;
  /** A request that found no server is retried on another (a test that kills servers). */
  tolerateNetworkErrors?: boolean;
  /** Awaited before each new comparison: lets a test hold the crowd while a server restarts. */
  pace?: () => Promise<void>;
  /** Each judge gives a different verdict pattern, so a mixed-up retry shows as a conflict. */
  seed: number;
}

const WINNERS = ['left', 'right', 'tie'] as const;

/**
 * One judge looping next → verdict over HTTP, as the judge page does: a 503 (or, where allowed,
 * no answer) is retried after a short wait, and a verdict is resent unchanged until the server
 * answers it. Returns when the queue is empty for this judge or `stop()` says so.
 */
export async function runJudge(o: JudgeOptions): Promise<void> {
  let server = o.seed;
  const call = async (path: string, body: unknown): Promise<Response | null> => {
    const urls = o.urls();
    const url = urls[server % urls.length]!;
    try {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      o.tally.count(`${path.startsWith('/api/judge/next') ? 'next' : 'verdict'} ${res.status}`);
      if (res.status === 503) {
        if (!res.headers.get('retry-after')) o.tally.missingRetryAfter++;
        await res.body?.cancel();
        server++;
        await sleep(50);
        return null;
      }
      return res;
    } catch (err) {
      o.tally.networkErrors++;
      if (!o.tolerateNetworkErrors)
        o.tally.bad.push(`${path}: ${String((err as Error).cause ?? err)}`);
      server++;
      await sleep(100);
      return null;
    }
  };
  for (let step = 0; !o.stop(); step++) {
    await o.pace?.();
    const next = await call('/api/judge/next', {});
    if (!next) continue;
    if (next.status === 204) return;
    if (next.status !== 200) {
      o.tally.bad.push(`next: ${next.status} ${await next.text()}`);
      return;
    }
    const { assignment } = (await next.json()) as { assignment: { id: string } };
    const verdict = { winner: WINNERS[(o.seed + step) % 3]!, axes: {} };
    for (let attempt = 0; ; attempt++) {
      const res = await call(`/api/judge/assignments/${assignment.id}/verdict`, verdict);
      // A judge gives up on an unanswered verdict only once the test has ended (the server died).
      if (!res && o.stop() && attempt > 100) break;
      if (!res) continue;
      if (res.status === 200) {
        await res.json();
        o.tally.acknowledged.set(assignment.id, o.token);
      } else if (res.status === 410) {
        await res.body?.cancel();
        o.tally.lost++;
      } else o.tally.bad.push(`verdict: ${res.status} ${await res.text()}`);
      break;
    }
  }
}
