import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.ts';
import { exportAudit } from '../../../server/audit/service.ts';
import { createAdminToken } from '../../../server/auth/repository.ts';
import { loadConfig } from '../../../server/config.ts';
import { importFile } from '../../../server/imports/service.ts';
import { pairStudy } from '../../../server/pairing/service.ts';
import { getStudyReport } from '../../../server/reports/study-report.ts';
import { getStudyByName } from '../../../server/studies/service.ts';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { makeJudges } from '../../helpers/factories.ts';
import { runCli } from '../../helpers/processes.ts';

/**
 * A study imported from a file whose outputs differ in style (markdown headers, lists, bold,
 * length, characters outside the BMP), judged over HTTP: the report rebuilt from its audit export
 * alone equals the study's report, its style-controlled win rate included (the import event
 * carries the outputs' style counts: docs/audit.md).
 */
const backend = backends().at(-1)!;
describe(`report --from-audit with style counts (${backend})`, () => {
  let tdb: TestDatabase;
  let app: FastifyInstance;
  let dir: string;
  let studyId: string;

  beforeAll(async () => {
    tdb = await openTestDatabase(backend);
    app = await buildApp({ database: tdb, logger: false, config: loadConfig({}) });
    await createAdminToken(tdb.db);
    dir = await mkdtemp(join(tmpdir(), 'ta-audit-styles-'));
    const lines: string[] = [];
    for (let i = 0; i < 24; i++) {
      const styled = [
        ...(i % 3 === 0 ? ['## Findings'] : []),
        ...Array.from({ length: i % 4 }, (_, k) => `- finding ${k} 🫁`),
        `The **key** sign is ${'consolidation '.repeat(1 + (i % 5))}.`,
      ].join('\n');
      lines.push(
        JSON.stringify({
          id: `q-${i}`,
          question: `Case ${i}?`,
          outputs: {
            sft: { trace: styled, answer: i % 2 ? '**Pneumonia**' : 'Pneumonia' },
            base: { trace: `Plain reasoning ${'x'.repeat(i)}.`, answer: 'Pneumonia' },
          },
        }),
      );
    }
    const file = join(dir, 'items.jsonl');
    await writeFile(file, lines.join('\n') + '\n');
    const imported = await importFile(tdb.db, {
      study: { name: 'styles' },
      path: file,
      actor: 'cli',
    });
    studyId = (await getStudyByName(tdb.db, { name: 'styles' }))!.id;
    expect(imported.outputsCreated).toBe(48);
    await pairStudy(tdb.db, studyId, { allPairs: false, seed: '7', judgesPerComparison: 2 }, 'cli');
    const judges = await makeJudges(tdb.db, studyId, 2);
    let n = 0;
    for (const judge of judges) {
      const headers = { authorization: `Bearer ${judge.token}` };
      for (;;) {
        const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
        if (next.statusCode === 204) break;
        expect(next.statusCode, next.body).toBe(200);
        const { assignment } = next.json<{ assignment: { id: string; left: { trace: string } } }>();
        // prefer the styled trace, mostly: the style-controlled figure has something to fit
        const styledLeft = /\*\*key\*\*/.test(assignment.left.trace);
        const winner = n++ % 5 === 0 ? 'tie' : styledLeft === (n % 7 !== 0) ? 'left' : 'right';
        const v = await app.inject({
          method: 'POST',
          url: `/api/judge/assignments/${assignment.id}/verdict`,
          headers,
          payload: { winner },
        });
        expect(v.statusCode, v.body).toBe(200);
      }
    }
    expect(n).toBe(48);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await tdb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it("equals the study's report, the style-controlled win rate included", async () => {
    const exportFile = join(dir, 'audit.jsonl');
    const events: string[] = [];
    for await (const e of exportAudit(tdb.db, { studyId })) events.push(JSON.stringify(e));
    await writeFile(exportFile, events.join('\n') + '\n');
    const r = await runCli(['report', '--from-audit', exportFile, '--format', 'json'], {
      DATABASE_URL: undefined,
    });
    expect(r.code, r.stderr).toBe(0);
    const rebuilt = JSON.parse(r.stdout) as { provenance: { input: unknown }; pairs: unknown[] };
    const original = JSON.parse(
      JSON.stringify(await getStudyReport(tdb.db, { studyId })),
    ) as typeof rebuilt;
    const styled = original.pairs[0] as { styleControlled: { winRate: number } | null };
    expect(styled.styleControlled?.winRate).toEqual(expect.any(Number));
    rebuilt.provenance.input = null;
    original.provenance.input = null;
    expect(rebuilt).toEqual(original);
  });
});
