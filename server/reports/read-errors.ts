import type { z } from 'zod';

/**
 * Control characters and line separators (a newline in a key, say) as `\uXXXX` escapes, so that
 * an error stays one line.
 */
export function oneLine(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A bad record in an input file; the message is `FILE:LINE: field 'x': reason`. */
export class JudgmentsFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}:${line}: field '${oneLine(field)}': ${oneLine(reason)}`);
    this.name = 'JudgmentsFileError';
  }
}

/** The first zod issue of a failed record as a JudgmentsFileError. */
export function fromZodError(file: string, line: number, error: z.ZodError): JudgmentsFileError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)';
  return new JudgmentsFileError(file, line, field, issue?.message ?? 'invalid record');
}
