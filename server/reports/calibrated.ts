import type { PairReport } from '../../shared/report.ts';
import { none, ok, type Figure } from '../stats/figure.ts';
import { calibratedWinRate, type CalibrationItem } from '../stats/ppi.ts';
import { take } from './figures.ts';
import type { PairItems } from './pair-items.ts';

type Calibrated = NonNullable<PairReport['calibrated']>;

/**
 * The pair's human-calibrated LLM win rate (PPI++ over item means, server/stats/ppi.ts): human
 * scores against LLM scores per item. Each item enters with its mean human and mean LLM score
 * (ties as the report counts them), so an item's several verdicts weigh as one observation.
 */
export function calibratedFigure(items: PairItems, level: number): Figure<Calibrated> {
  if (items.humanVerdicts === 0) return none('no human verdicts on this pair');
  if (items.llmVerdicts === 0) return none('no LLM verdicts on this pair');
  const perItem: CalibrationItem[] = [];
  for (let r = 0; r < items.count; r++) {
    const h = items.humanMean[r] as number;
    const l = items.llmMean[r] as number;
    perItem.push({ human: Number.isNaN(h) ? [] : [h], llm: Number.isNaN(l) ? [] : [l] });
  }
  const c = calibratedWinRate(perItem, level);
  const reasons: Record<string, string> = {};
  return ok({
    winRate: take(c.winRate, 'winRate', reasons),
    ci: take(c.ci, 'ci', reasons) as [number, number] | null,
    nHuman: c.nHuman,
    nLlm: c.nLlm,
    lambda: take(c.lambda, 'lambda', reasons),
    reasons,
  });
}
