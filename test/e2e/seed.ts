import { randomBytes } from 'node:crypto';
import { createInvite } from '../../server/auth/repository.ts';
import type { Db } from '../../server/db/client.ts';
import { itemImages, items, outputs, studies, systems } from '../../server/db/schema/index.ts';
import { encodePng } from '../../server/demo/png.ts';
import { pairStudy } from '../../server/pairing/service.ts';

export interface SeedItem {
  question: string;
  /** Trace per system name. */
  traces: Record<string, string>;
}

/**
 * A study whose texts never mention a system, so the blinding tests can look for the system names
 * and ids anywhere the judge can see. The system names are long random strings.
 */
export async function seedStudy(
  db: Db,
  {
    items: list,
    k = 1,
    axes,
    leaks = {},
    names,
  }: {
    items: SeedItem[];
    /** The two systems' names (default: long random strings). */
    names?: [string, string];
    k?: number;
    axes?: string[];
    /** Item index → the candidate's trace, a text that names a model (held at pairing). */
    leaks?: Record<number, string>;
  },
) {
  const tag = randomBytes(4).toString('hex');
  const systemNames = names ?? [`candidate-${tag}-zeta`, `baseline-${tag}-omega`];
  const [study] = await db
    .insert(studies)
    .values({
      name: `e2e-${tag}`,
      judgesPerComparison: k,
      guidelines: 'Prefer the trace whose **reasoning** is grounded in the image.',
      ...(axes ? { axes } : {}),
    })
    .returning();
  if (!study) throw new Error('no study');
  const sys = await db
    .insert(systems)
    .values(systemNames.map((name) => ({ studyId: study.id, name })))
    .returning();
  const png = encodePng(
    2,
    2,
    new Uint8Array([200, 30, 30, 30, 200, 30, 30, 30, 200, 200, 200, 30]),
  );
  for (const [i, it] of list.entries()) {
    const [row] = await db
      .insert(items)
      .values({
        studyId: study.id,
        externalId: `item-${i}`,
        question: it.question,
        modality: 'radiology',
      })
      .returning();
    if (!row) throw new Error('no item');
    await db.insert(itemImages).values({
      itemId: row.id,
      position: 0,
      mime: 'image/png',
      sha256: tag,
      bytes: png,
      byteLength: png.length,
    });
    await db.insert(outputs).values(
      sys.map((s, j) => {
        const trace =
          it.traces[s.name] ??
          (j === 0 ? leaks[i] : undefined) ??
          `Reasoning ${j === 0 ? 'one' : 'two'} for question ${i}.`;
        return {
          itemId: row.id,
          systemId: s.id,
          trace,
          answer: `Answer ${j === 0 ? 'A' : 'B'}`,
          traceLength: trace.length,
          answerLength: 8,
        };
      }),
    );
  }
  const base = systemNames[1];
  const pairing = await pairStudy(db, study.id, {
    allPairs: false,
    seed: tag,
    judgesPerComparison: k,
    ...(base ? { base } : {}),
  });
  return { study, systems: sys, systemNames, pairing };
}

export async function invite(db: Db, studyId: string, name: string, quota?: number) {
  const created = await createInvite(db, { studyId, name, quota });
  if (!created) throw new Error('invite failed');
  return { judgeId: created.judge.id, token: created.token };
}
