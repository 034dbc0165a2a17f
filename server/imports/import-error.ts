import { oneLine } from '../reports/read-errors.ts';

/** Lone UTF-16 surrogates as `\uXXXX`: written to a terminal they would become U+FFFD. */
function escapeLoneSurrogates(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/**
 * A bad record: the message is exactly `FILE:LINE: field 'x': what was expected` (or `FILE:LINE: …`),
 * always one line: names and values from the file have their control characters escaped.
 */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    const text = line === null ? `${file}: ${detail}` : `${file}:${line}: ${detail}`;
    super(escapeLoneSurrogates(oneLine(text)));
    this.name = 'ImportError';
  }

  static field(file: string, line: number, field: string, expected: string): ImportError {
    return new ImportError(file, line, `field '${field}': ${expected}`);
  }
}
