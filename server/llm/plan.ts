import { ensureLlmJudge } from '../auth/service.ts';
import type { Database } from '../db/client.ts';
import { ensureRunSlots } from '../judging/service.ts';
import { getStudyById } from '../studies/service.ts';
import { judgeName, judgeSettings, runFingerprint, type RunOptions } from './config.ts';
import { priceFor, type Price } from './prices.ts';
import { getRunByFingerprint, insertRun, updateRunBudget } from './repository.ts';
import type { RunConfig } from './types.ts';

/** Each model's price (null: unknown); a budget needs every model priced. */
export function runPrices(o: RunOptions): Map<string, Price | null> {
  const prices = new Map<string, Price | null>(o.models.map((m) => [m, priceFor(m, o.prices)]));
  if (o.maxCostUsd !== null) {
    const unpriced = o.models.filter((m) => prices.get(m) === null);
    if (unpriced.length)
      throw new Error(
        `no price for ${unpriced.join(', ')}: --max-cost needs one (add it with --prices FILE)`,
      );
  }
  return prices;
}

export type RunPlan = Awaited<ReturnType<typeof planRun>>;

/**
 * The plan of a run: creates or finds the run, its judges (through auth) and its slots (through
 * judging). Returns the run and its judges in slot order.
 */
export async function planRun(database: Database, o: RunOptions) {
  const db = database.db;
  const study = await getStudyById(db, { id: o.studyId });
  if (!study) throw new Error(`study ${o.studyId} not found`);
  const settings = o.models.map((m) => judgeSettings(o, m));
  const names = settings.map(judgeName);
  if (new Set(names).size !== names.length) throw new Error('the same model is named twice');
  const judgeIds: string[] = [];
  for (const [i, s] of settings.entries()) {
    judgeIds.push(
      await ensureLlmJudge(db, { studyId: study.id, name: names[i]!, config: { ...s } }),
    );
  }
  const fingerprint = runFingerprint(o);
  const config: RunConfig = {
    fingerprint,
    judges: settings.map((s, i) => ({ ...s, judgeId: judgeIds[i]!, name: names[i]! })),
    swap: o.swap,
    template: { hash: o.template.hash, source: o.template.source },
    baseUrl: withoutCredentials(o.baseUrl),
    apiKeyEnv: o.apiKeyEnv,
    concurrency: o.concurrency,
    rpm: o.rpm,
    leaseSeconds: o.leaseSeconds,
  };
  let run = await getRunByFingerprint(db, { studyId: study.id, fingerprint });
  if (run) await updateRunBudget(db, { runId: run.id, maxCostUsd: o.maxCostUsd });
  else run = await insertRun(db, { studyId: study.id, config, maxCostUsd: o.maxCostUsd });
  await ensureRunSlots(db, { runId: run.id, studyId: study.id, judgeIds, seed: fingerprint });
  return { run, judgeIds, names, settings, orders: (o.swap ? 2 : 1) as 1 | 2 };
}

/** A base URL as stored: without user:password, which some gateways take in the URL. */
function withoutCredentials(url: string | null): string | null {
  if (!url) return url;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return null;
  }
}
