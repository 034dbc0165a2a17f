import {
  csvRowToItemRecord,
  csvRowToOutputRecord,
  detectKind,
  parseItemRecord,
  parseOutputRecord,
  type ImportFormat,
  type ImportKind,
  type ItemRecord,
  type OutputRecord,
} from '../../shared/import-records.ts';
import { unstorableTextReason } from '../../shared/text.ts';
import { FileRecordError } from '../files/record-error.ts';
import type { FileRecord } from '../files/source.ts';

export type TypedRecord =
  | { kind: 'items'; line: number; record: ItemRecord }
  | { kind: 'outputs'; line: number; record: OutputRecord & { system: string } };

export interface RecordContext {
  displayName: string;
  format: ImportFormat;
  kind?: ImportKind;
  system?: string;
}

/**
 * How deeply a record may nest (the record itself is level 1). JSON.parse copes with any depth,
 * but recursive walkers (zod, jsonb comparison, JSON.stringify on the way to the database) overflow
 * the stack near 10,000 levels; 32 leaves ample room for real metadata.
 */
export const MAX_RECORD_DEPTH = 32;

/**
 * Why a string cannot be stored as PostgreSQL text (NUL, a lone UTF-16 surrogate), or null: the
 * one check every text field entering the database goes through (shared/text.ts).
 */
export const textProblem = unstorableTextReason;

/**
 * The first thing in a parsed value that cannot be imported, as a field and what was expected:
 * nesting deeper than MAX_RECORD_DEPTH (named by its top-level field), NUL or a lone surrogate in
 * any string or key (PostgreSQL text cannot hold NUL; a lone surrogate would be stored as U+FFFD),
 * or a `__proto__` key (zod would drop it without a word, so an output for a system named
 * `__proto__` would vanish). Iterative, so no depth of input can overflow the stack.
 */
export function findUnstorable(value: unknown): { field: string; expected: string } | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop() as (typeof stack)[number];
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return { field: path || '(record)', expected: problem };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth + 1 > MAX_RECORD_DEPTH) {
      const top = /^[^.[]*/.exec(path)?.[0] || '(record)';
      return { field: top, expected: `nested deeper than ${MAX_RECORD_DEPTH} levels` };
    }
    // pushed in reverse, so the first field in the record is reported first
    const children: Array<{ value: unknown; path: string; depth: number }> = [];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        children.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else {
      for (const [k, child] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (k === '__proto__') return { field: at, expected: "a name other than '__proto__'" };
        const keyProblem = textProblem(k);
        if (keyProblem) return { field: at, expected: keyProblem };
        children.push({ value: child, path: at, depth: depth + 1 });
      }
    }
    for (let i = children.length - 1; i >= 0; i--)
      stack.push(children[i] as (typeof children)[number]);
  }
  return null;
}

/** Decides the file's kind on its first record unless the caller named it. */
export function resolveKind(raw: FileRecord, ctx: RecordContext): ImportKind {
  if (ctx.kind) return ctx.kind;
  const fields =
    raw.value && typeof raw.value === 'object' && !Array.isArray(raw.value)
      ? Object.keys(raw.value)
      : [];
  const kind = detectKind(fields);
  if (!kind) {
    throw new FileRecordError(
      ctx.displayName,
      raw.line,
      'cannot tell an item file (with id, question) from an output file (with item, trace); name it with --kind',
    );
  }
  return kind;
}

/** Validates one raw record of a file of the given kind: a typed record, or an FileRecordError. */
export function typeRecord(raw: FileRecord, kind: ImportKind, ctx: RecordContext): TypedRecord {
  const csv = ctx.format === 'csv';
  const row = raw.value as Record<string, string>;
  const fail = (problem: { field: string; expected: string }) =>
    FileRecordError.field(ctx.displayName, raw.line, problem.field, problem.expected);
  // before any recursive walk: JSON values as read, CSV records once their cells are parsed
  const rawProblem = csv ? null : findUnstorable(raw.value);
  if (rawProblem) throw fail(rawProblem);
  if (kind === 'items') {
    const parsed = csv ? csvRowToItemRecord(row) : parseItemRecord(raw.value);
    if (!parsed.ok) throw fail(parsed.problem);
    const problem = csv ? findUnstorable(parsed.record) : null;
    if (problem) throw fail(problem);
    return { kind, line: raw.line, record: parsed.record };
  }
  const parsed = csv ? csvRowToOutputRecord(row) : parseOutputRecord(raw.value);
  if (!parsed.ok) throw fail(parsed.problem);
  const problem = csv ? findUnstorable(parsed.record) : null;
  if (problem) throw fail(problem);
  const system = parsed.record.system ?? ctx.system;
  if (!system) {
    throw FileRecordError.field(
      ctx.displayName,
      raw.line,
      'system',
      'expected a system name (or name it with --system)',
    );
  }
  return { kind, line: raw.line, record: { ...parsed.record, system } };
}
