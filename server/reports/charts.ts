import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

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
  const rows = input.map((r) => ({
    label: r.label,
    estimate: r.estimate * k,
    low: r.low === null ? null : r.low * k,
    high: r.high === null ? null : r.high * k,
  }));
  const domain = options.domain
    ? ([options.domain[0] * k, options.domain[1] * k] as [number, number])
    : undefined;
  const withCi = rows.filter((r) => r.low !== null && r.high !== null);
  const chart = Plot.plot({
    document: serverDocument(),
    width: 720,
    height: 50 + rows.length * 28,
    marginLeft: 220,
    marginRight: 60,
    x: { label: options.xLabel, domain, grid: true, nice: !domain },
    y: { label: null, domain: rows.map((r) => r.label) },
    marks: [
      Plot.ruleX([options.reference * k], { stroke: '#999', strokeDasharray: '4,3' }),
      Plot.ruleY(withCi, { y: 'label', x1: 'low', x2: 'high', stroke: '#1f5fa8', strokeWidth: 2 }),
      Plot.dot(rows, { x: 'estimate', y: 'label', fill: '#1f5fa8', r: 4 }),
      Plot.text(rows, {
        x: 'estimate',
        y: 'label',
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
