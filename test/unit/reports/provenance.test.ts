import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import type { Judgment } from '../../../shared/judgments.ts';
import { reportSchema } from '../../../shared/report.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport } from '../../../server/reports/format.ts';
import { NameIndex } from '../../../server/reports/name-index.ts';
import {
  canonicalNumber,
  canonicalVerdict,
  sortedDigests,
  verdictsHash,
  verdictsHashOffThread,
} from '../../../server/reports/provenance.ts';
import { diffReports, replayOptions } from '../../../server/reports/replay.ts';
import { makeJudgment, tableOf } from './factories.ts';

const judgments: Judgment[] = Array.from({ length: 40 }, (_, i) =>
  makeJudgment({
    item: `q${i % 13}`,
    a: i % 3 ? 'sft' : 'base',
    b: i % 3 ? 'base' : 'sft',
    judge: `judge-${i % 4}`,
    judge_kind: i % 4 === 3 ? 'llm' : 'human',
    shown_left: i % 2 ? 'a' : 'b',
    winner: i % 5 === 0 ? 'tie' : i % 3 === 1 ? 'b' : 'a',
    axes: i % 2 ? { perception: i % 4 ? 'a' : 'tie' } : undefined,
    modality: i % 2 ? 'radiology' : undefined,
    len_a: 100 + i * 37,
    len_b: 950 - i * 11,
  }),
);

/** The same verdict with a and b given the other way round. */
function swapped(j: Judgment): Judgment {
  const side = (w: string) => (w === 'a' ? 'b' : w === 'b' ? 'a' : w);
  return {
    ...j,
    a: j.b,
    b: j.a,
    winner: side(j.winner) as Judgment['winner'],
    shown_left: j.shown_left === undefined ? undefined : (side(j.shown_left) as 'a' | 'b'),
    axes: j.axes
      ? Object.fromEntries(Object.entries(j.axes).map(([k, v]) => [k, side(v as string)]))
      : undefined,
    len_a: j.len_b,
    len_b: j.len_a,
  } as Judgment;
}

describe('the verdicts hash', () => {
  const hash = verdictsHash(tableOf(judgments));

  it('is the documented recipe: SHA-256 of the sorted SHA-256 digests of the canonical lines', () => {
    const t = tableOf(judgments);
    const digests = Array.from({ length: t.length }, (_, i) =>
      createHash('sha256').update(canonicalVerdict(t, i)).digest(),
    ).sort(Buffer.compare);
    expect(hash).toBe(createHash('sha256').update(Buffer.concat(digests)).digest('hex'));
  });

  it('does not depend on the order of the verdicts or on which way round a pair is given', () => {
    expect(verdictsHash(tableOf([...judgments].reverse()))).toBe(hash);
    expect(verdictsHash(tableOf(judgments.map(swapped)))).toBe(hash);
    // the table's first-seen orientation of the pair changes, and with it its stored scores
    expect(
      verdictsHash(tableOf([swapped(judgments[1]!), ...judgments.slice(2), judgments[0]!])),
    ).toBe(hash);
    expect(verdictsHash(tableOf([swapped(judgments[0]!), ...judgments.slice(1)]))).toBe(hash);
  });

  it('is the same computed on a worker thread (stats computes it there, beside the statistics)', async () => {
    // 2,000 verdicts, so the worker gets typed arrays longer than their first chunk
    const many = Array.from({ length: 50 }, () => judgments).flat();
    const t = tableOf(many);
    // 0: on a worker whatever the size (by default only from OFF_THREAD_MIN_VERDICTS)
    expect(await verdictsHashOffThread(t, 0).result).toBe(verdictsHash(t));
    expect(await verdictsHashOffThread(tableOf(judgments), 0).result).toBe(hash);
    expect(await verdictsHashOffThread(tableOf(judgments)).result).toBe(hash);
    // the worker reads the columns in place: they are on shared memory, grown past their first
    // chunk and still shared, and the table is whole after the worker is done with it
    for (const column of [t.item, t.pair, t.score, t.judge, t.lengthRatio, ...t.axisScore])
      expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(t.item.length).toBeGreaterThanOrEqual(many.length);
    expect(verdictsHash(t)).toBe(await verdictsHashOffThread(t, 0).result);
    // a table whose columns are not shared goes as copies (the fallback path of other callers)
    const copied = { ...t, item: t.item.slice(), score: t.score.slice() };
    expect(await verdictsHashOffThread(copied, 0).result).toBe(verdictsHash(t));
    expect(copied.item.length).toBe(t.item.length);
  });

  it('changes with any fact of one verdict, and with one verdict more', () => {
    const changed = (patch: Partial<Judgment>) =>
      verdictsHash(tableOf([{ ...judgments[0]!, ...patch }, ...judgments.slice(1)]));
    for (const patch of [
      { item: 'q99' },
      { winner: 'b' as const },
      { judge: 'judge-9' },
      { judge_kind: 'llm' as const },
      { shown_left: 'a' as const },
      { modality: 'pathology' },
      { len_a: 101 },
      { axes: { perception: 'b' as const } },
    ])
      expect(changed(patch), JSON.stringify(patch)).not.toBe(hash);
    expect(verdictsHash(tableOf([...judgments, judgments[0]!]))).not.toBe(hash);
  });
});

