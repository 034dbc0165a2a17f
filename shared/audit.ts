import { z } from 'zod';
import { judgmentSchema, sideSchema } from './judgments.ts';

/**
 * One line of an audit export (`tracearena audit --study S`, docs/audit.md): one event of the
 * study's append-only trail, in the order the events were written (`id`). Times are ISO 8601 in
 * UTC to the microsecond. `data` holds the event's own facts; for the judging events it is
 * described by the schemas below, for admin actions it is what the action recorded.
 */
export const auditEventSchema = z.object({
  id: z.number().int().positive(),
  at: z.string().min(1),
  study_id: z.string().uuid(),
  /** 'admin', 'cli', 'demo', 'system' (a lease expiring), 'judge:<id>' or 'llm-run:<id>'. */
  actor: z.string().min(1),
  kind: z.string().min(1),
  judge_id: z.string().uuid().nullable(),
  assignment_id: z.string().uuid().nullable(),
  comparison_id: z.string().uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** The kinds the judging triggers write; admin actions add their own (import, pair, plan_lock…). */
export const judgingEventKinds = [
  'lease_taken',
  'shown',
  'lease_renewed',
  'lease_expired',
  'lease_released',
  'verdict',
  'skip',
  'cannot_judge',
  'note',
  'judge_added',
  'judge_revoked',
  'invite_reissued',
] as const;

/** The comparison as the judge was shown it: the item, the systems, which one was left and right. */
export const auditSidesSchema = z.object({
  item: z.string().min(1),
  a: z.string().min(1),
  b: z.string().min(1),
  shown_left: z.enum(['a', 'b']),
  left: z.string().min(1),
  right: z.string().min(1),
});

/**
 * The `data` of a 'verdict' event: every fact a report reads (so that `report --from-audit`
 * rebuilds the study's report from the export alone), the sides as shown and the times.
 */
export const auditVerdictSchema = auditSidesSchema.extend({
  verdict_id: z.string().uuid(),
  winner: sideSchema,
  axes: z.record(z.string(), sideSchema),
  strength: z.union([z.literal(1), z.literal(2)]).nullable(),
  note: z.string().nullable(),
  judge: judgmentSchema.shape.judge,
  judge_kind: judgmentSchema.shape.judge_kind,
  modality: z.string().nullable(),
  /** Null only when the import lost an output (the study's report leaves such a verdict out). */
  len_a: z.number().int().nonnegative().nullable(),
  len_b: z.number().int().nonnegative().nullable(),
  slot: z.number().int().nonnegative(),
  run_id: z.string().uuid().nullable(),
  leased_at: z.string().nullable(),
  created_at: z.string().min(1),
  duration_ms: z.number().int().nullable(),
  reading_ms: z.number().int().nullable(),
  wall_ms: z.number().int().nullable(),
});
export type AuditVerdict = z.infer<typeof auditVerdictSchema>;

/** A change made by a person (an account, the CLI, the demo), as the admin page lists it. */
export const auditChangeSchema = z.object({ at: z.string(), actor: z.string(), kind: z.string() });
export type AuditChange = z.infer<typeof auditChangeSchema>;

/**
 * The `styles` of an 'import' event: per system, each output of the file as [item, length,
 * headers, lists, bold] (the style-controlled win rate's counts), so that `report --from-audit`
 * has them too.
 */
const styleCount = z.number().int().nonnegative();
export const auditImportStylesSchema = z.record(
  z.string(),
  z.array(z.tuple([z.string(), styleCount, styleCount, styleCount, styleCount])),
);
