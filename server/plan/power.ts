/**
 * The sample-size calculator of the admin page (`GET /api/plan/power`): the same computation as
 * `tracearena plan power` (server/stats/sample-size.ts, docs/statistics.md "Planning a study's
 * size"), answered as JSON.
 */
import type { PowerResponse, powerQuerySchema } from '../../shared/plan.ts';
import type { z } from 'zod';
import { Errors } from '../errors.ts';
import { itemsForHalfWidth, itemsForPower, type PlanDesign } from '../stats/sample-size.ts';

/** Below this many items the power's normal approximation is optimistic (as the CLI warns). */
export const FEW_ITEMS = 30;

export function samplePower(q: z.output<typeof powerQuerySchema>): PowerResponse {
  const d: PlanDesign = { rate: q.rate, icc: q.icc, verdictsPerItem: q.verdictsPerItem };
  let warning: string | null = null;
  let found;
  if (q.power !== undefined) {
    if (d.rate === 0.5)
      throw new Errors.BadRequest("field 'rate': the test of ½ has no power at a rate of 0.5");
    if (!(q.power > q.alpha)) throw new Errors.BadRequest("field 'power': must be above alpha");
    found = itemsForPower(d, q.power, q.alpha);
  } else {
    found = itemsForHalfWidth(d, q.halfWidth as number, q.level);
  }
  if (found.value === null) throw new Errors.BadRequest(found.reason);
  const s = found.value;
  if (q.power !== undefined && s.items < FEW_ITEMS)
    warning = `fewer than ${FEW_ITEMS} items: the power's normal approximation is optimistic here (docs/statistics.md)`;
  return {
    items: s.items,
    verdicts: s.verdicts,
    deff: s.deff,
    effectiveN: s.effectiveN,
    df: Number.isFinite(s.df) ? s.df : null,
    critical: s.critical,
    halfWidth: s.halfWidth,
    power: s.power,
    warning,
  };
}
