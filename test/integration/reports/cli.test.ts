import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../../../shared/report.ts';
import { buildApp } from '../../../server/app.ts';
import { loadConfig } from '../../../server/config.ts';
import { createDatabase, type Database } from '../../../server/db/client.ts';
import { backends, openTestDatabase, type Backend } from '../../helpers/db.ts';
import { makeJudges, makePairedStudy, systemLabel } from '../../helpers/factories.ts';
import { runCli, type CliResult } from '../../helpers/processes.ts';
import { JUDGMENTS_CSV_HEADER, judgmentLine } from '../../unit/reports/factories.ts';

/**
 * `tracearena stats` and `tracearena report` as real child processes: bad input, the same report
 * from JSONL and CSV, every output format, and `report --study` against `stats` on the study's
 * export on every backend.
 */

/** The CLI without a DATABASE_URL from the environment: each test names its database itself. */
const cli = (args: string[]): Promise<CliResult> => runCli(args, { DATABASE_URL: undefined });

let dir: string;
const seeded = new Map<Backend, Promise<SeededStudy>>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ta-report-cli-'));
  // A fresh PGlite data folder takes seconds (initdb, migrations): every backend's study is
  // built now, in the background, while the stats tests below wait on their child processes.
  for (const backend of backends()) {
    const study = seedStudy(backend);
    study.catch(() => undefined); // awaited (and failing) in its own describe
    seeded.set(backend, study);
  }
});
afterAll(async () => {
  for (const study of seeded.values())
    await study.then(
      (s) => s.destroy(),
      () => undefined,
    );
  await rm(dir, { recursive: true, force: true });
});

