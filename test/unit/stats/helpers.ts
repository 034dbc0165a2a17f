import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  addScore,
  emptyMoments,
  addLean,
  scoreNumerator,
  scoreWeight,
  type TiesMode,
} from '../../../server/stats/moments.ts';

export function fixture<T>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8'),
  ) as T;
}

export const TOL = 1e-6;

/** Compares a Figure-like `{ value }` with a reference that may be null. */
export function expectFigure(
  actual: { value: number | null; reason?: string },
  expected: number | null,
): void {
  if (expected === null) {
    expect(actual.value).toBeNull();
    expect(actual.reason).toBeTypeOf('string');
  } else {
    expect(actual.value).not.toBeNull();
    expect(Math.abs((actual.value as number) - expected)).toBeLessThan(TOL);
  }
}

export function expectInterval(
  actual: { value: readonly [number, number] | null; reason?: string },
  expected: [number, number] | null,
): void {
  if (expected === null) {
    expect(actual.value).toBeNull();
    expect(actual.reason).toBeTypeOf('string');
  } else {
    expect(actual.value).not.toBeNull();
    const [lo, hi] = actual.value as readonly [number, number];
    expect(Math.abs(lo - expected[0])).toBeLessThan(TOL);
    expect(Math.abs(hi - expected[1])).toBeLessThan(TOL);
  }
}

/** Scores per item → moments and clusters, as server/reports/pair-stats.ts builds them. */
export function load(items: number[][], ties: TiesMode) {
  const m = emptyMoments();
  const sums = new Float64Array(items.length);
  const counts = new Float64Array(items.length);
  const verdicts = new Float64Array(items.length);
  const towardA = new Float64Array(items.length);
  const towardB = new Float64Array(items.length);
  items.forEach((scores, i) => {
    for (const s of scores) {
      addScore(m, s, ties);
      const w = scoreWeight(s, ties);
      if (w === 0) continue;
      sums[i]! += scoreNumerator(s, ties);
      counts[i]! += w;
      verdicts[i]!++;
      addLean(towardA, towardB, i, s);
    }
  });
  return { m, clusters: { sums, counts, verdicts, towardA, towardB } };
}

/** Items of win/loss verdicts only (no ties, no fractions): their leaning verdicts, from their wins. */
export function winLossLeans(
  sums: Float64Array,
  counts: Float64Array,
): { towardA: Float64Array; towardB: Float64Array } {
  return {
    towardA: Float64Array.from(sums),
    towardB: Float64Array.from(sums, (s, i) => counts[i]! - s),
  };
}
