/**
 * Read model (server/readmodel/): each judge's quality figures for the study page, read-only over
 * auth's judges, judging's verdicts, comparisons and skips, imports' items (gold), studies'
 * systems and qualification's settings, standing and training attempts. Nothing here writes.
 */
import { sql } from 'drizzle-orm';
import type { JudgeQuality } from '../../shared/admin-views.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { getJudgeReliability } from './judge-competence.ts';

interface QualityRow {
  id: string;
  name: string;
  kind: 'human' | 'llm';
  revoked: boolean;
  verdicts: number;
  skips: number;
  cannot_judge: number;
  gold_judged: number;
  gold_correct: number;
  median_ms: number | null;
  median_reading_ms: number | null;
  median_wall_ms: number | null;
  agree_pairs: number;
  agreed: number;
  q_status: JudgeQuality['qualification']['status'];
  q_attempts: number;
  q_last: number | null;
  q_released: boolean;
  q_adjudicator: boolean;
}

/**
 * Per judge: gold accuracy (verdicts on gold items whose comparison is the gold pair, in either
 * order), median time on task, and raw agreement on the overall winner with every other judge who
 * judged the same comparison (pairs of verdicts; an LLM judged in both orders counts each order).
 */
export async function getJudgeQuality(
  db: Tx,
  { studyId }: { studyId: string },
): Promise<JudgeQuality[]> {
  const rows = await queryRows<QualityRow>(
    db,
    sql`
    with v as (
      select v.id, v.judge_id, v.comparison_id, v.winner, v.duration_ms, v.reading_ms, v.wall_ms, i.gold, sa.name as a, sb.name as b
      from verdicts v
        join comparisons c on c.id = v.comparison_id
        join items i on i.id = c.item_id
        join systems sa on sa.id = c.system_a_id
        join systems sb on sb.id = c.system_b_id
      where c.study_id = ${studyId}
    ),
    gold as (
      select judge_id,
        case
          when gold->>'a' = a and gold->>'b' = b then gold->>'winner'
          when gold->>'a' = b and gold->>'b' = a then
            case gold->>'winner' when 'a' then 'b' when 'b' then 'a' else 'tie' end
        end as expected,
        winner
      from v where gold is not null
    ),
    gold_by_judge as (
      select judge_id, count(*)::int as judged, (count(*) filter (where winner = expected))::int as correct
      from gold where expected is not null group by judge_id
    ),
    agreement as (
      select x.judge_id, count(*)::int as pairs, (count(*) filter (where x.winner = y.winner))::int as agreed
      from v x join v y on y.comparison_id = x.comparison_id and y.judge_id <> x.judge_id
      group by x.judge_id
    )
    select j.id, j.name, j.kind, j.revoked_at is not null as revoked,
      (select count(*)::int from v where v.judge_id = j.id) as verdicts,
      (select count(*)::int from skips s where s.judge_id = j.id and s.reason = 'skip') as skips,
      (select count(*)::int from skips s where s.judge_id = j.id and s.reason = 'cannot_judge') as cannot_judge,
      coalesce(g.judged, 0) as gold_judged, coalesce(g.correct, 0) as gold_correct,
      (select percentile_cont(0.5) within group (order by v.duration_ms)
         from v where v.judge_id = j.id and v.duration_ms is not null) as median_ms,
      (select percentile_cont(0.5) within group (order by v.reading_ms)
         from v where v.judge_id = j.id and v.reading_ms is not null) as median_reading_ms,
      (select percentile_cont(0.5) within group (order by v.wall_ms)
         from v where v.judge_id = j.id and v.wall_ms is not null) as median_wall_ms,
      coalesce(ag.pairs, 0) as agree_pairs, coalesce(ag.agreed, 0) as agreed,
      -- Qualification (the same rule as server/qualification/service.ts, standingOf).
      case
        when not coalesce(qs.required, false) then 'not_required'
        when js.qualified_at is not null then 'passed'
        when (select count(*) from training_attempts ta where ta.judge_id = j.id and ta.passed = false
          and (js.released_at is null or ta.created_at > js.released_at)) >= qs.max_attempts then 'held'
        else 'training'
      end as q_status,
      (select count(*)::int from training_attempts ta where ta.judge_id = j.id and ta.finished_at is not null) as q_attempts,
      (select ta.correct::float8 / nullif(ta.total, 0) from training_attempts ta
        where ta.judge_id = j.id and ta.finished_at is not null order by ta.number desc limit 1) as q_last,
      js.released_at is not null as q_released, coalesce(js.adjudicator, false) as q_adjudicator
    from judges j
      left join gold_by_judge g on g.judge_id = j.id
      left join agreement ag on ag.judge_id = j.id
      left join judge_standing js on js.judge_id = j.id
      left join qualification_settings qs on qs.study_id = j.study_id
    where j.study_id = ${studyId}
    order by j.created_at`,
  );
  const reliability = await getJudgeReliability(db, { studyId });
  return rows.map((r) => ({
    judgeId: r.id,
    name: r.name,
    kind: r.kind,
    revoked: r.revoked,
    verdicts: r.verdicts,
    skips: r.skips,
    cannotJudge: r.cannot_judge,
    gold: {
      judged: r.gold_judged,
      correct: r.gold_correct,
      accuracy: r.gold_judged
        ? { value: r.gold_correct / r.gold_judged }
        : { value: null, reason: 'no verdicts on gold items' },
    },
    medianMs: r.median_ms === null ? null : Number(r.median_ms),
    medianReadingMs: r.median_reading_ms === null ? null : Number(r.median_reading_ms),
    medianWallMs: r.median_wall_ms === null ? null : Number(r.median_wall_ms),
    agreement: {
      pairs: r.agree_pairs,
      agreed: r.agreed,
      rate: r.agree_pairs
        ? { value: r.agreed / r.agree_pairs }
        : { value: null, reason: 'no comparison shared with another judge' },
    },
    qualification: {
      status: r.q_status,
      attempts: r.q_attempts,
      lastScore: r.q_last === null ? null : Number(r.q_last),
      released: r.q_released,
      adjudicator: r.q_adjudicator,
    },
    reliability: reliability.get(r.id) ?? { value: null, reason: 'no verdicts' },
  }));
}
