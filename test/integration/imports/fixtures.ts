import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../server/db/client.ts';

/** A real 1×1 PNG, and a GIF, as bytes. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
export const GIF = Buffer.from(
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
  'base64',
);

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ta-import-test-'));
}

/** Writes files (text or bytes) under `dir`, creating folders; returns the first file's path. */
export async function writeFiles(
  dir: string,
  files: Record<string, string | Buffer>,
): Promise<string> {
  let first = '';
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    first ||= path;
  }
  return first;
}

export const jsonl = (records: unknown[]) =>
  records.map((r) => JSON.stringify(r)).join('\n') + '\n';

export interface Counts {
  studies: number;
  systems: number;
  items: number;
  item_images: number;
  outputs: number;
  imports: number;
}

export async function countRows(db: Db): Promise<Counts> {
  const [row] = await queryRows<Counts>(
    db,
    sql`
    select (select count(*)::int from studies) as studies,
           (select count(*)::int from systems) as systems,
           (select count(*)::int from items) as items,
           (select count(*)::int from item_images) as item_images,
           (select count(*)::int from outputs) as outputs,
           (select count(*)::int from imports) as imports`,
  );
  if (!row) throw new Error('no counts');
  return row;
}

/** A valid item record with two embedded outputs. */
export function item<E extends Record<string, unknown>>(n: number, extra: E = {} as E) {
  return {
    id: `q-${n}`,
    question: `What does image ${n} show?`,
    reference: `finding ${n}`,
    modality: n % 2 ? 'radiology' : 'pathology',
    outputs: {
      base: { trace: `short trace ${n}`, answer: `a${n}` },
      sft: { trace: `a longer, grounded trace for ${n} — ✓`, answer: `a${n}` },
    },
    ...extra,
  };
}
