import { describe, expect, it } from 'vitest';
import { createRng } from '../../../server/stats/rng.ts';
import {
  normalisedDifference,
  STYLE_FEATURES,
  styleControlledWinRate,
  styleCounts,
  type StyleCounts,
  type StyleItem,
} from '../../../server/stats/style-control.ts';
import { fixture } from './helpers.ts';

interface Case {
  name: string;
  items: StyleItem[];
  intercept: number;
  winRate: number;
  coefficients: Record<string, number | null>;
}

describe('style-controlled win rate matches statsmodels Logit (scripts/reference/style_control.py) to 1e-6', () => {
  for (const c of fixture<Case[]>('style-control.json')) {
    it(c.name, () => {
      const r = styleControlledWinRate(c.items, { level: 0.95, rounds: 0, rng: createRng(1) });
      expect(Math.abs(r.winRate.value! - c.winRate)).toBeLessThan(1e-6);
      for (const f of STYLE_FEATURES) {
        const want = c.coefficients[f];
        const got = r.coefficients.value![f];
        if (want === null) expect(got).toBeNull();
        else expect(Math.abs(got! - want!)).toBeLessThan(1e-6);
      }
      expect(r.ci.reason).toMatch(/no bootstrap rounds/);
    });
  }
});

describe('style features', () => {
  it('counts markdown headers, list items and bold spans', () => {
    const text =
      '# Title\n\nSome **bold** and __more__.\n\n## Part\n- one\n- two\n1. first\n  * nested\n#not a header';
    expect(styleCounts(text)).toEqual({ length: text.length, headers: 2, lists: 4, bold: 2 });
    expect(normalisedDifference(0, 0)).toBe(0);
    expect(normalisedDifference(3, 1)).toBe(0.5);
  });

  it('says why when one side wins every verdict', () => {
    const a: StyleCounts = { length: 10, headers: 1, lists: 0, bold: 0 };
    const b: StyleCounts = { length: 5, headers: 0, lists: 0, bold: 0 };
    const r = styleControlledWinRate(
      Array.from({ length: 5 }, () => ({ a, b, scores: [1, 1] })),
      { level: 0.95, rounds: 10, rng: createRng(1) },
    );
    expect(r.winRate.reason).toMatch(/one side won every verdict/);
  });
});

/**
 * Two systems of equal quality; system a writes heavy markdown (headers, lists, bold), b plain
 * text; the judge prefers heavy markdown. The raw win rate of a is far from ½, the style-controlled
 * one holds ½ in its interval.
 */
describe('simulation: a judge that prefers markdown, systems otherwise equal', () => {
  it('raw rate far from 0.5, style-controlled within its CI of 0.5', () => {
    const rng = createRng(20261130, 'style');
    const poisson = (mean: number) => {
      let k = 0;
      let p = Math.exp(-mean);
      let s = p;
      const u = rng.nextFloat();
      while (u > s) {
        k++;
        p *= mean / k;
        s += p;
      }
      return k;
    };
    const items: StyleItem[] = [];
    let wins = 0;
    let verdicts = 0;
    for (let i = 0; i < 400; i++) {
      const a = {
        length: 400 + rng.nextInt(800),
        headers: poisson(2),
        lists: poisson(4),
        bold: poisson(3),
      };
      const b = {
        length: 400 + rng.nextInt(800),
        headers: poisson(0.3),
        lists: poisson(1),
        bold: poisson(0.3),
      };
      const eta =
        1.5 * normalisedDifference(a.headers, b.headers) +
        1.0 * normalisedDifference(a.bold, b.bold) +
        0.5 * normalisedDifference(a.lists, b.lists);
      const p = 1 / (1 + Math.exp(-eta));
      const scores = [0, 1].map(() => (rng.nextFloat() < p ? 1 : 0));
      wins += scores[0]! + scores[1]!;
      verdicts += 2;
      items.push({ a, b, scores });
    }
    const raw = wins / verdicts;
    const r = styleControlledWinRate(items, { level: 0.95, rounds: 400, rng: createRng(7) });
    const [lo, hi] = r.ci.value!;
    console.log(
      `style control: raw ${raw.toFixed(3)}, style-controlled ${r.winRate.value!.toFixed(3)} [${lo.toFixed(3)}, ${hi.toFixed(3)}]`,
    );
    expect(raw).toBeGreaterThan(0.7);
    expect(lo).toBeLessThanOrEqual(0.5);
    expect(hi).toBeGreaterThanOrEqual(0.5);
    expect(r.coefficients.value!.headers!).toBeGreaterThan(0);
  });
});
