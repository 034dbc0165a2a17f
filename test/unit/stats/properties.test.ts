import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitBradleyTerry } from '../../../server/stats/bradley-terry.ts';
import { clopperPearsonInterval } from '../../../server/stats/clopper-pearson.ts';
import { binomialTest } from '../../../server/stats/binomial-test.ts';
import { addVerdict, emptyTotals } from '../../../server/stats/pairwise-totals.ts';
import { wilsonInterval } from '../../../server/stats/wilson.ts';

const counts = fc.tuple(fc.nat(500), fc.nat(500)).filter(([w, l]) => w + l > 0);

describe('properties', () => {
  it('Wilson and Clopper–Pearson intervals lie in [0, 1] and contain the estimate', () => {
    fc.assert(
      fc.property(counts, fc.constantFrom(0.8, 0.9, 0.95, 0.99), ([w, l], level) => {
        const n = w + l;
        for (const ci of [
          wilsonInterval(w, n, level).value!,
          clopperPearsonInterval(w, n, level).value!,
        ]) {
          expect(ci[0]).toBeGreaterThanOrEqual(0);
          expect(ci[1]).toBeLessThanOrEqual(1);
          expect(ci[0]).toBeLessThanOrEqual(w / n + 1e-12);
          expect(ci[1]).toBeGreaterThanOrEqual(w / n - 1e-12);
        }
      }),
    );
  });

  it('the sign test is symmetric in wins and losses', () => {
    fc.assert(
      fc.property(counts, ([w, l]) => {
        expect(binomialTest(w, w + l).value!).toBeCloseTo(binomialTest(l, w + l).value!, 12);
      }),
    );
  });

  it('Bradley–Terry scores flip sign when every verdict is reversed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(10),
        (w, l, t) => {
          const fwd = emptyTotals(2);
          const rev = emptyTotals(2);
          addVerdict(fwd, 1, 0, 1, w);
          addVerdict(fwd, 1, 0, 0, l);
          addVerdict(fwd, 1, 0, 0.5, t);
          addVerdict(rev, 1, 0, 0, w);
          addVerdict(rev, 1, 0, 1, l);
          addVerdict(rev, 1, 0, 0.5, t);
          const a = fitBradleyTerry(fwd, 0).value!.scores[1]!;
          const b = fitBradleyTerry(rev, 0).value!.scores[1]!;
          expect(a).toBeCloseTo(-b, 9);
          expect(a).toBeCloseTo(Math.log((w + t / 2) / (l + t / 2)), 9);
        },
      ),
    );
  });
});
