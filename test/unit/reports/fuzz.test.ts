import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../shared/report.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { FileRecordError } from '../../../server/files/record-error.ts';
import { readJudgmentsFiles } from '../../../server/reports/read-judgments.ts';
import { makeJudgment, tableOf } from './factories.ts';

/**
 * Fuzzing the judgments readers: any file either gives a schema-valid report with no NaN, or is
 * refused with one `FILE:LINE: field 'x': reason` line. Never a crash, a hang or a silent NaN.
 */
const dir = mkdtempSync(join(tmpdir(), 'ta-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
/** Files read into a report, and files refused: a fuzz run must see plenty of both. */
const outcomes = { reported: 0, refused: 0 };

// mostly valid values, sometimes junk of any JSON type
const junk = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constant(''),
  fc.constant('__proto__'),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: junk });
const name = fc.constantFrom('sft', 'base', 'rl', 'é-model', 'x,y', 'q"1');
const side = fc.constantFrom('a', 'b', 'tie');
const FIELDS = [
  'item',
  'a',
  'b',
  'winner',
  'judge',
  'judge_kind',
  'shown_left',
  'axes',
  'modality',
  'len_a',
  'len_b',
  'strength',
] as const;
/** A valid judgments record (optional fields sometimes absent). */
const validRecord = fc
  .record(
    {
      item: fc.constantFrom('q1', 'q2', 'q3', 'q4', '胸部', '__proto__', 'constructor'),
      a: name,
      b: name,
      winner: side,
      judge: fc.constantFrom('dr-lee', 'gpt', 'constructor', 'toString'),
      judge_kind: fc.constantFrom('human', 'llm'),
      shown_left: fc.constantFrom('a', 'b'),
      axes: fc.dictionary(fc.constantFrom('perception', 'rationale', 'valueOf'), side),
      modality: fc.constantFrom('radiology', 'pathology'),
      len_a: fc.nat(5000),
      len_b: fc.nat(5000),
      strength: fc.constantFrom(1, 2),
    },
    { requiredKeys: ['item', 'a', 'b', 'winner', 'judge', 'judge_kind', 'shown_left'] },
  )
  .filter((r) => r.a !== r.b);
/** Valid records; in about half the files one field of one record is replaced by junk. */
const records = fc
  .tuple(
    fc.array(validRecord, { minLength: 1, maxLength: 12 }),
    fc.option(fc.record({ at: fc.nat(), field: fc.constantFrom(...FIELDS), value: junk }), {
      freq: 2,
    }),
  )
  .map(([rs, corruption]) => {
    const out: Array<Record<string, unknown>> = rs.map((r) => ({ ...r }));
    if (corruption) out[corruption.at % out.length]![corruption.field] = corruption.value;
    return out;
  });

/**
 * Whitespace that String.prototype.trim (and so the CSV reader) removes, never a line break (a
 * quoted CSV cell with one spans lines and moves every later line number).
 */
const PADS = ['', ' ', '\t', '\u00a0 ', '\u3000', '\uFEFF'];
let padCounter = 0;
/** `v` with whitespace around it, when it is a string. */
function pad(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const k = padCounter++;
  return `${PADS[k % PADS.length]}${v}${PADS[(k >> 2) % PADS.length]}`;
}
/** Fields whose surrounding whitespace every reader trims. */
const PADDED = ['item', 'a', 'b', 'winner', 'judge', 'judge_kind', 'shown_left', 'modality'];
function padRecord(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const k of PADDED) if (k in out) out[k] = pad(out[k]);
  if (typeof r.axes === 'object' && r.axes !== null && !Array.isArray(r.axes)) {
    const axes = Object.create(null) as Record<string, unknown>;
    for (const [ax, side] of Object.entries(r.axes)) axes[pad(ax) as string] = pad(side);
    out.axes = axes;
  }
  return out;
}

/**
 * The file's outcome with its path taken out, for comparing a file with its dressed twin (a
 * byte-order mark, padded names): the same report, or refused with the same line, field, reason.
 */
async function outcome(path: string): Promise<string> {
  const strip = (text: string) => text.split(path).join('FILE');
  try {
    const report = buildReport(await readJudgmentsFiles([path]), { rounds: 20 });
    return strip(JSON.stringify(report));
  } catch (err) {
    if (!(err instanceof FileRecordError)) throw err;
    return strip(err.message);
  }
}

/** Checks `clean` as below, then that `dressed` (its BOM and whitespace twin) reads the same. */
async function checkTwins(clean: string, dressed: string): Promise<void> {
  await check(clean);
  expect(await outcome(dressed)).toBe(await outcome(clean));
}

