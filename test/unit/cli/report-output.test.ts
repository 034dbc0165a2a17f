import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportOptionsSchema } from '../../../shared/report.ts';
import { CliError } from '../../../server/cli/common.ts';
import { writeReport } from '../../../server/cli/report-output.ts';
import { buildReport } from '../../../server/reports/build-report.ts';
import { makeJudgment, tableOf } from '../reports/factories.ts';

const dir = mkdtempSync(join(tmpdir(), 'ta-report-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parsed = { options: reportOptionsSchema.parse({ rounds: 20 }), format: 'json' as const };

/** Issue 10's six lines: q1 judged a, tie; q2 judged a, a, tie, tie. */
const sixLines = tableOf(
  (
    [
      ['q1', 'j1', 'a'],
      ['q1', 'j2', 'tie'],
      ['q2', 'j1', 'a'],
      ['q2', 'j2', 'a'],
      ['q2', 'j3', 'tie'],
      ['q2', 'j4', 'tie'],
    ] as const
  ).map(([item, judge, winner]) => makeJudgment({ item, judge, winner })),
);

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

describe('writeReport', () => {
  it("builds the six-line file's report: Krippendorff's alpha over 6 pairable values", () => {
    const report = buildReport(sixLines, parsed.options);
    expect(report.agreement.krippendorffAlpha).toMatchObject({ units: 2, values: 6 });
    expect(report.agreement.krippendorffAlpha.value).toBeCloseTo(-0.296296296, 8);
  });

  it('turns a report that fails its own schema into one bug line naming the field, exit 1, no file', async () => {
    const out = join(dir, 'invalid.json');
    const err = await failure(
      writeReport(sixLines, parsed, out, (table, options) => {
        const report = buildReport(table, options);
        // what the float sum of 1/(m − 1) shares used to produce
        return {
          ...report,
          agreement: {
            ...report.agreement,
            krippendorffAlpha: { ...report.agreement.krippendorffAlpha, values: 5.999999999999999 },
          },
        };
      }),
    );
    expect(err.exitCode).toBe(1);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(
      /^bug: the computed report fails its own schema at field 'agreement\.krippendorffAlpha\.values' \(value 5\.999999999999999\): .*expected int.*; please report it/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('keeps the bug line on one line when the failing field is a judge name with a newline', async () => {
    const err = await failure(
      writeReport(sixLines, parsed, undefined, (table, options) => {
        const report = buildReport(table, options);
        const pair = report.pairs[0]!;
        const bad = { ...pair.byJudge.j1!, n: -1 };
        return {
          ...report,
          pairs: [{ ...pair, byJudge: { ...pair.byJudge, 'dr\nlee': bad } }],
        };
      }),
    );
    expect(err.exitCode).toBe(1);
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain("at field 'pairs.0.byJudge.dr\\u000alee.n' (value -1)");
  });
});
