import { z } from 'zod';
import { storableText } from './text.ts';

/**
 * The identity-leak scan's admin API (docs/integrity.md): the flagged outputs of a study with what
 * matched, the admin's extra words and the decisions release / redact / exclude.
 */
export const flagStatusSchema = z.enum(['held', 'released', 'redacted', 'excluded']);
export type FlagStatus = z.infer<typeof flagStatusSchema>;

export const flagMatchSchema = z.object({
  field: z.enum(['trace', 'answer']),
  /** UTF-16 offsets into the field's text, end exclusive: what to highlight. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
  kind: z.string(),
  term: z.string(),
  selfDescribed: z.boolean(),
  evidence: z.string().optional(),
});
export type FlagMatch = z.infer<typeof flagMatchSchema>;

export const flaggedOutputSchema = z.object({
  outputId: z.string().uuid(),
  /** The item's id as imported. */
  item: z.string(),
  system: z.string(),
  trace: z.string(),
  answer: z.string(),
  matches: z.array(flagMatchSchema),
  status: flagStatusSchema,
  /** The redaction, stored beside the original; null until the output is redacted. */
  redactedTrace: z.string().nullable(),
  redactedAnswer: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** How many comparisons show this output. */
  comparisons: z.number().int().nonnegative(),
});
export type FlaggedOutput = z.infer<typeof flaggedOutputSchema>;

/** Per system, how many of its comparisons show a flagged output, by their state. */
export const holdCountsSchema = z.object({
  system: z.string(),
  held: z.number().int().nonnegative(),
  released: z.number().int().nonnegative(),
  redacted: z.number().int().nonnegative(),
  excluded: z.number().int().nonnegative(),
});
export type HoldCounts = z.infer<typeof holdCountsSchema>;

export const integrityViewSchema = z.object({
  /** The admin's words for this study, matched beside the maintained list. */
  words: z.array(z.string()),
  /** System names that are one common word ("base"): not looked for. */
  skippedSystemNames: z.array(z.string()),
  flags: z.array(flaggedOutputSchema),
  /** How many outputs the study has (flagged or not). */
  outputs: z.number().int().nonnegative(),
  counts: z.array(holdCountsSchema),
});
export type IntegrityView = z.infer<typeof integrityViewSchema>;

export const scanResultSchema = z.object({
  scanned: z.number().int().nonnegative(),
  flagged: z.number().int().nonnegative(),
  skippedSystemNames: z.array(z.string()),
});
export type ScanResult = z.infer<typeof scanResultSchema>;

export const wordBodySchema = z.object({ word: storableText().trim().min(1).max(200) });

/**
 * The admin's decision on a flagged output: release (judged as written), redact (judged as the
 * redaction: the given texts, or by default the original with every match replaced by
 * "[redacted]"), exclude (its comparisons never enter the queue or the report), hold (back to
 * awaiting a decision).
 */
export const flagDecisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('release') }),
  z.object({ action: z.literal('exclude') }),
  z.object({ action: z.literal('hold') }),
  z.object({
    action: z.literal('redact'),
    trace: z.string().max(2_000_000).optional(),
    answer: z.string().max(200_000).optional(),
  }),
]);
export type FlagDecision = z.infer<typeof flagDecisionSchema>;

/** The placeholder a default redaction puts where each match was. */
export const REDACTED = '[redacted]';
