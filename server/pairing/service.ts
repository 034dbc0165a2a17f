import { sql } from 'drizzle-orm';
import type { PairBody, PairResult } from '../../shared/admin-api.ts';
import { queryRows, type Db } from '../db/client.ts';
import { pairings } from '../db/schema/index.ts';
import { Errors } from '../errors.ts';
import { getStudyById, listSystems } from '../studies/repository.ts';

type SystemRow = Awaited<ReturnType<typeof listSystems>>[number];

/** Which system pairs a plan compares: every candidate against the base, or all pairs. */
export function planPairs(
  systems: SystemRow[],
  { base, allPairs }: { base?: string | undefined; allPairs: boolean },
): { base: SystemRow | null; pairs: Array<[SystemRow, SystemRow]> } {
  if (systems.length < 2) {
    throw new Errors.PairingInvalid(
      `the study has ${systems.length} system(s); pairing needs at least two`,
    );
  }
  let baseRow: SystemRow | null = null;
  if (base !== undefined) {
    baseRow = systems.find((s) => s.name === base) ?? null;
    if (!baseRow) {
      throw new Errors.PairingInvalid(
        `no system named '${base}' (systems: ${systems.map((s) => s.name).join(', ')})`,
      );
    }
  } else if (!allPairs) {
    baseRow = systems.find((s) => s.name === 'base') ?? null;
    if (!baseRow) {
      throw new Errors.PairingInvalid(
        `no system is named 'base': name it with --base (systems: ${systems.map((s) => s.name).join(', ')}) or use --all-pairs`,
      );
    }
  }
  const pairs: Array<[SystemRow, SystemRow]> = [];
  if (allPairs) {
    for (let i = 0; i < systems.length; i++) {
      for (let j = i + 1; j < systems.length; j++) {
        const x = systems[i]!;
        const y = systems[j]!;
        // The base, when named, is always side b so its win rates read as "candidate vs base".
        pairs.push(baseRow && x.id === baseRow.id ? [y, x] : [x, y]);
      }
    }
  } else {
    for (const s of systems) if (s.id !== baseRow!.id) pairs.push([s, baseRow!]);
  }
  return { base: baseRow, pairs };
}

/**
 * Creates comparisons and their K judging slots. Everything random is a hash of the seed and of
 * stable names (item external id, system names, slot), computed in SQL: the same seed gives the
 * same plan on any database, and the plan is built without moving rows through Node.
 */
export async function pairStudy(db: Db, studyId: string, body: PairBody): Promise<PairResult> {
  const study = await getStudyById(db, { id: studyId });
  if (!study) throw new Errors.NotFound('study');
  const systems = await listSystems(db, { studyId });
  const { base, pairs } = planPairs(systems, body);
  const k = body.judgesPerComparison ?? study.judgesPerComparison;
  const seed = body.seed;

  return db.transaction(async (tx) => {
    const [pairing] = await tx
      .insert(pairings)
      .values({
        studyId,
        seed,
        options: {
          base: base?.name ?? null,
          allPairs: body.allPairs,
          sample: body.sample ?? null,
          k,
        },
        comparisonsCreated: 0,
        assignmentsCreated: 0,
      })
      .returning();
    if (!pairing) throw new Error('pairing insert returned nothing');
    let comparisonsCreated = 0;
    let comparisonsExisting = 0;
    let assignmentsCreated = 0;
    for (const [a, b] of pairs) {
      const sampleClause = body.sample
        ? sql`order by sha256(convert_to(${seed} || '|sample|' || i.external_id, 'UTF8')) limit ${body.sample}`
        : sql``;
      // The items that have an output from both systems (the seeded sample of them, if asked).
      const eligible = sql`
        select i.id, i.external_id from items i
        join outputs oa on oa.item_id = i.id and oa.system_id = ${a.id}
        join outputs ob on ob.item_id = i.id and ob.system_id = ${b.id}
        where i.study_id = ${studyId}
        ${sampleClause}`;
      const created = await queryRows<{ n: number; total: number }>(
        tx,
        sql`
        with eligible as (${eligible}), inserted as (
          insert into comparisons (study_id, item_id, system_a_id, system_b_id, pairing_id)
          select ${studyId}, e.id, ${a.id}, ${b.id}, ${pairing.id} from eligible e
          on conflict do nothing
          returning 1
        )
        select (select count(*)::int from inserted) as n, (select count(*)::int from eligible) as total`,
      );
      const row = created[0]!;
      comparisonsCreated += row.n;
      comparisonsExisting += row.total - row.n;

      const slots = await queryRows<{ n: number }>(
        tx,
        sql`
        with eligible as (${eligible}), planned as (
          select c.id as comparison_id, s.slot,
            sha256(convert_to(${seed} || '|' || e.external_id || '|' || ${a.name} || '|' || ${b.name} || '|' || s.slot, 'UTF8')) as h
          from eligible e
          join comparisons c on c.item_id = e.id and c.system_a_id = ${a.id} and c.system_b_id = ${b.id}
          cross join generate_series(0, ${k - 1}) as s(slot)
        ), inserted as (
          insert into assignments (comparison_id, study_id, slot, shown_left, queue_pos)
          select p.comparison_id, ${studyId}, p.slot,
            case when get_byte(p.h, 0) % 2 = 0 then 'a' else 'b' end,
            ('x' || substr(encode(p.h, 'hex'), 3, 15))::bit(60)::bigint
          from planned p
          on conflict do nothing
          returning 1
        )
        select count(*)::int as n from inserted`,
      );
      assignmentsCreated += slots[0]!.n;
    }
    await tx.execute(sql`
      update pairings set comparisons_created = ${comparisonsCreated}, assignments_created = ${assignmentsCreated}
      where id = ${pairing.id}`);
    return {
      pairingId: pairing.id,
      seed,
      base: base?.name ?? null,
      pairs: pairs.map(([x, y]) => ({ a: x.name, b: y.name })),
      comparisonsCreated,
      comparisonsExisting,
      assignmentsCreated,
    };
  });
}