describe('the canonical line', () => {
  it('is JSON.stringify of its array, with quotes, a newline and a lone surrogate in the names', () => {
    const t = tableOf([
      makeJudgment({
        item: 'q"1\\é\ud800',
        a: 'sft "x"',
        b: 'base',
        judge: 'judge-1\n',
        judge_kind: 'human',
        shown_left: 'a',
        winner: 'b',
        axes: { perception: 'a', 'z"ax': 'b' },
        modality: 'radio"logy',
        len_a: 137,
        len_b: 939,
      }),
    ]);
    // seen from 'base' (the lower name): it won, it was shown right, its text is 802 longer
    expect(canonicalVerdict(t, 0)).toBe(
      JSON.stringify([
        'q"1\\é\ud800',
        'base',
        'sft "x"',
        1,
        'judge-1\n',
        'human',
        'high',
        'radio"logy',
        802,
        1.91862619,
        [
          ['perception', 0],
          ['z"ax', 1],
        ],
      ]),
    );
  });
});

describe('the parts of the hash', () => {
  it('orders digests bytewise, repeats kept, also when every key prefix is shared by many', () => {
    // 3,000 digests, 40 of them twice, and 200 sharing their first 6 bytes (one key prefix)
    const digests = Array.from({ length: 3_000 }, () => randomBytes(32));
    for (let i = 0; i < 40; i++) digests.push(Buffer.from(digests[i]!));
    for (let i = 0; i < 200; i++)
      digests.push(Buffer.concat([digests[100]!.subarray(0, 6), randomBytes(26)]));
    const expected = Buffer.concat([...digests].sort(Buffer.compare));
    const all = Buffer.concat(digests);
    expect(sortedDigests(all).equals(expected)).toBe(true);
    // one prefix bit: two runs of about 1,600 digests each, ordered by the comparator
    expect(sortedDigests(all, 1).equals(expected)).toBe(true);
    // a buffer at an odd offset (copied before its words are read)
    const odd = Buffer.alloc(all.length + 1).subarray(1);
    all.copy(odd);
    expect(sortedDigests(odd).equals(expected)).toBe(true);
    expect(sortedDigests(Buffer.alloc(0)).length).toBe(0);
    expect(sortedDigests(digests[0]!).equals(digests[0]!)).toBe(true);
  });

  it('writes a number as JSON.stringify(Number(x.toPrecision(9))), by its shortcut where it takes one', () => {
    const slow = (x: number) =>
      Number.isInteger(x * 4) ? JSON.stringify(x) : JSON.stringify(Number(x.toPrecision(9)));
    const values = [
      0,
      -0,
      1,
      -1,
      0.25,
      -0.75,
      0.5,
      1 / 3,
      -2 / 3,
      1.91862619,
      123456789.4,
      999999999.6,
      100000000.5,
      1e9 + 0.5,
      1e21 + 0.5,
      1.5e-7,
      0.000001234,
      9.999999995e-7,
      0.1 + 0.2,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
      2 ** 53 + 0.5,
    ];
    // log length ratios and flipped scores as they come, over every magnitude
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 20_000; i++)
      values.push((next() - 0.5) * 10 ** Math.floor(next() * 30 - 15), Math.log(next() * 50));
    for (const x of values) expect(canonicalNumber(x), String(x)).toBe(slow(x));
    for (const x of [Number.NaN, Infinity, -Infinity]) expect(canonicalNumber(x)).toBe('null');
  });
});

