import { z } from 'zod';

/** A verdict relative to the pair's systems a and b. */
export const sideSchema = z.enum(['a', 'b', 'tie']);
export type Side = z.infer<typeof sideSchema>;

/**
 * A name that becomes a key of the report (a judge, a modality, an axis): any non-empty string
 * but `__proto__`, which would set an object's prototype instead of adding a key (zod drops it).
 */
const keyNameSchema = z
  .string()
  .min(1)
  .refine((n) => n !== '__proto__', "'__proto__' cannot be a name");

/** The largest style count: the verdict table keeps them in 32-bit integers. */
export const MAX_STYLE_COUNT = 2 ** 31 - 1;

const styleCount = z
  .number()
  .int()
  .nonnegative()
  .max(MAX_STYLE_COUNT, `at most ${MAX_STYLE_COUNT} (2³¹ − 1, a style count is kept in 32 bits)`);

/** An output's style counts: characters, markdown headers, list items, bold spans. */
export const styleCountsSchema = z.object({
  length: styleCount,
  headers: styleCount,
  lists: styleCount,
  bold: styleCount,
});

/**
 * One line of a judgments file (JSONL or CSV; docs/judgments-files.md): one verdict. An LLM
 * verdict judged in both orders is two lines with opposite `shown_left`.
 */
export const judgmentSchema = z
  .object({
    item: z.string().min(1),
    a: z.string().min(1),
    b: z.string().min(1),
    winner: sideSchema,
    judge: keyNameSchema,
    judge_kind: z.enum(['human', 'llm']),
    shown_left: z.enum(['a', 'b']),
    axes: z.record(keyNameSchema, sideSchema).optional(),
    modality: keyNameSchema.optional(),
    len_a: z.number().int().nonnegative().optional(),
    len_b: z.number().int().nonnegative().optional(),
    strength: z.union([z.literal(1), z.literal(2)]).optional(),
    /**
     * The style of a's and b's outputs for the style-controlled win rate (docs/judgments-files.md):
     * explicit counts, or the outputs' texts (counted as server/stats/style-control.ts's
     * styleCounts does); counts win when a record has both.
     */
    style_a: styleCountsSchema.optional(),
    style_b: styleCountsSchema.optional(),
    output_a: z.string().optional(),
    output_b: z.string().optional(),
  })
  .refine((j) => j.a !== j.b, { message: 'a and b must be different systems', path: ['b'] });
export type Judgment = z.infer<typeof judgmentSchema>;

/** One record of an AlpacaEval annotations file (the fields the reader uses). */
export const alpacaEvalRecordSchema = z.object({
  instruction: z.string().optional(),
  generator_1: z.string().min(1),
  generator_2: z.string().min(1),
  output_1: z.string().optional(),
  output_2: z.string().optional(),
  annotator: z
    .string()
    .refine((n) => n !== '__proto__', "'__proto__' cannot be a name")
    .optional(),
  preference: z.union([
    z.number().refine((p) => p === 0 || (p >= 1 && p <= 2), 'must be 0 or in [1, 2]'),
    z.null(),
  ]),
});
export type AlpacaEvalRecord = z.infer<typeof alpacaEvalRecordSchema>;
