import { type Report, levelPercent } from '../../shared/report.ts';
import { competenceNote, competenceReason } from './competence-rows.ts';
import {
  type LatexBlock,
  latexEscape,
  latexLabel,
  latexTables,
  pairBlock,
} from './format-latex.ts';

const p1 = (x: number) => (x * 100).toFixed(1);

/**
 * The judge-competence sensitivity analysis as a booktabs table (format-latex.ts): each pair's
 * main and competence-weighted win rates, then each judge's estimated accuracy; a comment with
 * the reason when the model could not be fitted, nothing for a report JSON from before it.
 */
export function competenceLatex(report: Report): string[] {
  const c = report.sensitivity?.competence;
  const reason = competenceReason(report);
  if (!c) return reason ? [`% judge competence (Dawid--Skene): ${reason}`] : [];
  const level = levelPercent(report.ci.level);
  const blocks: LatexBlock[] = c.pairs.map((p) => {
    const main = report.pairs.find((q) => q.a === p.a && q.b === p.b)?.winRate ?? null;
    return pairBlock(p, 5, [
      `all judges & ${p.comparisons} & ${main === null ? '--' : p1(main)} & ${p.winRate === null ? '--' : p1(p.winRate)} & ${p.ci === null ? '--' : `${p1(p.ci[0])}--${p1(p.ci[1])}`} \\\\`,
    ]);
  });
  const judgesHeader = ['Judge & Verdicts & & Accuracy (\\%) & \\\\', '\\midrule'];
  blocks.push({
    rows: [
      ...judgesHeader,
      ...c.judges.map(
        (j) =>
          `${latexLabel(`${j.judge} (${j.kind})`)} & ${j.verdicts} & & ${j.accuracy === null ? '--' : p1(j.accuracy)} & \\\\`,
      ),
    ],
    lead: judgesHeader,
  });
  return latexTables({
    columns: 'lrrrl',
    header: [`& Comparisons & Win (\\%) & Weighted (\\%) & ${level}\\% CI \\\\`],
    blocks,
    caption: `Sensitivity to judge competence (Dawid and Skene, 1979). ${latexEscape(competenceNote(report))}`,
    continuedCaption: 'Sensitivity to judge competence, continued.',
  });
}
