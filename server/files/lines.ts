/** A line break as node:readline sees one: LF, CRLF, or a CR alone. */
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Splits streamed text into lines the way node:readline (with `crlfDelay: Infinity`) does, a chunk
 * at a time. readline over a text stream of our own idled for half its wall time on a million
 * lines (pausing and resuming its input); this hands over each chunk's lines as one array.
 */
export class LineSplitter {
  private rest = '';

  /** The lines completed by `text`; a piece after the last break waits for the next chunk. */
  push(text: string): string[] {
    const s = this.rest + text;
    const lines: string[] = [];
    let start = 0;
    if (s.indexOf('\r') === -1) {
      for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
        lines.push(s.slice(start, nl));
        start = nl + 1;
      }
    } else {
      LINE_BREAK.lastIndex = 0;
      for (let m = LINE_BREAK.exec(s); m; m = LINE_BREAK.exec(s)) {
        // a CR at the end may be the first half of a CRLF split across chunks
        if (m.index === s.length - 1 && m[0] === '\r') break;
        lines.push(s.slice(start, m.index));
        start = m.index + m[0].length;
      }
    }
    this.rest = s.slice(start);
    return lines;
  }

  /** The last line, when the text does not end with a break. */
  end(): string | null {
    const rest = this.rest;
    this.rest = '';
    if (rest === '') return null;
    return rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  }
}
