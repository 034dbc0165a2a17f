/** A line break as node:readline sees one: LF, CRLF, or a CR alone. */
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Splits streamed text into lines the way node:readline (with `crlfDelay: Infinity`) does, a chunk
 * at a time. readline over a text stream of our own idled for half its wall time on a million
 * lines (pausing and resuming its input); this hands over each chunk's lines as one array.
 */
export class LineSplitter {
  /** The unfinished line, as the chunks that hold it: joined once, when its break arrives. */
  private rest: string[] = [];

  /** The lines completed by `text`; a piece after the last break waits for the next chunk. */
  push(text: string): string[] {
    const last = this.rest[this.rest.length - 1];
    // no break in this chunk: a long line's chunks are only collected (joining and searching them
    // again with every chunk made a 64 MB line take 27 s); a CR held back may end a line, though
    if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1 && !last?.endsWith('\r')) {
      if (text !== '') this.rest.push(text);
      return [];
    }
    const s = this.rest.length === 0 ? text : this.rest.join('') + text;
    this.rest = [];
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
    if (start < s.length) this.rest.push(s.slice(start));
    return lines;
  }

  /** The last line, when the text does not end with a break. */
  end(): string | null {
    const rest = this.rest.join('');
    this.rest = [];
    if (rest === '') return null;
    return rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  }
}
