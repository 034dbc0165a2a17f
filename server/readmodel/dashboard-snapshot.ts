/**
 * Read model (server/readmodel/): the live dashboard's snapshot, read-only over studies' studies
 * and systems, judging's comparisons, assignments, verdicts and skips, auth's judges and llm's
 * runs, summarised with the report's statistics. Nothing here writes.
 */
import { desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { DashboardSnapshot, RunProgress } from '../../shared/admin-views.ts';
import { notExcluded } from '../integrity/queue-sql.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { llmRuns } from '../db/schema/index.ts';
import { toApi } from '../llm/view.ts';
import { momentsFromCounts } from '../stats/moments.ts';
import { summarizePair } from '../stats/pair-summary.ts';
import { getPairStates, SEQUENCE_LEVEL } from './pair-sequences.ts';
import { createRng } from '../stats/rng.ts';

const LEVEL = 0.95;
const ROUNDS = 1000;
const MINUTES = 30;
/** Finished runs shown besides the unfinished ones. */
const FINISHED_RUNS = 5;

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** Everything the live dashboard shows, computed once per study per tick (not once per viewer). */
export async function getDashboardSnapshot(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<DashboardSnapshot | null> {
  const [study] = await queryRows<{
    name: string;
    now: Date | string;
    target_half_width: number | null;
    auto_stop: boolean;
    adaptive: boolean;
  }>(
    db,
    sql`select name, now() as now, target_half_width, auto_stop, adaptive from studies where id = ${studyId}`,
  );
  if (!study) return null;
  const targetHalfWidth = study.target_half_width === null ? null : Number(study.target_half_width);

  const [sets, minutes, judges, cells, skips, runs, sequences] = await Promise.all([
    queryRows<{
      a: string;
      b: string;
      comparisons: number;
      complete: number;
      slots: number;
      done: number;
      leased: number;
    }>(
      db,
      sql`
      with per as (
        select c.id, c.system_a_id, c.system_b_id,
          count(s.id) as slots,
          count(s.id) filter (where s.status = 'done') as done,
          count(s.id) filter (where s.status = 'leased' and s.lease_expires_at > now()) as leased
        from comparisons c left join assignments s on s.comparison_id = c.id and s.run_id is null
        where c.study_id = ${studyId}
        group by c.id)
      select sa.name as a, sb.name as b, count(*)::int as comparisons,
        (count(*) filter (where per.slots > 0 and per.done = per.slots))::int as complete,
        coalesce(sum(per.slots), 0)::int as slots, coalesce(sum(per.done), 0)::int as done,
        coalesce(sum(per.leased), 0)::int as leased
      from per join systems sa on sa.id = per.system_a_id join systems sb on sb.id = per.system_b_id
      group by sa.name, sb.name order by sa.name, sb.name`,
    ),
    queryRows<{ minute: Date | string; n: number }>(
      db,
      sql`
      select date_trunc('minute', v.created_at) as minute, count(*)::int as n
      from verdicts v join comparisons c on c.id = v.comparison_id
      where c.study_id = ${studyId} and v.created_at > now() - make_interval(mins => ${MINUTES})
      group by 1`,
    ),
    queryRows<{
      name: string;
      kind: 'human' | 'llm';
      verdicts: number;
      skips: number;
      last_at: Date | string | null;
    }>(
      db,
      sql`
      select j.name, j.kind,
        (select count(*)::int from verdicts v where v.judge_id = j.id) as verdicts,
        (select count(*)::int from skips s where s.judge_id = j.id) as skips,
        (select max(v.created_at) from verdicts v where v.judge_id = j.id) as last_at
      from judges j where j.study_id = ${studyId}
      order by verdicts desc, j.name`,
    ),
    // One row per pair and item: the clusters of the bootstrap, aggregated in the database.
    queryRows<{ a: string; b: string; w: number; l: number; t: number }>(
      db,
      sql`
      select sa.name as a, sb.name as b,
        count(*) filter (where v.winner = 'a')::int as w,
        count(*) filter (where v.winner = 'b')::int as l,
        count(*) filter (where v.winner = 'tie')::int as t
      from verdicts v join comparisons c on c.id = v.comparison_id
        join systems sa on sa.id = c.system_a_id join systems sb on sb.id = c.system_b_id
      -- an excluded comparison counts nowhere, as in the report (docs/integrity.md)
      where c.study_id = ${studyId} and ${notExcluded(sql`c.id`)}
      group by sa.name, sb.name, c.item_id
      order by sa.name, sb.name, c.item_id`,
    ),
    queryRows<{ n: number }>(
      db,
      sql`
      select count(*)::int as n from skips s join comparisons c on c.id = s.comparison_id where c.study_id = ${studyId}`,
    ),
    getRunProgress(db, studyId),
    getPairStates(db, { studyId, targetHalfWidth }),
  ]);

  const now = new Date(study.now);
  const byMinute = new Map(minutes.map((m) => [new Date(m.minute).toISOString(), m.n]));
  const lastMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  const perMinute = Array.from({ length: MINUTES }, (_, i) => {
    const minute = new Date(lastMinute - (MINUTES - 1 - i) * 60_000).toISOString();
    return { minute, verdicts: byMinute.get(minute) ?? 0 };
  });

  return {
    studyId,
    studyName: study.name,
    generatedAt: now.toISOString(),
    totals: {
      comparisons: sum(sets, (s) => s.comparisons),
      slots: sum(sets, (s) => s.slots),
      slotsDone: sum(sets, (s) => s.done),
      slotsLeased: sum(sets, (s) => s.leased),
      verdicts: sum(cells, (c) => c.w + c.l + c.t),
      skips: skips[0]?.n ?? 0,
      judges: judges.length,
    },
    sets: sets.map((s) => ({
      a: s.a,
      b: s.b,
      comparisons: s.comparisons,
      comparisonsComplete: s.complete,
      slots: s.slots,
      slotsDone: s.done,
      slotsLeased: s.leased,
    })),
    perMinute,
    judges: judges.map((j) => ({
      name: j.name,
      kind: j.kind,
      verdicts: j.verdicts,
      skips: j.skips,
      lastVerdictAt: iso(j.last_at),
    })),
    pairs: summarizePairs(cells),
    runs,
    allocation: {
      targetHalfWidth,
      autoStop: study.auto_stop,
      adaptive: study.adaptive,
      level: SEQUENCE_LEVEL,
      pairs: sequences.map((p) => ({
        a: p.a,
        b: p.b,
        items: p.sequential?.items ?? 0,
        ci: p.sequential ? [p.sequential.ci[0], p.sequential.ci[1]] : null,
        halfWidth: p.sequential?.halfWidth ?? null,
        decided: p.sequential?.decided ?? null,
        enough: p.enough,
        stopped: study.auto_stop && p.enough,
      })),
    },
  };
}

/** Unfinished runs and the latest finished (or created) ones, with the admin route's figures (rate, ETA). */
async function getRunProgress(db: Tx, studyId: string): Promise<RunProgress[]> {
  const unfinished = inArray(llmRuns.status, ['pending', 'running']);
  const latest = db
    .select({ id: llmRuns.id })
    .from(llmRuns)
    .where(eq(llmRuns.studyId, studyId))
    .orderBy(desc(sql`coalesce(${llmRuns.finishedAt}, ${llmRuns.createdAt})`))
    .limit(FINISHED_RUNS);
  const rows = await db
    .select()
    .from(llmRuns)
    .where(sql`${llmRuns.studyId} = ${studyId} and ${or(unfinished, inArray(llmRuns.id, latest))}`)
    .orderBy(desc(llmRuns.createdAt));
  return rows.map((row): RunProgress => {
    // the admin route's figures without the fields the dashboard does not show
    const {
      studyId: _s,
      reservedUsd: _r,
      activeHere: _a,
      heartbeatAt: _h,
      ...progress
    } = toApi(row, false);
    return progress;
  });
}

function sum<T>(rows: T[], f: (row: T) => number): number {
  let s = 0;
  for (const r of rows) s += f(r);
  return s;
}

/** Win rate of `a` with ties as half, and its interval (the report default: cluster-Wilson when items repeat, else Agresti–Coull). */
function summarizePairs(
  cells: Array<{ a: string; b: string; w: number; l: number; t: number }>,
): DashboardSnapshot['pairs'] {
  const groups = new Map<string, { a: string; b: string; rows: typeof cells }>();
  for (const c of cells) {
    const key = `${c.a}\u0000${c.b}`;
    const group = groups.get(key) ?? { a: c.a, b: c.b, rows: [] };
    group.rows.push(c);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, { a, b, rows }]) => {
    const m = momentsFromCounts(
      sum(rows, (r) => r.w),
      sum(rows, (r) => r.l),
      sum(rows, (r) => r.t),
      'half',
    );
    // One cluster per item: its score sum and verdict count.
    const sums = Float64Array.from(rows, (r) => r.w + r.t / 2);
    const counts = Float64Array.from(rows, (r) => r.w + r.l + r.t);
    const s = summarizePair(
      m,
      {
        sums,
        counts,
        towardA: Float64Array.from(rows, (r) => r.w),
        towardB: Float64Array.from(rows, (r) => r.l),
      },
      {
        ci: 'auto',
        ties: 'half',
        level: LEVEL,
        rounds: ROUNDS,
        rng: () => createRng(0, key),
      },
    );
    const reason = s.winRate.reason ?? s.ci.reason;
    return {
      a,
      b,
      n: s.n,
      wins: s.wins,
      losses: s.losses,
      ties: s.ties,
      winRate: s.winRate.value,
      ci: s.ci.value ? [s.ci.value[0], s.ci.value[1]] : null,
      ciMethod: s.ciMethod,
      level: LEVEL,
      ...(reason ? { reason } : {}),
    };
  });
}
