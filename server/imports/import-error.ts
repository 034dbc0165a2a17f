/** A bad record: the message is exactly `FILE:LINE: field 'x': what was expected` (or `FILE:LINE: …`). */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(line === null ? `${file}: ${detail}` : `${file}:${line}: ${detail}`);
    this.name = 'ImportError';
  }

  static field(file: string, line: number, field: string, expected: string): ImportError {
    return new ImportError(file, line, `field '${field}': ${expected}`);
  }
}
