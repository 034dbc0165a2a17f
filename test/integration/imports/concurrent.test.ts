import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../server/imports/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { countRows, item, jsonl, tempDir, writeFiles } from './fixtures.ts';

// PGlite has one connection: its transactions never overlap, so only PostgreSQL is raced here
describe.skipIf(!backends().includes('postgres'))('concurrent imports on postgres', () => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await openTestDatabase('postgres');
    dir = await tempDir();
    // the study exists first: two imports creating it at once race on its name, not on items
    await importFile(tdb.db, {
      study: { name: 'race' },
      path: await writeFiles(join(dir, 'seed'), { 'items.jsonl': jsonl([item(0)]) }),
    });
  });
  afterAll(() => tdb.destroy());

  const run = (path: string) => importFile(tdb.db, { study: { name: 'race' }, path });
  const records = (from: number, n: number) => Array.from({ length: n }, (_, k) => item(from + k));

  it('two overlapping imports of the same records both succeed and store each record once', async () => {
    const a = await writeFiles(join(dir, 'a'), { 'items.jsonl': jsonl(records(1, 3000)) });
    const b = await writeFiles(join(dir, 'b'), { 'items.jsonl': jsonl(records(1501, 3000)) });
    const [ra, rb] = await Promise.all([run(a), run(b)]);
    expect(ra.itemsCreated + rb.itemsCreated).toBe(4500);
    expect(ra.outputsCreated + rb.outputsCreated).toBe(9000);
    const counts = await countRows(tdb.db);
    expect(counts.items).toBe(4501);
    expect(counts.outputs).toBe(9002);
  });

  it('of two imports that disagree on a record, exactly one commits, never a mix', async () => {
    const before = await countRows(tdb.db);
    const a = await writeFiles(join(dir, 'c'), { 'items.jsonl': jsonl(records(10_000, 2000)) });
    const other = records(10_000, 2000);
    other[1999] = item(11_999, { question: 'another question' });
    const b = await writeFiles(join(dir, 'd'), { 'items.jsonl': jsonl(other) });
    const results = await Promise.allSettled([run(a), run(b)]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(
      /:2000: field 'question': conflicts with item 'q-11999' already stored/,
    );
    const after = await countRows(tdb.db);
    expect(after.items).toBe(before.items + 2000);
    expect(after.outputs).toBe(before.outputs + 4000);
  });
});
