import { randomBytes } from 'node:crypto';
import { recordAdminAction } from '../audit/service.ts';
import type { PairBody, PairResult } from '../../shared/admin-api.ts';
import type { Db } from '../db/client.ts';
import { Errors } from '../errors.ts';
import { scanStudy } from '../integrity/service.ts';
import { createPairComparisons } from '../judging/service.ts';
import { getStudyById, listSystems, setJudgesPerComparison } from '../studies/service.ts';
import { insertPairing, latestPairingSeed, setPairingCounts } from './repository.ts';

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
 * A seed for a study's first plan when none is given: 128 random bits. Sides are a hash of the
 * seed and of names a judge may know or guess (the item's id, the systems' names), so a seed a
 * judge could know would unblind them: the default was once '0'.
 */
function randomSeed(): string {
  return randomBytes(16).toString('hex');
}

/** The default seed before it was drawn at random: every study paired without a seed used it. */
const FORMER_DEFAULT_SEED = '0';

/** Said to whoever pairs with the former default seed (given, or a study's last plan's). */
export const PUBLIC_SEED_WARNING =
  "the seed '0' was the default until 2026-12: anyone who knows it, the items' ids and the systems' names can compute every side; give this study's new plans a --seed of their own (its existing slots keep their sides)";

/**
 * Records a plan and has judging create its comparisons and their K slots. Without a seed the
 * study's latest plan's is used, so pairing again is idempotent, and the first plan draws one
 * (randomSeed); the seed is recorded and returned either way. Everything random is a
 * hash of the seed and of stable names (item external id, system names, slot), computed in SQL: the
 * same seed gives the same plan on any database, and the plan is built without moving rows
 * through Node.
 */
export async function pairStudy(
  db: Db,
  studyId: string,
  body: PairBody,
  /** Who pairs, for the audit trail (docs/audit.md): 'admin' over HTTP, 'cli', 'demo'. */
  actor = 'admin',
): Promise<PairResult> {
  const study = await getStudyById(db, { id: studyId });
  if (!study) throw new Errors.NotFound('study');
  const systems = await listSystems(db, { studyId });
  const { base, pairs } = planPairs(systems, body);
  const k = body.judgesPerComparison ?? study.judgesPerComparison;

  return db.transaction(async (tx) => {
    const seed = body.seed ?? (await latestPairingSeed(tx, studyId)) ?? randomSeed();
    const pairing = await insertPairing(tx, {
      studyId,
      seed,
      options: {
        base: base?.name ?? null,
        allPairs: body.allPairs,
        sample: body.sample ?? null,
        k,
      },
    });
    let comparisonsCreated = 0;
    let comparisonsExisting = 0;
    let assignmentsCreated = 0;
    // the orientation each pair is compared in (an earlier plan's, where it named the pair reversed)
    const used: Array<{ a: string; b: string }> = [];
    for (const [a, b] of pairs) {
      const made = await createPairComparisons(tx, {
        studyId,
        pairingId: pairing.id,
        a,
        b,
        seed,
        sample: body.sample ?? null,
        k,
      });
      used.push({ a: made.a.name, b: made.b.name });
      comparisonsCreated += made.comparisonsCreated;
      comparisonsExisting += made.comparisonsExisting;
      assignmentsCreated += made.slotsCreated;
    }
    if (k !== study.judgesPerComparison)
      await setJudgesPerComparison(tx, { id: studyId, judgesPerComparison: k });
    // the identity-leak scan again (system names may have been added since the import): the new
    // comparisons of flagged outputs are held before they are leased
    await scanStudy(tx, { studyId });
    await setPairingCounts(tx, {
      pairingId: pairing.id,
      comparisonsCreated,
      assignmentsCreated,
    });
    await recordAdminAction(tx, {
      studyId,
      actor,
      action: 'pair',
      details: {
        pairing_id: pairing.id,
        seed,
        base: base?.name ?? null,
        all_pairs: body.allPairs,
        sample: body.sample ?? null,
        k,
        pairs: used,
        comparisons_created: comparisonsCreated,
        assignments_created: assignmentsCreated,
      },
    });
    return {
      pairingId: pairing.id,
      seed,
      base: base?.name ?? null,
      pairs: used,
      comparisonsCreated,
      comparisonsExisting,
      assignmentsCreated,
      warnings: seed === FORMER_DEFAULT_SEED ? [PUBLIC_SEED_WARNING] : [],
    };
  });
}
