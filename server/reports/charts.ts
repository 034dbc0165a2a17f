import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { visibleControls } from './format-words.ts';

/** One interval row of a forest plot. */
export interface ForestRow {
  label: string;
  estimate: number;
  low: number | null;
  high: number | null;
}

let documentCache: Document | undefined;
function serverDocument(): Document {
  // Plot draws into a DOM; linkedom provides a small one on the server, so the SVG is inlined in
  // the HTML report and the file makes no requests when opened.
  documentCache ??= parseHTML('<!doctype html><html><head></head><body></body></html>')
    .document as unknown as Document;
  return documentCache;
}

/**
 * Characters of a chart's row label that fit its 220-pixel margin at Plot's 10-pixel font (about
 * 6 pixels a character).
 */
const LABEL_CHARS = 34;

/** A label that fits the margin: its start and end, joined by an ellipsis, where it is too long. */
export function shortLabel(label: string): string {
  const chars = [...label];
  if (chars.length <= LABEL_CHARS) return label;
  const head = Math.ceil((LABEL_CHARS - 1) / 2);
  const tail = LABEL_CHARS - 1 - head;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

function render(chart: (SVGSVGElement | HTMLElement) & { outerHTML: string }): string {
  return chart.outerHTML;
}

/** Horizontal forest plot: a dot per estimate, a rule per CI, a dashed reference line. */
export function forestPlot(
  input: ForestRow[],
  options: { xLabel: string; reference: number; domain?: [number, number]; percent?: boolean },
): string {
  // Percentages are drawn on a 0–100 scale (the data are proportions).
  const k = options.percent ? 100 : 1;
  const rows = input.map((r, i) => ({
    i,
    label: r.label,
    estimate: r.estimate * k,
    low: r.low === null ? null : r.low * k,
    high: r.high === null ? null : r.high * k,
  }));
  const domain = options.domain
    ? ([options.domain[0] * k, options.domain[1] * k] as [number, number])
    : undefined;
  const withCi = rows.filter((r) => r.low !== null && r.high !== null);
  // rows are keyed by position, not label: two pairs whose "a vs b" read alike ('x vs y' and 'z'
  // against 'x' and 'y vs z') were drawn on one row; a long label is shortened in its middle, so
  // labels that share a long prefix or suffix stay apart, and the dot's tooltip gives it whole
  const labels = rows.map((r) => visibleControls(r.label));
  const chart = Plot.plot({
    document: serverDocument(),
    width: 720,
    height: 50 + rows.length * 28,
    marginLeft: 220,
    marginRight: 60,
    x: { label: visibleControls(options.xLabel), domain, grid: true, nice: !domain },
    y: {
      type: 'point',
      label: null,
      domain: rows.map((_, i) => i),
      tickFormat: (i: number) => shortLabel(labels[i] as string),
    },
    marks: [
      Plot.ruleX([options.reference * k], { stroke: '#999', strokeDasharray: '4,3' }),
      Plot.ruleY(withCi, { y: 'i', x1: 'low', x2: 'high', stroke: '#1f5fa8', strokeWidth: 2 }),
      Plot.dot(rows, {
        x: 'estimate',
        y: 'i',
        fill: '#1f5fa8',
        r: 4,
        title: (r: (typeof rows)[number]) => labels[r.i],
      }),
      Plot.text(rows, {
        x: 'estimate',
        y: 'i',
        text: (r: { estimate: number }) =>
          options.percent ? `${r.estimate.toFixed(1)}%` : r.estimate.toFixed(2),
        dy: -10,
        fill: '#444',
        fontSize: 10,
      }),
    ],
  });
  return render(chart as unknown as SVGSVGElement & { outerHTML: string });
}
