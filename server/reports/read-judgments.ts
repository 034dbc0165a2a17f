import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { FileRecordError, oneLine } from '../files/record-error.ts';
import { formatFromFileName, readRecords, type FileFormat } from '../files/read-records.ts';
import type { FileRecord } from '../files/source.ts';
import { addAlpacaEvalRecord, isAlpacaEvalRecord, skipSelfComparisons } from './read-alpacaeval.ts';
import { rowToRecord } from './read-csv-row.ts';
import { addJudgmentRecord } from './read-judgment-record.ts';
import { warnRepeatedVerdicts } from './repeated-verdicts.ts';
import {
  leaderboardReader,
  type LeaderboardOptions,
  type RecordReader,
} from './read-leaderboards.ts';
import { VerdictTableBuilder, type VerdictTable } from './verdict-table.ts';

/** The formats `stats` reads judgments from: the wing's text formats (no Parquet). */
type JudgmentsFormat = Exclude<FileFormat, 'parquet'>;

/**
 * Why a file that starts with `head` is not text `stats` can read (Parquet, gzip, UTF-16), in one
 * line saying what to do, or null. Without this their first bytes were "invalid UTF-8 (byte 0x8B)".
 */
function notText(head: Buffer): string | null {
  if (head.subarray(0, 4).toString('latin1') === 'PAR1')
    return "a Parquet file (it starts with PAR1), which stats does not read: convert it to JSONL first, e.g. with pandas (pd.read_parquet('f.parquet').to_json('f.jsonl', orient='records', lines=True)) or duckdb (COPY (FROM 'f.parquet') TO 'f.jsonl')";
  if (head[0] === 0x1f && head[1] === 0x8b)
    return 'a gzip-compressed file (it starts with bytes 1F 8B): decompress it first (gunzip, or stats <(zcat FILE))';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    const bom = head[0] === 0xff ? 'FF FE' : 'FE FF';
    return `UTF-16 text (it starts with the byte-order mark ${bom}): re-save it as UTF-8`;
  }
  return null;
}

/**
 * A `.csv` or `.jsonl` name says the format; any other file is a JSON array if it starts with `[`,
 * CSV if its first line is not a JSON object and holds a comma, else JSONL. A file that is not
 * text (Parquet, gzip, UTF-16), whatever its name, is refused naming what it is.
 */
async function sniff(file: string, name: string): Promise<JudgmentsFormat> {
  // (a regular file: position 0 is read, so a pipe must be copied first, as `stats` does)
  const fh = await open(file, 'r');
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(256), 0, 256, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const binary = notText(head);
  if (binary !== null) throw FileRecordError.field(name, 1, '(file)', binary);
  const named = formatFromFileName(file);
  if (named === 'csv' || named === 'jsonl') return named;
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('[')) return 'json';
  // a header line of names (`item,a,b,winner,…`), as standard input or a pipe gives it unnamed
  return /^[^{\n][^\n]*,/.test(text) ? 'csv' : 'jsonl';
}

/**
 * A JSON array: AlpacaEval annotations, judgments records, or a public leaderboard's records (as
 * its first record says). Errors and warnings name the record's position in the array as the line
 * (AlpacaEval files are one array, often on one line), and an instruction-less AlpacaEval record
 * is item `#position`.
 */
async function addJsonArray(
  builder: VerdictTableBuilder,
  records: AsyncIterable<FileRecord>,
  file: string,
  options: LeaderboardOptions,
): Promise<void> {
  const selves = new Map<string, { first: number; count: number }>();
  let position = 0;
  // the first record tells the format of every record (docs/judgments-files.md)
  let read: RecordReader | 'alpacaeval' | undefined;
  for await (const { value } of records) {
    position++;
    read ??=
      leaderboardReader(value, options) ??
      (isAlpacaEvalRecord(value) ? 'alpacaeval' : addJudgmentRecord);
    if (read !== 'alpacaeval') {
      read(builder, value, file, position);
      continue;
    }
    const self = addAlpacaEvalRecord(builder, value, file, position);
    if (self === null) continue;
    const seen = selves.get(self);
    if (seen) seen.count++;
    else selves.set(self, { first: position, count: 1 });
  }
  skipSelfComparisons(builder, file, selves);
}

