import * as z from 'zod/mini';
import type { z as zc } from 'zod';
import type {
  adjudicationViewSchema,
  judgeQualificationSchema,
  trainingFeedbackSchema,
  trainingItemViewSchema,
} from '../../../../shared/qualification-api.ts';

/**
 * The judge-facing qualification and adjudication schemas of shared/qualification-api.ts, restated
 * with zod/mini (as wire.ts does for judging); the checks below fail the type check on drift.
 */
const side = z.enum(['left', 'right', 'tie']);
const status = z.enum(['not_required', 'training', 'passed', 'held']);
const sideView = z.strictObject({ trace: z.string(), answer: z.string() });
const item = z.strictObject({ question: z.string(), images: z.array(z.string()) });

export const qualificationResponse = z.strictObject({
  status,
  passMark: z.number(),
  maxAttempts: z.number(),
  attemptsUsed: z.number(),
  total: z.number(),
  adjudicator: z.boolean(),
});

export const trainingItemResponse = z.strictObject({
  id: z.string(),
  item,
  left: sideView,
  right: sideView,
  attempt: z.number(),
  position: z.number(),
  total: z.number(),
});

export const trainingFeedbackResponse = z.strictObject({
  correct: z.boolean(),
  expected: side,
  explanation: z.string(),
  attempt: z.strictObject({
    number: z.number(),
    answered: z.number(),
    correct: z.number(),
    total: z.number(),
    passed: z.nullable(z.boolean()),
  }),
  status,
});

export const adjudicationResponse = z.strictObject({
  id: z.string(),
  item,
  left: sideView,
  right: sideView,
  axes: z.array(z.string()),
  earlier: z.array(
    z.strictObject({
      winner: side,
      axes: z.record(z.string(), side),
      note: z.nullable(z.string()),
    }),
  ),
  waiting: z.number(),
});

export const adjudicationSubmitResponse = z.strictObject({
  ok: z.literal(true),
  duplicate: z.boolean(),
});

export type Qualification = z.infer<typeof qualificationResponse>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(ok: T) => ok;
agree<Same<z.infer<typeof qualificationResponse>, zc.infer<typeof judgeQualificationSchema>>>(true);
agree<Same<z.infer<typeof trainingItemResponse>, zc.infer<typeof trainingItemViewSchema>>>(true);
agree<Same<z.infer<typeof trainingFeedbackResponse>, zc.infer<typeof trainingFeedbackSchema>>>(
  true,
);
agree<Same<z.infer<typeof adjudicationResponse>, zc.infer<typeof adjudicationViewSchema>>>(true);
