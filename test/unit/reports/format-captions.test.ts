import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../server/reports/build-report.ts';
import { formatReport } from '../../../server/reports/format.ts';
import { makeJudgment, tableOf } from './factories.ts';
import { rankingNote } from '../../../shared/report.ts';
import { ciText, pFixed, pct, pText } from '../../../server/reports/rows.ts';

/** Issue 12 point 5 (polish): the report captions say what each row is, in every format. */
const judgments = Array.from({ length: 30 }, (_, i) =>
  ['dr-lee', 'dr-kim'].map((judge, k) =>
    makeJudgment({
      item: `q${i}`,
      judge,
      winner: (i + k) % 4 === 0 ? 'tie' : (i * 7 + k) % 3 === 0 ? 'b' : 'a',
      axes: { perception: i % 4 ? 'a' : 'b' },
    }),
  ),
).flat();

describe('report captions', () => {
  it('say once that a study nobody has judged yet has no verdicts, in every text format', async () => {
    const report = buildReport(tableOf([]), { rounds: 50 });
    for (const format of ['table', 'markdown', 'html'] as const)
      expect(await formatReport(report, format), format).toContain(
        'no verdicts yet: every figure below is empty',
      );
  });

  it('name the ranking anchor once, even for a system called "base"', async () => {
    const report = buildReport(tableOf(judgments), { rounds: 50 });
    expect(report.rankingInfo.base).toBe('base');
    for (const format of ['table', 'markdown', 'html'] as const) {
      const text = await formatReport(report, format);
      expect(text, format).not.toContain('base base');
      expect(text, format).toContain('base fixed at 0');
    }
  });

  it('LaTeX: every row names its own interval method (a Wilson row is never called cluster-wilson)', async () => {
    const report = buildReport(tableOf(judgments), { rounds: 50 });
    const pair = report.pairs[0]!;
    expect(pair.ciMethod).toBe('cluster-wilson');
    pair.byAxis.perception = { ...pair.byAxis.perception!, ciMethod: 'wilson' };
    const tex = await formatReport(report, 'latex');
    const rows = tex.split('\n').filter((l) => l.endsWith('\\\\') && /\d/.test(l));
    const overall = rows.find((l) => l.startsWith('overall &'))!;
    const axis = rows.find((l) => l.includes('perception'))!;
    const mark = (line: string) => /\$\^\{([a-z])\}\$/.exec(line)?.[1];
    expect(mark(overall)).toBeDefined();
    expect(mark(axis)).toBeDefined();
    expect(mark(axis)).not.toBe(mark(overall));
    const caption = /\\caption\{(.*)\}$/m.exec(tex)![1]!;
    expect(caption).toContain(`$^{${mark(overall)}}$cluster-wilson`);
    expect(caption).toContain(`$^{${mark(axis)}}$wilson`);
  });

  it('LaTeX: one method for every row needs no marks', async () => {
    const report = buildReport(tableOf(judgments), { rounds: 50, ci: 'wilson' });
    const tex = await formatReport(report, 'latex');
    expect(tex).not.toMatch(/\$\^\{[a-z]\}\$/);
    expect(tex).toContain('confidence intervals (wilson');
  });
});

describe('names in a Markdown report', () => {
  it('reach a rendered page as text: no raw HTML from a judge or system name', async () => {
    const report = buildReport(
      tableOf(
        ['a', 'b', 'a'].map((winner, k) =>
          makeJudgment({
            item: `q${k}`,
            a: '<img src=x onerror=alert(1)>',
            winner: winner as 'a' | 'b',
            judge: '<script>alert(1)</script>',
          }),
        ),
      ),
      { rounds: 50 },
    );
    const md = await formatReport(report, 'markdown');
    expect(md).not.toMatch(/<(script|img|\/script)/);
    expect(md).toContain('&lt;img src=x onerror=alert(1)>');
  });
});

