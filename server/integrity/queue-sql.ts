/**
 * The identity-leak hold as SQL fragments for the statements that hand a comparison to a judge
 * (judging's lease and view, an LLM run's contents) and read verdicts for a report: they read
 * integrity's comparison_holds and output_flags (server/integrity/repository.ts writes them).
 * Constant text, so the prepared statements that use them stay prepared once.
 */
import { sql, type SQL } from 'drizzle-orm';

/**
 * True while the comparison may be judged: no flagged output of it is held (awaiting the admin) or
 * excluded. The one lease (`leaseSlots`) skips comparisons for which it is false.
 */
export const notHeldOut = (comparisonId: SQL): SQL =>
  sql`not exists (select 1 from comparison_holds ih where ih.comparison_id = ${comparisonId} and ih.status in ('held','excluded'))`;

/** True unless the admin excluded the comparison: its verdicts count nowhere. */
export const notExcluded = (comparisonId: SQL): SQL =>
  sql`not exists (select 1 from comparison_holds ix where ix.comparison_id = ${comparisonId} and ix.status = 'excluded')`;

const ALIAS = /^[a-z_][a-z0-9_]*$/;
const alias = (name: string): string => {
  if (!ALIAS.test(name)) throw new Error(`not an SQL alias: ${name}`);
  return name;
};

/**
 * Joins an output's redaction as `flag` (null when the output is not redacted): put after the
 * join of `output`, then select its text with `judgeText`.
 */
export const redactionJoin = (output: string, flag: string): SQL =>
  sql.raw(
    `left join output_flags ${alias(flag)} on ${alias(flag)}.output_id = ${alias(output)}.id and ${alias(flag)}.status = 'redacted'`,
  );

/** The text a judge is shown of an output's trace or answer: the redaction when there is one. */
export const judgeText = (output: string, flag: string, field: 'trace' | 'answer'): SQL =>
  sql.raw(`coalesce(${alias(flag)}.redacted_${field}, ${alias(output)}.${field})`);