describe('NameIndex.name', () => {
  it('gives back every name exactly, a lone surrogate and a name longer than one chunk too', () => {
    const names = ['q-1', '\ud800x', 'é'.repeat(20_000), ''];
    const index = new NameIndex();
    const ids = names.map((n) => index.id(n));
    expect(ids.map((id) => index.name(id))).toEqual(names);
  });
});

describe('the provenance block', () => {
  it('names the version, the verdicts, the options, the seed and the input; no plan yet', () => {
    const report = buildReport(
      tableOf(judgments),
      { rounds: 50, seed: 7, ties: 'exclude' },
      {
        files: ['a.jsonl'],
      },
    );
    expect(reportSchema.parse(report).provenance).toEqual({
      tracearena: packageJson.version,
      verdicts: { count: judgments.length, sha256: verdictsHash(tableOf(judgments)) },
      options: {
        ci: 'auto',
        ties: 'exclude',
        level: 0.95,
        rounds: 50,
        seed: 7,
        ranking: 'bradley-terry',
      },
      seed: 7,
      input: { files: ['a.jsonl'] },
      planHash: null,
    });
  });

  it('leaves a report without it valid, its options read back from its figures', () => {
    const report = buildReport(tableOf(judgments), { rounds: 50, seed: 7, base: 'sft' });
    const { provenance, ...older } = report;
    expect(reportSchema.safeParse(older).success).toBe(true);
    expect(replayOptions(reportSchema.parse(older))).toEqual(provenance!.options);
    // replayed, it is identical: it has no provenance to compare
    expect(diffReports(reportSchema.parse(older), report)).toEqual([]);
  });
});

describe('diffReports', () => {
  it('finds nothing between a report and its recomputation, and each figure one more verdict moves', () => {
    const options = { rounds: 50, seed: 3 };
    const report = buildReport(tableOf(judgments), options, { files: ['x.jsonl'] });
    expect(
      diffReports(report, buildReport(tableOf(judgments), options, { files: ['y.jsonl'] })),
    ).toEqual([]);
    const more = buildReport(tableOf([...judgments, judgments[1]!]), options);
    const paths = diffReports(report, more).map((d) => d.path);
    expect(paths).toContain('input.verdicts');
    expect(paths).toContain('pairs[0].n');
    expect(paths).toContain('provenance.verdicts.count');
    expect(paths).toContain('provenance.verdicts.sha256');
    expect(paths).not.toContain('provenance.input');
  });

  it("compares a study's report with `stats` on its export by the figures: verdictBasis is the study's alone", () => {
    const options = { rounds: 50, seed: 3 };
    const { verdictBasis: _, ...fromFiles } = buildReport(tableOf(judgments), options);
    const study = {
      ...fromFiles,
      verdictBasis: { basis: 'original' as const, adjudicatedComparisons: 0 },
    };
    // `stats --replay` of a study's report JSON against its export said "differs: 1 figure"
    expect(diffReports(study, fromFiles)).toEqual([]);
    // two study reports on different bases still differ there
    const adjudicated = {
      ...study,
      verdictBasis: { basis: 'adjudicated' as const, adjudicatedComparisons: 2 },
    };
    expect(diffReports(study, adjudicated).map((d) => d.path)).toEqual([
      'verdictBasis.basis',
      'verdictBasis.adjudicatedComparisons',
    ]);
  });
});

describe('the provenance line of the text formats', () => {
  it('ends Markdown, LaTeX (a comment) and HTML with the version and the hash prefix, not an older report', async () => {
    const report = buildReport(tableOf(judgments), { rounds: 50, seed: 5 });
    const line = `TraceArena ${packageJson.version}, ${judgments.length} verdicts (SHA-256 ${report.provenance!.verdicts.sha256.slice(0, 12)}…), seed 5`;
    expect((await formatReport(report, 'markdown')).trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(`^_${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; `),
    );
    expect((await formatReport(report, 'latex')).trimEnd().split('\n').at(-1)).toContain(
      `% ${line}`,
    );
    expect(await formatReport(report, 'html')).toContain(`<p class="note">${line}`);
    const fromFiles = buildReport(tableOf(judgments), {}, { files: ['x.jsonl'] });
    expect(await formatReport(fromFiles, 'markdown')).toContain('tracearena stats --replay');
    expect(await formatReport(report, 'markdown')).toContain('tracearena report --replay');
    const { provenance: _, ...older } = report;
    for (const format of ['markdown', 'latex', 'html'] as const)
      expect(await formatReport(older, format)).not.toContain('SHA-256');
  });
});