describe('confidence levels in labels', () => {
  it('are printed as given: 99.9% and 97.5%, never rounded to "100% CI" or "98% CI"', async () => {
    for (const [level, label] of [
      [0.999, '99.9'],
      [0.975, '97.5'],
      [0.95, '95'],
    ] as const) {
      const report = buildReport(tableOf(judgments), { level, rounds: 50 });
      for (const f of ['table', 'markdown', 'latex', 'html'] as const) {
        const text = await formatReport(report, f);
        expect(text, `${f} at ${level}`).toMatch(
          new RegExp(`${label.replace('.', '\\.')}(\\\\)?% CI`),
        );
        expect(text, `${f} at ${level}`).not.toMatch(/\b(100|98)(\\)?% CI/);
      }
    }
  });
});

describe('a p-value that underflows', () => {
  it('prints as a bound, "< 1e-300", not "0.0e+0"', async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      makeJudgment({ item: `q${i}`, winner: i % 10 === 0 ? 'b' : 'a' }),
    );
    const report = buildReport(tableOf(many), { rounds: 20 });
    expect(report.pairs[0]!.pValue).toBe(0);
    for (const f of ['table', 'markdown', 'html'] as const) {
      const text = await formatReport(report, f);
      expect(text, f).toContain('p = < 1e-300');
      expect(text, f).not.toContain('0.0e+0');
    }
  });
});

describe('a name with a line break in a Markdown report', () => {
  it('stays inside its heading and bullet', async () => {
    const report = buildReport(
      tableOf(
        ['a', 'b', 'a'].map((winner, k) =>
          makeJudgment({ item: `q${k}`, a: 'alpha\nbeta', winner: winner as 'a' | 'b' }),
        ),
      ),
      { rounds: 20 },
    );
    const md = await formatReport(report, 'markdown');
    expect(md).toContain('## alpha beta vs base');
    expect(md).toMatch(/^- alpha beta was preferred over base/m);
    expect(md).not.toMatch(/^beta/m);
  });
});

describe("a name with Markdown's own punctuation in a Markdown report", () => {
  // rendered with micromark and GitHub's extensions, as the dashboard and GitHub render it
  const render = async (md: string) => {
    const { micromark } = await import('micromark');
    const { gfm, gfmHtml } = await import('micromark-extension-gfm');
    return micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  };
  it('reads as typed: no emphasis, link, strike-through, code or closing hashes from a name', async () => {
    const name = '**gpt** _ft_ [v2](http://x.test) ~~old~~ `rc` #1 ##';
    const judge = 'dr_lee_*senior*';
    const report = buildReport(
      tableOf(
        ['a', 'b', 'a', 'tie'].map((winner, k) =>
          makeJudgment({
            item: `q${k}`,
            a: name,
            judge,
            winner: winner as 'a' | 'b' | 'tie',
          }),
        ),
      ),
      { rounds: 20, base: 'base' },
    );
    const html = await render(await formatReport(report, 'markdown'));
    // (the report's own provenance line is emphasis, and only it; GitHub's extension links a bare
    // URL as the URL itself, which shows the name as typed, but never as a link text "v2")
    for (const tag of ['<strong>', '<em>ft', '<em>senior', '>v2</a>', '<del>', '<code>'])
      expect(html, tag).not.toContain(tag);
    const text = html
      .replace(/<[^>]+>/g, '')
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&');
    expect(text).toContain(`${name} vs base`);
    expect(text).toContain(`${name} was preferred over base`);
    expect(text).toContain(`judge: ${judge}`);
  });
});

describe('a name starting like a Markdown block, or holding a carriage return', () => {
  it('stays text in the headline bullet and keeps its table row whole', async () => {
    const { micromark } = await import('micromark');
    const { gfm, gfmHtml } = await import('micromark-extension-gfm');
    const systems = ['> sft', '1. dpo', '- ppo'];
    const report = buildReport(
      tableOf(
        systems.flatMap((a, s) =>
          ['a', 'b', 'a'].map((winner, k) =>
            makeJudgment({
              item: `q${s}-${k}`,
              a,
              winner: winner as 'a' | 'b',
              axes: { 'per\rception': 'a' },
            }),
          ),
        ),
      ),
      { rounds: 20 },
    );
    const html = micromark(await formatReport(report, 'markdown'), {
      extensions: [gfm()],
      htmlExtensions: [gfmHtml()],
    });
    // the headline's bullets were a quote and nested lists, their markers gone from the text
    expect(html).not.toContain('<blockquote>');
    expect(html).not.toMatch(/<li>\s*<(ol|ul)/);
    for (const a of systems)
      expect(html).toContain(`<li>${a.replace('>', '&gt;')} was preferred over base`);
    // "\r" inside an axis name split its row in two; it is shown as its code point, as in the
    // table and HTML formats
    expect(html).toContain('<td>axis: per&lt;U+000D&gt;ception</td>');
  });
});

