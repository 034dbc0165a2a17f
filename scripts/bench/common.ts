/**
 * What the benchmarks share: the seeded study they judge (items with an image and two systems'
 * outputs, paired against the base), percentiles, the machine's load beside a figure, Markdown
 * tables and the `--json FILE` each bench writes for `npm run bench` (scripts/bench/run.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import pg from 'pg';
import type { Db } from '../../server/db/client.ts';
import { itemImages, items, outputs, studies, systems } from '../../server/db/schema/index.ts';
import { encodePng } from '../../server/demo/png.ts';
import { pairStudy } from '../../server/pairing/service.ts';

export interface SeedOptions {
  name: string;
  items: number;
  /** Judges per comparison (K). */
  judgesPerComparison: number;
  leaseSeconds?: number;
  /** The question of item i (default: a short one naming i). */
  question?: (i: number) => string;
  /** System `name`'s trace for item i (default: ~800 bytes; it must not name a system). */
  trace?: (i: number, system: string) => string;
  /** The side of each item's one PNG image (default 8). */
  imageSide?: number;
}

/**
 * A study of `items` items, each with one PNG image and the outputs of two systems, `cand` and
 * `base`, paired (every item cand vs base, K slots each). Returns the study's id.
 */
export async function seedStudy(db: Db, o: SeedOptions): Promise<string> {
  const [study] = await db
    .insert(studies)
    .values({ name: o.name, ...(o.leaseSeconds ? { leaseSeconds: o.leaseSeconds } : {}) })
    .returning();
  const sys = await db
    .insert(systems)
    .values([
      { studyId: study!.id, name: 'cand' },
      { studyId: study!.id, name: 'base' },
    ])
    .returning();
  const side = o.imageSide ?? 8;
  const png = encodePng(
    side,
    side,
    new Uint8Array(side * side * 3).map((_, i) => (i * 37) % 256),
  );
  const question = o.question ?? ((i: number) => `Question ${i}: what does the image show?`);
  // No system's name in a trace: the identity-leak scan (server/integrity/) would hold it.
  const trace =
    o.trace ??
    ((i: number, s: string) =>
      `Step ${i}: the image shows a finding. `.repeat(s === 'cand' ? 22 : 20));
  for (let start = 0; start < o.items; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, o.items - start) }, (_, i) => ({
      studyId: study!.id,
      externalId: `b-${start + i}`,
      question: question(start + i),
      modality: 'radiology',
    }));
    const rows = await db.insert(items).values(batch).returning({ id: items.id });
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
      rows.flatMap((r, i) =>
        sys.map((s) => {
          const t = trace(start + i, s.name);
          return {
            itemId: r.id,
            systemId: s.id,
            trace: t,
            answer: 'A finding.',
            traceLength: t.length,
            answerLength: 10,
          };
        }),
      ),
    );
  }
  await pairStudy(db, study!.id, {
    allPairs: false,
    base: 'base',
    seed: 'bench',
    judgesPerComparison: o.judgesPerComparison,
  });
  return study!.id;
}

/**
 * A database of a bench's own on the PostgreSQL server of `adminUrl` (a database URL there): its
 * `url`; `recreate()` drops it (closing its connections) and creates it empty; `drop()` drops it.
 */
export function benchDatabase(
  adminUrl: string,
  name: string,
): { url: string; recreate(): Promise<void>; drop(): Promise<void> } {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  const drop = () => admin(`drop database if exists ${name} with (force)`);
  return {
    url: url.toString(),
    drop,
    async recreate() {
      await drop();
      await admin(`create database ${name}`);
    },
  };
}

/** The p-quantile of ascending `sorted` (the nearest rank below), NaN when empty. */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** The machine as a figure was measured on it: cores and load averages (1, 5, 15 min). */
export function machine(): { cores: number; load: number[]; node: string } {
  return {
    cores: cpus().length,
    load: loadavg().map((l) => Math.round(l * 10) / 10),
    node: process.version,
  };
}

/** A Markdown table: a header row and one row per entry. */
export function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Writes a bench's figures for `npm run bench` (`--json FILE`), creating the folder. */
export function writeJson(path: string | undefined, data: unknown): void {
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