/**
 * JSONL records as read (a public leaderboard's when the first record is one); CSV rows turned into
 * judgments records (trimmed cells, numbers, axis columns).
 */
async function addLines(
  builder: VerdictTableBuilder,
  records: AsyncIterable<FileRecord>,
  file: string,
  csv: boolean,
  options: LeaderboardOptions,
): Promise<void> {
  let read: RecordReader | undefined;
  for await (const { line, value } of records) {
    if (csv) {
      addJudgmentRecord(
        builder,
        rowToRecord(value as Record<string, string>, file, line),
        file,
        line,
      );
      continue;
    }
    read ??= leaderboardReader(value, options) ?? addJudgmentRecord;
    read(builder, value, file, line);
  }
}

/** What `stats` names as the field of a file's unreadable bytes or syntax. */
const UNREADABLE: Record<JudgmentsFormat, string> = {
  jsonl: '(line)',
  csv: '(row)',
  json: '(file)',
};

/**
 * Streams one judgments / AlpacaEval / leaderboard file into the builder (memory does not grow per
 * record). Every error names a field: `FILE:LINE: field 'x': reason`.
 */
async function readJudgmentsFile(
  path: string,
  file: string,
  builder: VerdictTableBuilder,
  options: LeaderboardOptions,
  onBytes?: (bytesRead: number) => void,
): Promise<void> {
  const format = await sniff(path, file);
  const records = readRecords(format, path, file, { onBytes });
  try {
    return format === 'json'
      ? await addJsonArray(builder, records, file, options)
      : await addLines(builder, records, file, format === 'csv', options);
  } catch (err) {
    if (!(err instanceof FileRecordError) || err.field !== null) throw err;
    throw new FileRecordError(err.file, err.line, err.reason, UNREADABLE[format]);
  }
}

/**
 * One warning per file named again (the same file on disk, by device and inode, however it is
 * spelt): its verdicts are read, and counted, once per naming. The repeated-verdicts warning says
 * the same of judgments records, but as "j.jsonl:1 repeats j.jsonl:1", and leaderboards' files are
 * not checked there.
 */
function warnFilesGivenTwice(
  builder: VerdictTableBuilder,
  files: readonly string[],
  infos: readonly Stats[],
  names: readonly string[] | undefined,
): void {
  const seen = new Map<string, string>();
  for (const [k, file] of files.entries()) {
    const info = infos[k] as Stats;
    const key = `${info.dev}:${info.ino}`;
    const name = names?.[k] ?? file;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, name);
    else
      builder.warn(
        `${name}: the same file as ${first}, given again: its verdicts are counted once more`,
      );
  }
}

/**
 * Reads one or more judgments / AlpacaEval / leaderboard files into one verdict table.
 * `onProgress` gets the bytes read so far over the total size of the files.
 */
export async function readJudgmentsFiles(
  files: readonly string[],
  options: LeaderboardOptions & {
    base?: string;
    onProgress?: (bytesRead: number, totalBytes: number) => void;
    /** What errors and warnings call each file (default: its path), e.g. a pipe read from a copy. */
    names?: readonly string[];
  } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  // one stat per file: its identity (a file given twice) and its size (progress)
  const infos = await Promise.all(files.map((f) => stat(f)));
  warnFilesGivenTwice(builder, files, infos, options.names);
  const sizes = infos.map((info) => info.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  for (const [k, file] of files.entries()) {
    const report = options.onProgress;
    await readJudgmentsFile(
      file,
      options.names?.[k] ?? file,
      builder,
      options,
      report ? (bytes) => report(before + bytes, total) : undefined,
    );
    before += sizes[k] ?? 0;
  }
  const table = builder.finish();
  warnRepeatedVerdicts(builder, table);
  return table;
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
