import stringWidth from 'string-width';
import {
  COMPETENCE_TITLE,
  competenceJudgesTable,
  competenceNote,
  competencePairsTable,
  competenceReason,
} from './competence-rows.ts';
import { pairEstimatesTable } from './estimates-rows.ts';
import { anchorText } from '../../shared/report.ts';
import { ESTIMATES_NOTE, planText, visibleControls } from './format-words.ts';
import { type Report, levelPercent } from '../../shared/report.ts';
import {
  ciText,
  figText,
  headline,
  num,
  pairStatsTable,
  pct,
  pText,
  rankingTable,
  P_TEST_NAMES,
} from './rows.ts';

/**
 * A terminal cell: a name's line breaks and tabs as spaces, so its row stays one line, and every
 * other control character (an ANSI escape, a carriage return) and bidirectional override shown as
 * its code point, so a name cannot move the cursor, erase a line or reverse the figures after it.
 */
function terminalText(s: string): string {
  return visibleControls(s.replace(/[\n\t]+/g, ' '));
}

function grid(header: string[], rows: string[][]): string {
  const cellsOf = (r: string[]) => header.map((_, i) => terminalText(r[i] ?? ''));
  const all = [cellsOf(header), ...rows.map(cellsOf)];
  // columns as a terminal draws them: East Asian wide characters take two, combining marks none
  const widths = header.map((_, i) => Math.max(...all.map((r) => stringWidth(r[i] as string))));
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat((widths[i] as number) - stringWidth(c));
    return i === 0 ? c + fill : fill + c;
  };
  const line = (cells: string[]) => cells.map(pad).join('  ');
  const [head, ...body] = all as [string[], ...string[][]];
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A report readable in a terminal. */
export function formatTable(report: Report): string {
  const out: string[] = [];
  out.push(...headline(report), '');
  const plan = planText(report);
  if (plan) out.push(plan, '');
  const level = levelPercent(report.ci.level);
  for (const p of report.pairs) {
    out.push(`${p.a} vs ${p.b}`);
    out.push(grid(...pairStatsTable(report, p)), '');
    const estimates = pairEstimatesTable(report, p);
    if (estimates) out.push(ESTIMATES_NOTE, grid(...estimates), '');
  }
  out.push(
    `Ranking (${report.rankingInfo.model}, log-strength, ${anchorText(report.rankingInfo.base)}${report.rankingInfo.reason ? `; ${report.rankingInfo.reason}` : ''})`,
  );
  out.push(grid(...rankingTable(report, ' – ')), '');
  const ag = report.agreement;
  out.push('Agreement');
  out.push(`  raw agreement         ${figText(ag.raw)}`);
  out.push(
    `  Cohen's kappa         ${figText(ag.cohenKappa)}${ag.cohenKappa.judges ? ` (${ag.cohenKappa.judges.join(' vs ')}, n=${ag.cohenKappa.n})` : ''}`,
  );
  out.push(`  Fleiss' kappa         ${figText(ag.fleissKappa)}`);
  out.push(`  Krippendorff's alpha  ${figText(ag.krippendorffAlpha)}`);
  out.push(
    `  human–LLM agreement   ${figText(ag.humanLlm)}${ag.humanLlm.n ? ` (n=${ag.humanLlm.n}, kappa ${num(ag.humanLlm.kappa)})` : ''}`,
    '',
  );
  const pos = report.bias.position;
  out.push('Position bias');
  out.push(
    `  left side wins        ${pos.leftWinRate === null ? `— (${pos.reasons.leftWinRate})` : `${pct(pos.leftWinRate)} of ${pos.leftWins + pos.rightWins} decisive (${level}% CI ${ciText(pos.ci)}, ${P_TEST_NAMES[pos.pTest]} p = ${pText(pos.pValue, 1 - report.ci.level)})`}`,
  );
  out.push(
    `  swap consistency      ${pos.swap.value === null ? `— (${pos.swap.reason})` : `${pct(pos.swap.value)} of ${pos.swap.pairs} (left both times ${pos.swap.leftBothTimes}, right both times ${pos.swap.rightBothTimes})`}`,
  );
  const len = report.bias.length;
  out.push('Length bias (x = ln((len_a+1)/(len_b+1)))');
  if (len.n === 0) out.push('  no verdicts with lengths');
  else {
    out.push(
      `  logistic slope        ${len.slope === null ? `— (${len.reasons.slope})` : `${num(len.slope)} ± ${num(len.slopeSe)} (log-odds per unit x)`}`,
    );
    for (const b of len.bins)
      out.push(
        `  ${b.label.padEnd(20)}  n=${String(b.n).padStart(6)}  ${pct(b.winRate).padStart(6)}  ${ciText(b.ci)}`,
      );
  }
  const competencePairs = competencePairsTable(report);
  const competenceJudges = competenceJudgesTable(report);
  if (competencePairs && competenceJudges)
    out.push(
      '',
      COMPETENCE_TITLE,
      competenceNote(report),
      grid(...competencePairs),
      '',
      grid(...competenceJudges),
    );
  else if (competenceReason(report))
    out.push('', `${COMPETENCE_TITLE}: — (${competenceReason(report)})`);
  if (report.input.skipped || report.input.warnings.length)
    out.push(
      '',
      `Skipped ${report.input.skipped} record(s).`,
      ...report.input.warnings.map((w) => `  ${w}`),
    );
  // the lines outside the grids (the headline, titles, notes) hold names too
  return `${visibleControls(out.join('\n'))}\n`;
}
