import {
  COMPETENCE_TITLE,
  competenceJudgesTable,
  competenceNote,
  competencePairsTable,
  competenceReason,
} from './competence-rows.ts';
import { pairEstimatesTable } from './estimates-rows.ts';
import { integrityMarkdown } from './format-integrity.ts';
import { ESTIMATES_NOTE, planText, provenanceText, visibleControls } from './format-words.ts';
import { type Report, levelPercent, rankingNote } from '../../shared/report.ts';
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
 * Report text as Markdown reads it literally. Names (systems, judges, modalities, files) are the
 * user's, so Markdown's inline punctuation in them is escaped: a system called `**ft**` or
 * `[v2](http://…)`, or a judge called `dr_lee_*senior*`, reads as typed, not as bold, a link or
 * emphasis, a heading's name ending in `#` keeps it, and `ppo-$\\beta$` is not set as math by a
 * math-enabled renderer (GitHub's). Control characters and bidirectional overrides are shown as
 * `<U+XXXX>` (visibleControls): U+202E in a name reversed the rest of its bullet. The report's own
 * text holds none of these characters, so the whole text is escaped; `<` is noRawHtml's.
 */
function literal(s: string): string {
  return visibleControls(s).replace(/[\\`*_[\]~#&$]/g, '\\$&');
}

function cell(s: string): string {
  return literal(s)
    .replaceAll('|', '\\|')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * Text on one line of a heading or bullet: a name's line breaks would end it, and a name starting
 * like a block (`> sft`, `- ppo`, `1. dpo`) would turn the headline's bullet into a quote or a list.
 */
function inline(s: string): string {
  return literal(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/^(\s*)([>+-]|\d{1,9}(?=[.)]))/, (_, space: string, mark: string) =>
      /\d/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`,
    );
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function formatMarkdown(report: Report): string {
  const level = levelPercent(report.ci.level);
  const out: string[] = [
    '# Pairwise preference report',
    '',
    ...headline(report).map((h) => `- ${inline(h)}`),
    '',
  ];
  const plan = planText(report);
  // a deviation stands out above the figures (bold, quoted); following the plan is one plain line
  if (plan) out.push(report.plan?.deviates ? `> **${inline(plan)}**` : `_${inline(plan)}_`, '');
  for (const p of report.pairs) {
    out.push(`## ${inline(p.a)} vs ${inline(p.b)}`, '');
    out.push(table(...pairStatsTable(report, p)), '');
    const estimates = pairEstimatesTable(report, p);
    if (estimates) out.push(ESTIMATES_NOTE, '', table(...estimates), '');
  }
  out.push(`## Ranking (${report.rankingInfo.model})`, '', inline(rankingNote(report)), '');
  out.push(table(...rankingTable(report, ' to ')), '');
  const ag = report.agreement;
  out.push(
    '## Agreement',
    '',
    table(
      ['measure', 'value'],
      [
        ['raw agreement', figText(ag.raw)],
        [
          "Cohen's kappa",
          figText(ag.cohenKappa) +
            (ag.cohenKappa.judges
              ? ` (${ag.cohenKappa.judges.join(' vs ')}, n = ${ag.cohenKappa.n})`
              : ''),
        ],
        ["Fleiss' kappa", figText(ag.fleissKappa)],
        ["Krippendorff's alpha (nominal)", figText(ag.krippendorffAlpha)],
        [
          'human–LLM agreement',
          figText(ag.humanLlm) + (ag.humanLlm.n ? ` (n = ${ag.humanLlm.n})` : ''),
        ],
      ],
    ),
    '',
  );
  const pos = report.bias.position;
  out.push(
    '## Bias',
    '',
    table(
      ['diagnostic', 'value'],
      [
        [
          'left side wins (ties excluded)',
          pos.leftWinRate === null
            ? `— (${pos.reasons.leftWinRate})`
            : `${pct(pos.leftWinRate)} (${level}% CI ${ciText(pos.ci)}, ${P_TEST_NAMES[pos.pTest]} p = ${pText(pos.pValue, 1 - report.ci.level)})`,
        ],
        [
          'same verdict in both orders',
          pos.swap.value === null
            ? `— (${pos.swap.reason})`
            : `${pct(pos.swap.value)} of ${pos.swap.pairs}`,
        ],
        [
          'length: logistic slope on ln length ratio',
          report.bias.length.slope === null
            ? `— (${report.bias.length.reasons.slope ?? 'no lengths'})`
            : `${num(report.bias.length.slope)} ± ${num(report.bias.length.slopeSe)}`,
        ],
      ],
    ),
    '',
  );
  const competencePairs = competencePairsTable(report);
  const competenceJudges = competenceJudgesTable(report);
  if (competencePairs && competenceJudges)
    out.push(
      `## ${COMPETENCE_TITLE}`,
      '',
      inline(competenceNote(report)),
      '',
      table(...competencePairs),
      '',
      table(...competenceJudges),
      '',
    );
  else if (competenceReason(report))
    out.push(`## ${COMPETENCE_TITLE}`, '', inline(`— (${competenceReason(report)})`), '');
  out.push(...integrityMarkdown(report, table));
  const provenance = provenanceText(report);
  if (provenance) out.push(`_${inline(provenance)}_`, '');
  return noRawHtml(`${out.join('\n')}\n`);
}

/**
 * Markdown passes raw HTML through, and names (systems, judges, modalities) are the user's: a
 * judge named `<script>` must reach a rendered page as text. The report itself writes no HTML, so
 * every `<` that could open a tag or comment becomes `&lt;`; `p < 0.001` is left as it reads.
 */
function noRawHtml(markdown: string): string {
  return markdown.replace(/<(?=[A-Za-z/!?])/g, '&lt;');
}
