import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { queryRows } from '../../../server/db/client.ts';
import { getStudyReport } from '../../../server/reports/study-report.ts';
import { createRng } from '../../../server/stats/rng.ts';
import {
  outputStyleCounts,
  styleControlledFromTotals,
  type StyleTotals,
} from '../../../server/stats/style-control.ts';
import { openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy } from '../../helpers/factories.ts';

/**
 * Issue 15 point 4: a study's report carries the style-controlled win rate, computed from the
 * texts of each verdict's two outputs. On real PostgreSQL: 40 items of sft vs base whose outputs
 * have differing markdown (headers, lists, bold), judged by two judges; the report's figure equals
 * style-control.ts applied to the same verdicts, with the style counts taken here from the stored
 * texts (the trace's length; headers, lists and bold counted in trace and answer).
 */
describe('style-controlled win rate in a study report (PostgreSQL)', () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let studyId: string;
  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    const study = await makePairedStudy(tdb.db, { items: 40, k: 2 });
    studyId = study.studyId;
    // markdown in every output: counts differ between systems and items
    const rng = createRng(15, 'study-style');
    const outs = await queryRows<{ id: string; trace: string }>(
      tdb.db,
      sql`select o.id, o.trace from outputs o join items i on i.id = o.item_id
          where i.study_id = ${studyId} order by o.id`,
    );
    for (const o of outs) {
      const trace = `${'## Step\n'.repeat(rng.nextInt(4))}${o.trace}\n${'- finding\n'.repeat(rng.nextInt(6))}`;
      const answer = `${'**key** '.repeat(rng.nextInt(4))}answer\n${'1. item\n'.repeat(rng.nextInt(3))}`;
      await tdb.db.execute(
        sql`update outputs set trace = ${trace}, answer = ${answer},
            trace_length = ${trace.length}, answer_length = ${answer.length} where id = ${o.id}`,
      );
    }
    const judges = await makeJudges(tdb.db, studyId, 2);
    let i = 0;
    for (const judge of judges) {
      const headers = { authorization: `Bearer ${judge.token}` };
      for (;;) {
        const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
        if (next.statusCode === 204) break;
        const id = next.json<{ assignment: { id: string } }>().assignment.id;
        const res = await app.inject({
          method: 'POST',
          url: `/api/judge/assignments/${id}/verdict`,
          headers,
          payload: {
            winner: (['left', 'right', 'left', 'tie', 'right'] as const)[i++ % 5],
            axes: {},
          },
        });
        expect(res.statusCode).toBeLessThan(300);
      }
    }
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
  });

  it('the report has styleControlled, equal to style-control.ts on the same verdicts', async () => {
    const report = (await getStudyReport(tdb.db, {
      studyId,
      options: { base: 'base', rounds: 300, seed: 5, level: 0.9 },
    }))!;
    const pair = report.pairs[0]!;
    expect([pair.a, pair.b]).toEqual(['sft', 'base']);
    const st = pair.styleControlled!;
    expect(st, JSON.stringify(pair.reasons)).not.toBeNull();

    // the reference: each verdict with its two outputs' texts, straight from the tables
    const rows = await queryRows<{
      item: string;
      winner: 'a' | 'b' | 'tie';
      a: string;
      trace_a: string;
      answer_a: string;
      len_a: number;
      trace_b: string;
      answer_b: string;
      len_b: number;
    }>(
      tdb.db,
      sql`select i.external_id as item, v.winner, sa.name as a,
            oa.trace as trace_a, oa.answer as answer_a, oa.trace_length as len_a,
            ob.trace as trace_b, ob.answer as answer_b, ob.trace_length as len_b
          from verdicts v join comparisons c on c.id = v.comparison_id
          join items i on i.id = c.item_id
          join systems sa on sa.id = c.system_a_id
          join outputs oa on oa.item_id = c.item_id and oa.system_id = c.system_a_id
          join outputs ob on ob.item_id = c.item_id and ob.system_id = c.system_b_id
          where c.study_id = ${studyId} order by v.created_at, v.id`,
    );
    expect(rows.length).toBe(80);
    // items in completion order (their last verdict), sft as a
    const byItem = new Map<string, StyleTotals>();
    for (const r of rows) {
      const x = outputStyleCounts(r.trace_a, r.answer_a, r.len_a);
      const y = outputStyleCounts(r.trace_b, r.answer_b, r.len_b);
      const sftIsA = r.a === 'sft';
      const won = r.winner === 'tie' ? 0.5 : (r.winner === 'a') === sftIsA ? 1 : 0;
      const prev = byItem.get(r.item);
      byItem.delete(r.item);
      byItem.set(r.item, {
        a: sftIsA ? x : y,
        b: sftIsA ? y : x,
        verdicts: (prev?.verdicts ?? 0) + 1,
        scoreSum: (prev?.scoreSum ?? 0) + won,
      });
    }
    const ref = styleControlledFromTotals([...byItem.values()], {
      level: 0.9,
      rounds: 300,
      rng: createRng(5, 'sft\u0000base\u0000style-controlled'),
    });
    expect(st.winRate!).toBeCloseTo(ref.winRate.value!, 12);
    expect(st.ci![0]).toBeCloseTo(ref.ci.value![0], 12);
    expect(st.ci![1]).toBeCloseTo(ref.ci.value![1], 12);
    for (const f of ['length', 'headers', 'lists', 'bold'] as const) {
      expect(st.coefficients![f], f).not.toBeNull();
      expect(st.coefficients![f]!, f).toBeCloseTo(ref.coefficients.value![f]!, 9);
    }
  });
});
