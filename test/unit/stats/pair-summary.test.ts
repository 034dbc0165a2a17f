import { describe, expect, it } from 'vitest';
import type { TiesMode } from '../../../server/stats/moments.ts';
import { summarizePair, type CiMethod } from '../../../server/stats/pair-summary.ts';
import { createRng } from '../../../server/stats/rng.ts';
import { expectFigure, expectInterval, fixture, load } from './helpers.ts';

interface Case {
  name: string;
  items: number[][];
  ties: TiesMode;
  level: number;
  clustered: boolean;
  winRate: number | null;
  se: number | null;
  methods: Partial<Record<CiMethod, { ci: [number, number]; pValue: number } | null>>;
}

const opts = (ci: CiMethod | 'auto', c: Case) => ({
  ci,
  ties: c.ties,
  level: c.level,
  rounds: 100,
  rng: () => createRng(1),
});

describe('every method describes one rate with one effective sample size (statsmodels / scipy reference, 1e-6)', () => {
  for (const c of fixture<Case[]>('pair-summary.json')) {
    it(`${c.name} (ties ${c.ties}, level ${c.level})`, () => {
      const { m, clusters } = load(c.items, c.ties);
      const auto = summarizePair(m, clusters, opts('auto', c));
      expect(auto.ciMethod).toBe(c.clustered ? 'cluster-wilson' : 'agresti-coull');
      expectFigure(auto.winRate, c.winRate);
      expectFigure(auto.se, c.se);
      for (const method of [
        'wilson',
        'agresti-coull',
        'cluster-wilson',
        'exact',
        'normal',
      ] as const) {
        const want = c.methods[method] ?? null;
        const got = summarizePair(m, clusters, opts(method, c));
        expectInterval(got.ci, want?.ci ?? null);
        expectFigure(got.pValue, want?.pValue ?? null);
      }
    });
  }
});

const base = { ties: 'half' as TiesMode, level: 0.95, rounds: 200, rng: () => createRng(7) };
const repeat = <T>(k: number, x: T): T[] => Array.from({ length: k }, () => x);

describe('regressions (issue 10)', () => {
  it('all wins on 10 items × 20 verdicts: the effective sample size is the 10 items, not 200 verdicts', () => {
    const { m, clusters } = load(repeat(10, repeat(20, 1)), 'half');
    const s = summarizePair(m, clusters, { ...base, ci: 'auto' });
    expect(s.ciMethod).toBe('cluster-wilson');
    // with 200 independent verdicts the lower bound was 0.976, missing a true rate of 0.97
    expect(s.ci.value![0]).toBeLessThan(0.7);
    expect(s.ci.value![1]).toBe(1);
  });

  it('12 items × 10 judges: the p-value is clustered like the interval (was 0.0003 beside a CI holding ½)', () => {
    const items = [...repeat(7, repeat(10, 1)), ...repeat(2, repeat(10, 0))];
    for (let i = 0; i < 3; i++) items.push([...repeat(6, 1), ...repeat(4, 0)]);
    const { m, clusters } = load(items, 'half');
    const s = summarizePair(m, clusters, { ...base, ci: 'auto' });
    expect(s.ci.value![0]).toBeLessThan(0.5);
    expect(s.pValue.value!).toBeGreaterThan(0.05);
    expect(s.pTest).toBe('score-t');
    // the se is the clustered one, not the sample SD over √120 (0.041)
    expect(s.se.value!).toBeGreaterThan(0.1);
  });

  it('--ci exact with 10 wins and 90 ties contains its estimate 0.55 (was [0.69, 1])', () => {
    const { m, clusters } = load([...repeat(10, [1]), ...repeat(90, [0.5])], 'half');
    const s = summarizePair(m, clusters, { ...base, ci: 'exact' });
    expect(s.winRate.value).toBeCloseTo(0.55, 12);
    expect(s.ci.value![0]).toBeLessThan(0.55);
    expect(s.ci.value![1]).toBeGreaterThan(0.55);
  });

  it('the same verdicts on 1 or 2 per item get intervals of about the same width (was 3× apart)', () => {
    const verdicts = [...repeat(10, 1), ...repeat(90, 0.5)];
    const one = load(
      verdicts.map((s) => [s]),
      'half',
    );
    // two per item, paired so that items are no more alike than independent verdicts
    const two = load(
      Array.from({ length: 50 }, (_, i) => [verdicts[i]!, verdicts[99 - i]!]),
      'half',
    );
    const width = (x: ReturnType<typeof load>) => {
      const ci = summarizePair(x.m, x.clusters, { ...base, ci: 'auto' }).ci.value!;
      return ci[1] - ci[0];
    };
    // one per item: Agresti–Coull's 3.84 added wins and losses widen it a little (0.068 against
    // cluster-Wilson's 0.059 on two per item, ratio 0.88); Wilson ignoring the ties was 3× wider
    const ratio = width(two) / width(one);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('fractional scores: the exact interval and the p-value describe the mean score, not scores rounded at ½', () => {
    // fifty verdicts of 0.6: the rounded story was 50 wins, CI [0.93, 1] and p 2e-15
    const { m, clusters } = load(repeat(50, [0.6]), 'half');
    const s = summarizePair(m, clusters, { ...base, ci: 'exact' });
    expect(s.winRate.value).toBeCloseTo(0.6, 12);
    expect(s.ci.value![0]).toBeLessThan(0.6);
    expect(s.ci.value![1]).toBeGreaterThan(0.6);
    expect(s.ci.value![0] > 0.5).toBe(s.pValue.value! < 0.05);
  });

  it('fractional scores with ties excluded: the rate is the win share of the decisive mass', () => {
    // 0.6 is a win of mass 0.2 and a tie; 0 a loss of mass 1: rate 0.2/(0.2 + 1), not mean 0.3
    const { m, clusters } = load([...repeat(10, [0.6]), ...repeat(10, [0])], 'exclude');
    const s = summarizePair(m, clusters, { ...base, ties: 'exclude', ci: 'auto' });
    expect(s.winRate.value).toBeCloseTo(0.2 / 1.2, 12);
    expect([s.wins, s.losses, s.ties, s.n]).toEqual([10, 10, 0, 20]);
  });
});
