import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileRecordError } from './record-error.ts';
import { completeLength, firstInvalidUtf8 } from './utf8.ts';

/** What every reader reports while it streams: bytes read, and the file's sha256 at the end. */
export interface SourceTap {
  onBytes?: (bytesRead: number) => void;
  /** Receives the sha256 (hex) of the whole file once it has been read to the end. */
  onHash?: (sha256: string) => void;
}

/**
 * The file's raw chunks, counted (and hashed, when the tap asks for the hash: `stats` does not) on
 * the way through; never the whole file at once. Read 64 KiB at a time: with 1 MiB reads a million
 * JSONL lines took twice the wall time (each chunk a large string for the line splitter and the
 * garbage collector).
 */
export async function* fileChunks(path: string, tap: SourceTap = {}): AsyncGenerator<Buffer> {
  const hash: Hash | null = tap.onHash ? createHash('sha256') : null;
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 })) {
    const buf = chunk as Buffer;
    hash?.update(buf);
    bytes += buf.length;
    tap.onBytes?.(bytes);
    yield buf;
  }
  if (hash) tap.onHash?.(hash.digest('hex'));
}

/**
 * The line of byte `offset` of the file: read again, only when something there is refused. Lines
 * end as the readers split them (lines.ts): LF, CRLF or a CR alone.
 */
async function lineAt(path: string, offset: number): Promise<number> {
  let line = 1;
  if (offset === 0) return line;
  let afterCr = false;
  for await (const chunk of createReadStream(path, { end: offset - 1, highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    if (!afterCr && buf.indexOf(0x0d) === -1) {
      for (let i = buf.indexOf(0x0a); i !== -1; i = buf.indexOf(0x0a, i + 1)) line++;
      continue;
    }
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      // the LF of a CRLF was counted with its CR
      if (c === 0x0a && !afterCr) line++;
      else if (c === 0x0d) line++;
      afterCr = c === 0x0d;
    }
  }
  return line;
}

/** The first (or last) line break byte of a chunk, LF or CR; -1 when it has none. */
function firstBreak(chunk: Buffer): number {
  const lf = chunk.indexOf(0x0a);
  const cr = chunk.indexOf(0x0d);
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
}
function lastBreak(chunk: Buffer): number {
  return Math.max(chunk.lastIndexOf(0x0a), chunk.lastIndexOf(0x0d));
}

/**
 * The longest line a JSONL or CSV file may have. A longer one would be gathered into one string by
 * the line reader, and past V8's string limit (about 512 Mi characters) that fails as an internal
 * error instead of naming the line.
 */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface TextOptions {
  /**
   * Refuse a line longer than this many bytes (default MAX_LINE_BYTES; JSON arrays are streamed
   * token by token: Infinity). Counted across read chunks (64 KiB), so it should not be set
   * below that.
   */
  maxLineBytes?: number;
}

/**
 * The file as strict UTF-8 text, in chunks (a byte-order mark at the start is dropped). Invalid
 * bytes are refused as `FILE:LINE: invalid UTF-8 (byte 0xNN)` rather than replaced with U+FFFD.
 * Each chunk's complete sequences are checked with node:buffer's isUtf8 and then decoded: five
 * times faster than a fatal TextDecoder (a fifth of a second less per million JSONL lines), with
 * the same verdict on every byte. The line is counted only on failure.
 */
export async function* fileText(
  path: string,
  displayName: string,
  tap?: SourceTap,
  { maxLineBytes = MAX_LINE_BYTES }: TextOptions = {},
): AsyncGenerator<string> {
  let lineBytes = 0;
  let atStart = true;
  let pending: Buffer = Buffer.alloc(0);
  let consumed = 0;
  const refuse = async (bytes: Buffer) => {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    const line = await lineAt(path, consumed + at);
    return new FileRecordError(displayName, line, `invalid UTF-8 (byte 0x${byte})`);
  };
  for await (const chunk of fileChunks(path, tap)) {
    // lines wholly inside one read chunk are shorter than the limit; count those that cross chunks
    const lastNewline = lastBreak(chunk);
    if (lastNewline === -1) lineBytes += chunk.length;
    else {
      lineBytes += firstBreak(chunk);
      if (lineBytes <= maxLineBytes) lineBytes = chunk.length - lastNewline - 1;
    }
    if (lineBytes > maxLineBytes) {
      const line = await lineAt(path, consumed + pending.length);
      throw new FileRecordError(
        displayName,
        line,
        `line longer than ${maxLineBytes} bytes (the limit for one line of a JSONL or CSV file)`,
      );
    }
    const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    // decoded whole (not streamed), so a failure is at a known offset
    const complete = data.subarray(0, completeLength(data));
    if (!isUtf8(complete)) throw await refuse(complete);
    let text = complete.toString('utf8');
    if (atStart && text !== '') {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    consumed += complete.length;
    pending = Buffer.from(data.subarray(complete.length));
    if (text) yield text;
  }
  // a sequence cut off by the end of the file
  if (pending.length > 0) throw await refuse(pending);
}

/** One record as read from a file: the line it starts on and its parsed value. */
export interface FileRecord {
  line: number;
  value: unknown;
}
