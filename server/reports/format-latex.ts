import { type Report, levelPercent } from '../../shared/report.ts';
import { integrityLatex } from './format-integrity.ts';
import { competenceLatex } from './competence-latex.ts';
import { decisionText, styleCoefficientsText } from './estimates-rows.ts';
import { planText, provenanceText } from './format-words.ts';
import { label, statsRows } from './rows.ts';

/**
 * A name or note as LaTeX prints it, in pdfLaTeX's default (OT1) and T1 encodings alike: its special
 * characters escaped, the ligatures its font would form broken (`--` an en dash, `''` a closing
 * quote, `<<` a guillemet, `` ` `` an opening quote), `|`, `<` and `>` as text symbols (OT1 has
 * other glyphs there), `[`, `]` and `*` braced (a row starting `[v2]` after `\midrule` or `\\`
 * was read as an optional argument, `*beta` after `\\` as `\\*`), and control characters, which
 * pdfLaTeX refuses, as spaces. A name beyond Latin-1 (CJK, emoji) needs XeLaTeX or LuaLaTeX.
 */
export function latexEscape(s: string): string {
  return s.replace(
    /[\\{}$&#^_%~<>|[\]*`\u0000-\u001f\u007f\u2028\u2029]|-(?=-)|'(?=')|,(?=,)/g,
    latexChar,
  );
}

const LATEX_ESCAPES: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  '`': '\\textasciigrave{}',
};

function latexChar(c: string): string {
  const named = LATEX_ESCAPES[c];
  if (named) return named;
  if ("-',".includes(c)) return `${c}{}`; // the first of a ligature's two characters
  if ('[]*'.includes(c)) return `{${c}}`;
  if ('{}$&#_%'.includes(c)) return `\\${c}`;
  return ' '; // a control character
}

const p1 = (x: number) => (x * 100).toFixed(1);

/**
 * How every table of the LaTeX report opens: a float, centred, set small as a paper's tables are
 * (at the text's size they ran 10–27 pt past an article's text width).
 */
export const LATEX_TABLE_OPEN = ['\\begin{table}[t]', '\\centering', '\\small'] as const;

/**
 * A pair's name as a row across a table of `columns` columns, the pair's rows below it: as a first
 * column, names such as `qwen2.5-vl-7b-medtrace-sft vs qwen2.5-vl-7b-instruct` pushed the tables
 * 220–275 pt past an article's text width (345 pt). A `\multicolumn` cannot wrap, so a long pair
 * (over PAIR_HEADING_CHARS characters; 82 ran 40 pt past the width) takes two rows, "vs" beginning
 * the second.
 */
export function pairHeading(p: { a: string; b: string }, columns: number): string {
  const row = (text: string) => `\\multicolumn{${columns}}{l}{${text}} \\\\`;
  if (p.a.length + p.b.length + 4 <= PAIR_HEADING_CHARS)
    return row(`${latexEscape(p.a)} vs ${latexEscape(p.b)}`);
  return `${row(latexEscape(p.a))}\n${row(`\\quad vs ${latexEscape(p.b)}`)}`;
}

/** The longest "a vs b" heading kept on one row (71 and 72 characters fit at \small). */
const PAIR_HEADING_CHARS = 64;

