import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, queryRows } from '../../../server/db/client.ts';
import { importFile } from '../../../server/imports/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { cli } from './cli-run.ts';
import { countRows, item, tempDir } from './fixtures.ts';

const ROWS = 20_000;
const BAD_ROW = 19_998;

interface Row {
  id: string;
  question: string;
  reference: string | null;
  modality: string;
  outputs: unknown;
}

/**
 * An item file as a dataset on the Hub ships it: flat text columns, an INT64 row number, the
 * nested outputs in a JSON column; several row groups, so the reader streams them.
 */
function writeItemsParquet(path: string, records: Row[]) {
  parquetWriteFile({
    filename: path,
    rowGroupSize: 5000,
    columnData: [
      { name: 'id', data: records.map((r) => r.id), type: 'STRING' },
      { name: 'question', data: records.map((r) => r.question), type: 'STRING' },
      { name: 'reference', data: records.map((r) => r.reference), type: 'STRING' },
      { name: 'modality', data: records.map((r) => r.modality), type: 'STRING' },
      { name: 'outputs', data: records.map((r) => r.outputs), type: 'JSON' },
      { name: 'metadata', data: records.map((_, i) => ({ row: i })), type: 'JSON' },
    ],
  });
}

describe('Parquet imports', () => {
  let dir: string;
  let big: string;
  beforeAll(async () => {
    dir = await tempDir();
    big = join(dir, 'items.parquet');
    // one bad row near the end, in the last row group: found only by reading every group
    writeItemsParquet(
      big,
      Array.from({ length: ROWS }, (_, k) =>
        k + 1 === BAD_ROW ? { ...item(k + 1), question: '   ' } : item(k + 1),
      ),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe.each(backends())('on %s', (backend) => {
    let tdb: TestDatabase;
    beforeAll(async () => {
      tdb = await openTestDatabase(backend);
    });
    afterAll(() => tdb.destroy());

    it('imports items and an output file from Parquet; a re-import changes nothing', async () => {
      const path = join(dir, `ok-${backend}.parquet`);
      writeItemsParquet(path, [item(1), item(2), { ...item(3), reference: null }]);
      const first = await importFile(tdb.db, { study: { name: 'pq' }, path });
      expect(first).toMatchObject({
        format: 'parquet',
        kind: 'items',
        records: 3,
        itemsCreated: 3,
        outputsCreated: 6,
        systems: ['base', 'sft'],
      });
      const rows = await queryRows<{ external_id: string; reference: string | null }>(
        tdb.db,
        sql`select external_id, reference from items order by external_id`,
      );
      expect(rows).toEqual([
        { external_id: 'q-1', reference: 'finding 1' },
        { external_id: 'q-2', reference: 'finding 2' },
        { external_id: 'q-3', reference: null },
      ]);
      const again = await importFile(tdb.db, { study: { name: 'pq' }, path });
      expect(again).toMatchObject({ itemsCreated: 0, outputsCreated: 0 });

      const outputs = join(dir, `outputs-${backend}.parquet`);
      parquetWriteFile({
        filename: outputs,
        columnData: [
          { name: 'item', data: ['q-1', 'q-2'], type: 'STRING' },
          { name: 'system', data: ['rl', 'rl'], type: 'STRING' },
          { name: 'trace', data: ['t1', 't2'], type: 'STRING' },
          { name: 'answer', data: ['a', null], type: 'STRING' },
        ],
      });
      const out = await importFile(tdb.db, { study: { name: 'pq' }, path: outputs });
      expect(out).toMatchObject({ kind: 'outputs', outputsCreated: 2, systems: ['rl'] });
    });

    it('names the row and column of a value JSON cannot hold, writing nothing', async () => {
      const path = join(dir, `int64-${backend}.parquet`);
      parquetWriteFile({
        filename: path,
        columnData: [
          { name: 'id', data: [1n, 2n ** 60n], type: 'INT64' },
          { name: 'question', data: ['q?', 'q?'], type: 'STRING' },
        ],
      });
      const before = await countRows(tdb.db);
      await expect(importFile(tdb.db, { study: { name: 'pq' }, path })).rejects.toThrow(
        `${path}:2: field 'id': expected an integer within ±9007199254740991; found ${2n ** 60n}`,
      );
      const notParquet = join(dir, `not-${backend}.parquet`);
      await writeFile(notParquet, 'id,question\n');
      await expect(importFile(tdb.db, { study: { name: 'pq' }, path: notParquet })).rejects.toThrow(
        /^.*not-\w+\.parquet: invalid Parquet: /,
      );
      expect(await countRows(tdb.db)).toEqual(before);
    });

    it('tracearena import exits 2 naming the row and column of a bad row near the end, writing nothing', async () => {
      const before = await countRows(tdb.db);
      const args =
        backend === 'postgres'
          ? ['--database-url', tdb.url as string]
          : ['--data', join(dir, 'pglite-data')];
      const run = await cli(['import', big, '--study', 'pq', ...args]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toBe(
        `tracearena: ${big}:${BAD_ROW}: field 'question': expected a non-empty string\n`,
      );
      expect(run.stdout).toBe('');
      if (backend === 'postgres') expect(await countRows(tdb.db)).toEqual(before);
      else {
        const database = await createDatabase({ dataDir: join(dir, 'pglite-data') });
        expect((await countRows(database.db)).items).toBe(0);
        await database.close();
      }
    }, 120_000);
  });
});
