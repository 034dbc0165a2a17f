import { type PairReport, type Report, levelPercent } from '../../shared/report.ts';
import { ciText, num, pct, type TextTable } from './rows.ts';

/**
 * The item-level figures of a pair (human-calibrated LLM rate, anytime-valid sequence,
 * length- and style-controlled rates) beside the human-only and LLM-only rates, as every text format shows
 * them: one row per estimate, its rate, interval and what it rests on.
 */

/** What the `sequential` figure says to do: stop with a winner, or keep collecting. */
export function decisionText(pair: PairReport): string {
  const s = pair.sequential;
  if (!s) return '—';
  return s.decided === null ? 'undecided' : `${s.decided === 'a' ? pair.a : pair.b} wins`;
}

/** The style-controlled figure's coefficients, as text: "coefficients length 0.12, headers —, …". */
export function styleCoefficientsText(
  c: NonNullable<PairReport['styleControlled']>['coefficients'],
): string {
  if (!c) return '';
  const parts = (['length', 'headers', 'lists', 'bold'] as const).map(
    (f) => `${f} ${num(c[f], 2)}`,
  );
  return `coefficients ${parts.join(', ')}`;
}

function nulls(reasons: Record<string, string>): string {
  return Object.entries(reasons)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

/** The rows, or null for a report written before these figures existed. */
export function pairEstimatesTable(report: Report, pair: PairReport): TextTable | null {
  if (
    pair.calibrated === undefined &&
    pair.sequential === undefined &&
    pair.lengthControlled === undefined &&
    pair.styleControlled === undefined
  )
    return null;
  const level = levelPercent(report.ci.level);
  const rows: string[][] = [];
  for (const [kind, text] of [
    ['human', 'human verdicts only'],
    ['llm', 'LLM verdicts only'],
  ] as const) {
    const s = pair.byJudgeKind[kind];
    if (s) rows.push([text, pct(s.winRate), ciText(s.ci), `${s.n} verdicts, ${s.items} items`]);
  }
  const c = pair.calibrated;
  if (c === null)
    rows.push(['human-calibrated LLM (PPI++)', '—', '—', pair.reasons.calibrated ?? '']);
  else if (c)
    rows.push([
      'human-calibrated LLM (PPI++)',
      pct(c.winRate),
      ciText(c.ci),
      [
        `${c.nHuman} items judged by both, ${c.nLlm} by the LLM only, lambda ${num(c.lambda, 2)}`,
        nulls(c.reasons),
      ]
        .filter((x) => x)
        .join('; '),
    ]);
  const s = pair.sequential;
  if (s === null) rows.push(['anytime-valid sequence', '—', '—', pair.reasons.sequential ?? '']);
  else if (s)
    rows.push([
      'anytime-valid sequence',
      '',
      ciText(s.ci),
      `${s.items} items, half-width ${(s.halfWidth * 100).toFixed(1)} points: ${decisionText(pair)}`,
    ]);
  const l = pair.lengthControlled;
  if (l === null) rows.push(['length-controlled', '—', '—', pair.reasons.lengthControlled ?? '']);
  else if (l)
    rows.push([
      'length-controlled',
      pct(l.winRate),
      ciText(l.ci),
      [`length coefficient ${num(l.lengthCoefficient, 2)}`, nulls(l.reasons)]
        .filter((x) => x)
        .join('; '),
    ]);
  const st = pair.styleControlled;
  if (st === null) rows.push(['style-controlled', '—', '—', pair.reasons.styleControlled ?? '']);
  else if (st)
    rows.push([
      'style-controlled',
      pct(st.winRate),
      ciText(st.ci),
      [styleCoefficientsText(st.coefficients), nulls(st.reasons)].filter((x) => x).join('; '),
    ]);
  return [['estimate', `win rate of ${pair.a}`, `${level}% CI`, 'detail'], rows];
}
