import type { PairReport } from '../../shared/report.ts';
import { DEFAULT_PLANNED_ITEMS, ConfidenceSequence } from '../stats/confidence-sequence.ts';
import { none, ok, type Figure } from '../stats/figure.ts';
import type { PairItems } from './pair-items.ts';

type Sequential = NonNullable<PairReport['sequential']>;

/**
 * The pair's anytime-valid confidence sequence (server/stats/confidence-sequence.ts) after its
 * items in the order they were completed, each item's mean score one observation. Items whose
 * verdicts are all excluded ties carry no score and are passed over.
 */
export function sequentialFigure(items: PairItems, level: number): Figure<Sequential> {
  const cs = new ConfidenceSequence({ level, plannedItems: DEFAULT_PLANNED_ITEMS });
  let seen = 0;
  for (let r = 0; r < items.count; r++) {
    const m = items.mean[r] as number;
    if (Number.isNaN(m)) continue;
    cs.push(m);
    seen++;
  }
  if (seen === 0) return none('no items with an included verdict');
  const { ci, decided, halfWidth, items: n } = cs.result();
  return ok({ ci: [ci[0], ci[1]], decided, halfWidth, items: n });
}
