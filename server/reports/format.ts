import { reportSchema, type Report } from '../../shared/report.ts';
import { formatCsv } from './format-csv.ts';
import { formatLatex } from './format-latex.ts';
import { formatMarkdown } from './format-markdown.ts';
import { formatTable } from './format-table.ts';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'markdown', 'latex', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report as text; the HTML format's charting modules are loaded only when it is asked for. */
export async function formatReport(report: Report, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(reportSchema.parse(report), null, 2)}\n`;
    case 'csv':
      return formatCsv(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'latex':
      return formatLatex(report);
    case 'html':
      return (await import('./format-html.ts')).formatHtml(report);
    case 'table':
      return formatTable(report);
  }
}
