import { extname } from 'node:path';
import type { ImportFormat } from '../../../shared/import-records.ts';
import { readCsv } from './csv.ts';
import { readJsonArray } from './json-array.ts';
import { readJsonl } from './jsonl.ts';
import type { RawRecord, SourceTap, TextOptions } from './source.ts';

export type { RawRecord, SourceTap } from './source.ts';

const byExtension: Record<string, ImportFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
};

/** The format from the file name's extension, or null when it does not say. */
export function formatFromFileName(name: string): ImportFormat | null {
  return byExtension[extname(name).toLowerCase()] ?? null;
}

export function readRecords(
  format: ImportFormat,
  path: string,
  displayName: string,
  tap?: SourceTap,
  options?: TextOptions,
): AsyncGenerator<RawRecord> {
  switch (format) {
    case 'jsonl':
      return readJsonl(path, displayName, tap, options);
    case 'json':
      return readJsonArray(path, displayName, tap);
    case 'csv':
      return readCsv(path, displayName, tap, options);
  }
}