/** A booktabs table (needs \usepackage{booktabs}) of every pair and breakdown, with n and CI. */
export function formatLatex(report: Report): string {
  const level = levelPercent(report.ci.level);
  const lines: string[] = [
    '% requires \\usepackage{booktabs}; names beyond Latin-1 (CJK, emoji) need XeLaTeX or LuaLaTeX',
    ...LATEX_TABLE_OPEN,
    '\\begin{tabular}{lrrrrl}',
    '\\toprule',
    `Subset & $n$ & W/L/T & Win (\\%) & ${level}\\% CI & $p$ \\\\`,
    '\\midrule',
  ];
  // Each row's interval method: with one method for every row the caption names it; with several
  // (cluster-wilson overall, agresti-coull in a subset with one verdict per item), each CI carries a mark
  // the caption resolves, so no row is credited with a method it was not computed with.
  const methods = [
    ...new Set(
      report.pairs.flatMap((p) =>
        statsRows({ ...report, pairs: [p] }, { judges: false }).map((r) => r.stats.ciMethod),
      ),
    ),
  ];
  const markOf = (method: (typeof methods)[number]) =>
    methods.length > 1 ? `$^{${String.fromCharCode(97 + methods.indexOf(method))}}$` : '';
  report.pairs.forEach((p, idx) => {
    if (idx > 0) lines.push('\\midrule');
    lines.push(pairHeading(p, 6));
    for (const r of statsRows({ ...report, pairs: [p] }, { judges: false })) {
      const s = r.stats;
      const rate = s.winRate === null ? '--' : p1(s.winRate);
      const ci = s.ci === null ? '--' : `${p1(s.ci[0])}--${p1(s.ci[1])}${markOf(s.ciMethod)}`;
      const pv = s.pValue === null ? '--' : s.pValue < 0.001 ? '$<$0.001' : s.pValue.toFixed(3);
      lines.push(
        `${latexEscape(label(r))} & ${s.n} & ${s.wins}/${s.losses}/${s.ties} & ${rate} & ${ci} & ${pv} \\\\`,
      );
    }
  });
  const methodText = methods.map((m) => `${markOf(m)}${latexEscape(m)}`).join(', ');
  lines.push(
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{Pairwise win rates of the first system (ties ${report.ties === 'half' ? 'counted as half a win' : 'excluded'}), ${level}\\% confidence intervals (${methodText}${methods.includes('cluster-wilson') ? "; cluster-wilson: Wilson on the design-effect effective sample size with items as clusters, capped by the items showing the side behind unless its verdicts are spread over as many items as random ones would be, and Student's $t$ on the degrees of freedom of the variance used" : ''}${methods.includes('bootstrap') ? `; bootstrap: items resampled as clusters, ${report.ci.rounds} rounds, seed ${report.ci.seed}` : ''}), and two-sided p-values against one half from the test dual to each interval (score test, with that $t$ for cluster-wilson; the interval's own for agresti-coull; exact; Wald; bootstrap), so a p-value and its interval never disagree.}`,
    '\\end{table}',
  );
  // a deviation from the locked plan is printed in the paper (below the table, bold); following it
  // is a comment like the provenance
  const plan = planText(report);
  if (plan && report.plan?.deviates) lines.push(`\\par\\noindent\\textbf{${latexEscape(plan)}}`);
  else if (plan) lines.push(`% ${plan}`);
  lines.push(...estimatesTable(report));
  lines.push(...competenceLatex(report));
  // a comment: the tables are \input into a paper, whose layout a line of text would change
  const provenance = provenanceText(report);
  if (provenance) lines.push(`% ${provenance}`);
  lines.push(...integrityLatex(report, latexEscape));
  return `${lines.join('\n')}\n`;
}

/**
 * A second booktabs table: each pair's human-calibrated, sequential, length- and style-controlled
 * figures; none when the report has none of them (a report JSON from before they existed).
 */
function estimatesTable(report: Report): string[] {
  const level = levelPercent(report.ci.level);
  const ci = (c: readonly [number, number] | null | undefined) =>
    c ? `${p1(c[0])}--${p1(c[1])}` : '--';
  const rate = (x: number | null | undefined) => (x === null || x === undefined ? '--' : p1(x));
  const rows: string[] = [];
  report.pairs.forEach((p, idx) => {
    const { calibrated: c, sequential: s, lengthControlled: l, styleControlled: st } = p;
    if (c === undefined && s === undefined && l === undefined && st === undefined) return;
    if (idx > 0 && rows.length) rows.push('\\midrule');
    rows.push(
      pairHeading(p, 4),
      `calibrated (PPI++) & ${rate(c?.winRate)} & ${ci(c?.ci)} & ${c ? `${c.nHuman} + ${c.nLlm} items, $\\lambda$ = ${c.lambda === null ? '--' : c.lambda.toFixed(2)}` : latexEscape(p.reasons.calibrated ?? '')} \\\\`,
      `sequence & & ${ci(s?.ci)} & ${s ? `${s.items} items, ${latexEscape(decisionText(p))}` : latexEscape(p.reasons.sequential ?? '')} \\\\`,
      `length-controlled & ${rate(l?.winRate)} & ${ci(l?.ci)} & ${l ? `coefficient ${l.lengthCoefficient === null ? '--' : l.lengthCoefficient.toFixed(2)}` : latexEscape(p.reasons.lengthControlled ?? '')} \\\\`,
    );
    if (st !== undefined)
      rows.push(
        `style-controlled & ${rate(st?.winRate)} & ${ci(st?.ci)} & ${latexEscape(st ? styleCoefficientsText(st.coefficients) : (p.reasons.styleControlled ?? ''))} \\\\`,
      );
  });
  if (!rows.length) return [];
  return [
    ...LATEX_TABLE_OPEN,
    // the detail column wraps: a reason or the style coefficients ran off the page
    '\\begin{tabular}{lrlp{0.35\\linewidth}}',
    '\\toprule',
    `Estimate & Win (\\%) & ${level}\\% CI & Detail \\\\`,
    '\\midrule',
    ...rows,
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{Item-level estimates of the first system's win rate (items as units). Calibrated: the human win rate estimated from human and LLM verdicts together by prediction-powered inference (PPI++), items judged by both plus items judged by the LLM only, power-tuning $\\lambda$ (0: humans only). Sequence: an anytime-valid ${level}\\% confidence sequence over items in completion order (normal-mixture boundary), valid however often it is looked at. Length-controlled: the rate at equal output lengths from a logistic fit on tanh of the standardised length difference, percentile bootstrap over items (${report.ci.rounds} rounds, seed ${report.ci.seed}). Style-controlled: the rate at equal style from a logistic fit on the SD-scaled normalised differences in length, headers, list items and bold spans (Chatbot Arena's style control), same bootstrap; its log-odds coefficients per SD.}`,
    '\\end{table}',
  ];
}