async function check(path: string): Promise<void> {
  let table;
  try {
    table = await readJudgmentsFiles([path]);
  } catch (err) {
    expect(err).toBeInstanceOf(FileRecordError);
    const message = (err as Error).message;
    expect(message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: field '.*': \\S`),
    );
    expect(message).not.toContain('\n');
    outcomes.refused++;
    return;
  }
  outcomes.reported++;
  const report = buildReport(table, { rounds: 20 });
  expect(reportSchema.safeParse(report).success).toBe(true);
  JSON.stringify(report, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new Error(`non-finite number in report`);
    return v;
  });
}

describe('reports of crowds', () => {
  it('are schema-valid with up to 25 judges per comparison (counts stay whole numbers)', () => {
    // Krippendorff's alpha summed 1/(m − 1) shares into its pairable-value count: 5.999… with
    // 2 and 4 judges on two items, and the report schema refused the whole report
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom('a', 'b', 'tie'), { minLength: 1, maxLength: 25 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (items) => {
          const table = tableOf(
            items.flatMap((winners, i) =>
              winners.map((winner, j) =>
                makeJudgment({
                  item: `q${i}`,
                  judge: `j${j}`,
                  winner: winner as 'a' | 'b' | 'tie',
                }),
              ),
            ),
          );
          const report = buildReport(table, { rounds: 5 });
          const alpha = report.agreement.krippendorffAlpha;
          expect(Number.isInteger(alpha.values)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 20261130 },
    );
  });
});

describe('judgments readers under fuzzing', () => {
  beforeEach(() => {
    outcomes.reported = 0;
    outcomes.refused = 0;
  });
  afterEach(() => {
    expect(outcomes.reported).toBeGreaterThan(30);
    expect(outcomes.refused).toBeGreaterThan(30);
  });

  it('JSONL: records with junk fields, raw junk lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        records,
        fc.option(fc.tuple(fc.nat(), fc.string()), { freq: 2 }),
        async (recs, junkLine) => {
          // sometimes a raw junk line somewhere
          const lines = recs.map((r) => JSON.stringify(r));
          const dressedLines = recs.map((r) => JSON.stringify(padRecord(r)));
          if (junkLine) {
            lines.splice(junkLine[0] % (lines.length + 1), 0, junkLine[1]);
            dressedLines.splice(junkLine[0] % (dressedLines.length + 1), 0, junkLine[1]);
          }
          const path = join(dir, `f${counter++}.jsonl`);
          writeFileSync(path, lines.join('\n'));
          const dressed = join(dir, `f${counter++}.jsonl`);
          writeFileSync(dressed, `\uFEFF${dressedLines.join('\n')}`);
          await checkTwins(path, dressed);
        },
      ),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('CSV: the same records as rows, axes as axis: columns', async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.boolean(), async (clean, dress) => {
        const recs = dress ? clean.map(padRecord) : clean;
        const rows = recs.map((r) => {
          const row: Record<string, string> = {};
          for (const [k, v] of Object.entries(r)) {
            if (k === 'axes' && v && typeof v === 'object' && !Array.isArray(v))
              for (const [ax, s] of Object.entries(v as Record<string, unknown>))
                row[`axis:${ax}`] = typeof s === 'string' ? s : JSON.stringify(s);
            else row[k] = typeof v === 'string' ? v : JSON.stringify(v);
          }
          return row;
        });
        const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
        if (columns.length === 0) return;
        const path = join(dir, `f${counter++}.csv`);
        const text = stringify(rows, { header: true, columns });
        writeFileSync(path, text);
        await check(path);
        // with a byte-order mark: the same outcome
        const bom = join(dir, `f${counter++}.csv`);
        writeFileSync(bom, `\uFEFF${text}`);
        expect(await outcome(bom)).toBe(await outcome(path));
        if (!dress) return;
        // padded cells read as the clean record's JSONL twin (CSV trims every cell)
        const twin = join(dir, `f${counter++}.jsonl`);
        writeFileSync(twin, clean.map((r) => JSON.stringify(r)).join('\n'));
        const [fromCsv, fromJsonl] = [await outcome(path), await outcome(twin)];
        if (!fromCsv.startsWith('FILE:') && !fromJsonl.startsWith('FILE:'))
          expect(fromCsv).toBe(fromJsonl);
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('JSON arrays: AlpacaEval-like records with junk preferences', async () => {
    const alpaca = fc.record(
      {
        instruction: maybe(fc.string()),
        generator_1: maybe(name),
        generator_2: maybe(name),
        output_1: maybe(fc.string()),
        output_2: maybe(fc.string()),
        preference: maybe(
          fc.oneof(fc.constant(null), fc.constant(0), fc.double({ min: 1, max: 2, noNaN: true })),
        ),
      },
      { requiredKeys: ['generator_1', 'generator_2', 'preference'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(alpaca, { minLength: 1, maxLength: 12 }), async (records) => {
        const path = join(dir, `f${counter++}.json`);
        writeFileSync(path, JSON.stringify(records));
        // a byte-order mark and padded model names (not the instruction: AlpacaEval's item text)
        const dressed = join(dir, `f${counter++}.json`);
        const padded = records.map((r) => ({
          ...r,
          generator_1: pad(r.generator_1),
          generator_2: pad(r.generator_2),
        }));
        writeFileSync(dressed, `\uFEFF${JSON.stringify(padded)}`);
        await checkTwins(path, dressed);
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
