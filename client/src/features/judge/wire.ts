import * as z from 'zod/mini';
import type {
  JudgeNextResponse,
  judgeMeResponseSchema,
  skipResponseSchema,
  verdictResponseSchema,
} from '../../../../shared/judge-api.ts';
import type { z as zc } from 'zod';

/**
 * The judge-facing schemas of shared/judge-api.ts, restated with zod/mini: the classic zod build
 * alone is ~90 KB gzipped, more than the rest of the judge page. The compile-time checks below
 * fail the type check if these drift from the shared schemas the server serialises through.
 */
const progress = z.strictObject({ done: z.number(), quota: z.nullable(z.number()) });
const sideView = z.strictObject({ trace: z.string(), answer: z.string() });

export const nextResponse = z.strictObject({
  assignment: z.strictObject({
    id: z.string(),
    item: z.strictObject({
      question: z.string(),
      images: z.array(z.string()),
      metadata: z.optional(z.record(z.string(), z.unknown())),
    }),
    left: sideView,
    right: sideView,
    axes: z.array(z.string()),
    leaseExpiresAt: z.string(),
  }),
  progress,
});

export const meResponse = z.strictObject({
  judge: z.strictObject({ name: z.string() }),
  study: z.strictObject({
    guidelines: z.string(),
    axes: z.array(z.string()),
    requireAxes: z.boolean(),
  }),
  progress,
});

export const verdictResponse = z.strictObject({
  ok: z.literal(true),
  duplicate: z.boolean(),
  progress,
});
export const skipResponse = z.strictObject({ ok: z.literal(true), progress });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(ok: T) => ok;
agree<Same<z.infer<typeof nextResponse>, JudgeNextResponse>>(true);
agree<Same<z.infer<typeof meResponse>, zc.infer<typeof judgeMeResponseSchema>>>(true);
agree<Same<z.infer<typeof verdictResponse>, zc.infer<typeof verdictResponseSchema>>>(true);
agree<Same<z.infer<typeof skipResponse>, zc.infer<typeof skipResponseSchema>>>(true);
