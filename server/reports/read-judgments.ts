import { open, readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { addAlpacaEvalRecord, isAlpacaEvalRecord, skipSelfComparisons } from './read-alpacaeval.ts';
import { readCsv } from './read-csv.ts';
import { JudgmentsFileError, oneLine } from './read-errors.ts';
import { addJudgmentRecord, readJsonl } from './read-jsonl.ts';
import { VerdictTableBuilder, type VerdictTable } from './verdict-table.ts';

export type JudgmentsFormat = 'jsonl' | 'csv' | 'json';

async function sniff(file: string): Promise<JudgmentsFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  const fh = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(256), 0, 256, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return head.startsWith('[') ? 'json' : 'jsonl';
  } finally {
    await fh.close();
  }
}

/**
 * A JSON array: AlpacaEval annotations or judgments records. Read whole (AlpacaEval files are a
 * few megabytes); errors name the record's position in the array as the line.
 */
async function readJsonArray(
  file: string,
  builder: VerdictTableBuilder,
  displayName: string,
): Promise<number> {
  let data: unknown;
  try {
    // without a UTF-8 byte-order mark, which JSON.parse refuses
    data = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new JudgmentsFileError(
      displayName,
      1,
      '(file)',
      `invalid JSON: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(data))
    throw new JudgmentsFileError(displayName, 1, '(file)', 'expected a JSON array of records');
  const selves = new Map<string, { first: number; count: number }>();
  data.forEach((record, i) => {
    if (!isAlpacaEvalRecord(record)) {
      addJudgmentRecord(builder, record, displayName, i + 1);
      return;
    }
    const self = addAlpacaEvalRecord(builder, record, displayName, i + 1);
    if (self === null) return;
    const seen = selves.get(self);
    if (seen) seen.count++;
    else selves.set(self, { first: i + 1, count: 1 });
  });
  skipSelfComparisons(builder, displayName, selves);
  return data.length;
}

export async function readJudgmentsFile(
  file: string,
  builder: VerdictTableBuilder,
  displayName = file,
  onBytes?: (bytesRead: number) => void,
): Promise<number> {
  const format = await sniff(file);
  let records: number;
  if (format === 'csv') records = await readCsv(file, builder, displayName);
  else if (format === 'json') records = await readJsonArray(file, builder, displayName);
  else return readJsonl(file, builder, displayName, onBytes);
  onBytes?.((await stat(file)).size);
  return records;
}

/**
 * Reads one or more judgments / AlpacaEval files into one verdict table. `onProgress` gets the
 * bytes read so far over the total size of the files.
 */
export async function readJudgmentsFiles(
  files: readonly string[],
  options: { base?: string; onProgress?: (bytesRead: number, totalBytes: number) => void } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  const sizes = options.onProgress
    ? await Promise.all(files.map(async (f) => (await stat(f)).size))
    : [];
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  for (const [k, file] of files.entries()) {
    const report = options.onProgress;
    await readJudgmentsFile(
      file,
      builder,
      file,
      report ? (bytes) => report(before + bytes, total) : undefined,
    );
    before += sizes[k] ?? 0;
  }
  return builder.finish();
}

/**
 * Why `stats` has nothing to report, or null when some verdict was read: every record skipped (an
 * AlpacaEval reference model's own file, failed annotations) or no records at all. One line.
 */
export function noVerdictsReason(table: VerdictTable, files: readonly string[]): string | null {
  if (table.length > 0) return null;
  const warnings = table.warnings;
  if (table.skipped === 0)
    return oneLine(
      `no verdicts to report: ${files.join(', ')} ${files.length === 1 ? 'holds' : 'hold'} no records`,
    );
  const first = warnings[0] ?? `${table.skipped} records skipped`;
  const more = warnings.length > 1 ? ` (and ${table.skipped} records skipped in all)` : '';
  return oneLine(`no verdicts to report: ${first}${more}`);
}
