import { dirname } from 'node:path';
import {
  systemNameSchema,
  type ImportFormat,
  type ImportKind,
} from '../../shared/import-records.ts';
import { checkImage } from './images.ts';
import { FileRecordError } from '../files/record-error.ts';
import { readRecords } from '../files/read-records.ts';
import { resolveKind, typeRecord, type RecordContext, type TypedRecord } from './records.ts';

export interface ValidationSummary {
  kind: ImportKind;
  format: ImportFormat;
  records: number;
  items: number;
  outputs: number;
  images: number;
  systems: string[];
  sha256: string;
}

export interface ValidateOptions extends RecordContext {
  path: string;
  onBytes?: (bytesRead: number) => void;
  /** Each record once it has passed every check (the import stages it for the merge). */
  onRecord?: (record: TypedRecord) => Promise<void>;
}

/**
 * `--system` read as a record's system name is (shared/import-records.ts): trimmed and in NFC, so
 * that ' sft' beside a file is the system 'sft' its item file named; blank or holding a control
 * character, refused before the file is read.
 */
function systemOption({ system, displayName }: ValidateOptions): string | undefined {
  if (system === undefined) return undefined;
  const parsed = systemNameSchema.safeParse(system);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'expected a system name';
  throw new FileRecordError(displayName, null, `--system: ${message}`);
}

/**
 * Streams the whole file and checks every record (fields, duplicates, images) without touching the
 * database; each record that passes goes to `onRecord`. A bad record throws a FileRecordError
 * naming its line.
 */
export async function validateFile(given: ValidateOptions): Promise<ValidationSummary> {
  const options = { ...given, system: systemOption(given) };
  const { path, displayName } = options;
  const baseDir = dirname(path);
  let kind: ImportKind | undefined = options.kind;
  let sha256 = '';
  let records = 0;
  let outputs = 0;
  let images = 0;
  const systems = new Set<string>();
  // id → first line: 450k short strings fit comfortably; the records themselves are not kept
  const seen = new Map<string, number>();

  if (kind === 'items' && options.system) {
    throw new FileRecordError(
      displayName,
      null,
      '--system applies to output files only (item files name systems in outputs)',
    );
  }

  const tap = { onBytes: options.onBytes, onHash: (h: string) => (sha256 = h) };
  for await (const raw of readRecords(options.format, path, displayName, tap)) {
    if (!kind) {
      kind = resolveKind(raw, options);
      if (kind === 'items' && options.system) {
        throw new FileRecordError(
          displayName,
          null,
          '--system applies to output files only (item files name systems in outputs)',
        );
      }
    }
    const typed = typeRecord(raw, kind, options);
    records++;
    if (typed.kind === 'items') {
      const { record } = typed;
      const previous = seen.get(record.id);
      if (previous !== undefined) {
        throw FileRecordError.field(
          displayName,
          raw.line,
          'id',
          `duplicate id '${record.id}' (first on line ${previous})`,
        );
      }
      seen.set(record.id, raw.line);
      for (let i = 0; i < record.images.length; i++) {
        const check = await checkImage(record.images[i] as string, baseDir);
        if (!check.ok)
          throw FileRecordError.field(displayName, raw.line, `images[${i}]`, check.expected);
        images++;
      }
      for (const system of Object.keys(record.outputs)) {
        systems.add(system);
        outputs++;
      }
    } else {
      const { record } = typed;
      const key = `${record.item}\u0000${record.system}`;
      const previous = seen.get(key);
      if (previous !== undefined) {
        throw FileRecordError.field(
          displayName,
          raw.line,
          'item',
          `duplicate output for item '${record.item}' and system '${record.system}' (first on line ${previous})`,
        );
      }
      seen.set(key, raw.line);
      systems.add(record.system);
      outputs++;
    }
    await options.onRecord?.(typed);
  }
  if (!kind) throw new FileRecordError(displayName, null, 'the file holds no records');
  return {
    kind,
    format: options.format,
    records,
    items: kind === 'items' ? records : 0,
    outputs,
    images,
    systems: [...systems].sort(),
    sha256,
  };
}
