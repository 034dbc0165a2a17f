import type { PairReport } from '../../shared/report.ts';
import { none, ok, type Figure } from '../stats/figure.ts';
import type { Rng } from '../stats/rng.ts';
import {
  STYLE_FEATURES,
  styleControlledFromTotals,
  type StyleCounts,
  type StyleTotals,
} from '../stats/style-control.ts';
import { take } from './figures.ts';
import type { PairItems } from './pair-items.ts';
import { STYLE_STRIDE } from './verdict-table.ts';

type StyleControlled = NonNullable<PairReport['styleControlled']>;

/**
 * Items drawn per bootstrap round of the style-controlled interval: as the length-controlled
 * figure's (server/reports/length-controlled.ts), the plain bootstrap up to this many items, the
 * m-out-of-n one (rescaled by √(m/n)) above, so a pair of 125,000 items costs what one of 500 does.
 */
export const STYLE_CONTROL_ITEMS_PER_ROUND = 500;

/** The reason a pair has no style-controlled figure because no verdict carries style counts. */
export const NO_STYLE_COUNTS =
  "no verdicts with both outputs' style counts (a judgments file needs output_a/output_b or style_a/style_b)";

/**
 * The pair's style-controlled win rate (Chatbot Arena's style control, server/stats/style-control.ts)
 * on its items: the style counts of each item's two outputs and its verdicts' scores, with a
 * bootstrap interval over items.
 */
export function styleControlledFigure(
  items: PairItems,
  options: { level: number; rounds: number; rng: Rng },
): Figure<StyleControlled> {
  const totals: StyleTotals[] = [];
  const counts = (o: number): StyleCounts => {
    const c = {} as StyleCounts;
    STYLE_FEATURES.forEach((f, k) => {
      c[f] = items.style[o + k] as number;
    });
    return c;
  };
  for (let r = 0; r < items.count; r++) {
    const verdicts = items.styleVerdicts[r] as number;
    if (verdicts === 0) continue;
    const o = r * STYLE_STRIDE;
    totals.push({
      a: counts(o),
      b: counts(o + STYLE_FEATURES.length),
      verdicts,
      scoreSum: items.styleScoreSum[r] as number,
    });
  }
  if (totals.length === 0) return none(NO_STYLE_COUNTS);
  const sc = styleControlledFromTotals(totals, {
    ...options,
    maxItemsPerRound: STYLE_CONTROL_ITEMS_PER_ROUND,
  });
  const reasons: Record<string, string> = {};
  return ok({
    winRate: take(sc.winRate, 'winRate', reasons),
    ci: take(sc.ci, 'ci', reasons) as [number, number] | null,
    coefficients: take(sc.coefficients, 'coefficients', reasons),
    reasons,
  });
}
