import type { LockedPlan } from '../../shared/plan.ts';
import type { PairReport, PlanCheck, ReportOptions } from '../../shared/report.ts';

/**
 * A study's report against its locked plan (docs/plan.md): every option that differs from what
 * the plan fixed. The interval's method counts as followed when the report's choice is the
 * plan's, or when the primary pair's interval was computed with the plan's method ('auto' that
 * chose it); the level and the ties must be the plan's; the primary pair must be in the report
 * (either way round).
 */
export function planCheck(
  locked: LockedPlan,
  opts: ReportOptions,
  pairs: readonly PairReport[],
): PlanCheck {
  const { plan } = locked;
  const { a, b } = plan.primary;
  const pair = pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  const deviations: PlanCheck['deviations'] = [];
  if (!pair) deviations.push({ field: 'pair', planned: `${a} vs ${b}`, used: 'absent' });
  if (opts.ci !== plan.interval.ci && pair?.ciMethod !== plan.interval.ci)
    deviations.push({
      field: 'ci',
      planned: plan.interval.ci,
      used: pair && opts.ci === 'auto' ? `auto (${pair.ciMethod})` : opts.ci,
    });
  if (opts.level !== plan.interval.level)
    deviations.push({
      field: 'level',
      planned: String(plan.interval.level),
      used: String(opts.level),
    });
  if (opts.ties !== plan.metric.ties)
    deviations.push({ field: 'ties', planned: plan.metric.ties, used: opts.ties });
  return {
    sha256: locked.sha256,
    lockedAt: locked.lockedAt,
    forced: locked.forced,
    deviates: deviations.length > 0,
    deviations,
  };
}
