import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../server/db/client.ts';
import { PUBLIC_SEED_WARNING, pairStudy } from '../../../server/pairing/service.ts';
import { getStudyById } from '../../../server/studies/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeStudy } from '../../helpers/factories.ts';
import { runCli } from '../../helpers/processes.ts';

type PlanRow = {
  item: string;
  a: string;
  b: string;
  slot: number;
  shown_left: string;
  queue_pos: string;
};

async function plan(tdb: TestDatabase, studyId: string): Promise<PlanRow[]> {
  return queryRows<PlanRow>(
    tdb.db,
    sql`select i.external_id as item, sa.name as a, sb.name as b, x.slot, x.shown_left, x.queue_pos::text
        from assignments x join comparisons c on c.id = x.comparison_id join items i on i.id = c.item_id
        join systems sa on sa.id = c.system_a_id join systems sb on sb.id = c.system_b_id
        where c.study_id = ${studyId} order by 1, 2, 3, 4`,
  );
}

describe.each(backends())('blind pairing on %s', (backend) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
  });
  afterAll(() => tdb.destroy());

  it('pairs every candidate against the base with K slots, sides drawn from the seed and balanced', async () => {
    const s = await makeStudy(tdb.db, { items: 200, systems: ['sft', 'dpo', 'base'] });
    const result = await pairStudy(tdb.db, s.studyId, {
      base: 'base',
      allPairs: false,
      seed: 's1',
      judgesPerComparison: 3,
    });
    expect(result.pairs).toEqual([
      { a: 'dpo', b: 'base' },
      { a: 'sft', b: 'base' },
    ]);
    expect(result.comparisonsCreated).toBe(400);
    expect(result.assignmentsCreated).toBe(1200);
    const rows = await plan(tdb, s.studyId);
    const left = rows.filter((r) => r.shown_left === 'a').length / rows.length;
    expect(left).toBeGreaterThan(0.44); // 1200 fair coin flips: 0.5 ± 4 sd ≈ 0.44–0.56
    expect(left).toBeLessThan(0.56);
  });

  it('gives the same plan for the same seed on a fresh database, a different one for another seed, and is idempotent', async () => {
    const s1 = await makeStudy(tdb.db, { items: 50 });
    const s2 = await makeStudy(tdb.db, { items: 50 });
    const s3 = await makeStudy(tdb.db, { items: 50 });
    await pairStudy(tdb.db, s1.studyId, {
      base: 'base',
      allPairs: false,
      seed: 'same',
      judgesPerComparison: 2,
      sample: 20,
    });
    await pairStudy(tdb.db, s2.studyId, {
      base: 'base',
      allPairs: false,
      seed: 'same',
      judgesPerComparison: 2,
      sample: 20,
    });
    await pairStudy(tdb.db, s3.studyId, {
      base: 'base',
      allPairs: false,
      seed: 'other',
      judgesPerComparison: 2,
      sample: 20,
    });
    const p1 = await plan(tdb, s1.studyId);
    expect(p1).toHaveLength(40);
    expect(await plan(tdb, s2.studyId)).toEqual(p1);
    expect(await plan(tdb, s3.studyId)).not.toEqual(p1);
    const again = await pairStudy(tdb.db, s1.studyId, {
      base: 'base',
      allPairs: false,
      seed: 'same',
      judgesPerComparison: 2,
      sample: 20,
    });
    expect(again).toMatchObject({
      comparisonsCreated: 0,
      comparisonsExisting: 20,
      assignmentsCreated: 0,
    });
  });

  it('draws a random seed for a first plan without one, and pairs again with it, idempotently', async () => {
    // sides are sha256(seed | item | a | b | slot): with the former default seed '0', anyone who
    // knew the items' ids and the systems' names could compute which side each system is on
    const s1 = await makeStudy(tdb.db, { items: 30 });
    const s2 = await makeStudy(tdb.db, { items: 30 });
    const plan1 = { base: 'base', allPairs: false, judgesPerComparison: 2, sample: 12 };
    const first = await pairStudy(tdb.db, s1.studyId, plan1);
    const other = await pairStudy(tdb.db, s2.studyId, plan1);
    expect(first.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(other.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(other.seed).not.toBe(first.seed);
    // the same items and sides as an explicit plan with that seed on another study
    const s3 = await makeStudy(tdb.db, { items: 30 });
    await pairStudy(tdb.db, s3.studyId, { ...plan1, seed: first.seed });
    expect(await plan(tdb, s3.studyId)).toEqual(await plan(tdb, s1.studyId));
    // pairing again without a seed reuses the study's: nothing new, as with an explicit seed
    const again = await pairStudy(tdb.db, s1.studyId, plan1);
    expect(again).toMatchObject({
      seed: first.seed,
      comparisonsCreated: 0,
      comparisonsExisting: 12,
      assignmentsCreated: 0,
    });
    const recorded = await queryRows<{ seed: string }>(
      tdb.db,
      sql`select seed from pairings where study_id = ${s1.studyId}`,
    );
    expect(recorded.map((r) => r.seed)).toEqual([first.seed, first.seed]);
    expect([first.warnings, again.warnings]).toEqual([[], []]);
  });

  it("warns whoever pairs with the seed '0', the former default, given or a study's last plan's", async () => {
    const s = await makeStudy(tdb.db, { items: 10 });
    const plan1 = { base: 'base', allPairs: false, judgesPerComparison: 1, sample: 4 };
    const legacy = await pairStudy(tdb.db, s.studyId, { ...plan1, seed: '0' });
    expect(legacy.warnings).toEqual([PUBLIC_SEED_WARNING]);
    const next = await pairStudy(tdb.db, s.studyId, plan1);
    expect(next).toMatchObject({ seed: '0', warnings: [PUBLIC_SEED_WARNING] });
    const fresh = await pairStudy(tdb.db, s.studyId, { ...plan1, seed: 'kept-from-judges' });
    expect(fresh.warnings).toEqual([]);
  });

  it('compares all pairs with --all-pairs and refuses an unknown base', async () => {
    const s = await makeStudy(tdb.db, { items: 5, systems: ['a1', 'b1', 'c1'] });
    const result = await pairStudy(tdb.db, s.studyId, { allPairs: true, seed: '0' });
    expect(result.pairs).toHaveLength(3);
    expect(result.comparisonsCreated).toBe(15);
    await expect(
      pairStudy(tdb.db, s.studyId, { base: 'nope', allPairs: false, seed: '0' }),
    ).rejects.toThrow(/no system named 'nope'/);
  });

  it("records a plan's K as the study's, which the admin API and a locked plan's default read", async () => {
    const s = await makeStudy(tdb.db, { items: 4 });
    const before = await getStudyById(tdb.db, { id: s.studyId });
    expect(before!.judgesPerComparison).toBe(1);
    await pairStudy(tdb.db, s.studyId, { allPairs: false, seed: '1', judgesPerComparison: 3 });
    expect((await getStudyById(tdb.db, { id: s.studyId }))!.judgesPerComparison).toBe(3);
    // a plan without K keeps the study's
    await pairStudy(tdb.db, s.studyId, { allPairs: false, seed: '1' });
    expect((await getStudyById(tdb.db, { id: s.studyId }))!.judgesPerComparison).toBe(3);
  });

  it('compares a pair of systems on an item once, whatever orientation a later plan names it in', async () => {
    const s = await makeStudy(tdb.db, { items: 6, systems: ['sft', 'rl', 'base'] });
    const first = await pairStudy(tdb.db, s.studyId, { allPairs: false, seed: '1' });
    expect(first.pairs).toEqual([
      { a: 'rl', b: 'base' },
      { a: 'sft', b: 'base' },
    ]);
    // base named sft: base vs sft is sft vs base, already compared; rl vs sft is new
    const second = await pairStudy(tdb.db, s.studyId, {
      base: 'sft',
      allPairs: false,
      seed: '1',
    });
    expect(second.pairs).toEqual([
      { a: 'sft', b: 'base' },
      { a: 'rl', b: 'sft' },
    ]);
    expect(second).toMatchObject({ comparisonsCreated: 6, comparisonsExisting: 6 });
    const third = await pairStudy(tdb.db, s.studyId, { allPairs: true, seed: '1' });
    expect(third).toMatchObject({ comparisonsCreated: 0, comparisonsExisting: 18 });
    const rows = await queryRows<{ item: string; x: string; y: string; n: number }>(
      tdb.db,
      sql`select c.item_id::text as item, least(c.system_a_id, c.system_b_id)::text as x,
            greatest(c.system_a_id, c.system_b_id)::text as y, count(*)::int as n
          from comparisons c where c.study_id = ${s.studyId} group by 1, 2, 3`,
    );
    expect(rows).toHaveLength(18);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it.runIf(backend === 'postgres')(
    'the CLI pairs and invites, and names a bad study in one line with exit code 2',
    async () => {
      const s = await makeStudy(tdb.db, { items: 3, name: 'cli-study' });
      const paired = await runCli([
        'pair',
        '--study',
        'cli-study',
        '--seed',
        '7',
        '--judges-per-comparison',
        '2',
        '--database-url',
        tdb.url!,
      ]);
      expect(paired.stderr).toBe('');
      expect(paired.stdout).toMatch(
        /paired sft vs base: 3 new comparisons \(0 existing\), 6 new assignments, seed '7'/,
      );
      const legacy = await runCli([
        'pair',
        '--study',
        'cli-study',
        '--seed',
        '0',
        '--database-url',
        tdb.url!,
      ]);
      expect(legacy.stderr).toBe(`warning: ${PUBLIC_SEED_WARNING}\n`);
      const invite = await runCli([
        'invite',
        '--study',
        'cli-study',
        '--name',
        'dr-x',
        '--quota',
        '2',
        '--database-url',
        tdb.url!,
      ]);
      expect(invite.stdout).toMatch(/^http:\/\/127\.0\.0\.1:8080\/judge#token=ta_judge_\S+\n$/);
      const [row] = await queryRows<{ token_hash: string; quota: number }>(
        tdb.db,
        sql`select token_hash, quota from judges where study_id = ${s.studyId}`,
      );
      expect(row!.quota).toBe(2);
      expect(invite.stdout).not.toContain(row!.token_hash);
      const bad = await runCli(['pair', '--study', 'nope', '--database-url', tdb.url!]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        /^tracearena: no study named 'nope' \(studies: .*cli-study.*\)\n$/,
      );
    },
  );
});
