import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** What every reader reports while it streams: bytes read, and the file's sha256 at the end. */
export interface SourceTap {
  onBytes?: (bytesRead: number) => void;
  /** Receives the sha256 (hex) of the whole file once it has been read to the end. */
  onHash?: (sha256: string) => void;
}

/** The file's raw chunks, hashed and counted on the way through; never the whole file at once. */
export async function* fileChunks(path: string, tap: SourceTap = {}): AsyncGenerator<Buffer> {
  const hash: Hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    tap.onBytes?.(bytes);
    yield buf;
  }
  tap.onHash?.(hash.digest('hex'));
}

/** One record as read from a file: the line it starts on and its parsed value. */
export interface RawRecord {
  line: number;
  value: unknown;
}
