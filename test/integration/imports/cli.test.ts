import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { cli } from './cli-run.ts';
import { countRows, item, jsonl, tempDir, writeFiles } from './fixtures.ts';
import { generateItemsJsonl } from './generate.ts';

const N = 450_000;
const BAD_LINE = 449_998;

describe('tracearena import (CLI)', () => {
  let dir: string;
  let big: string;
  beforeAll(async () => {
    dir = await tempDir();
    big = join(dir, 'items.jsonl');
    // one bad record near the end: only a streaming, line-counting validation finds it
    await generateItemsJsonl(big, N, (line) =>
      line === BAD_LINE ? { id: `omr-${line}`, question: '   ' } : undefined,
    );
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe.each(backends())('on %s', (backend) => {
    let tdb: TestDatabase | undefined;
    let dbArgs: string[];
    const open = async (): Promise<Database> => {
      if (tdb) return tdb;
      return createDatabase({ dataDir: join(dir, 'pglite-data') });
    };
    const close = async (database: Database) => {
      if (database !== tdb) await database.close();
    };
    beforeAll(async () => {
      if (backend === 'postgres') {
        tdb = await openTestDatabase('postgres');
        dbArgs = ['--database-url', tdb.url as string];
      } else {
        dbArgs = ['--data', join(dir, 'pglite-data')];
      }
    });
    afterAll(() => tdb?.destroy());

    it('imports a small file and prints a one-line summary', async () => {
      const small = await writeFiles(join(dir, `small-${backend}`), {
        'items.jsonl': jsonl([item(1), item(2)]),
      });
      const ok = await cli(['import', small, '--study', 'omr', ...dbArgs]);
      expect(ok.stderr).toBe('');
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toBe("imported 2 items, 4 outputs (6 new) into study 'omr'\n");
    });

    it('exits 2 naming the line and field of a bad record near the end of 450k items, writing nothing', async () => {
      let database = await open();
      const before = await countRows(database.db);
      await close(database);
      expect(before.items).toBe(2);

      const run = await cli(['import', big, '--study', 'omr', ...dbArgs]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toBe(
        `tracearena: ${big}:${BAD_LINE}: field 'question': expected a non-empty string\n`,
      );
      expect(run.stdout).toBe('');

      database = await open();
      expect(await countRows(database.db)).toEqual(before);
      await close(database);
    }, 120_000);

    it('exits 2 on bad options and on an ambiguous study', async () => {
      const small = join(dir, `small-${backend}`, 'items.jsonl');
      const fmt = await cli(['import', small, '--format', 'xml', ...dbArgs]);
      expect(fmt.code, fmt.stderr).toBe(2);
      expect(fmt.stderr).toBe(
        "tracearena: option '--format': expected one of jsonl, json, csv, parquet, got 'xml'\n",
      );
      // exactly one study exists: --study may be left out
      const again = await cli(['import', small, ...dbArgs]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe("imported 2 items, 4 outputs (0 new) into study 'omr'\n");
    });
  });
});
