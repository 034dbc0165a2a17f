import { verifyFile } from 'stream-json/file/verifier.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { FileRecordError } from './record-error.ts';
import { fileText, type FileRecord, type SourceTap } from './source.ts';

const MANY = Symbol.for('object-stream.many');

/** stream-chain stages return `none`, one value or `many(values)`; this flattens them. */
function outputsOf<T>(result: unknown): T[] {
  if (typeof result === 'symbol') return [];
  if (result && typeof result === 'object' && (result as Record<symbol, unknown>)[MANY] === 1) {
    return (result as { values: T[] }).values;
  }
  return [result as T];
}

/**
 * A JSON array of records, streamed with stream-json's tokenizer. The text is fed to the tokenizer
 * one line at a time: a token comes out while its line goes in (a line piece always ends with its
 * newline, so no structural token waits at the buffer's tail), which gives each record the line it
 * starts on and each syntax error the line it is on.
 */
export async function* readJsonArray(
  path: string,
  displayName: string,
  tap?: SourceTap,
): AsyncGenerator<FileRecord> {
  const tokenize = jsonParser({ streamValues: false });
  const assemble = streamArray();
  let line = 1;
  let depth = 0;
  let recordLine = 0;
  let first = true;

  function* feed(piece: string | symbol): Generator<FileRecord> {
    let tokens: Token[];
    try {
      tokens = outputsOf<Token>(tokenize(piece as string));
    } catch (err) {
      throw new SyntaxFault((err as Error).message);
    }
    for (const token of tokens) {
      if (first) {
        first = false;
        if (token.name !== 'startArray') {
          throw new FileRecordError(
            displayName,
            line,
            'invalid JSON: expected an array of records',
          );
        }
      }
      if (depth === 1 && token.name !== 'endArray') recordLine = line;
      if (token.name === 'startObject' || token.name === 'startArray') depth++;
      else if (token.name === 'endObject' || token.name === 'endArray') depth--;
      for (const item of outputsOf<{ value: unknown }>(assemble(token))) {
        yield { line: recordLine, value: item.value };
      }
    }
  }

  try {
    yield* records();
  } catch (err) {
    if (!(err instanceof SyntaxFault)) throw err;
    throw await locateSyntaxError(path, displayName, line, err.message);
  }

  async function* records(): AsyncGenerator<FileRecord> {
    for await (const text of fileText(path, displayName, tap, { maxLineBytes: Infinity })) {
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl === -1) break;
        yield* feed(text.slice(start, nl + 1));
        line++;
        start = nl + 1;
      }
      if (start < text.length) yield* feed(text.slice(start));
    }
    // flush: an unfinished document is an error on the last line
    yield* feed(Symbol.for('object-stream.none'));
    if (first)
      throw new FileRecordError(
        displayName,
        line,
        'invalid JSON: the file is empty (expected an array of records)',
      );
  }
}

class SyntaxFault extends Error {}

/**
 * The tokenizer may hold the last few characters of a line until more text arrives, so it can
 * notice an error a line late; stream-json's verifier, run only on failure, gives the exact place.
 */
async function locateSyntaxError(
  path: string,
  displayName: string,
  line: number,
  message: string,
): Promise<FileRecordError> {
  try {
    await verifyFile(path);
  } catch (err) {
    const e = err as { line?: number; pos?: number; message?: string };
    if (typeof e.line === 'number') {
      const what = (e.message ?? message)
        .replace(/^ERROR at \d+ \(\d+, \d+\): /, '')
        .replace(/^Verifier (cannot parse input: |has )?/, '');
      return new FileRecordError(
        displayName,
        e.line,
        `invalid JSON: ${what} (column ${e.pos ?? 1})`,
      );
    }
  }
  return new FileRecordError(
    displayName,
    line,
    `invalid JSON: ${message.replace(/^Parser (cannot parse input: )?/, '')}`,
  );
}
