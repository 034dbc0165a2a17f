import { z } from 'zod';
import { sideSchema } from './judge-api.ts';
import { storableText } from './text.ts';

/**
 * Qualification (training before judging) and adjudication (a final verdict on split
 * comparisons): the judge-facing and admin-facing schemas. Judge-facing responses are strict and
 * carry left/right only, never a system's name or id, nor another judge's name.
 */

export const adjudicationRuleSchema = z.enum(['off', 'no_majority', 'any_disagreement']);
export type AdjudicationRule = z.infer<typeof adjudicationRuleSchema>;

/** Where a judge stands: no training needed, training to do, passed, or held after failing. */
export const qualificationStatusSchema = z.enum(['not_required', 'training', 'passed', 'held']);
export type QualificationStatus = z.infer<typeof qualificationStatusSchema>;

// ---- judge-facing ----

export const judgeQualificationSchema = z.strictObject({
  status: qualificationStatusSchema,
  /** The share of training items to get right, and the attempts allowed (since the last release). */
  passMark: z.number(),
  maxAttempts: z.number().int(),
  attemptsUsed: z.number().int(),
  /** Items in the training set. */
  total: z.number().int(),
  /** Whether this judge also adjudicates split comparisons. */
  adjudicator: z.boolean(),
});
export type JudgeQualification = z.infer<typeof judgeQualificationSchema>;

const sideView = z.strictObject({ trace: z.string(), answer: z.string() });

/** A training comparison as the judge sees it: blind, left and right only. */
export const trainingItemViewSchema = z.strictObject({
  id: z.string().uuid(),
  item: z.strictObject({ question: z.string(), images: z.array(z.string()) }),
  left: sideView,
  right: sideView,
  attempt: z.number().int(),
  /** 1-based position in the set, and the set's size. */
  position: z.number().int(),
  total: z.number().int(),
});
export type TrainingItemView = z.infer<typeof trainingItemViewSchema>;

export const trainingAnswerBodySchema = z.strictObject({ winner: sideSchema });

export const trainingFeedbackSchema = z.strictObject({
  correct: z.boolean(),
  /** The verdict expected, as the judge saw the sides. */
  expected: sideSchema,
  explanation: z.string(),
  attempt: z.strictObject({
    number: z.number().int(),
    answered: z.number().int(),
    correct: z.number().int(),
    total: z.number().int(),
    /** Null while the attempt goes on. */
    passed: z.boolean().nullable(),
  }),
  status: qualificationStatusSchema,
});
export type TrainingFeedback = z.infer<typeof trainingFeedbackSchema>;

/** An earlier verdict on a split comparison, as the adjudicator sees it: no judge, sides as shown. */
export const earlierVerdictSchema = z.strictObject({
  winner: sideSchema,
  axes: z.record(z.string(), sideSchema),
  note: z.string().nullable(),
});

export const adjudicationViewSchema = z.strictObject({
  id: z.string().uuid(),
  item: z.strictObject({ question: z.string(), images: z.array(z.string()) }),
  left: sideView,
  right: sideView,
  axes: z.array(z.string()),
  earlier: z.array(earlierVerdictSchema),
  waiting: z.number().int(),
});
export type AdjudicationView = z.infer<typeof adjudicationViewSchema>;

export const adjudicationBodySchema = z.strictObject({
  winner: sideSchema,
  reason: storableText().min(1).max(10_000),
});

// ---- admin-facing ----

export const qualificationSettingsSchema = z.strictObject({
  required: z.boolean(),
  passMark: z.number().gt(0).max(1),
  maxAttempts: z.number().int().min(1).max(100),
  adjudicationRule: adjudicationRuleSchema,
});
export type QualificationSettings = z.infer<typeof qualificationSettingsSchema>;

/** A training item as the admin names it: the item, the comparison's two systems, the verdict. */
export const trainingItemBodySchema = z.strictObject({
  item: z.string().min(1),
  a: z.string().min(1),
  b: z.string().min(1),
  /** The expected winner: the name of system a or b, or 'tie'. */
  winner: z.string().min(1),
  explanation: storableText().min(1).max(10_000),
});
export type TrainingItemBody = z.infer<typeof trainingItemBodySchema>;

export const trainingItemSchema = z.object({
  id: z.string().uuid(),
  item: z.string(),
  a: z.string(),
  b: z.string(),
  winner: z.string(),
  explanation: z.string(),
  position: z.number().int(),
});

export const qualificationAdminSchema = z.object({
  settings: qualificationSettingsSchema,
  items: z.array(trainingItemSchema),
  /** Split comparisons with a final (adjudicated) verdict. */
  adjudicatedComparisons: z.number().int(),
});
export type QualificationAdmin = z.infer<typeof qualificationAdminSchema>;

/** A judge's qualification as the judge-quality panel shows it. */
export const judgeQualificationSummarySchema = z.object({
  status: qualificationStatusSchema,
  attempts: z.number().int(),
  /** The last finished attempt's share right, if any. */
  lastScore: z.number().nullable(),
  released: z.boolean(),
  adjudicator: z.boolean(),
});
export type JudgeQualificationSummary = z.infer<typeof judgeQualificationSummarySchema>;