/**
 * Compiles a LaTeX report as an article's \input (booktabs, the report's one package): pdflatex's
 * log, and the PDF's text (pdftotext).
 */
function compileLatex(tex: string): { log: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ta-latex-'));
  try {
    writeFileSync(join(dir, 'body.tex'), tex);
    writeFileSync(
      join(dir, 'doc.tex'),
      '\\documentclass{article}\\usepackage{booktabs}\\begin{document}\\input{body}\\end{document}\n',
    );
    const log = execFileSync(
      'pdflatex',
      ['-interaction=nonstopmode', '-halt-on-error', 'doc.tex'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    const text = execFileSync('pdftotext', ['doc.pdf', '-'], { cwd: dir, encoding: 'utf8' });
    return { log, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a name in a LaTeX report', () => {
  const names = ['[v2] sft', 'v1--v2', '<<base>>'];
  const judges = ['*alpha', '[senior] lee', '*beta'];
  const report = () =>
    buildReport(
      tableOf(
        Array.from({ length: 12 }, (_, i) =>
          judges.map((judge, j) =>
            makeJudgment({
              item: `q${i}`,
              a: names[i % 2],
              b: names[2],
              judge,
              winner: (['a', 'b', 'tie'] as const)[(i + j) % 3],
              modality: 'why?`',
            }),
          ),
        ).flat(),
      ),
      { rounds: 20 },
    );

  it('cannot start a row with an optional argument or a starred line break, nor form a ligature', async () => {
    const tex = await formatReport(report(), 'latex');
    // a row beginning "[v2]" after \midrule or \\ stopped pdflatex; "*beta" after \\ lost its star
    expect(tex).toContain(
      '{[}v2{]} sft vs \\textless{}\\textless{}base\\textgreater{}\\textgreater{}',
    );
    expect(tex).toContain('{*}beta (human)');
    expect(tex).toContain('v1-{}-v2');
    expect(tex).toContain('modality: why?\\textasciigrave{}');
    expect(tex).not.toMatch(/(\\\\|\\midrule)\s*[[*]/);
  });

  it.skipIf(!existsSync('/usr/bin/pdflatex'))(
    'compiles with pdflatex and prints every name as given (where TeX Live is installed)',
    async () => {
      const { text } = compileLatex(await formatReport(report(), 'latex'));
      for (const n of [...names, ...judges, 'why?`']) expect(text).toContain(n);
    },
  );
});

describe('a LaTeX report in a paper', () => {
  it.skipIf(!existsSync('/usr/bin/pdflatex'))(
    "fits an article's text width with a study's model names (where TeX Live is installed)",
    async () => {
      // as a first column, the pair's names pushed the tables 220–275 pt past the text width; as
      // one heading row, a pair of 82 characters 40 pt
      const pairs = [
        ['qwen2.5-vl-7b-medtrace-sft', 'qwen2.5-vl-7b-instruct'],
        ['qwen2.5-vl-7b-medtrace-dpo', 'qwen2.5-vl-7b-instruct'],
        ['meta-llama/Llama-3.2-90B-Vision-Instruct-Turbo', 'Qwen/Qwen2.5-VL-72B-Instruct-AWQ'],
      ] as const;
      const report = buildReport(
        tableOf(
          Array.from({ length: 60 }, (_, i) =>
            pairs.flatMap(([a, b], s) =>
              ['dr-lee', 'claude-3-5-sonnet-20241022-judge'].map((judge, j) =>
                makeJudgment({
                  item: `q${i}`,
                  a,
                  b,
                  judge,
                  judge_kind: j ? 'llm' : 'human',
                  winner: (['a', 'a', 'b', 'tie'] as const)[(i * 3 + j + s) % 4],
                  // a long axis and judge ran the tables 71 and 29 pt past the width
                  axes: {
                    'clinical reasoning soundness and completeness': (['a', 'b'] as const)[i % 2]!,
                  },
                  modality: ['radiology', 'pathology', 'dermatology'][i % 3],
                  len_a: 200 + ((i * 37) % 500),
                  len_b: 300 + ((i * 11) % 400),
                }),
              ),
            ),
          ).flat(),
        ),
        { rounds: 50 },
      );
      const tex = await formatReport(report, 'latex');
      // the three tables: win rates, item-level estimates, judge competence (the first split in
      // two floats by its wrapped labels)
      for (const caption of ['Pairwise win rates', 'Item-level estimates', 'Sensitivity to judge'])
        expect(tex).toContain(`\\caption{${caption}`);
      const { log } = compileLatex(tex);
      expect(log).not.toContain('Overfull \\hbox');
      expect(log).not.toContain('Float too large');
    },
  );
});

describe('a LaTeX report of many pairs', () => {
  it.skipIf(!existsSync('/usr/bin/pdflatex'))(
    'prints every row: its tables are split to fit a page (where TeX Live is installed)',
    async () => {
      // 8 systems, every pair, two judges, two axes, two modalities: one float per table was
      // 2,192 pt taller than the page, and pdflatex dropped the rows past its foot without an error
      const systems = Array.from({ length: 8 }, (_, i) => `m${i}`);
      const pairs = systems.flatMap((a, i) => systems.slice(i + 1).map((b) => [a, b] as const));
      const report = buildReport(
        tableOf(
          Array.from({ length: 12 }, (_, i) =>
            pairs.flatMap(([a, b], s) =>
              ['h1', 'gpt'].map((judge, j) =>
                makeJudgment({
                  item: `q${i}`,
                  a,
                  b,
                  judge,
                  judge_kind: j ? 'llm' : 'human',
                  winner: (['a', 'a', 'b', 'tie'] as const)[(i + j + s) % 4],
                  axes: {
                    perception: (['a', 'b', 'tie'] as const)[(i + s) % 3]!,
                    knowledge: (['b', 'a'] as const)[(i + j) % 2]!,
                  },
                  modality: ['xray', 'ct'][i % 2],
                  len_a: 200 + ((i * 37) % 500),
                  len_b: 300 + ((i * 11) % 400),
                }),
              ),
            ),
          ).flat(),
        ),
        { rounds: 20 },
      );
      const { log, text } = compileLatex(await formatReport(report, 'latex'));
      expect(log).not.toContain('Float too large');
      expect(log).not.toContain('Overfull \\vbox');
      // each pair heads its rows in the win-rate, estimates and competence tables
      for (const [a, b] of pairs)
        expect(text.split(`${a} vs ${b}`).length - 1, `${a} vs ${b}`).toBeGreaterThanOrEqual(3);
      // and every row of the last pair's block is there: its last breakdown row is printed
      expect(text).toContain('modality: xray');
    },
  );
});

describe('a LaTeX report of many long row labels', () => {
  it.skipIf(!existsSync('/usr/bin/pdflatex'))(
    'counts a wrapped label by the lines it prints (where TeX Live is installed)',
    async () => {
      // 28 axes of 48-character names: each label wraps onto 2–3 lines, and a float counted as 30
      // source lines ran 480 pt past the page, dropping axes 21–27 and the caption
      const axes = Array.from(
        { length: 28 },
        (_, k) => `clinical reasoning soundness and completeness ${String(k).padStart(2, '0')}`,
      );
      const rows = Array.from({ length: 40 }, (_, i) =>
        ['h1', 'gpt'].map((judge, j) =>
          makeJudgment({
            item: `q${i}`,
            judge,
            judge_kind: j ? 'llm' : 'human',
            winner: (['a', 'b', 'tie'] as const)[(i + j) % 3]!,
            axes: Object.fromEntries(
              axes.map((ax, k) => [ax, (['a', 'b'] as const)[(i + k) % 2]!]),
            ),
          }),
        ),
      ).flat();
      const { log, text } = compileLatex(
        await formatReport(buildReport(tableOf(rows), { rounds: 20 }), 'latex'),
      );
      expect(log).not.toContain('Float too large');
      const flat = text.replace(/\s+/g, ' ');
      for (let k = 0; k < axes.length; k++)
        expect(flat, `axis ${k}`).toContain(`completeness ${String(k).padStart(2, '0')}`);
      expect(flat).toContain('Pairwise win rates of the first system');
    },
  );
});

describe('names that could move a terminal cursor or reverse a page', () => {
  const judgments = (a: string, judge: string) =>
    ['a', 'b', 'a', 'tie'].map((winner, k) =>
      makeJudgment({ item: `q${k}`, a, judge, winner: winner as 'a' | 'b' | 'tie' }),
    );

  it('table: control characters and overrides shown as code points; wide names aligned', async () => {
    const report = buildReport(tableOf(judgments('放射科医生-ft', 'x\u001b[2K\rFAKE')), {
      rounds: 20,
    });
    const text = await formatReport(report, 'table');
    // ESC[2K erased the line and \r returned the cursor: the row read "FAKE …"
    expect(text).not.toMatch(/[\u001b\r]/);
    expect(text).toContain('judge: x<U+001B>[2K<U+000D>FAKE');
    // a grid's lines are all as wide as a terminal draws them (CJK characters take two columns)
    const { default: stringWidth } = await import('string-width');
    const lines = text.split('\n');
    const start = lines.findIndex((l) => /^\s+n\s+wins/.test(l));
    const block = lines.slice(start, lines.indexOf('', start));
    expect(block.length).toBeGreaterThan(3);
    expect(new Set(block.map((l) => stringWidth(l))).size).toBe(1);
  });

  it('HTML: a right-to-left override in a name is shown, not obeyed', async () => {
    const report = buildReport(tableOf(judgments('abc\u202edef', 'dr-lee')), { rounds: 20 });
    const html = await formatReport(report, 'html');
    // it reversed the rest of the headline on screen: 100.0% read "%0.001"
    expect(html).not.toContain('\u202e');
    expect(html).toContain('abc&#60;U+202E&#62;def vs base');
  });

  it('Markdown: overrides and control characters shown, a dollar sign kept literal', async () => {
    const report = buildReport(tableOf(judgments('sys\u202eevil', 'ppo-$\\beta$=0.1\u0007')), {
      rounds: 20,
    });
    const md = await formatReport(report, 'markdown');
    // U+202E reversed the rest of the headline's bullet in a renderer; BEL went out raw
    expect(md).not.toMatch(/[\u202e\u0007]/);
    expect(md).toContain('sys&lt;U+202E>evil vs base');
    // a math-enabled renderer (GitHub, remark-math) set $\beta$ as math
    expect(md).toContain('ppo-\\$\\\\beta\\$=0.1&lt;U+0007>');
  });

  it('CSV: a name that a spreadsheet would run as a formula is written as text', async () => {
    const rows = [
      ...judgments('=HYPERLINK("http://x","y")', '@SUM(A1)'),
      ...judgments('+cmd|calc', '-2+3'),
    ];
    const csv = await formatReport(buildReport(tableOf(rows), { rounds: 20 }), 'csv');
    const { parse } = await import('csv-parse/sync');
    const cells = (parse(csv) as string[][]).flat();
    // Excel, LibreOffice and Sheets evaluate a cell beginning =, +, - or @
    for (const c of cells) if (!/^-?\d/.test(c)) expect(c, c).not.toMatch(/^[=+\-@]/);
    expect(cells).toContain(`'=HYPERLINK("http://x","y")`);
    expect(cells).toContain("'+cmd|calc");
    expect(cells.some((c) => c.includes("'@SUM(A1)"))).toBe(true);
  });

  it("CSV: stripping one leading ' gives every name back ('-v2 and -v2 were both written '-v2)", async () => {
    const rows = [...judgments('-v2', 'base'), ...judgments("'-v2", 'base')];
    const csv = await formatReport(buildReport(tableOf(rows), { rounds: 20 }), 'csv');
    const { parse } = await import('csv-parse/sync');
    const overall = (parse(csv, { columns: true }) as Array<Record<string, string>>).filter(
      (r) => r.breakdown === 'overall',
    );
    expect(overall.map((r) => (r.a ?? '').replace(/^'/, '')).sort()).toEqual(["'-v2", '-v2']);
  });

  it('HTML charts: one row per pair even when their labels read alike, long labels shortened in the middle', async () => {
    const long = 'llama-3-70b-sft-lora-r16-lr2e-5-epoch3-checkpoint-final';
    const rows = [
      ...['x vs y', long, long.replace('sft', 'dpo')].flatMap((a, s) =>
        ['a', 'b', 'a'].map((winner, k) =>
          makeJudgment({
            item: `q${s}-${k}`,
            a,
            b: s === 0 ? 'z' : 'base',
            winner: winner as 'a' | 'b',
            axes: { accuracy: winner as 'a' | 'b' },
          }),
        ),
      ),
      ...['a', 'b'].map((winner, k) =>
        makeJudgment({
          item: `r${k}`,
          a: 'x',
          b: 'y vs z',
          winner: winner as 'a' | 'b',
          axes: { accuracy: winner as 'a' | 'b' },
        }),
      ),
    ];
    const html = await formatReport(buildReport(tableOf(rows), { rounds: 20 }), 'html');
    const axis = html.slice(html.indexOf('Axis: accuracy'));
    const svg = axis.slice(0, axis.indexOf('</svg>'));
    // four pairs, four rows: 'x vs y' vs z and x vs 'y vs z' were one row, two dots
    expect(svg.match(/<circle/g)).toHaveLength(4);
    const ticks = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toContain('llama-3-70b-sft-l…nt-final vs base');
    expect(ticks).toContain('llama-3-70b-dpo-l…nt-final vs base');
    expect(ticks.filter((t) => t === 'x vs y vs z')).toHaveLength(2);
    // the whole label is the dot's tooltip
    expect(svg).toContain(`<title>${long} vs base</title>`);
  });
});

describe('the headline and the ranking note at the edges', () => {
  it('a pair judged all ties with ties excluded has verdicts, none decisive; one verdict is singular', async () => {
    const ties = Array.from({ length: 10 }, (_, k) =>
      makeJudgment({ item: `q${k}`, winner: 'tie' }),
    );
    const md = await formatReport(
      buildReport(tableOf(ties), { rounds: 20, ties: 'exclude' }),
      'markdown',
    );
    // it read "sft vs base: no verdicts" above a table of 10 ties
    expect(md).toContain('sft vs base: no decisive verdicts (10 ties, excluded)');
    const one = await formatReport(
      buildReport(tableOf([makeJudgment({ item: 'q1', winner: 'a' })]), { rounds: 20 }),
      'markdown',
    );
    expect(one).toContain('in 100.0% of 1 verdict (');
  });

  it('Markdown says why the ranking has no intervals, as HTML does', async () => {
    const wins = ['q1', 'q2', 'q3'].map((item) => makeJudgment({ item, winner: 'a' }));
    const report = buildReport(tableOf(wins), { rounds: 20 });
    expect(report.rankingInfo.reason).toBeTruthy();
    const md = await formatReport(report, 'markdown');
    const html = await formatReport(report, 'html');
    const ranking = md.slice(md.indexOf('## Ranking'));
    expect(ranking.slice(0, ranking.indexOf('|'))).toContain(report.rankingInfo.reason!);
    expect(html).toContain(report.rankingInfo.reason!);
    // no bootstrap ran, so no "95% clustered-bootstrap CIs, 0 rounds. fewer than 2 systems"
    expect(rankingNote(report)).toBe(`No ranking: ${report.rankingInfo.reason}.`);
    const single = buildReport(tableOf([]), { rounds: 20 });
    expect(rankingNote(single)).toBe('No ranking: fewer than 2 systems.');
  });
});

describe('Latin-1 letters OT1 lacks, and C1 control characters, in a LaTeX report', () => {
  const report = () =>
    buildReport(
      tableOf(
        Array.from({ length: 8 }, (_, i) =>
          makeJudgment({
            item: `q${i}`,
            a: 'Guðrún «sft»',
            b: 'Þórr base',
            judge: 'dr ÐÞ\u0085x',
            winner: i % 3 ? 'a' : 'b',
          }),
        ),
      ),
      { rounds: 20 },
    );

  it('sets « » Ð Þ ð þ in T1 and a C1 control as a space', async () => {
    const tex = await formatReport(report(), 'latex');
    expect(tex).toContain('Gu{\\fontencoding{T1}\\selectfont\\dh}rún');
    expect(tex).not.toMatch(/[\u0080-\u009f]/);
  });

  it.skipIf(!existsSync('/usr/bin/pdflatex'))(
    'compiles with pdflatex in its default encoding, OT1 (it stopped: "Command \\dh unavailable in encoding OT1", and at U+0085)',
    async () => {
      const { text } = compileLatex(await formatReport(report(), 'latex'));
      // OT1 builds ú from u and an accent, which pdftotext gives decomposed
      expect(text.normalize('NFC')).toContain('Guðrún');
      expect(text.normalize('NFC')).toContain('Þórr base');
    },
  );
});

describe('figures rounded for text', () => {
  it('never print an interval off ½, 0 or 1 as 50.0, 0.0 or 100.0, nor its two ends alike', () => {
    // 135 wins, 65 losses and 199,800 ties: [0.500105, 0.500245] printed "50.0–50.0%" beside p = 2.6e-6
    expect(ciText([0.500105, 0.500245])).toBe('50.01–50.02%');
    // 377 wins of 702, p = 0.0497: the lower end 0.500049 printed 50.0
    expect(ciText([0.500049, 0.573621])).toBe('50.005–57.362%');
    // 19,997 wins of 20,000 printed "100.0% (95% CI 100.0–100.0%)"
    expect([pct(0.99985), ciText([0.99954, 0.99997])]).toEqual(['99.98%', '99.954–99.997%']);
    // an AlpacaEval file found by bisection: 0.4999998524 printed "50.0000–63.5826%" beside p = 0.0500005
    expect(ciText([0.4999998524, 0.6358263])).toBe('49.99999–63.58263%');
    expect(pct(0.50000005)).toBe('50.00001%');
    expect([pct(1), ciText([0.42, 1]), ciText([0.4, 0.6])]).toEqual([
      '100.0%',
      '42.0–100.0%',
      '40.0–60.0%',
    ]);
  });

  it('keep a p-value on its side of α (0.0497 to three decimals read 0.050 in LaTeX)', () => {
    expect(pFixed(0.049694, 3, 0.05)).toBe('0.0497');
    expect(pFixed(0.04999, 4, 0.05)).toBe('0.04999');
    expect(pFixed(0.0501, 3, 0.05)).toBe('0.050');
    expect(pText(0.049996)).toBe('0.049996');
    expect(pText(0.0098, 0.01)).toBe('0.0098');
  });

  it('in the LaTeX table too', async () => {
    const judgments = Array.from({ length: 702 }, (_, i) =>
      makeJudgment({ item: `q${i}`, winner: i < 377 ? 'a' : 'b' }),
    );
    const report = buildReport(tableOf(judgments), { rounds: 20 });
    expect(report.pairs[0]!.pValue).toBeCloseTo(0.0497, 4);
    const tex = await formatReport(report, 'latex');
    expect(tex).toMatch(/^overall & 702 & 377\/325\/0 & 53\.7 & 50\.005--57\.362 & 0\.0497 \\\\$/m);
  });
});

describe('an axis named like an Object method in the HTML charts', () => {
  it('draws no row for a pair never judged on it (an axis "constructor" drew one for every pair)', async () => {
    const html = async (axis: string) => {
      const judgments = Array.from({ length: 6 }, (_, i) => [
        makeJudgment({ item: `q${i}`, a: 'sys-a', b: 'sys-b', axes: { [axis]: 'a' } }),
        makeJudgment({ item: `q${i}`, a: 'sys-c', b: 'sys-d', winner: i % 2 ? 'a' : 'b' }),
      ]).flat();
      return formatReport(buildReport(tableOf(judgments), { rounds: 20 }), 'html');
    };
    const count = (s: string) => s.split('sys-c vs sys-d').length;
    expect(count(await html('constructor'))).toBe(count(await html('perception')));
  });
});
