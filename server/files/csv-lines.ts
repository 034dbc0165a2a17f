/**
 * Line numbers for CSV records, shared by the import reader and the judgments reader.
 *
 * csv-parse's `info.lines` (and an error's `lines`) is the line where a record ends, and it counts
 * a CRLF inside a quoted cell as two lines, so every later line is one further on. A user's editor
 * counts a CRLF as one line and names a record by the line it starts on; this turns one count into
 * the other. Keep one per file: it remembers the CRLFs of the records read so far.
 */
export class CsvLines {
  private crlfSoFar = 0;

  /** The line `cells` started on, given csv-parse's count at the record's end. */
  start(endLines: number, cells: Iterable<string>): number {
    const { breaks, crlf } = breaksIn(cells);
    this.crlfSoFar += crlf;
    return endLines - this.crlfSoFar - breaks;
  }

  /** The line a csv-parse error at `lines` names: where its record (if known) started. */
  atError(lines: number, cells?: Iterable<string>): number {
    if (!cells) return lines - this.crlfSoFar;
    const { breaks, crlf } = breaksIn(cells);
    return lines - this.crlfSoFar - crlf - breaks;
  }
}

/** Line breaks inside a record's cells, and how many of them are CRLF. */
function breaksIn(cells: Iterable<string>): { breaks: number; crlf: number } {
  let breaks = 0;
  let crlf = 0;
  for (const cell of cells) {
    if (typeof cell !== 'string' || (!cell.includes('\n') && !cell.includes('\r'))) continue;
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 13 && cell.charCodeAt(i + 1) === 10) {
        crlf++;
        breaks++;
        i++;
      } else if (c === 10 || c === 13) breaks++;
    }
  }
  return { breaks, crlf };
}
