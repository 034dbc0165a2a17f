import { describe, expect, it } from 'vitest';
import { parseReportFlags } from '../../../server/reports/cli-options.ts';

/** Issue 12 point 5 (polish): every bad report option is one plain line, never zod's wording. */
describe('parseReportFlags', () => {
  it.each([
    [{ level: '1' }, "option '--level': expected a number from 0.5 to 0.999999, got '1'"],
    [{ level: 'x' }, "option '--level': expected a number from 0.5 to 0.999999, got 'x'"],
    [{ rounds: '0' }, "option '--rounds': expected a whole number from 1 to 1000000, got '0'"],
    [{ rounds: '2.5' }, "option '--rounds': expected a whole number from 1 to 1000000, got '2.5'"],
    [{ rounds: '1e9' }, "option '--rounds': expected a whole number from 1 to 1000000, got '1e9'"],
    [{ seed: '-1' }, "option '--seed': expected a whole number from 0 to 4294967295, got '-1'"],
    [{ ci: 'nope' }, "option '--ci': expected one of "],
    [{ ties: 'both' }, "option '--ties': expected one of half, exclude, got 'both'"],
    [{ ranking: 'elo' }, "option '--ranking': expected one of bradley-terry, davidson, got 'elo'"],
    [{ format: 'xml' }, "option '--format': expected one of "],
  ])('%o → %s', (flags, message) => {
    const parsed = parseReportFlags(flags);
    expect('error' in parsed).toBe(true);
    const { error } = parsed as { error: string };
    expect(error.startsWith(message)).toBe(true);
    expect(error).not.toMatch(/Too (big|small)|Invalid|expected number to be|\n/);
  });
});
