import { extname } from 'node:path';
import { readCsv } from './csv.ts';
import { readJsonArray } from './json-array.ts';
import { readJsonl } from './jsonl.ts';
import { readParquet } from './parquet.ts';
import type { FileRecord, SourceTap, TextOptions } from './source.ts';

/** The formats every file reader of the server takes: imports and `stats` alike. */
export type FileFormat = 'jsonl' | 'json' | 'csv' | 'parquet';

const byExtension: Record<string, FileFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.parquet': 'parquet',
};

/** The format from the file name's extension, or null when it does not say. */
export function formatFromFileName(name: string): FileFormat | null {
  return byExtension[extname(name).toLowerCase()] ?? null;
}

/**
 * A file's records as `{line, value}`, streamed: each names the line it starts on (a Parquet row its
 * row number), and anything unreadable (bad bytes, bad syntax, an over-long line) is a
 * FileRecordError naming its line.
 */
export function readRecords(
  format: FileFormat,
  path: string,
  displayName: string,
  tap?: SourceTap,
  options?: TextOptions,
): AsyncGenerator<FileRecord> {
  switch (format) {
    case 'jsonl':
      return readJsonl(path, displayName, tap, options);
    case 'json':
      return readJsonArray(path, displayName, tap);
    case 'csv':
      return readCsv(path, displayName, tap, options);
    case 'parquet':
      return readParquet(path, displayName, tap);
  }
}
