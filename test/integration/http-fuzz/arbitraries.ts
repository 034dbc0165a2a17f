import fc from 'fast-check';

/**
 * Building blocks of the HTTP fuzz test: hostile strings, numbers and JSON, objects whose every
 * field is either plausible or hostile, query strings, path segments, content types and multipart
 * bodies (with and without a matching boundary).
 */

const specialUnits = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\u2028',
  '\u0085',
  '\n',
  '\r',
  '\t',
  '"',
  '\\',
  '%',
  '/',
  '.',
  '&',
  '=',
  '?',
  '#',
  '\u{1F600}',
  '\uFFFF',
];

/** Any code point, with the troublesome ones (NUL, lone surrogates, separators) much more likely. */
const unit = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...specialUnits) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udc00',
      '.',
      '..',
      '../../etc/passwd',
      '%00',
      '__proto__',
      'constructor',
      'toString',
      '<script>alert(1)</script>',
      "'; drop table studies; --",
      '1e309',
      '-0',
      'NaN',
      'Infinity',
      '0.9999999999999999',
      'true',
      'null',
      '[]',
      '{}',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 190, max: 12_000 }).map((n) => 'x'.repeat(n)) },
);

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -5, max: 300 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    0.9999999999999999,
    1e-300,
    1e308,
    2 ** 31,
    2 ** 32,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
  ),
);

/** Anything JSON can carry, hostile strings and numbers included. */
export const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 3, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }),
  },
);

/**
 * An object with the given fields, each absent, plausible or hostile, and sometimes an extra key.
 * Mostly plausible, so the fuzz reaches past validation into the services.
 */
export function shaped(
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(([key, plausible]) =>
    fc
      .oneof(
        { weight: 20, arbitrary: plausible.map((v) => [key, v] as const) },
        { weight: 1, arbitrary: nastyJson.map((v) => [key, v] as const) },
        { weight: 1, arbitrary: fc.constant(null) },
      )
      .map((e) => e),
  );
  return fc
    .tuple(
      fc.tuple(...entries),
      fc.option(fc.tuple(nastyString, nastyJson), { freq: 10, nil: undefined }),
    )
    .map(([pairs, extra]) => {
      const out: Record<string, unknown> = {};
      for (const p of pairs) if (p) out[p[0]] = p[1];
      if (extra) out[extra[0]] = extra[1];
      return out;
    });
}

/** Percent-encodes as UTF-8; a lone surrogate (which has no UTF-8 form) becomes its CESU-8 bytes. */
export function enc(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out +=
      ch.length === 1 && c >= 0xd800 && c <= 0xdfff
        ? `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`
        : encodeURIComponent(ch);
  }
  return out;
}

/** A path segment: mostly one of the known ids, else a random UUID or a hostile segment. */
export function segment(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: nastyString.map((s) => enc(s) || 'x') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%00', '%', '%zz', '..', '.', '%2e%2e', '%2F', '%ED%A0%80', '%FF'),
    },
  );
}

/** A query string over the given keys (plausible or hostile values, repeated keys), or raw junk. */
export function queryString(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const keys = Object.keys(fields);
  const pair = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...(keys.length ? keys : ['x']))
        .chain((k) =>
          fc
            .oneof({ weight: 3, arbitrary: fields[k] ?? nastyString }, nastyString)
            .map((v) => `${enc(k)}=${enc(v)}`),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(nastyString, nastyString).map(([k, v]) => `${enc(k)}=${enc(v)}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        '%zz',
        '=',
        '&',
        'a',
        'a=%00',
        '%00=1',
        '==',
        'q=%FF',
        'base=%ED%A0%80',
      ),
    },
  );
  return fc.array(pair, { maxLength: 5 }).map((ps) => (ps.length ? `?${ps.join('&')}` : ''));
}

/** Headers a hostile client may send with a body, and the body in the matching (or not) form. */
export interface BodyCase {
  contentType: string | undefined;
  payload: string | Buffer | undefined;
}

const boundary = 'fuzzboundary1234';

const multipartPart = fc.record({
  name: fc.oneof(fc.constantFrom('file', 'images', '..', '', 'file"x'), nastyString),
  filename: fc.option(
    fc.oneof(
      fc.constantFrom('a.jsonl', 'a.csv', 'a.json', '.', '..', 'img/../../x.png', '%00.jsonl'),
      nastyString,
    ),
    { nil: undefined },
  ),
  content: fc.oneof(
    nastyString,
    fc.constantFrom(
      '{"id":"q-1","question":"q?","outputs":{"a":{"trace":"t","answer":"x"}}}\n',
      'id,question\nq-1,q?\n',
    ),
  ),
});

/** A multipart body; the boundary in the content type may be missing or differ from the body's. */
export const multipartBody: fc.Arbitrary<BodyCase> = fc
  .tuple(
    fc.array(multipartPart, { maxLength: 3 }),
    fc.constantFrom('match', 'missing', 'other', 'empty'),
  )
  .map(([parts, mode]) => {
    const body =
      parts
        .map((p) => {
          const disp = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
          return `--${boundary}\r\ncontent-disposition: ${disp}\r\ncontent-type: application/octet-stream\r\n\r\n${p.content}\r\n`;
        })
        .join('') + `--${boundary}--\r\n`;
    const contentType = {
      match: `multipart/form-data; boundary=${boundary}`,
      missing: 'multipart/form-data',
      other: 'multipart/form-data; boundary=somethingelse',
      empty: 'multipart/form-data; boundary=',
    }[mode];
    return { contentType, payload: body };
  });

/** A body for a JSON route: the shaped object as JSON mostly, else junk, deep nesting or multipart. */
export function jsonBody(shape: fc.Arbitrary<unknown>): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    {
      weight: 12,
      arbitrary: shape.map((v) => ({
        contentType: 'application/json',
        payload: JSON.stringify(v) ?? 'null',
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(nastyJson, fc.constantFrom('application/json', undefined))
        .map(([v, ct]) => ({ contentType: ct, payload: JSON.stringify(v) ?? 'null' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          nastyString,
          fc.constantFrom(
            'application/json',
            'application/json; charset=latin1',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/octet-stream',
            'application/x-ndjson',
            'text/csv',
            '*/*',
            'garbage',
            '',
          ),
        )
        .map(([s, ct]) => ({ contentType: ct, payload: s })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 20_000 }).map((n) => ({
        contentType: 'application/json',
        payload: `${'['.repeat(n)}${']'.repeat(n)}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 20_000 }).map((n) => ({
        contentType: 'application/json',
        payload: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
      })),
    },
    { weight: 1, arbitrary: multipartBody },
    { weight: 1, arbitrary: fc.constant({ contentType: undefined, payload: undefined }) },
  );
}