async function readReport(file: string): Promise<Report> {
  return reportSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** A report without the input its provenance names (the files or the study): every figure, the verdicts' hash too. */
function figures(report: Report): Report {
  expect(report.provenance?.input).not.toBeNull();
  return { ...report, provenance: { ...report.provenance!, input: null } };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Exactly one line on stderr, `tracearena: …`, matching `pattern` after the prefix. */
function expectOneErrorLine(r: CliResult, pattern: RegExp) {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(lines[0]).toMatch(/^tracearena: /);
  expect(lines[0]!.slice('tracearena: '.length)).toMatch(pattern);
}

interface SeededStudy {
  /** `--data DIR` or `--database-url URL`. */
  dbArgs: string[];
  studyName: string;
  verdicts: number;
  destroy(): Promise<void>;
}

/**
 * A study in a database of `backend` with verdicts given through the real app (several judges
 * per comparison, wins, losses and ties, axes on some verdicts only), its database closed when
 * the CLI needs it to be.
 */
async function seedStudy(backend: Backend): Promise<SeededStudy> {
  let database: Database;
  let dbArgs: string[];
  let destroy = async () => {};
  if (backend === 'postgres') {
    const tdb = await openTestDatabase('postgres');
    database = tdb;
    dbArgs = ['--database-url', tdb.url!];
    destroy = () => tdb.destroy();
  } else {
    // a data folder, not an in-memory database, so that the CLI can open it afterwards
    const dataDir = join(dir, 'pglite-data');
    await mkdir(dataDir, { recursive: true });
    database = await createDatabase({ dataDir });
    dbArgs = ['--data', dataDir];
  }
  let studyName = '';
  let verdicts = 0;
  let ok = false;
  const app = await buildApp({ database, logger: false, config: loadConfig({}) });
  try {
    const study = await makePairedStudy(database.db, {
      items: 6,
      systems: ['sft', 'rl', 'base'],
      k: 3,
    });
    studyName = study.name;
    const judges = await makeJudges(database.db, study.studyId, 3);
    // Each judge's preference depends only on the judge, the item and the systems, so the
    // verdicts (relative to systems) are the same whatever order the queue hands them out in.
    const prefer = (judge: number, item: number, left: string, right: string): string | null => {
      const candidate = left === 'base' ? right : left;
      const code = (judge * 7 + item * 3 + (candidate === 'sft' ? 0 : 1)) % 5;
      return code === 0 ? null : code === 1 ? 'base' : candidate; // null: a tie
    };
    for (const [j, judge] of judges.entries()) {
      const headers = { authorization: `Bearer ${judge.token}` };
      for (;;) {
        const next = await app.inject({ method: 'POST', url: '/api/judge/next', headers });
        if (next.statusCode === 204) break;
        if (next.statusCode !== 200) throw new Error(`next: ${next.statusCode} ${next.body}`);
        const { assignment } = next.json<{
          assignment: {
            id: string;
            item: { question: string };
            left: { trace: string };
            right: { trace: string };
          };
        }>();
        const item = Number(/Question (\d+)\?/.exec(assignment.item.question)![1]);
        // the traces name their system by its label (test/helpers/factories.ts)
        const systemOf = (trace: string) => {
          const label = /by (\S+)$/.exec(trace)![1]!;
          const names = ['sft', 'rl', 'base'];
          return names.find((n) => systemLabel(names, n) === label)!;
        };
        const left = systemOf(assignment.left.trace);
        const right = systemOf(assignment.right.trace);
        const preferred = prefer(j, item, left, right);
        const winner = preferred === null ? 'tie' : preferred === left ? 'left' : 'right';
        const r = await app.inject({
          method: 'POST',
          url: `/api/judge/assignments/${assignment.id}/verdict`,
          headers,
          payload: {
            winner,
            // axes on some verdicts only; the second judge gives none
            axes:
              j === 1
                ? {}
                : item % 2
                  ? { perception: winner, rationale: 'tie' }
                  : { medical_knowledge: winner },
            ...(j === 2 && item === 0 ? { strength: 2 } : {}),
            ...(j === 0 ? { note: `note on ${item}`, elapsedMs: 1000 + item } : {}),
          },
        });
        if (r.statusCode !== 200) throw new Error(`verdict: ${r.statusCode} ${r.body}`);
        verdicts++;
      }
    }
    ok = true;
  } finally {
    await app.close();
    // PGlite: one process per data folder (a lock file), so close it before the CLI runs.
    // PostgreSQL: kept open for afterAll's drop (the CLI processes share the server), unless
    // seeding failed.
    if (backend === 'pglite') await database.close();
    else if (!ok) await destroy();
  }
  return { dbArgs, studyName, verdicts, destroy };
}

describe('tracearena stats (CLI)', () => {
  it('exits 2 with one line naming the file, line and field of a bad record, writing no output file', async () => {
    const good = (item: string) => judgmentLine({ item });
    const jsonlFile = join(dir, 'bad.jsonl');
    await writeFile(
      jsonlFile,
      [
        good('q-1'),
        good('q-2'),
        JSON.stringify({ ...JSON.parse(good('q-3')), winner: 'left' }),
        good('q-4'),
        '',
      ].join('\n'),
    );
    // the same mistake in a CSV file: the header is line 1, so the bad row is line 3 too
    const csvFile = join(dir, 'bad.csv');
    await writeFile(
      csvFile,
      [
        'item,a,b,winner,judge,judge_kind,shown_left',
        'q-1,sft,base,a,j1,human,a',
        'q-2,sft,base,left,j1,human,a',
        'q-3,sft,base,b,j1,human,b',
        '',
      ].join('\n'),
    );
    const jsonlOut = join(dir, 'bad-jsonl-report.json');
    const csvOut = join(dir, 'bad-csv-report.json');
    const [fromJsonl, fromCsv] = await Promise.all([
      cli(['stats', jsonlFile, '--format', 'json', '--out', jsonlOut]),
      cli(['stats', csvFile, '--format', 'json', '--out', csvOut]),
    ]);

    expect(fromJsonl.code, fromJsonl.stderr).toBe(2);
    expectOneErrorLine(fromJsonl, new RegExp(`^${escapeRe(jsonlFile)}:3: field 'winner': \\S`));
    expect(fromJsonl.stdout).toBe('');
    expect(existsSync(jsonlOut)).toBe(false);

    expect(fromCsv.code, fromCsv.stderr).toBe(2);
    expectOneErrorLine(fromCsv, new RegExp(`^${escapeRe(csvFile)}:3: field 'winner': \\S`));
    expect(fromCsv.stdout).toBe('');
    expect(existsSync(csvOut)).toBe(false);
  });

  it("computes Krippendorff's alpha with 2, 4 and 20 judges per comparison (was exit 1 and a zod dump)", async () => {
    // issue 10: the float sum of the coincidence matrix gave 5.999…, 15.999… pairable values
    const line = (item: string, judge: string, winner: string) =>
      JSON.stringify({
        item,
        a: 'sft',
        b: 'base',
        winner,
        judge,
        judge_kind: 'human',
        shown_left: 'a',
      });
    const cases = {
      six: {
        units: [
          ['a', 'tie'],
          ['a', 'a', 'tie', 'tie'],
        ],
        values: 6,
      },
      four: {
        units: [
          ['b', 'tie', 'tie', 'a'],
          ['a', 'a', 'a', 'tie'],
          ['tie', 'tie', 'b', 'b'],
          ['b', 'tie', 'a', 'tie'],
        ],
        values: 16,
      },
      twenty: {
        units: [
          ['b', ...Array<string>(18).fill('tie'), 'a'],
          [
            ...Array<string>(5).fill('b'),
            ...Array<string>(8).fill('tie'),
            ...Array<string>(7).fill('a'),
          ],
        ],
        values: 40,
      },
    };
    const results = await Promise.all(
      Object.entries(cases).map(async ([name, c]) => {
        const file = join(dir, `alpha-${name}.jsonl`);
        const lines = c.units.flatMap((u, i) => u.map((w, j) => line(`q${i + 1}`, `j${j + 1}`, w)));
        await writeFile(file, `${lines.join('\n')}\n`);
        const out = join(dir, `alpha-${name}.json`);
        return { c, out, r: await cli(['stats', file, '--format', 'json', '--out', out]) };
      }),
    );
    for (const { c, out, r } of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const alpha = (await readReport(out)).agreement.krippendorffAlpha;
      expect(alpha).toMatchObject({ units: c.units.length, values: c.values });
      expect(alpha.value).not.toBeNull();
    }
  });

  it('reads files with a byte-order mark and padded names; refuses a multi-line CSV record at its first line, 1e999, and a file with nothing to compare', async () => {
    const rec = judgmentLine;
    const header = JUDGMENTS_CSV_HEADER;
    const files = {
      // BOM + padded names in JSONL: the same report as the CSV below
      jsonl: `\uFEFF${[rec(), rec({ item: ' q1 ', judge: 'j2 ', winner: 'tie' }), rec({ item: 'q2', a: ' sft' })].join('\n')}\n`,
      csv: `\uFEFF${header}\nq1,sft,base,a,j1,human,a\n q1 ,sft,base,tie,j2 ,human,a\nq2, sft,base,a,j1,human,a\n`,
      multiline: `${header}\nq1,sft,base,a,j1,human,a\n"q\n2",sft,base,left,"j\n1",human,a\n`,
      infinite: `${header},len_a\nq1,sft,base,a,j1,human,a,1e999\n`,
      // an AlpacaEval reference model's own file, with a BOM too
      own: `\uFEFF${JSON.stringify(
        ['i1', 'i2'].map((instruction) => ({
          instruction,
          generator_1: 'ref',
          generator_2: 'ref',
          preference: 1.5,
        })),
      )}`,
    };
    const ext = { jsonl: 'jsonl', csv: 'csv', multiline: 'csv', infinite: 'csv', own: 'json' };
    type Key = keyof typeof files;
    const path = (k: Key) => join(dir, `reader-${k}.${ext[k]}`);
    const out = (k: Key) => join(dir, `reader-${k}-report.json`);
    const keys = Object.keys(files) as Key[];
    for (const k of keys) await writeFile(path(k), files[k]);
    const ran = await Promise.all(
      keys.map((k) =>
        cli(['stats', path(k), '--rounds', '50', '--format', 'json', '--out', out(k)]),
      ),
    );
    const results = Object.fromEntries(keys.map((k, i) => [k, ran[i]!])) as Record<Key, CliResult>;

    for (const k of ['jsonl', 'csv'] as const) {
      expect(results[k].code, results[k].stderr).toBe(0);
      expect(results[k].stderr).toBe('');
    }
    const fromJsonl = await readReport(out('jsonl'));
    const fromCsv = await readReport(out('csv'));
    expect(figures(fromCsv)).toEqual(figures(fromJsonl));
    expect(fromCsv.provenance?.input).toEqual({ files: [path('csv')] });
    expect(fromJsonl.input).toMatchObject({
      verdicts: 3,
      items: 2,
      judges: 2,
      systems: ['sft', 'base'],
    });

    expect(results.multiline.code).toBe(2);
    expectOneErrorLine(
      results.multiline,
      new RegExp(`^${escapeRe(path('multiline'))}:3: field 'winner': \\S`),
    );
    expect(results.infinite.code).toBe(2);
    expectOneErrorLine(
      results.infinite,
      new RegExp(
        `^${escapeRe(path('infinite'))}:2: field 'len_a': '1e999' is not a finite number$`,
      ),
    );
    expect(results.own.code).toBe(2);
    expectOneErrorLine(
      results.own,
      new RegExp(
        `^no verdicts to report: ${escapeRe(path('own'))}:1: 2 records compare 'ref' with itself \\(AlpacaEval annotates its reference model against itself; the leaderboard's 50\\.0 for it is by definition, not a measurement\\), skipped$`,
      ),
    );
    for (const k of ['multiline', 'infinite', 'own'] as const) {
      expect(results[k].stdout).toBe('');
      expect(existsSync(out(k))).toBe(false);
    }
  }, 180_000);

  /**
   * A small study in judgments records: two candidates against a base, a human and an LLM judge
   * (the LLM in both orders), ties, axes on some verdicts only, two modalities, and a judge name
   * that CSV must quote.
   */
  const records = (() => {
    const judges = [
      { judge: 'Lee, Dr.', judge_kind: 'human' as const },
      { judge: 'gpt-judge', judge_kind: 'llm' as const },
    ];
    const winners = ['a', 'a', 'tie', 'b', 'a', 'a', 'b', 'tie', 'a'] as const;
    const out: Array<Record<string, unknown>> = [];
    let k = 0;
    for (let item = 0; item < 6; item++) {
      for (const a of ['sft', 'rl']) {
        for (const j of judges) {
          const orders = j.judge_kind === 'llm' ? (['a', 'b'] as const) : (['b'] as const);
          for (const shown of orders) {
            const winner = winners[k++ % winners.length]!;
            out.push({
              item: `q-${item}`,
              a,
              b: 'base',
              winner,
              ...j,
              shown_left: item % 2 ? shown : shown === 'a' ? 'b' : 'a',
              ...(k % 3 === 0 ? { axes: { perception: winner, rationale: 'tie' } } : {}),
              modality: item % 2 ? 'radiology' : 'pathology',
              len_a: 300 + 37 * item + (a === 'sft' ? 200 : 0),
              len_b: 250 + 11 * item,
            });
          }
        }
      }
    }
    return out;
  })();

  function toCsv(rows: Array<Record<string, unknown>>): string {
    const columns = [
      'item',
      'a',
      'b',
      'winner',
      'judge',
      'judge_kind',
      'shown_left',
      'modality',
      'len_a',
      'len_b',
      'axis:perception',
      'axis:rationale',
    ];
    const cell = (v: unknown) => {
      const s = v === undefined ? '' : String(v as string | number);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const value = (r: Record<string, unknown>, c: string) =>
      c.startsWith('axis:') ? (r.axes as Record<string, string> | undefined)?.[c.slice(5)] : r[c];
    return `${[columns.join(','), ...rows.map((r) => columns.map((c) => cell(value(r, c))).join(','))].join('\n')}\n`;
  }

  it('gives the same report from JSONL and from CSV, valid against the report schema', async () => {
    const jsonlFile = join(dir, 'small.jsonl');
    const csvFile = join(dir, 'small.csv');
    await writeFile(jsonlFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await writeFile(csvFile, toCsv(records));
    const [jsonlOut, csvOut] = [join(dir, 'small-jsonl.json'), join(dir, 'small-csv.json')];
    const [a, b] = await Promise.all([
      cli(['stats', jsonlFile, '--format', 'json', '--out', jsonlOut]),
      cli(['stats', csvFile, '--format', 'json', '--out', csvOut]),
    ]);
    for (const r of [a, b]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('');
    }
    const fromJsonl = await readReport(jsonlOut);
    const fromCsv = await readReport(csvOut);
    expect(figures(fromCsv)).toEqual(figures(fromJsonl));
    expect([fromJsonl.provenance?.input, fromCsv.provenance?.input]).toEqual([
      { files: [jsonlFile] },
      { files: [csvFile] },
    ]);

    // and the report is about these records
    expect(fromJsonl.input).toMatchObject({
      verdicts: records.length,
      items: 6,
      judges: 2,
      skipped: 0,
      warnings: [],
    });
    expect(fromJsonl.pairs.map((p) => [p.a, p.b])).toEqual([
      ['sft', 'base'],
      ['rl', 'base'],
    ]);
    for (const p of fromJsonl.pairs) {
      const mine = records.filter((r) => r.a === p.a);
      expect(p.n).toBe(mine.length);
      expect([p.wins, p.losses, p.ties]).toEqual(
        ['a', 'b', 'tie'].map((w) => mine.filter((r) => r.winner === w).length),
      );
      expect(Object.keys(p.byJudge).sort()).toEqual(['Lee, Dr.', 'gpt-judge']);
      expect(Object.keys(p.byAxis).sort()).toEqual(['perception', 'rationale']);
      expect(Object.keys(p.byModality).sort()).toEqual(['pathology', 'radiology']);
    }
  });

  it('writes every other format to --out, exiting 0; the HTML is self-contained with SVG charts', async () => {
    const jsonlFile = join(dir, 'formats.jsonl');
    await writeFile(jsonlFile, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    // json: the test above (exit 0, a valid report in the --out file)
    const formats = ['table', 'csv', 'markdown', 'latex', 'html'] as const;
    const outs = formats.map((f) => join(dir, `formats.${f}`));
    const results = await Promise.all(
      formats.map((f, k) => cli(['stats', jsonlFile, '--format', f, '--out', outs[k]!])),
    );
    const texts: Record<string, string> = {};
    for (const [k, f] of formats.entries()) {
      const r = results[k]!;
      expect(r.code, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stdout, f).toBe('');
      texts[f] = await readFile(outs[k]!, 'utf8');
      expect(texts[f]!.trim().length, f).toBeGreaterThan(0);
    }
    const html = texts.html!;
    expect(html).toContain('<svg');
    // nothing fetched from elsewhere: no absolute or protocol-relative src/href, no CSS url() or @import
    expect(html).not.toMatch(/\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
  });
});

describe.each(backends())('tracearena report --study on %s', (backend) => {
  let dbArgs: string[];
  let studyName: string;
  let verdicts: number;
  beforeAll(async () => {
    ({ dbArgs, studyName, verdicts } = await seeded.get(backend)!);
  });

  it('gives the same report as stats on the export of the study', async () => {
    // every comparison (6 items × 2 candidates) judged by each of the 3 judges
    expect(verdicts).toBe(6 * 2 * 3);
    const exported = join(dir, `${backend}-export.jsonl`);
    const fromDb = join(dir, `${backend}-report.json`);
    const fromFile = join(dir, `${backend}-stats.json`);

    const exp = await cli(['export', '--study', studyName, '--out', exported, ...dbArgs]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stderr).toBe(`exported ${verdicts} verdicts to ${exported}\n`);
    const lines = (await readFile(exported, 'utf8')).split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(verdicts);
    // the export carries fields `stats` has no use for (it must read past them)
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.every((r) => typeof r.created_at === 'string')).toBe(true);
    expect(records.filter((r) => r.note !== undefined && r.duration_ms !== undefined)).toHaveLength(
      12,
    );
    expect(records.filter((r) => r.strength === 2)).toHaveLength(2);

    // `stats` reads only the exported file, so it runs beside `report` (even on PGlite's folder)
    const [rep, st] = await Promise.all([
      cli(['report', '--study', studyName, '--format', 'json', '--out', fromDb, ...dbArgs]),
      cli(['stats', exported, '--format', 'json', '--out', fromFile]),
    ]);
    for (const r of [rep, st]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('');
    }

    const r1 = await readReport(fromDb);
    const r2 = await readReport(fromFile);
    // the same figures from the same verdicts (the same hash), told apart by the input named; a
    // study's report also says which verdicts it counts (the originals), which a file cannot know
    expect(r1.verdictBasis).toEqual({ basis: 'original', adjudicatedComparisons: 0 });
    expect(figures({ ...r1, verdictBasis: undefined, integrity: undefined })).toEqual(figures(r2));
    // and, as the study's report route, its identity-leak holds per system (none flagged here)
    expect(r1.integrity).toEqual(
      ['base', 'rl', 'sft'].map((system) => ({
        system,
        held: 0,
        released: 0,
        redacted: 0,
        excluded: 0,
      })),
    );
    expect(r2.integrity).toBeUndefined();
    expect(r1.provenance?.input).toMatchObject({ study: { name: studyName } });
    expect(r2.provenance?.input).toEqual({ files: [exported] });

    // a report with substance: both pairs, ties, per-axis figures and agreement between judges
    expect(r1.input).toMatchObject({ verdicts, items: 6, judges: 3, skipped: 0 });
    expect(r1.pairs.map((p) => [p.a, p.b]).sort()).toEqual([
      ['rl', 'base'],
      ['sft', 'base'],
    ]);
    for (const p of r1.pairs) {
      expect(p.n).toBe(18);
      expect(p.wins).toBeGreaterThan(0);
      expect(p.losses).toBeGreaterThan(0);
      expect(p.ties).toBeGreaterThan(0);
      expect(p.ciMethod).toBe('cluster-wilson');
      expect(Object.keys(p.byAxis).sort()).toEqual([
        'medical_knowledge',
        'perception',
        'rationale',
      ]);
    }
    expect(r1.agreement.units).toBe(12);
    expect(r1.agreement.raw.value).not.toBeNull();
    expect(r1.agreement.fleissKappa.value).not.toBeNull();
    expect(r1.agreement.krippendorffAlpha.value).not.toBeNull();
    expect(r1.ranking.map((e) => e.system).sort()).toEqual(['base', 'rl', 'sft']);
  });

  // The lookup is the same SQL on both backends and a PGlite spawn costs twice a PostgreSQL one:
  // checked on one backend only (PostgreSQL when there is one).
  it.runIf(backend === backends().at(-1))(
    'exits 2 with one line naming an unknown study, writing nothing',
    async () => {
      const out = join(dir, `${backend}-nobody.json`);
      const r = await cli([
        'report',
        '--study',
        'nobody',
        '--format',
        'json',
        '--out',
        out,
        ...dbArgs,
      ]);
      expect(r.code, r.stderr).toBe(2);
      expectOneErrorLine(
        r,
        new RegExp(`^no study named 'nobody' \\(studies: .*${escapeRe(studyName)}`),
      );
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    },
  );
});
