import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../server/imports/service.ts';
import { listFlags, scanStudy } from '../../../server/integrity/service.ts';
import { getStudyByName } from '../../../server/studies/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';

/**
 * When the scan reads an output again (docs/integrity.md): an import scans only outputs not yet
 * read with the current scanner; a new system name (a later import) makes it read them all again,
 * so an earlier output that names the new system is flagged then.
 */
describe.each(backends())('identity-leak rescans on %s', (backend) => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    dir = await mkdtemp(join(tmpdir(), 'ta-rescan-'));
  });
  afterAll(async () => {
    await tdb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, rows: unknown[]) => {
    const path = join(dir, name);
    await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return path;
  };

  it('scans new outputs only, and every output again when a system is added', async () => {
    const first = await write('first.jsonl', [
      {
        id: 'q1',
        question: 'Q1?',
        outputs: {
          'alpha-tuned': { trace: 'Unlike zeta-tuned-9b, I think the image shows a nodule.' },
          base: { trace: 'A nodule.' },
        },
      },
      { id: 'q2', question: 'Q2?', outputs: { 'alpha-tuned': { trace: 'A mass.' } } },
    ]);
    await importFile(tdb.db, { study: { name: 'rescan' }, path: first });
    const study = (await getStudyByName(tdb.db, { name: 'rescan' }))!;
    expect(await listFlags(tdb.db, { studyId: study.id })).toEqual([]);
    // read at import: nothing left to read with the same scanner
    expect((await scanStudy(tdb.db, { studyId: study.id })).scanned).toBe(0);

    const second = await write('second.jsonl', [
      { id: 'q1', question: 'Q1?', outputs: { 'zeta-tuned-9b': { trace: 'A cyst.' } } },
    ]);
    await importFile(tdb.db, { study: { name: 'rescan' }, path: second });
    const flags = await listFlags(tdb.db, { studyId: study.id });
    expect(flags.map((f) => [f.item, f.system, f.status, f.matches[0]?.text])).toEqual([
      ['q1', 'alpha-tuned', 'held', 'zeta-tuned-9b'],
    ]);
    expect((await scanStudy(tdb.db, { studyId: study.id })).scanned).toBe(0);
    expect((await scanStudy(tdb.db, { studyId: study.id, force: true })).scanned).toBe(4);
  }, 120_000);
});
