import { type Report, levelPercent } from '../../shared/report.ts';
import { integrityLatex } from './format-integrity.ts';
import { competenceLatex } from './competence-latex.ts';
import { decisionText, styleCoefficientsText } from './estimates-rows.ts';
import { planText, provenanceText } from './format-words.ts';
import { label, pFixed, percent, percentEnds, statsRows } from './rows.ts';

/**
 * A name or note as LaTeX prints it, in pdfLaTeX's default (OT1) and T1 encodings alike: its special
 * characters escaped, the ligatures its font would form broken (`--` an en dash, `''` a closing
 * quote, `<<` a guillemet, `` ` `` an opening quote), `|`, `<` and `>` as text symbols (OT1 has
 * other glyphs there), `[`, `]` and `*` braced (a row starting `[v2]` after `\midrule` or `\\`
 * was read as an optional argument, `*beta` after `\\` as `\\*`), the six Latin-1 letters OT1
 * lacks (« » Ð Þ ð þ) set in T1, and control characters (C0 and C1: U+0085 stopped pdfLaTeX in
 * either encoding) as spaces. A name beyond Latin-1 (CJK, emoji) needs XeLaTeX or LuaLaTeX.
 */
export function latexEscape(s: string): string {
  return s.replace(
    /[\\{}$&#^_%~<>|[\]*`\u0000-\u001f\u007f-\u009f\u2028\u2029«»ÐÞðþ]|-(?=-)|'(?=')|,(?=,)/g,
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
  // Latin-1 letters OT1 has no glyph for (pdfLaTeX stopped: "Command \dh unavailable in encoding
  // OT1"): set in T1, which the LaTeX kernel always declares, so they print in either encoding
  '«': '{\\fontencoding{T1}\\selectfont\\guillemotleft}',
  '»': '{\\fontencoding{T1}\\selectfont\\guillemotright}',
  Ð: '{\\fontencoding{T1}\\selectfont\\DH}',
  ð: '{\\fontencoding{T1}\\selectfont\\dh}',
  Þ: '{\\fontencoding{T1}\\selectfont\\TH}',
  þ: '{\\fontencoding{T1}\\selectfont\\th}',
};

function latexChar(c: string): string {
  const named = LATEX_ESCAPES[c];
  if (named) return named;
  if ("-',".includes(c)) return `${c}{}`; // the first of a ligature's two characters
  if ('[]*'.includes(c)) return `{${c}}`;
  if ('{}$&#_%'.includes(c)) return `\\${c}`;
  return ' '; // a control character
}

/** An interval's ends in percent (rows.ts percentEnds: never a misleading 50.0). */
const ciRange = (c: readonly [number, number]) => percentEnds(c).join('--');

/**
 * How every table of the LaTeX report opens: a float, centred, set small as a paper's tables are
 * (at the text's size they ran 10–27 pt past an article's text width). A float may also go to
 * the foot of a page or a page of floats: a tall one allowed only at the top waited for the end
 * of the document, and every float after it with it.
 */
export const LATEX_TABLE_OPEN = ['\\begin{table}[tbp]', '\\centering', '\\small'] as const;

/**
 * The most rows one float holds; its blocks go on in more floats. A float taller than the page is
 * not broken by LaTeX: with 5 systems (10 pairs, axes, modalities) the win-rate table ran 508 pt
 * past an article's page and pdflatex printed the pairs above its foot only, without an error;
 * with 30 systems the tabular exceeded TeX's largest dimension and the compile stopped. 30 rows
 * at \\small, with the header and a long caption, fit a page of an article at 10–12 pt.
 */
export const LATEX_ROWS_PER_TABLE = 30;

/** A group of a table's rows kept in one float where they fit (a pair's heading and its rows). */
export interface LatexBlock {
  rows: readonly string[];
  /** the lines that open each further part when the block alone is taller than a float */
  lead?: readonly string[];
}

/**
 * One table as as many floats as its rows need (LATEX_ROWS_PER_TABLE printed lines each): blocks are kept together where they fit and split, `lead` opening each further
 * part, where one alone does not; `\\midrule` between blocks unless `separate` is false. The
 * first float has `caption`, the others `continuedCaption` (numbered on, so a paper can cite each).
 */
export function latexTables(t: {
  columns: string;
  header: readonly string[];
  blocks: readonly LatexBlock[];
  caption: string;
  continuedCaption: string;
  separate?: boolean;
  /** the printed lines a row takes (a wrapping column: more than one); its source lines by default */
  height?: (row: string) => number;
}): string[] {
  const height = t.height ?? labelHeight;
  const rows = (lines: readonly string[]) =>
    lines.reduce((n, l) => n + (l === '\\midrule' ? 0 : height(l)), 0);
  const budget = LATEX_ROWS_PER_TABLE;
  const parts: (readonly string[])[] = [];
  for (const block of t.blocks) {
    if (rows(block.rows) <= budget) {
      parts.push(block.rows);
      continue;
    }
    let part: string[] = [];
    for (const line of block.rows) {
      if (part.length > (block.lead?.length ?? 0) && rows([...part, line]) > budget) {
        parts.push(part);
        part = [...(block.lead ?? [])];
      }
      part.push(line);
    }
    parts.push(part);
  }
  const floats: string[][] = [];
  let current: string[] = [];
  for (const part of parts) {
    if (current.length && rows(current) + rows(part) > budget) {
      floats.push(current);
      current = [];
    }
    if (current.length && t.separate !== false) current.push('\\midrule');
    current.push(...part);
  }
  if (current.length) floats.push(current);
  return floats.flatMap((body, i) => [
    ...LATEX_TABLE_OPEN,
    `\\begin{tabular}{${t.columns}}`,
    '\\toprule',
    ...t.header,
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{${i === 0 ? t.caption : t.continuedCaption}}`,
    '\\end{table}',
  ]);
}

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

/**
 * A row's label (`axis: …`, a judge) as its first cell: over LABEL_CHARS characters it wraps in a
 * ragged-right box, where on one line `axis: clinical reasoning soundness and completeness` ran the
 * win-rate table 71 pt past an article's text width and a judge
 * `claude-3-5-sonnet-20241022 (llm)` the competence table 29 pt.
 */
export function latexLabel(text: string): string {
  const escaped = latexEscape(text);
  return text.length <= LABEL_CHARS ? escaped : `${LABEL_BOX}${escaped}}`;
}

/** The longest label kept on one line, and the width a longer one wraps in (\small). */
const LABEL_CHARS = 30;
const LABEL_WIDTH = '0.3\\linewidth';
const LABEL_BOX = `\\parbox[t]{${LABEL_WIDTH}}{\\raggedright `;
/** LaTeX source characters a line of a wrapped label holds, at least (about 20 printed at \small). */
const LABEL_LINE_CHARS = 20;

/**
 * The printed lines of a row: its source lines, or a wrapped label's (latexLabel): 28 axes of
 * 48-character names counted as one line each ran a float 480 pt past the page.
 */
function labelHeight(row: string): number {
  const lines = row.split('\n').length;
  if (!row.startsWith(LABEL_BOX)) return lines;
  const label = row.slice(LABEL_BOX.length, row.indexOf(' & ')).length;
  return Math.max(lines, Math.ceil(label / LABEL_LINE_CHARS));
}

/** The longest "a vs b" heading kept on one row (71 and 72 characters fit at \small). */
const PAIR_HEADING_CHARS = 64;

/** A pair's block of a LaTeX table: its heading, its rows, the heading again on a further part. */
export function pairBlock(
  p: { a: string; b: string },
  columns: number,
  rows: string[],
): LatexBlock {
  const heading = pairHeading(p, columns);
  return { rows: [heading, ...rows], lead: [heading] };
}

/** A booktabs table (needs \usepackage{booktabs}) of every pair and breakdown, with n and CI. */
export function formatLatex(report: Report): string {
  const level = levelPercent(report.ci.level);
  const lines: string[] = [
    '% requires \\usepackage{booktabs}; names beyond Latin-1 (CJK, emoji) need XeLaTeX or LuaLaTeX',
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
  const blocks = report.pairs.map((p) =>
    pairBlock(
      p,
      6,
      statsRows({ ...report, pairs: [p] }, { judges: false }).map((r) => {
        const s = r.stats;
        const rate = s.winRate === null ? '--' : percent(s.winRate);
        const ci = s.ci === null ? '--' : `${ciRange(s.ci)}${markOf(s.ciMethod)}`;
        const pv =
          s.pValue === null
            ? '--'
            : s.pValue < 0.001
              ? '$<$0.001'
              : pFixed(s.pValue, 3, 1 - report.ci.level);
        return `${latexLabel(label(r))} & ${s.n} & ${s.wins}/${s.losses}/${s.ties} & ${rate} & ${ci} & ${pv} \\\\`;
      }),
    ),
  );
  const methodText = methods.map((m) => `${markOf(m)}${latexEscape(m)}`).join(', ');
  lines.push(
    ...latexTables({
      columns: 'lrrrrl',
      header: [`Subset & $n$ & W/L/T & Win (\\%) & ${level}\\% CI & $p$ \\\\`],
      blocks,
      caption: `Pairwise win rates of the first system (ties ${report.ties === 'half' ? 'counted as half a win' : 'excluded'}), ${level}\\% confidence intervals (${methodText}${methods.includes('cluster-wilson') ? "; cluster-wilson: Wilson on the design-effect effective sample size with items as clusters, capped by the items showing the side behind unless its verdicts are spread over as many items as random ones would be, and Student's $t$ on the degrees of freedom of the variance used" : ''}${methods.includes('bootstrap') ? `; bootstrap: items resampled as clusters, ${report.ci.rounds} rounds, seed ${report.ci.seed}` : ''}), and two-sided p-values against one half from the test dual to each interval (score test, with that $t$ for cluster-wilson; the interval's own for agresti-coull; exact; Wald; bootstrap), so a p-value and its interval never disagree.`,
      continuedCaption: 'Pairwise win rates of the first system, continued.',
    }),
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
  return `${flushFloats(lines).join('\n')}\n`;
}

/**
 * Floats LaTeX holds waiting for a place at most: 18, and a report of many pairs is all floats,
 * with no text between them to carry them out (30 systems, 130 floats: "Too many unprocessed
 * floats", no PDF). Past FLOATS_HELD floats, a `\clearpage` after every FLOATS_HELD of them
 * prints those waiting.
 */
const FLOATS_HELD = 12;

function flushFloats(lines: string[]): string[] {
  if (lines.filter((l) => l === '\\end{table}').length <= FLOATS_HELD) return lines;
  let floats = 0;
  return lines.flatMap((l) =>
    l === '\\end{table}' && ++floats % FLOATS_HELD === 0 ? [l, '\\clearpage'] : [l],
  );
}

/** LaTeX source characters a line of the estimates' Detail column holds, at least (\small, 0.35\linewidth). */
const DETAIL_CHARS = 30;

/**
 * A second booktabs table: each pair's human-calibrated, sequential, length- and style-controlled
 * figures; none when the report has none of them (a report JSON from before they existed).
 */
function estimatesTable(report: Report): string[] {
  const level = levelPercent(report.ci.level);
  const ci = (c: readonly [number, number] | null | undefined) => (c ? ciRange(c) : '--');
  const rate = (x: number | null | undefined) =>
    x === null || x === undefined ? '--' : percent(x);
  const blocks: LatexBlock[] = [];
  for (const p of report.pairs) {
    const { calibrated: c, sequential: s, lengthControlled: l, styleControlled: st } = p;
    if (c === undefined && s === undefined && l === undefined && st === undefined) continue;
    const rows = [
      `calibrated (PPI++) & ${rate(c?.winRate)} & ${ci(c?.ci)} & ${c ? `${c.nHuman} + ${c.nLlm} items, $\\lambda$ = ${c.lambda === null ? '--' : c.lambda.toFixed(2)}` : latexEscape(p.reasons.calibrated ?? '')} \\\\`,
      `sequence & & ${ci(s?.ci)} & ${s ? `${s.items} items, ${latexEscape(decisionText(p))}` : latexEscape(p.reasons.sequential ?? '')} \\\\`,
      `length-controlled & ${rate(l?.winRate)} & ${ci(l?.ci)} & ${l ? `coefficient ${l.lengthCoefficient === null ? '--' : l.lengthCoefficient.toFixed(2)}` : latexEscape(p.reasons.lengthControlled ?? '')} \\\\`,
    ];
    if (st !== undefined)
      rows.push(
        `style-controlled & ${rate(st?.winRate)} & ${ci(st?.ci)} & ${latexEscape(st ? styleCoefficientsText(st.coefficients) : (p.reasons.styleControlled ?? ''))} \\\\`,
      );
    blocks.push(pairBlock(p, 4, rows));
  }
  if (!blocks.length) return [];
  return latexTables({
    // the detail column wraps: a reason or the style coefficients ran off the page
    columns: 'lrlp{0.35\\linewidth}',
    header: [`Estimate & Win (\\%) & ${level}\\% CI & Detail \\\\`],
    blocks,
    // a detail wraps at about DETAIL_CHARS characters (a pair's heading spans the columns)
    height: (row) => {
      const cells = row.split(' & ');
      const lines = row.split('\n').length;
      return cells.length < 4 ? lines : Math.max(lines, Math.ceil(cells[3]!.length / DETAIL_CHARS));
    },
    caption: `Item-level estimates of the first system's win rate (items as units). Calibrated: the human win rate estimated from human and LLM verdicts together by prediction-powered inference (PPI++), items judged by both plus items judged by the LLM only, power-tuning $\\lambda$ (0: humans only). Sequence: an anytime-valid ${level}\\% confidence sequence over items in completion order (normal-mixture boundary), valid however often it is looked at. Length-controlled: the rate at equal output lengths from a logistic fit on tanh of the standardised length difference, percentile bootstrap over items (${report.ci.rounds} rounds, seed ${report.ci.seed}). Style-controlled: the rate at equal style from a logistic fit on the SD-scaled normalised differences in length, headers, list items and bold spans (Chatbot Arena's style control), same bootstrap; its log-odds coefficients per SD.`,
    continuedCaption: "Item-level estimates of the first system's win rate, continued.",
  });
}
