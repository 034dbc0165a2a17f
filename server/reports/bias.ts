import type { Report, ReportOptions } from '../../shared/report.ts';
import { lengthBias } from '../stats/length-bias.ts';
import { scoreOutcome, scoreWeight } from '../stats/moments.ts';
import { positionBias, swapConsistency } from '../stats/position-bias.ts';
import { take } from './figures.ts';
import { float64s } from './growable.ts';
import type { UnitJudgments } from './agreement.ts';
import type { VerdictTable } from './verdict-table.ts';

export function buildBias(
  t: VerdictTable,
  units: UnitJudgments,
  opts: ReportOptions,
): Report['bias'] {
  let leftWins = 0;
  let rightWins = 0;
  let ties = 0;
  const xs = float64s();
  const ys = float64s();
  const ws = float64s();
  for (let i = 0; i < t.length; i++) {
    const s = t.score[i] as number;
    const side = t.shownLeft[i] as number;
    if (side >= 0) {
      const left = side === 0 ? s : 1 - s;
      if (left > 0.5) leftWins++;
      else if (left < 0.5) rightWins++;
      else ties++;
    }
    const x = t.lengthRatio[i] as number;
    // as the pair rows count a verdict: whole with ties half; by its decisive mass, a win or a
    // loss, with ties excluded (a tie weighs nothing)
    const w = scoreWeight(s, opts.ties);
    if (!Number.isNaN(x) && w > 0) {
      xs.push(x);
      ys.push(scoreOutcome(s, opts.ties));
      ws.push(w);
    }
  }
  const pos = positionBias(leftWins, rightWins, ties, opts.level);
  const posReasons: Record<string, string> = {};
  const swap = swapConsistency(units.aLeft, units.bLeft);
  const len = lengthBias(xs.values(), ys.values(), opts.level, ws.values());
  const lenReasons: Record<string, string> = {};
  const fit = len.fit;
  if (fit.value === null) {
    lenReasons.slope = fit.reason;
    lenReasons.slopeSe = fit.reason;
    lenReasons.intercept = fit.reason;
  }
  return {
    position: {
      n: pos.n,
      leftWins,
      rightWins,
      ties,
      leftWinRate: take(pos.leftWinRate, 'leftWinRate', posReasons),
      ci: take(pos.ci, 'ci', posReasons) as [number, number] | null,
      pValue: take(pos.pValue, 'pValue', posReasons),
      pTest: 'score-z',
      reasons: posReasons,
      swap: {
        ...(swap.rate.value === null
          ? { value: null, reason: swap.rate.reason }
          : { value: swap.rate.value }),
        pairs: swap.pairs,
        consistent: swap.consistent,
        leftBothTimes: swap.leftBothTimes,
        rightBothTimes: swap.rightBothTimes,
      },
    },
    length: {
      n: len.n,
      covariate: 'log_length_ratio',
      bins: len.bins.map((b) => {
        const reasons: Record<string, string> = {};
        return {
          label: b.label,
          from: b.from,
          to: b.to,
          n: b.n,
          winRate: take(b.winRate, 'winRate', reasons),
          ci: take(b.ci, 'ci', reasons) as [number, number] | null,
          reasons,
        };
      }),
      slope: fit.value?.slope ?? null,
      slopeSe: fit.value?.slopeSe ?? null,
      intercept: fit.value?.intercept ?? null,
      reasons: lenReasons,
    },
  };
}
