import { describe, expect, it } from 'vitest';
import { clusterWilsonInterval, designEffect } from '../../../server/stats/cluster-wilson.ts';
import { addScore, emptyMoments, scoreLean } from '../../../server/stats/moments.ts';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { wilsonInterval } from '../../../server/stats/wilson.ts';
import { expectFigure, expectInterval, fixture } from './helpers.ts';

interface Case {
  name: string;
  items: number[][];
  level: number;
  deff: number | null;
  effectiveN: number | null;
  interval: [number, number] | null;
}

/** Scores per item → moments (ties half) and clusters; an extra empty item must be ignored. */
function load(items: number[][], padEmpty: boolean) {
  const m = emptyMoments();
  const all = padEmpty ? [...items, []] : items;
  const sums = new Float64Array(all.length);
  const counts = new Float64Array(all.length);
  const leans = new Uint8Array(all.length);
  all.forEach((scores, i) => {
    for (const s of scores) {
      addScore(m, s, 'half');
      sums[i]! += s;
      counts[i]!++;
      leans[i]! |= scoreLean(s);
    }
  });
  return { m, clusters: { sums, counts, leans } };
}

describe('cluster-Wilson interval matches statsmodels (cluster-robust OLS, Wilson on n*) to 1e-6', () => {
  for (const c of fixture<Case[]>('cluster-wilson.json')) {
    for (const padEmpty of [false, true]) {
      it(`${c.name}, level ${c.level}${padEmpty ? ', with an item left empty' : ''}`, () => {
        const { m, clusters } = load(c.items, padEmpty);
        const d = designEffect(clusters, m);
        expectFigure({ value: d.value?.deff ?? null, reason: d.reason }, c.deff);
        if (c.effectiveN !== null) {
          expect(Math.abs(d.value!.effectiveN - c.effectiveN)).toBeLessThan(1e-6 * c.effectiveN);
        }
        expectInterval(clusterWilsonInterval(clusters, m, c.level), c.interval);
      });
    }
  }
});

describe('cluster-Wilson', () => {
  it('is the default when some item has several verdicts; bootstrap stays selectable', () => {
    const { m, clusters } = load(
      [
        [1, 1, 0],
        [1, 0.5],
        [0, 0, 1],
        [1, 1, 1],
      ],
      false,
    );
    const opts = { ties: 'half' as const, level: 0.95, rounds: 200, rng: () => createRng(1) };
    const auto = summarizePair(m, clusters, { ...opts, ci: 'auto' });
    expect(auto.ciMethod).toBe('cluster-wilson');
    expect(auto.ci).toEqual(clusterWilsonInterval(clusters, m, 0.95));
    expect(summarizePair(m, clusters, { ...opts, ci: 'bootstrap' }).ciMethod).toBe('bootstrap');
  });

  it('is at least as wide as Wilson when verdicts are win/loss and clustered', () => {
    const { m, clusters } = load(
      Array.from({ length: 30 }, (_, i) => (i % 4 ? [1, 1, 1] : [0, 0, 1])),
      false,
    );
    const cw = clusterWilsonInterval(clusters, m, 0.95).value!;
    const w = wilsonInterval(m.sum, m.n, 0.95).value!;
    expect(cw[0]).toBeLessThan(w[0]);
    expect(cw[1]).toBeGreaterThan(w[1]);
  });

  it('rejects a level outside (0, 1)', () => {
    const { m, clusters } = load([[1], [0]], false);
    expect(() => clusterWilsonInterval(clusters, m, 1)).toThrow(RangeError);
  });
});
