/**
 * Provider text as stored. A provider's answer is kept as it came (its raw text, the verdict's
 * reasoning, its error message, the cached response), but PostgreSQL refuses U+0000 in `text` and
 * `jsonb` and turns a lone UTF-16 surrogate into U+FFFD (`jsonb` refuses it). Refusing is not an
 * option for text someone else wrote, so it is escaped, reversibly:
 *
 * - U+0000 and every lone surrogate are written as `\uXXXX` (six characters, lower-case hex);
 * - a backslash is doubled when a `u`, another backslash, U+0000 or a surrogate follows it, so that
 *   a literal `\u0000` in the answer stays distinguishable (stored as `\\u0000`);
 * - nothing else changes: text without backslashes, NULs or lone surrogates is stored as is.
 *
 * `unescapeStoredText` reverses it exactly (a property test checks the round trip); the same
 * escaping applies to every string, key and value, of a cached response (`escapeStoredJson`).
 * Documented in docs/llm-judging.md ("Text from providers").
 */

const ESCAPE =
  /\\(?=[\\u\u0000\uD800-\uDFFF])|\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeStoredText(s: string): string {
  return s.replace(ESCAPE, (m) =>
    m === '\\' ? '\\\\' : `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function unescapeStoredText(s: string): string {
  return s.replace(/\\(\\|u[0-9a-f]{4})/g, (_, e: string) =>
    e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16)),
  );
}

export function escapeStoredJson(value: unknown): unknown {
  return mapStrings(value, escapeStoredText);
}

export function unescapeStoredJson(value: unknown): unknown {
  return mapStrings(value, unescapeStoredText);
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  // fromEntries defines own properties, so a key named __proto__ stays a key.
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)]));
  return value;
}

/**
 * One line for an error that may be stored, logged or printed: a database error's own message
 * (a drizzle query error's message holds the whole query and its parameters, hundreds of them),
 * control characters (U+0000 among them) as spaces, at most 300 characters. Lone surrogates are
 * left to the storing function's escaping.
 */
export function errorLine(err: unknown): string {
  let e: unknown = err;
  // drizzle wraps the driver's error: "Failed query: <sql>\nparams: <values>", the cause says why.
  while (e instanceof Error && e.cause instanceof Error && /^Failed query:/.test(e.message))
    e = e.cause;
  const message = e instanceof Error ? e.message : String(e);
  const line = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
