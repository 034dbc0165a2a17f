import { z } from 'zod';
import { canonicalName, storableText, unstorableTextReason } from './text.ts';

/**
 * Import records (docs/import-formats.md). The same shapes come from
 * JSONL, JSON arrays and CSV; CSV rows are first turned into these objects by `csvRowTo*`.
 */

export const importFormats = ['jsonl', 'json', 'csv', 'parquet'] as const;
export const importFormatSchema = z.enum(importFormats);
export type ImportFormat = z.infer<typeof importFormatSchema>;

export const importKinds = ['items', 'outputs'] as const;
export const importKindSchema = z.enum(importKinds);
export type ImportKind = z.infer<typeof importKindSchema>;

const NON_EMPTY = 'expected a non-empty string';

const nonEmptyString = z
  .string({ error: NON_EMPTY })
  .refine((s) => s.trim().length > 0, { error: NON_EMPTY });

/**
 * Why `name` (an item id, a system name) cannot be one: a control character (a newline, a tab…),
 * which would split a report's lines; null if it can.
 */
function nameProblem(name: string): string | null {
  // NUL and lone surrogates, as every stored text (shared/text.ts)
  const unstorable = unstorableTextReason(name);
  if (unstorable) return unstorable;
  const m = /\p{Cc}/u.exec(name);
  if (!m) return null;
  const code = (m[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
  return `a name without control characters (U+${code} at ${m.index + 1})`;
}

/**
 * A name, trimmed and in Unicode NFC as `stats` reads the names of a judgments file (canonicalName),
 * so a study's export reads back as the same items and systems: 'sft ' is 'sft'.
 */
const nameSchema = (error: string) =>
  z
    .string({ error })
    .refine((s) => s.trim().length > 0, { error })
    .superRefine((s, ctx) => {
      const problem = nameProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(canonicalName);

/** A system's name, in a record or given beside a file (`import --system`). */
export const systemNameSchema = nameSchema(NON_EMPTY);

const PROTO = "a name other than '__proto__'";

/**
 * A judge's name (an invite, by the CLI or HTTP): trimmed and in NFC, not empty, without control characters,
 * and not `__proto__`, as a report key must be (shared/judgments.ts), so that a study's report
 * and `stats` on its export see the same judges: ' plain ' and 'plain' are one name.
 */
export const judgeNameSchema = nameSchema(NON_EMPTY)
  .refine((s) => s !== '__proto__', { error: PROTO })
  .refine((s) => s.length <= 200, { error: 'at most 200 characters' })
  // reports key judges by name, and an LLM judge's is provider:model (server/llm/config.ts judgeName)
  .refine((s) => !/^(openai|anthropic):/.test(s), {
    error: "a name not beginning 'openai:' or 'anthropic:' (those name LLM judges)",
  });

/**
 * A model an LLM run asks (`judge --model`, the start-run body): not empty, at most 200 characters,
 * without control characters, and read as a judge's name is (trimmed, in NFC), since it becomes
 * the LLM judge's name `provider:model`: 'm ' and 'm' were two judges in a study's report and one
 * in `stats` on its export.
 */
export const modelNameSchema = storableText()
  .min(1)
  .max(200)
  .superRefine((s, ctx) => {
    const problem = nameProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(canonicalName)
  .refine((s) => s.length > 0, { error: 'expected a non-empty value' });

/** Ids may be written as integers (`17`), stored as their decimal string (`"17"`). */
const idSchema = z.preprocess(
  (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v),
  nameSchema('expected a non-empty string (or an integer)'),
);

/** null and absent mean the same for optional fields. */
const optionalText = z
  .string({ error: 'expected a string or null' })
  .nullish()
  .transform((v) => (v === undefined || v === null || v === '' ? null : v));

const metadataSchema = z
  .record(z.string(), z.unknown(), { error: 'expected an object' })
  .optional()
  .transform((v) => v ?? {});

export const outputBodySchema = z.strictObject(
  {
    trace: z.string({ error: 'expected a string' }),
    answer: z
      .string({ error: 'expected a string' })
      .nullish()
      .transform((v) => v ?? ''),
  },
  { error: 'expected an object {"trace", "answer"}' },
);

export const itemRecordSchema = z.strictObject({
  id: idSchema,
  question: nonEmptyString,
  images: z
    .array(nonEmptyString, { error: 'expected an array of image paths or data: URIs' })
    .optional()
    .transform((v) => v ?? []),
  reference: optionalText,
  // a report key, like a judge's name: trimmed and in NFC (blank is none), no control characters,
  // no __proto__
  modality: z
    .string({ error: 'expected a string or null' })
    .nullish()
    .superRefine((v, ctx) => {
      const problem = v ? nameProblem(v) : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((v) => (v ? canonicalName(v) : '') || null)
    .refine((v) => v !== '__proto__', { error: PROTO }),
  metadata: metadataSchema,
  outputs: z
    .record(nonEmptyString, outputBodySchema, {
      error: 'expected an object mapping system names to outputs',
    })
    .optional()
    .transform((v) => v ?? {}),
});
export type ItemRecord = z.output<typeof itemRecordSchema>;

export const outputRecordSchema = z.strictObject({
  item: idSchema,
  system: systemNameSchema.optional(),
  trace: z.string({ error: 'expected a string' }),
  answer: z
    .string({ error: 'expected a string' })
    .nullish()
    .transform((v) => v ?? ''),
});
export type OutputRecord = z.output<typeof outputRecordSchema>;

const ITEM_FIELDS = ['id', 'question', 'images', 'reference', 'modality', 'metadata', 'outputs'];
const OUTPUT_FIELDS = ['item', 'system', 'trace', 'answer'];
const OUTPUT_BODY_FIELDS = ['trace', 'answer'];
/** Fields where null would silently mean "absent": refused, so a broken export is noticed. */
const NOT_NULL: Record<string, string> = {
  images: 'expected an array of image paths or data: URIs',
  metadata: 'expected an object',
  outputs: 'expected an object mapping system names to outputs',
};

/**
 * The candidate closest to `name` by Levenshtein distance, if close enough to be a likely typo
 * (at most 2 edits, and fewer than half of the name's characters); null otherwise.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.min(2, Math.ceil(name.length / 2) - 1);
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate, limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, or more than `limit` as soon as it is sure to exceed it. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function unknownField(
  field: string,
  candidates: Iterable<string>,
  otherwise: string,
): Parsed<never> {
  const name = field.slice(field.lastIndexOf('.') + 1);
  const suggestion = closestName(name, candidates);
  return {
    ok: false,
    problem: {
      field,
      expected: suggestion ? `unknown field; did you mean '${suggestion}'?` : otherwise,
    },
  };
}

/** A problem with one record: the field (as `images[0]`, `outputs.base.trace`) and what was expected. */
export interface RecordProblem {
  field: string;
  expected: string;
}

export type Parsed<T> = { ok: true; record: T } | { ok: false; problem: RecordProblem };

export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function fromZod<T>(
  result: { success: true; data: T } | { success: false; error: z.ZodError },
): Parsed<T> {
  if (result.success) return { ok: true, record: result.data };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, problem: { field: '(record)', expected: 'a valid record' } };
  // unknown keys, top-level and in outputs, are refused (with a suggestion) before zod
  return {
    ok: false,
    problem: { field: formatFieldPath(issue.path) || '(record)', expected: issue.message },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates an item record. Metadata comes only from the `metadata` key: any other unknown field
 * is refused (with the known field it most resembles), so a misspelt `outputs` is never stored
 * as metadata.
 */
export function parseItemRecord(value: unknown): Parsed<ItemRecord> {
  if (!isPlainObject(value))
    return { ok: false, problem: { field: '(record)', expected: 'expected a JSON object' } };
  for (const [key, v] of Object.entries(value)) {
    if (!ITEM_FIELDS.includes(key))
      return unknownField(
        key,
        ITEM_FIELDS,
        `unknown field (item records have ${ITEM_FIELDS.join(', ')}; put other data under metadata)`,
      );
    const expected = NOT_NULL[key];
    if (v === null && expected)
      return {
        ok: false,
        problem: { field: key, expected: `${expected} (null is not allowed; leave it out)` },
      };
  }
  const outputs = isPlainObject(value.outputs) ? value.outputs : {};
  const systems = new Map<string, string>();
  for (const [system, body] of Object.entries(outputs)) {
    const problem = nameProblem(system);
    if (problem) return { ok: false, problem: { field: `outputs.${system}`, expected: problem } };
    const same = systems.get(canonicalName(system));
    if (same !== undefined)
      return {
        ok: false,
        problem: {
          field: `outputs.${system}`,
          expected: `the same system as '${same}' once trimmed and in Unicode NFC`,
        },
      };
    systems.set(canonicalName(system), system);
    // an unknown key of an output, before zod says its trace is missing
    if (isPlainObject(body))
      for (const key of Object.keys(body))
        if (!OUTPUT_BODY_FIELDS.includes(key))
          return unknownField(
            `outputs.${system}.${key}`,
            OUTPUT_BODY_FIELDS,
            'unknown field (expected only trace and answer)',
          );
  }
  const parsed = fromZod(itemRecordSchema.safeParse(value));
  if (parsed.ok)
    parsed.record.outputs = Object.fromEntries(
      Object.entries(parsed.record.outputs).map(([system, body]) => [canonicalName(system), body]),
    );
  return parsed;
}

/** Validates an output record; output records have no metadata, so unknown fields are an error. */
export function parseOutputRecord(value: unknown): Parsed<OutputRecord> {
  if (!isPlainObject(value))
    return { ok: false, problem: { field: '(record)', expected: 'expected a JSON object' } };
  for (const key of Object.keys(value)) {
    if (!OUTPUT_FIELDS.includes(key))
      return unknownField(
        key,
        OUTPUT_FIELDS,
        'unknown field (output records have item, system, trace, answer)',
      );
  }
  return fromZod(outputRecordSchema.safeParse(value));
}

/** Item file or output file, from one record's fields. */
export function detectKind(fields: Iterable<string>): ImportKind | null {
  const set = new Set(fields);
  if (set.has('item') && set.has('trace') && !set.has('question')) return 'outputs';
  if (set.has('id') || set.has('question')) return 'items';
  return null;
}

/** Separator of several image paths in one CSV cell. */
export const CSV_IMAGE_SEPARATOR = '|';

/** zod drops a `__proto__` key without a word, so the readers refuse it by name. */
function protoProblem(field: string): Parsed<never> {
  return { ok: false, problem: { field, expected: PROTO } };
}

const CSV_ITEM_COLUMNS = ['id', 'question', 'images', 'reference', 'modality', 'metadata'];
const CSV_OUTPUT_COLUMN = /^outputs\.(.+)\.(trace|answer)$/;

/** Why a CSV item column is not one we know, with the column it most resembles. */
function unknownItemColumn(column: string): Parsed<never> {
  const parts = column.split('.');
  const candidates = [...CSV_ITEM_COLUMNS];
  if (parts.length >= 3) {
    const system = parts.slice(1, -1).join('.');
    candidates.push(`outputs.${system}.trace`, `outputs.${system}.answer`);
  }
  const suggestion = closestName(column, candidates);
  if (suggestion)
    return {
      ok: false,
      problem: { field: column, expected: `unknown field; did you mean '${suggestion}'?` },
    };
  if (column === 'outputs' || column.startsWith('outputs.'))
    return {
      ok: false,
      problem: {
        field: column,
        expected: 'unknown field (expected outputs.SYSTEM.trace or outputs.SYSTEM.answer)',
      },
    };
  return {
    ok: false,
    problem: {
      field: column,
      expected: `unknown field (item columns are ${CSV_ITEM_COLUMNS.join(', ')}, metadata.KEY, outputs.SYSTEM.trace, outputs.SYSTEM.answer; did you mean 'metadata.${column}'?)`,
    },
  };
}

/**
 * A metadata key given by both the `metadata` column's JSON and a `metadata.KEY` column: refused,
 * as a column named twice is (the value kept depended on the columns' order).
 */
function metadataTwice(key: string): Parsed<ItemRecord> {
  return {
    ok: false,
    problem: {
      field: `metadata.${key}`,
      expected: `set twice, by the metadata column and by the metadata.${key} column: give it once`,
    },
  };
}

/**
 * A CSV row of an item file as a record: empty cells are absent; `images` is split on `|`;
 * `metadata` holds a JSON object and `metadata.KEY` columns set one key; `outputs.SYSTEM.trace` /
 * `outputs.SYSTEM.answer` columns make the embedded outputs. Any other column is refused.
 */
export function csvRowToItemRecord(row: Record<string, string>): Parsed<ItemRecord> {
  const record: Record<string, unknown> = {};
  // no prototypes: a column `outputs.__proto__.trace` must not reach Object.prototype
  const metadata = Object.create(null) as Record<string, unknown>;
  const outputs = Object.create(null) as Record<string, { trace: string; answer: string }>;
  for (const [column, cell] of Object.entries(row)) {
    // columns are checked even where the cell is empty, so every row fails alike
    const outputMatch = CSV_OUTPUT_COLUMN.exec(column);
    const known =
      outputMatch !== null || CSV_ITEM_COLUMNS.includes(column) || column.startsWith('metadata.');
    if (!known) {
      if (column === '__proto__') return protoProblem(column);
      return unknownItemColumn(column);
    }
    if (cell === '' || cell === undefined) continue;
    if (outputMatch) {
      const system = outputMatch[1] as string;
      if (system === '__proto__') return protoProblem(`outputs.${system}`);
      const out = (outputs[system] ??= { trace: '', answer: '' });
      out[outputMatch[2] as 'trace' | 'answer'] = cell;
    } else if (column === 'images') {
      record.images = cell.split(CSV_IMAGE_SEPARATOR).map((s) => s.trim());
    } else if (column === 'metadata') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(cell);
      } catch {
        return { ok: false, problem: { field: 'metadata', expected: 'expected a JSON object' } };
      }
      if (!isPlainObject(parsed))
        return { ok: false, problem: { field: 'metadata', expected: 'expected a JSON object' } };
      for (const [key, value] of Object.entries(parsed)) {
        if (key === '__proto__') return protoProblem(`metadata.${key}`);
        if (key in metadata) return metadataTwice(key);
        metadata[key] = value;
      }
    } else if (column.startsWith('metadata.')) {
      const key = column.slice('metadata.'.length);
      if (key === '__proto__') return protoProblem(column);
      if (key in metadata) return metadataTwice(key);
      metadata[key] = cell;
    } else {
      record[column] = cell;
    }
  }
  record.metadata = metadata;
  record.outputs = outputs;
  return parseItemRecord(record);
}

export function csvRowToOutputRecord(row: Record<string, string>): Parsed<OutputRecord> {
  const record: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (!OUTPUT_FIELDS.includes(column))
      return unknownField(
        column,
        OUTPUT_FIELDS,
        'unknown field (output columns are item, system, trace, answer)',
      );
    // trace may legitimately be empty; other empty cells are absent
    if (cell === '' && column !== 'trace') continue;
    record[column] = cell;
  }
  return parseOutputRecord(record);
}

/** Character length as PostgreSQL's char_length counts it: Unicode code points. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a low surrogate continues the code point its high surrogate started
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Deep equality of JSON values, ignoring object key order (as jsonb does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** What an import reports. */
export const importResultSchema = z.object({
  importId: z.string().uuid(),
  file: z.string(),
  format: importFormatSchema,
  kind: importKindSchema,
  records: z.number().int(),
  items: z.number().int(),
  itemsCreated: z.number().int(),
  outputs: z.number().int(),
  outputsCreated: z.number().int(),
  imagesCreated: z.number().int(),
  systems: z.array(z.string()),
});
export type ImportResult = z.infer<typeof importResultSchema>;
