/**
 * The schema of bench/results.json, written by `npm run bench` (scripts/bench/run.ts): one row per
 * benchmark of issue 14's table, each figure beside its peer measured in the same run, the ratio,
 * the goal and whether it was met; then what each bench wrote (its own `--json`), and the machine's
 * load before and after each, since a figure measured on a busy machine says less.
 */
import { z } from 'zod';

export const benchRowSchema = z.object({
  /** Stable key, e.g. `judging.cycle`, `import.postgres.jsonl.fresh`. */
  id: z.string(),
  benchmark: z.string(),
  figure: z.number().nullable(),
  unit: z.string(),
  /** The peer's figure in the same run (null: the benchmark has none). */
  peer: z.number().nullable(),
  peerName: z.string().nullable(),
  /** figure / peer, or peer / figure for times (always "higher is better" unless `goal` says ≤). */
  ratio: z.number().nullable(),
  goal: z.string(),
  /** null: reported only, no goal to meet. */
  met: z.boolean().nullable(),
  note: z.string().optional(),
});
export type BenchRow = z.infer<typeof benchRowSchema>;

const machineSchema = z.object({
  cores: z.number().int(),
  load: z.array(z.number()),
  node: z.string(),
});

export const benchResultsSchema = z.object({
  version: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** `--full`: the 450k scale of import and the stats CLI series. */
  full: z.boolean(),
  machine: machineSchema,
  benches: z.array(
    z.object({
      name: z.string(),
      args: z.array(z.string()),
      seconds: z.number(),
      exitCode: z.number().int().nullable(),
      loadBefore: z.array(z.number()),
      loadAfter: z.array(z.number()),
      /** What the bench wrote with `--json` (null when it failed before writing). */
      output: z.unknown(),
    }),
  ),
  rows: z.array(benchRowSchema),
});
export type BenchResults = z.infer<typeof benchResultsSchema>;
