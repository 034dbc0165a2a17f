import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { positionBias } from '../../../server/stats/position-bias.ts';

describe('position bias', () => {
  it('its p-value agrees with its Wilson interval about ½ (4 of 4 left wins: CI [0.51, 1], p was 0.125)', () => {
    const four = positionBias(4, 0, 0, 0.95);
    expect(four.ci.value![0]).toBeGreaterThan(0.5);
    expect(four.pValue.value!).toBeLessThan(0.05);
    fc.assert(
      fc.property(
        fc.nat(300),
        fc.nat(300),
        fc.constantFrom(0.8, 0.9, 0.95, 0.99),
        (l, r, level) => {
          fc.pre(l + r > 0);
          const b = positionBias(l, r, 0, level);
          const [lo, hi] = b.ci.value!;
          expect(lo > 0.5 || hi < 0.5).toBe(b.pValue.value! < 1 - level);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('has no p-value without a decisive verdict', () => {
    expect(positionBias(0, 0, 3, 0.95).pValue.value).toBeNull();
  });
});
