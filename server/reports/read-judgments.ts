import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { addAlpacaEvalRecord, isAlpacaEvalRecord } from './read-alpacaeval.ts';
import { readCsv } from './read-csv.ts';
import { JudgmentsFileError } from './read-errors.ts';
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
    data = JSON.parse(await readFile(file, 'utf8'));
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
  data.forEach((record, i) => {
    if (isAlpacaEvalRecord(record)) addAlpacaEvalRecord(builder, record, displayName, i + 1);
    else addJudgmentRecord(builder, record, displayName, i + 1);
  });
  return data.length;
}

export async function readJudgmentsFile(
  file: string,
  builder: VerdictTableBuilder,
  displayName = file,
): Promise<number> {
  const format = await sniff(file);
  if (format === 'csv') return readCsv(file, builder, displayName);
  if (format === 'json') return readJsonArray(file, builder, displayName);
  return readJsonl(file, builder, displayName);
}

/** Reads one or more judgments / AlpacaEval files into one verdict table. */
export async function readJudgmentsFiles(
  files: readonly string[],
  options: { base?: string } = {},
): Promise<VerdictTable> {
  const builder = new VerdictTableBuilder(options);
  for (const file of files) await readJudgmentsFile(file, builder);
  return builder.finish();
}
