import { describe, expect, it } from 'vitest';
import { exactTestPValue } from '../../../server/stats/dual-test.ts';
import { summarizePair } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { fixture, load } from './helpers.ts';

interface Case {
  x: number;
  n: number;
  p: number;
}

describe('the exact test dual to Clopper–Pearson at large effective sizes (scipy betainc reference)', () => {
  it('matches scipy from n = 10³ to 10¹² within 1e-7 (2.4e-8 at worst), and never leaves [0, 1]', () => {
    const { cases } = fixture<{ cases: Case[] }>('exact-test-large-n.json');
    for (const c of cases) {
      const p = exactTestPValue(c.x, c.n);
      expect(p, `x ${c.x}, n ${c.n}`).toBeGreaterThanOrEqual(0);
      expect(p, `x ${c.x}, n ${c.n}`).toBeLessThanOrEqual(1);
      expect(Math.abs(p - c.p), `x ${c.x}, n ${c.n}: ${p} against ${c.p}`).toBeLessThan(1e-7);
    }
  });

  it('400,000 ties, a win and a loss under --ci exact: p = 1 beside an interval around ½ (was −2.54)', () => {
    const items = [...Array.from({ length: 400_000 }, () => [0.5]), [1], [0]];
    const { m, clusters } = load(items, 'half');
    const s = summarizePair(m, clusters, {
      ci: 'exact',
      ties: 'half',
      level: 0.95,
      rounds: 100,
      rng: () => createRng(1),
    });
    expect(s.winRate.value).toBe(0.5);
    expect(s.ci.value![0]).toBeLessThan(0.5);
    expect(s.ci.value![1]).toBeGreaterThan(0.5);
    expect(s.pValue.value).toBeCloseTo(1, 6);
  });
});
