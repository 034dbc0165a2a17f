import {
  COMPETENCE_TITLE,
  competenceJudgesTable,
  competenceNote,
  competencePairsTable,
  competenceReason,
} from './competence-rows.ts';
import { pairEstimatesTable } from './estimates-rows.ts';
import { integrityHtml } from './format-integrity.ts';
import { ESTIMATES_NOTE, planText, provenanceText, visibleControls } from './format-words.ts';
import { type PairStats, type Report, levelPercent, rankingNote } from '../../shared/report.ts';
import { forestPlot, type ForestRow } from './charts.ts';
import {
  ciText,
  figText,
  headline,
  label,
  num,
  pairStatsTable,
  pct,
  pText,
  rankingTable,
  statsRows,
  P_TEST_NAMES,
} from './rows.ts';

function esc(s: string): string {
  return visibleControls(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function statsRow(text: string, s: PairStats): ForestRow | null {
  return s.winRate === null
    ? null
    : { label: text, estimate: s.winRate, low: s.ci?.[0] ?? null, high: s.ci?.[1] ?? null };
}

function htmlTable(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<td>${esc(c)}</td>` : `<td class="num">${esc(c)}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:1em 0}th,td{padding:3px 10px;border-bottom:1px solid #eee}th{text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}.note{color:#666;font-size:.9em}svg{max-width:100%;height:auto}
.deviation{border-left:4px solid #b00;padding:.4em .8em;background:#fff4f4}`;

/** One self-contained HTML file: tables plus SVG charts rendered on the server; no external requests. */
export function formatHtml(report: Report): string {
  const level = levelPercent(report.ci.level);
  const parts: string[] = [];
  parts.push(
    `<h1>Pairwise preference report</h1><ul>${headline(report)
      .map((h) => `<li>${esc(h)}</li>`)
      .join('')}</ul>`,
  );
  const plan = planText(report);
  if (plan)
    parts.push(
      report.plan?.deviates
        ? `<p class="deviation" role="alert"><strong>${esc(plan)}</strong></p>`
        : `<p class="note plan">${esc(plan)}</p>`,
    );
  for (const p of report.pairs) {
    parts.push(`<h2>${esc(p.a)} vs ${esc(p.b)}</h2>`);
    const rows = statsRows({ ...report, pairs: [p] }, { judges: false })
      .map((r) => statsRow(label(r), r.stats))
      .filter((r): r is ForestRow => r !== null);
    if (rows.length)
      parts.push(
        forestPlot(rows, {
          xLabel: `win rate of ${p.a}, % (${level}% CI)`,
          reference: 0.5,
          domain: [0, 1],
          percent: true,
        }),
      );
    parts.push(htmlTable(...pairStatsTable(report, p)));
    const estimates = pairEstimatesTable(report, p);
    if (estimates)
      parts.push(`<p class="note">${esc(ESTIMATES_NOTE)}</p>`, htmlTable(...estimates));
  }
  const axes = [...new Set(report.pairs.flatMap((p) => Object.keys(p.byAxis)))];
  for (const axis of axes) {
    const rows = report.pairs
      .map((p) =>
        Object.hasOwn(p.byAxis, axis) ? statsRow(`${p.a} vs ${p.b}`, p.byAxis[axis]!) : null,
      )
      .filter((r): r is ForestRow => r !== null);
    if (rows.length)
      parts.push(
        `<h2>Axis: ${esc(axis)}</h2>`,
        forestPlot(rows, {
          xLabel: `win rate on ${axis}, % (${level}% CI)`,
          reference: 0.5,
          domain: [0, 1],
          percent: true,
        }),
      );
  }
  parts.push(
    `<h2>Ranking (${esc(report.rankingInfo.model)})</h2><p class="note">${esc(rankingNote(report))}</p>`,
  );
  const ranked = report.ranking
    .filter((e) => e.score !== null)
    .map((e) => ({
      label: e.system,
      estimate: e.score as number,
      low: e.ci?.[0] ?? null,
      high: e.ci?.[1] ?? null,
    }));
  if (ranked.length)
    parts.push(forestPlot(ranked, { xLabel: 'log-strength (base = 0)', reference: 0 }));
  parts.push(htmlTable(...rankingTable(report, ' to ')));
  const pos = report.bias.position;
  parts.push('<h2>Position and length bias</h2>');
  const biasRows: ForestRow[] = [];
  if (pos.leftWinRate !== null)
    biasRows.push({
      label: 'left side wins',
      estimate: pos.leftWinRate,
      low: pos.ci?.[0] ?? null,
      high: pos.ci?.[1] ?? null,
    });
  if (pos.swap.value !== null)
    biasRows.push({
      label: 'same verdict both orders',
      estimate: pos.swap.value,
      low: null,
      high: null,
    });
  for (const b of report.bias.length.bins)
    if (b.winRate !== null)
      biasRows.push({
        label: `length: ${b.label}`,
        estimate: b.winRate,
        low: b.ci?.[0] ?? null,
        high: b.ci?.[1] ?? null,
      });
  if (biasRows.length)
    parts.push(
      forestPlot(biasRows, {
        xLabel: `rate, % (${level}% CI)`,
        reference: 0.5,
        domain: [0, 1],
        percent: true,
      }),
    );
  parts.push(
    `<p>Left side wins ${pos.leftWinRate === null ? `— (${esc(pos.reasons.leftWinRate ?? '')})` : `${pct(pos.leftWinRate)} of ${pos.leftWins + pos.rightWins} decisive verdicts (${level}% CI ${ciText(pos.ci)}, ${P_TEST_NAMES[pos.pTest]} p = ${pText(pos.pValue, 1 - report.ci.level)})`}. ` +
      `Same verdict in both display orders: ${pos.swap.value === null ? `— (${esc(pos.swap.reason ?? '')})` : `${pct(pos.swap.value)} of ${pos.swap.pairs}`}. ` +
      `Length: logistic slope ${report.bias.length.slope === null ? `— (${esc(report.bias.length.reasons.slope ?? 'no lengths')})` : `${num(report.bias.length.slope)} ± ${num(report.bias.length.slopeSe)}`} per unit of ln length ratio.</p>`,
  );
  const ag = report.agreement;
  parts.push(
    '<h2>Agreement</h2>',
    htmlTable(
      ['measure', 'value'],
      [
        ['raw agreement', figText(ag.raw)],
        ["Cohen's kappa", figText(ag.cohenKappa)],
        ["Fleiss' kappa", figText(ag.fleissKappa)],
        ["Krippendorff's alpha", figText(ag.krippendorffAlpha)],
        ['human–LLM agreement', figText(ag.humanLlm)],
      ],
    ),
  );
  const competencePairs = competencePairsTable(report);
  const competenceJudges = competenceJudgesTable(report);
  if (competencePairs && competenceJudges)
    parts.push(
      `<h2>${esc(COMPETENCE_TITLE)}</h2><p class="note">${esc(competenceNote(report))}</p>`,
      htmlTable(...competencePairs),
      htmlTable(...competenceJudges),
    );
  else if (competenceReason(report))
    parts.push(
      `<h2>${esc(COMPETENCE_TITLE)}</h2><p class="note">— (${esc(competenceReason(report) ?? '')})</p>`,
    );
  parts.push(...integrityHtml(report, esc, htmlTable));
  const provenance = provenanceText(report);
  if (provenance) parts.push(`<p class="note">${esc(provenance)}</p>`);
  parts.push(
    `<details><summary>Report JSON</summary><pre>${esc(JSON.stringify(report, null, 1))}</pre></details>`,
  );
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>TraceArena report</title><style>${STYLE}</style></head><body>${parts.join('\n')}</body></html>\n`;
}
