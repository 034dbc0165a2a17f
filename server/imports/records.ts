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
import { ImportError } from './import-error.ts';
import type { RawRecord } from './readers/index.ts';

export type TypedRecord =
  | { kind: 'items'; line: number; record: ItemRecord }
  | { kind: 'outputs'; line: number; record: OutputRecord & { system: string } };

export interface RecordContext {
  displayName: string;
  format: ImportFormat;
  kind?: ImportKind;
  system?: string;
}

/** PostgreSQL text cannot hold NUL; find the first string that does, as a field path. */
function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(k, path ? `${path}.${k}` : k) ?? findNul(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * The path of a `__proto__` key in a parsed JSON value, if any: zod would drop it without a word
 * (an output for a system named `__proto__` would vanish), so the import refuses it.
 */
function findProtoKey(value: unknown, path: string): string | null {
  if (!value || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findProtoKey(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (k === '__proto__') return at;
    const hit = findProtoKey(v, at);
    if (hit) return hit;
  }
  return null;
}

/** Decides the file's kind on its first record unless the caller named it. */
export function resolveKind(raw: RawRecord, ctx: RecordContext): ImportKind {
  if (ctx.kind) return ctx.kind;
  const fields =
    raw.value && typeof raw.value === 'object' && !Array.isArray(raw.value)
      ? Object.keys(raw.value)
      : [];
  const kind = detectKind(fields);
  if (!kind) {
    throw new ImportError(
      ctx.displayName,
      raw.line,
      'cannot tell an item file (with id, question) from an output file (with item, trace); name it with --kind',
    );
  }
  return kind;
}

/** Validates one raw record of a file of the given kind: a typed record, or an ImportError. */
export function typeRecord(raw: RawRecord, kind: ImportKind, ctx: RecordContext): TypedRecord {
  const csv = ctx.format === 'csv';
  const row = raw.value as Record<string, string>;
  const proto = csv ? null : findProtoKey(raw.value, '');
  if (proto)
    throw ImportError.field(ctx.displayName, raw.line, proto, "a name other than '__proto__'");
  if (kind === 'items') {
    const parsed = csv ? csvRowToItemRecord(row) : parseItemRecord(raw.value);
    if (!parsed.ok)
      throw ImportError.field(
        ctx.displayName,
        raw.line,
        parsed.problem.field,
        parsed.problem.expected,
      );
    const nul = findNul(parsed.record, '');
    if (nul)
      throw ImportError.field(
        ctx.displayName,
        raw.line,
        nul,
        'expected text without NUL (\\u0000) characters',
      );
    return { kind, line: raw.line, record: parsed.record };
  }
  const parsed = csv ? csvRowToOutputRecord(row) : parseOutputRecord(raw.value);
  if (!parsed.ok)
    throw ImportError.field(
      ctx.displayName,
      raw.line,
      parsed.problem.field,
      parsed.problem.expected,
    );
  const system = parsed.record.system ?? ctx.system;
  if (!system) {
    throw ImportError.field(
      ctx.displayName,
      raw.line,
      'system',
      'expected a system name (or name it with --system)',
    );
  }
  const nul = findNul(parsed.record, '');
  if (nul)
    throw ImportError.field(
      ctx.displayName,
      raw.line,
      nul,
      'expected text without NUL (\\u0000) characters',
    );
  return { kind, line: raw.line, record: { ...parsed.record, system } };
}
