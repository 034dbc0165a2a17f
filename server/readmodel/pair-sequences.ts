/**
 * Read model (server/readmodel/): each system pair's human verdicts as the allocation sees them
 * (issue 15): the pair's anytime-valid confidence sequence over its items in completion order
 * (server/stats/confidence-sequence.ts, the report's `sequential` figure on the human verdicts),
 * its verdict totals for the Bradley–Terry plan (server/stats/allocation.ts), and whether it has
 * "enough verdicts" for the study's target. Reads studies' systems and judging's comparisons,
 * assignments and verdicts; nothing here writes. Human verdicts only (slots of no LLM run): the
 * human queue is what the dashboard signal and the auto-stop steer.
 */
import { sql } from 'drizzle-orm';
import { notExcluded } from '../integrity/queue-sql.ts';
import { queryRows, type Tx } from '../db/client.ts';
import {
  ConfidenceSequence,
  DEFAULT_PLANNED_ITEMS,
  type SequentialResult,
} from '../stats/confidence-sequence.ts';

export const SEQUENCE_LEVEL = 0.95;

export interface PairState {
  aId: string;
  bId: string;
  a: string;
  b: string;
  /** a's wins plus half its ties, over `n` human verdicts. */
  score: number;
  n: number;
  /** The sequence after the pair's judged items; null before the first. */
  sequential: SequentialResult | null;
  /** Decided, or at most the target half-width wide (false without a target and undecided). */
  enough: boolean;
  /** Comparisons no judge has started (every human slot open; parked or not): left to hand out. */
  unstarted: number;
}

/** Whether a pair's sequence says "enough verdicts": it decided a winner or is narrow enough. */
export function enoughVerdicts(
  sequential: SequentialResult | null,
  targetHalfWidth: number | null,
): boolean {
  if (sequential === null) return false;
  if (sequential.decided !== null) return true;
  return targetHalfWidth !== null && sequential.halfWidth <= targetHalfWidth;
}

/** Every system pair with comparisons in the study, with its human verdicts' sequence. */
export async function getPairStates(
  db: Tx,
  { studyId, targetHalfWidth }: { studyId: string; targetHalfWidth: number | null },
): Promise<PairState[]> {
  const rows = await queryRows<{
    a_id: string;
    b_id: string;
    a: string;
    b: string;
    w: number;
    l: number;
    t: number;
    at: Date | string | null;
    unstarted: boolean;
  }>(
    db,
    sql`
    with cells as (
      select c.system_a_id, c.system_b_id, c.item_id,
        count(v.id) filter (where v.winner = 'a')::int as w,
        count(v.id) filter (where v.winner = 'b')::int as l,
        count(v.id) filter (where v.winner = 'tie')::int as t,
        max(v.created_at) as at,
        count(s.id) > 0 and bool_and(s.status = 'open' and s.priority >= 1) as unstarted
      from comparisons c
        left join assignments s on s.comparison_id = c.id and s.run_id is null
        left join verdicts v on v.assignment_id = s.id
      -- an excluded comparison counts nowhere (docs/integrity.md): not in auto-stop or allocation
      where c.study_id = ${studyId} and ${notExcluded(sql`c.id`)}
      group by c.system_a_id, c.system_b_id, c.item_id)
    select cells.system_a_id as a_id, cells.system_b_id as b_id, sa.name as a, sb.name as b,
      cells.w, cells.l, cells.t, cells.at, cells.unstarted
    from cells join systems sa on sa.id = cells.system_a_id join systems sb on sb.id = cells.system_b_id
    order by sa.name, sb.name, cells.at nulls last, cells.item_id`,
  );
  const out: PairState[] = [];
  let cs: ConfidenceSequence | null = null;
  let cur: PairState | null = null;
  const close = () => {
    if (cur === null) return;
    cur.sequential = cs !== null && cs.result().items > 0 ? cs.result() : null;
    cur.enough = enoughVerdicts(cur.sequential, targetHalfWidth);
    out.push(cur);
  };
  for (const r of rows) {
    if (cur === null || cur.aId !== r.a_id || cur.bId !== r.b_id) {
      close();
      cur = {
        aId: r.a_id,
        bId: r.b_id,
        a: r.a,
        b: r.b,
        score: 0,
        n: 0,
        sequential: null,
        enough: false,
        unstarted: 0,
      };
      cs = new ConfidenceSequence({ level: SEQUENCE_LEVEL, plannedItems: DEFAULT_PLANNED_ITEMS });
    }
    if (r.unstarted) cur.unstarted++;
    const n = r.w + r.l + r.t;
    if (n === 0) continue;
    const score = r.w + r.t / 2;
    cur.score += score;
    cur.n += n;
    cs!.push(score / n);
  }
  close();
  return out;
}
