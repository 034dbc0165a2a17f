import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

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
