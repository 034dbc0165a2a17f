import type { z } from 'zod';
import { FileRecordError } from '../files/record-error.ts';

/** The first zod issue of a failed judgments or AlpacaEval record as `FILE:LINE: field 'x': reason`. */
export function fromZodError(file: string, line: number, error: z.ZodError): FileRecordError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)';
  return FileRecordError.field(file, line, field, issue?.message ?? 'invalid record');
}
