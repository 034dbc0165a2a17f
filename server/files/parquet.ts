import { isUtf8 } from 'node:buffer';
import { stat } from 'node:fs/promises';
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  type FileMetaData,
} from 'hyparquet';
import { FileRecordError } from './record-error.ts';
import { fileChunks, type FileRecord, type SourceTap } from './source.ts';
import { firstInvalidUtf8 } from './utf8.ts';

/**
 * A Parquet file (Hugging Face datasets ship their splits so), read with hyparquet one row group at
 * a time: memory follows the largest row group, not the file. Each row is a record whose `line` is
 * its row number (the first row is 1), so every error names `FILE:ROW: field 'column'`. Columns
 * are the record's fields; structs become objects, lists arrays, a JSON column its parsed value.
 * A null has no place in Parquet apart from absence, so null fields are left out of the record.
 */
export async function* readParquet(
  path: string,
  displayName: string,
  tap: SourceTap = {},
): AsyncGenerator<FileRecord> {
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new FileRecordError(displayName, null, `invalid Parquet: ${(err as Error).message}`);
  }
  const proto = protoColumn(metadata);
  // the reader sets each field by assignment, which drops a field named __proto__ without a word;
  // JSONL, JSON and CSV refuse the name
  if (proto !== null)
    throw new FileRecordError(displayName, null, `field '${proto}': a name other than '__proto__'`);
  const size = (await stat(path)).size;
  let rowStart = 0;
  let bytes = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await parquetReadObjects({
        file,
        metadata,
        rowStart,
        rowEnd,
        utf8: false,
        parsers: strictText,
      });
    } catch (err) {
      throw new FileRecordError(
        displayName,
        rowStart + 1,
        `invalid Parquet: the row group from this row cannot be read: ${(err as Error).message}`,
      );
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rowStart + i + 1;
      yield {
        line: row,
        value: plain(rows[i], (field, reason) => {
          throw FileRecordError.field(displayName, row, field, reason);
        }),
      };
    }
    rowStart = rowEnd;
    bytes += Number(group.total_compressed_size ?? group.total_byte_size);
    tap.onBytes?.(Math.min(bytes, size));
  }
  // the import records the file's digest: one more read, of the compressed bytes only
  if (tap.onHash) for await (const _ of fileChunks(path, { onHash: tap.onHash }));
}

/** The path of a column or struct field named `__proto__` in the file's schema, or null. */
function protoColumn(metadata: FileMetaData): string | null {
  const schema = metadata.schema;
  let next = 1;
  // the schema is the tree's elements in depth-first order, each with its count of children
  const walk = (children: number, prefix: string): string | null => {
    for (let c = 0; c < children; c++) {
      const element = schema[next++];
      if (!element) return null;
      const path = prefix ? `${prefix}.${element.name}` : element.name;
      if (element.name === '__proto__') return path;
      const found = walk(element.num_children ?? 0, path);
      if (found !== null) return found;
    }
    return null;
  };
  return walk(schema[0]?.num_children ?? 0, '');
}

type Refuse = (field: string, reason: string) => never;

/** A text cell whose bytes are not UTF-8: refused where the row is known, naming it. */
class InvalidText {
  constructor(readonly byte: number) {}
}

/**
 * Text cells decoded strictly, as the text formats are: hyparquet's decoder would turn a bad byte
 * into U+FFFD without a word. Raw byte columns stay bytes (`utf8: false`).
 */
const strictText = {
  stringFromBytes(bytes: Uint8Array | undefined) {
    if (bytes === undefined) return undefined;
    if (!isUtf8(bytes)) return new InvalidText(bytes[firstInvalidUtf8(bytes)] ?? 0);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  },
};

/**
 * A row as the plain JSON-like value the record checks expect: nulls left out, INT64 as a number
 * when it is exact, dates as ISO 8601 text; raw bytes and non-finite floats are refused.
 */
function plain(value: unknown, refuse: Refuse, path = ''): unknown {
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isSafeInteger(n))
      refuse(path, `expected an integer within ±9007199254740991; found ${value}`);
    return n;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    refuse(path, `expected a finite number; found ${value}`);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof InvalidText) {
    const byte = value.byte.toString(16).toUpperCase().padStart(2, '0');
    refuse(path, `invalid UTF-8 (byte 0x${byte})`);
  }
  if (value instanceof Uint8Array)
    refuse(
      path,
      'expected text; the column holds raw bytes (BYTE_ARRAY without a UTF8 annotation)',
    );
  if (Array.isArray(value)) return value.map((v, i) => plain(v, refuse, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      out[key] = plain(v, refuse, path ? `${path}.${key}` : key);
    }
    return out;
  }
  return value;
}
