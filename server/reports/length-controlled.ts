import type { PairReport } from '../../shared/report.ts';
import { none, ok, type Figure } from '../stats/figure.ts';
import { lengthControlledFromTotals } from '../stats/length-control.ts';
import type { Rng } from '../stats/rng.ts';
import { take } from './figures.ts';
import type { PairItems } from './pair-items.ts';

type LengthControlled = NonNullable<PairReport['lengthControlled']>;

/**
 * Items drawn per bootstrap round of the length-controlled interval. Up to this many items the
 * bootstrap is the plain one; above, each round draws this many (m-out-of-n, rescaled; see
 * server/stats/length-control.ts), so a pair of 125,000 items costs what one of 500 does.
 */
export const LENGTH_CONTROL_ITEMS_PER_ROUND = 500;

/**
 * The pair's length-controlled win rate: AlpacaEval's GLM refitted on its items (the two output
 * lengths of each item and its verdicts' scores), with a bootstrap interval over items.
 */
export function lengthControlledFigure(
  items: PairItems,
  options: { level: number; rounds: number; rng: Rng },
): Figure<LengthControlled> {
  const used: number[] = [];
  for (let r = 0; r < items.count; r++) if ((items.lengthVerdicts[r] as number) > 0) used.push(r);
  if (used.length === 0) return none('no verdicts with both output lengths');
  const lc = lengthControlledFromTotals(
    {
      diff: Float64Array.from(used, (r) => items.lengthDiff[r] as number),
      verdicts: Float64Array.from(used, (r) => items.lengthVerdicts[r] as number),
      scoreSum: Float64Array.from(used, (r) => items.lengthScoreSum[r] as number),
    },
    { ...options, maxItemsPerRound: LENGTH_CONTROL_ITEMS_PER_ROUND },
  );
  const reasons: Record<string, string> = {};
  return ok({
    winRate: take(lc.winRate, 'winRate', reasons),
    ci: take(lc.ci, 'ci', reasons) as [number, number] | null,
    lengthCoefficient: take(lc.lengthCoefficient, 'lengthCoefficient', reasons),
    reasons,
  });
}
