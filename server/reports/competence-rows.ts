import { type Report, levelPercent } from '../../shared/report.ts';
import { ciText, pct } from './rows.ts';

/**
 * The judge-competence sensitivity analysis (`sensitivity.competence`) as rows the text formats
 * share (Markdown, HTML, LaTeX, the terminal table), so each says the same.
 */

export const COMPETENCE_TITLE = 'Sensitivity: judge competence (Dawid–Skene)';

/** What the section is, and what it is not: the main figures stand. */
export function competenceNote(report: Report): string {
  const c = report.sensitivity?.competence;
  const level = levelPercent(report.ci.level);
  const fit = c
    ? ` EM ${c.converged ? `converged in ${c.iterations} iterations` : `stopped at its cap of ${c.iterations} iterations without converging`}; ${c.sharedComparisons} of ${c.comparisons} comparisons judged by two or more judges.`
    : '';
  return `A sensitivity analysis beside the main figures, not replacing them: each judge's reliability estimated from the verdicts themselves (Dawid–Skene model; accuracy = the probability of giving a comparison's true verdict), and each pair's win rate re-estimated from the comparisons' posterior verdicts, which weighs judges by their reliability (ties ${report.ties === 'half' ? 'half' : 'excluded'}; ${level}% CI: bootstrap over items, ${report.ci.rounds} rounds, seed ${report.ci.seed}, reliabilities held fixed).${fit}`;
}

/** Why there is no competence model, or null when there is one (or the report predates it). */
export function competenceReason(report: Report): string | null {
  const s = report.sensitivity;
  if (!s || s.competence) return null;
  return s.reasons.competence ?? 'not computable';
}

/** Per pair: the main win rate and the competence-weighted one with its interval. */
export function competencePairsTable(report: Report): [string[], string[][]] | null {
  const c = report.sensitivity?.competence;
  if (!c) return null;
  const level = levelPercent(report.ci.level);
  const rows = c.pairs.map((p) => {
    const main = report.pairs.find((q) => q.a === p.a && q.b === p.b);
    return [
      `${p.a} vs ${p.b}`,
      String(p.comparisons),
      pct(main?.winRate ?? null),
      p.winRate === null ? `— (${p.reasons.winRate})` : pct(p.winRate),
      p.ci === null ? `— (${p.reasons.ci})` : ciText(p.ci),
    ];
  });
  return [['pair', 'comparisons', 'win rate (main)', 'competence-weighted', `${level}% CI`], rows];
}

/** Per judge: verdicts, estimated accuracy and the confusion matrix's diagonal. */
export function competenceJudgesTable(report: Report): [string[], string[][]] | null {
  const c = report.sensitivity?.competence;
  if (!c) return null;
  const rows = c.judges.map((j) => [
    j.judge,
    j.kind,
    String(j.verdicts),
    j.accuracy === null ? `— (${j.reasons.accuracy})` : pct(j.accuracy),
    j.confusion.map((row, k) => pct(row[k] as number, 0)).join(' / '),
  ]);
  return [['judge', 'kind', 'verdicts', 'estimated accuracy', 'correct when a / tie / b'], rows];
}
