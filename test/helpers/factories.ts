import { randomBytes } from 'node:crypto';
import type { Db } from '../../server/db/client.ts';
import { itemImages, items, outputs, studies, systems } from '../../server/db/schema/index.ts';
import { createInvite } from '../../server/auth/repository.ts';
import { pairStudy } from '../../server/pairing/service.ts';
import { encodePng } from '../../server/demo/png.ts';

export interface SeededStudy {
  studyId: string;
  name: string;
  systemIds: Record<string, string>;
}

/**
 * How makeStudy's outputs name their system: "#0#" for the first system "sft", "#1##" for "base"
 * (the name's length, no letters), so a test knows which side shows which system while the
 * identity-leak scan (docs/integrity.md) finds no system name and holds nothing.
 */
export function systemLabel(systemNames: readonly string[], name: string): string {
  const index = String(systemNames.indexOf(name));
  return `#${index}`.padEnd(Math.max(name.length, index.length + 1), '#');
}

/** A study with `items` items, each with one image and an output from every system. */
export async function makeStudy(
  db: Db,
  overrides: {
    name?: string;
    items?: number;
    systems?: string[];
    k?: number;
    leaseSeconds?: number;
    axes?: string[];
  } = {},
): Promise<SeededStudy> {
  const name = overrides.name ?? `study-${randomBytes(4).toString('hex')}`;
  const systemNames = overrides.systems ?? ['sft', 'base'];
  const [study] = await db
    .insert(studies)
    .values({
      name,
      judgesPerComparison: overrides.k ?? 1,
      leaseSeconds: overrides.leaseSeconds ?? 600,
      ...(overrides.axes ? { axes: overrides.axes } : {}),
    })
    .returning();
  const sys = await db
    .insert(systems)
    .values(systemNames.map((s) => ({ studyId: study!.id, name: s })))
    .returning();
  const systemIds = Object.fromEntries(sys.map((s) => [s.name, s.id]));
  const n = overrides.items ?? 10;
  const png = encodePng(1, 1, new Uint8Array([255, 0, 0]));
  for (let start = 0; start < n; start += 500) {
    const batch = Array.from({ length: Math.min(500, n - start) }, (_, k) => ({
      studyId: study!.id,
      externalId: `q-${start + k}`,
      question: `Question ${start + k}?`,
      modality: (start + k) % 2 ? 'radiology' : 'pathology',
    }));
    const rows = await db
      .insert(items)
      .values(batch)
      .returning({ id: items.id, externalId: items.externalId });
    await db.insert(itemImages).values(
      rows.map((r) => ({
        itemId: r.id,
        position: 0,
        mime: 'image/png',
        sha256: 'x',
        bytes: png,
        byteLength: png.length,
      })),
    );
    await db.insert(outputs).values(
      rows.flatMap((r) =>
        sys.map((s) => {
          const trace = `${r.externalId} trace by ${systemLabel(systemNames, s.name)}`;
          return {
            itemId: r.id,
            systemId: s.id,
            trace,
            answer: `answer by ${systemLabel(systemNames, s.name)}`,
            traceLength: trace.length,
            answerLength: 10,
          };
        }),
      ),
    );
  }
  return { studyId: study!.id, name, systemIds };
}

export async function makePairedStudy(
  db: Db,
  overrides: Parameters<typeof makeStudy>[1] & { seed?: string } = {},
) {
  const study = await makeStudy(db, overrides);
  const pairing = await pairStudy(db, study.studyId, {
    allPairs: false,
    base: (overrides.systems ?? ['sft', 'base']).at(-1),
    seed: overrides.seed ?? 'seed-1',
    judgesPerComparison: overrides.k ?? 1,
  });
  return { ...study, pairing };
}

export async function makeJudges(db: Db, studyId: string, count: number, quota?: number) {
  const out: Array<{ id: string; name: string; token: string }> = [];
  for (let i = 0; i < count; i++) {
    const created = await createInvite(db, {
      studyId,
      name: `judge-${i}-${randomBytes(3).toString('hex')}`,
      quota,
    });
    out.push({ id: created!.judge.id, name: created!.judge.name, token: created!.token });
  }
  return out;
}
