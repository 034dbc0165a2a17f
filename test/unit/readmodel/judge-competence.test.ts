import { describe, expect, it } from 'vitest';
import { reliabilityOf } from '../../../server/readmodel/judge-competence.ts';
import { dawidSkene } from '../../../server/stats/dawid-skene.ts';

describe('judge reliability for the judge-quality panel', () => {
  it('is the Dawid–Skene accuracy of each judge, comparisons as units', () => {
    const rows: Array<{ comparison_id: string; judge_id: string; winner: 'a' | 'b' | 'tie' }> = [];
    const truth = ['a', 'b', 'a', 'tie', 'b', 'a', 'a', 'b'] as const;
    truth.forEach((w, c) => {
      rows.push({ comparison_id: `c${c}`, judge_id: 'j1', winner: w });
      rows.push({ comparison_id: `c${c}`, judge_id: 'j2', winner: c === 2 ? 'b' : w });
      rows.push({ comparison_id: `c${c}`, judge_id: 'j3', winner: c % 2 ? 'a' : 'b' });
    });
    rows.push({ comparison_id: 'solo', judge_id: 'j4', winner: 'a' });
    const got = reliabilityOf(rows);
    const fit = dawidSkene({
      units: 9,
      judges: 4,
      unit: Int32Array.from(rows, (r) =>
        r.comparison_id === 'solo' ? 8 : Number(r.comparison_id.slice(1)),
      ),
      judge: Int32Array.from(rows, (r) => Number(r.judge_id.slice(1)) - 1),
      label: Uint8Array.from(rows, (r) => ({ a: 0, tie: 1, b: 2 })[r.winner]),
    });
    for (const j of [1, 2, 3]) expect(got.get(`j${j}`)!.value).toBe(fit.accuracy[j - 1]);
    expect(got.get('j1')!.value!).toBeGreaterThan(got.get('j3')!.value!);
    expect(got.get('j4')).toEqual({
      value: null,
      reason: 'no comparison shared with another judge',
    });
  });

  it('says why while no comparison has two judges', () => {
    const got = reliabilityOf([{ comparison_id: 'c', judge_id: 'j', winner: 'a' }]);
    expect(got.get('j')).toEqual({
      value: null,
      reason: 'no comparison judged by two or more judges yet',
    });
  });
});
