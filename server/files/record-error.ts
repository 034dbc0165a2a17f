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

/** Lone UTF-16 surrogates as `\uXXXX`: written to a terminal they would become U+FFFD. */
function escapeLoneSurrogates(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/**
 * A file that cannot be read, or a bad record in it, for imports and for `stats` alike. The
 * message is exactly `FILE:LINE: field 'x': reason`, or `FILE:LINE: reason` when no field is to
 * blame (bad bytes, bad syntax), or `FILE: reason` when no line is; always one line: names and
 * values from the file have their control characters and lone surrogates escaped.
 */
export class FileRecordError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
    readonly field: string | null = null,
  ) {
    const at = line === null ? file : `${file}:${line}`;
    const text = field === null ? `${at}: ${reason}` : `${at}: field '${field}': ${reason}`;
    super(escapeLoneSurrogates(oneLine(text)));
    this.name = 'FileRecordError';
  }

  static field(file: string, line: number, field: string, reason: string): FileRecordError {
    return new FileRecordError(file, line, reason, field);
  }
}
