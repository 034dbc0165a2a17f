import { stringify } from 'csv-stringify/sync';
import type { Report } from '../../shared/report.ts';
import { statsRows } from './rows.ts';

/** One row per pair × breakdown group, tidy for pandas / R; empty cells are uncomputable. */
export function formatCsv(report: Report): string {
  const rows = statsRows(report).map((r) => ({
    a: r.a,
    b: r.b,
    breakdown: r.breakdown,
    group: r.group,
    n: r.stats.n,
    wins: r.stats.wins,
    losses: r.stats.losses,
    ties: r.stats.ties,
    items: r.stats.items,
    win_rate: r.stats.winRate ?? '',
    se: r.stats.se ?? '',
    ci_low: r.stats.ci?.[0] ?? '',
    ci_high: r.stats.ci?.[1] ?? '',
    ci_method: r.stats.ciMethod,
    ci_level: report.ci.level,
    ties_mode: report.ties,
    p_value: r.stats.pValue ?? '',
    p_test: r.stats.pTest,
    note: Object.entries(r.stats.reasons)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  }));
  return stringify(rows, {
    header: true,
    columns: [
      'a',
      'b',
      'breakdown',
      'group',
      'n',
      'wins',
      'losses',
      'ties',
      'items',
      'win_rate',
      'se',
      'ci_low',
      'ci_high',
      'ci_method',
      'ci_level',
      'ties_mode',
      'p_value',
      'p_test',
      'note',
    ],
  });
}
