/**
 * Steering the human queue on a real database (issue 15): auto-stop parks a pair once its
 * confidence sequence is narrower than the target (the queue then hands out nothing of it), and
 * adaptive allocation orders the queue by the priority function (`planAllocation`) while keeping
 * each slot's side, K judges per comparison and no judge twice on a comparison.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { allocationSettled } from '../../../server/judging/allocation.ts';
import { pairStudy } from '../../../server/pairing/service.ts';
import { getPairStates } from '../../../server/readmodel/pair-sequences.ts';
import { planAllocation } from '../../../server/stats/allocation.ts';
import { backends } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { makeJudges, makePairedStudy, makeStudy, systemLabel } from '../../helpers/factories.ts';

const onPostgres = backends().includes('postgres') ? describe : describe.skip;

onPostgres('allocation on PostgreSQL', () => {
  const t = useTestApp('postgres');

  const post = (token: string, url: string, payload?: unknown) =>
    t.req(token, 'POST', url, payload);

  /** One cycle: next, then a verdict for the side whose trace carries `winnerLabel` (or left). */
  async function judgeOne(token: string, winnerLabel?: string): Promise<string | null> {
    const next = await post(token, '/api/judge/next');
    if (next.statusCode === 204) return null;
    expect(next.statusCode).toBe(200);
    const { assignment } = next.json<{
      assignment: { id: string; left: { trace: string } };
    }>();
    const winner =
      winnerLabel === undefined || assignment.left.trace.endsWith(winnerLabel) ? 'left' : 'right';
    const v = await post(token, `/api/judge/assignments/${assignment.id}/verdict`, {
      winner,
      axes: {},
    });
    expect(v.statusCode).toBe(200);
    return assignment.id;
  }

  const putAllocation = (studyId: string, body: unknown) =>
    t.req(t.admin, 'PUT', `/api/studies/${studyId}/allocation`, body);

  it('auto-stop: once the sequence is narrower than the target the pair is parked and handed out no more', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 40, k: 1 });
    const bad = await putAllocation(study.studyId, { targetHalfWidth: 0.7 });
    expect(bad.statusCode).toBe(400);
    const put = await putAllocation(study.studyId, { targetHalfWidth: 0.3, autoStop: true });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ targetHalfWidth: 0.3, autoStop: true, adaptive: false });
    const [judge] = await makeJudges(t.tdb.db, study.studyId, 1);
    let judged = 0;
    const label = systemLabel(['sft', 'base'], 'sft');
    for (; judged < 40; judged++) {
      // sft wins two in three
      const id = await judgeOne(judge!.token, judged % 3 === 2 ? undefined : label);
      await allocationSettled({ studyId: study.studyId });
      if (id === null) break;
    }
    const [state] = await getPairStates(t.tdb.db, { studyId: study.studyId, targetHalfWidth: 0.3 });
    expect(state!.enough).toBe(true);
    expect(state!.sequential!.halfWidth).toBeLessThanOrEqual(0.3);
    expect(judged).toBe(state!.n);
    expect(judged).toBeLessThan(40);
    // the pair's unstarted slots are all parked, and the dashboard says so
    const slots = await queryRows<{ priority: number; n: number }>(
      t.tdb.db,
      sql`select priority, count(*)::int as n from assignments where study_id = ${study.studyId} and status = 'open' group by priority`,
    );
    expect(slots).toEqual([{ priority: 2, n: 40 - judged }]);
    // turning auto-stop off hands the pair out again
    const off = await putAllocation(study.studyId, { targetHalfWidth: 0.3, autoStop: false });
    expect(off.statusCode).toBe(200);
    expect(await judgeOne(judge!.token)).not.toBeNull();
  });

  it('auto-stop: excluding the judged comparisons of a stopped pair hands its parked ones out again', async () => {
    const study = await makePairedStudy(t.tdb.db, { items: 40, k: 1 });
    expect(
      (await putAllocation(study.studyId, { targetHalfWidth: 0.3, autoStop: true })).statusCode,
    ).toBe(200);
    const [judge] = await makeJudges(t.tdb.db, study.studyId, 1);
    const label = systemLabel(['sft', 'base'], 'sft');
    for (let k = 0; k < 40; k++) {
      const id = await judgeOne(judge!.token, k % 3 === 2 ? undefined : label);
      await allocationSettled({ studyId: study.studyId });
      if (id === null) break;
    }
    const parked = () =>
      queryRows<{ priority: number; n: number }>(
        t.tdb.db,
        sql`select priority, count(*)::int as n from assignments where study_id = ${study.studyId} and status = 'open' group by priority`,
      );
    const [{ n: open } = { n: 0 }] = await parked();
    expect(await parked()).toEqual([{ priority: 2, n: open }]);
    // the admin excludes the judged comparisons (an identity leak in sft's judged outputs): their
    // verdicts count nowhere, so the pair has no longer enough, and its parked slots are handed out
    const judged = await queryRows<{ id: string }>(
      t.tdb.db,
      sql`select distinct o.id from verdicts v join comparisons c on c.id = v.comparison_id
        join outputs o on o.item_id = c.item_id join systems s on s.id = o.system_id
        where c.study_id = ${study.studyId} and s.name = 'sft'`,
    );
    await t.tdb.db.execute(
      sql`insert into output_flags (output_id, study_id, matches, status)
        select id, ${study.studyId}::uuid, '[]'::jsonb, 'released' from outputs
        where id in (${sql.join(
          judged.map((r) => sql`${r.id}::uuid`),
          sql`, `,
        )})`,
    );
    for (const { id } of judged) {
      const excluded = await t.req(
        t.admin,
        'POST',
        `/api/studies/${study.studyId}/integrity/outputs/${id}/decision`,
        { action: 'exclude' },
      );
      expect(excluded.statusCode).toBe(200);
    }
    await allocationSettled({ studyId: study.studyId });
    expect(await parked()).toEqual([{ priority: 1, n: open }]);
    expect(await judgeOne(judge!.token)).not.toBeNull();
  });

  it('adaptive: the queue hands out comparisons in the order of planAllocation, keeping sides, K judges and no repeats', async () => {
    const systems = ['s0', 's1', 's2', 's3'];
    const study = await makeStudy(t.tdb.db, { items: 12, k: 2, systems });
    await pairStudy(t.tdb.db, study.studyId, {
      allPairs: true,
      seed: 'adaptive',
      judgesPerComparison: 2,
    });
    const sidesBefore = await queryRows<{ id: string; shown_left: string }>(
      t.tdb.db,
      sql`select id, shown_left from assignments where study_id = ${study.studyId} order by id`,
    );
    const judges = await makeJudges(t.tdb.db, study.studyId, 3);
    // some verdicts first (uniform), s0 beating everyone, so the pairs' uncertainty differs
    for (let k = 0; k < 12; k++) await judgeOne(judges[k % 3]!.token, systemLabel(systems, 's0'));
    const put = await putAllocation(study.studyId, { adaptive: true });
    expect(put.statusCode).toBe(200);

    // the queue order of unstarted comparisons follows the plan computed from the same state
    const states = await getPairStates(t.tdb.db, { studyId: study.studyId, targetHalfWidth: null });
    const index = new Map<string, number>();
    const at = (id: string) => index.get(id) ?? (index.set(id, index.size), index.size - 1);
    const totals = states.map((p) => ({ i: at(p.aId), j: at(p.bId), score: p.score, n: p.n }));
    const available = states.map((p) => p.unstarted);
    const plan = planAllocation(index.size, totals, {
      picks: available.reduce((s, n) => s + n, 0),
      available,
    }).map((k) => `${states[k]!.a}|${states[k]!.b}`);
    const queue = await queryRows<{ pair: string }>(
      t.tdb.db,
      sql`select sa.name || '|' || sb.name as pair
          from assignments a join comparisons c on c.id = a.comparison_id
            join systems sa on sa.id = c.system_a_id join systems sb on sb.id = c.system_b_id
          where a.study_id = ${study.studyId} and a.run_id is null and a.status = 'open' and a.priority = 1
            and a.slot = 0
          order by a.queue_pos`,
    );
    expect(queue.map((q) => q.pair)).toEqual(plan);
    expect(new Set(plan).size).toBeGreaterThan(1);

    // the next lease of a fresh comparison is the plan's first pick
    const fresh = await queryRows<{ started: number }>(
      t.tdb.db,
      sql`select count(*)::int as started from assignments where study_id = ${study.studyId} and priority = 0 and status <> 'done'`,
    );
    if (fresh[0]!.started === 0) {
      const next = await post(judges[0]!.token, '/api/judge/next');
      const id = next.json<{ assignment: { id: string } }>().assignment.id;
      const [leased] = await queryRows<{ pair: string }>(
        t.tdb.db,
        sql`select sa.name || '|' || sb.name as pair from assignments a join comparisons c on c.id = a.comparison_id
            join systems sa on sa.id = c.system_a_id join systems sb on sb.id = c.system_b_id where a.id = ${id}`,
      );
      expect(leased!.pair).toBe(plan[0]);
      await post(judges[0]!.token, `/api/judge/assignments/${id}/verdict`, {
        winner: 'left',
        axes: {},
      });
    }

    // judge everything: K = 2 distinct judges per comparison, no repeats, sides unchanged
    for (let round = 0; round < 200; round++) {
      const ids = await Promise.all(judges.map((j) => judgeOne(j.token)));
      await allocationSettled({ studyId: study.studyId });
      if (ids.every((id) => id === null)) break;
    }
    const per = await queryRows<{ n: number; judges: number }>(
      t.tdb.db,
      sql`select count(*)::int as n, count(distinct v.judge_id)::int as judges
          from verdicts v join comparisons c on c.id = v.comparison_id
          where c.study_id = ${study.studyId} group by c.id`,
    );
    expect(per).toHaveLength(6 * 12);
    expect(per.every((p) => p.n === 2 && p.judges === 2)).toBe(true);
    const sidesAfter = await queryRows<{ id: string; shown_left: string }>(
      t.tdb.db,
      sql`select id, shown_left from assignments where study_id = ${study.studyId} order by id`,
    );
    expect(sidesAfter).toEqual(sidesBefore);
  });
});
