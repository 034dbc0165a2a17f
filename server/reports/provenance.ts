import { hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import packageJson from '../../package.json' with { type: 'json' };
import type { Provenance, ProvenanceInput, ReportOptions } from '../../shared/report.ts';
import { JUDGE_KINDS, type VerdictTable } from './verdict-table.ts';

/** The provenance block of a report computed from `t` with `options` (docs/statistics.md). */
export function reportProvenance(
  t: VerdictTable,
  options: ReportOptions,
  input: ProvenanceInput,
  planHash: string | null = null,
  sha256: string = verdictsHash(t),
): Provenance {
  return {
    tracearena: packageJson.version,
    verdicts: { count: t.length, sha256 },
    options: { ...options },
    seed: options.seed,
    input,
    // the study's locked analysis plan (docs/plan.md), null for files and unplanned studies
    planHash,
  };
}

/**
 * A number that flips with a pair's orientation (a's score becomes 1 − score, the log length
 * ratio its negation) as JSON text, to 9 significant digits, since the two readings can differ in
 * the last bit: `JSON.stringify(Number(x.toPrecision(9)))`. Quarters (every score of a win, tie or
 * loss) flip exactly and skip toPrecision. Where toPrecision writes fixed notation, the shortest
 * text of the number it denotes is that text without its trailing zeros (a decimal of at most 15
 * significant digits is the shortest that reads back as its double), which spares two of the
 * three conversions (a million log length ratios spent 0.8 s in them); exponent notation goes the
 * long way. Exported for its test.
 */
export function canonicalNumber(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (Number.isInteger(x * 4)) return String(x);
  const s = x.toPrecision(9);
  if (s.includes('e') || !s.includes('.')) return String(Number(s));
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--; // '0'
  if (s.charCodeAt(end - 1) === 46) end--; // '.'
  return s.slice(0, end);
}

/** The axis ids in code-unit order of their names (never the locale's: every machine sorts alike). */
function axesByName(t: VerdictTable): number[] {
  return t.axes.names
    .map((_, ax) => ax)
    .sort((x, y) => {
      const [nx, ny] = [t.axes.names[x] as string, t.axes.names[y] as string];
      return nx < ny ? -1 : nx > ny ? 1 : 0;
    });
}

/** The JSON text of the names the canonical lines repeat (systems, judges, modalities, axes). */
interface QuotedNames {
  systems: string[];
  judges: string[];
  modalities: string[];
  axes: string[];
  /** Filled as the lines ask (an item has a verdict per pair and judge). */
  items: string[];
}

function quotedNames(t: VerdictTable): QuotedNames {
  const q = (names: readonly string[]) => names.map((n) => JSON.stringify(n));
  return {
    systems: q(t.systems.names),
    judges: q(t.judges.names),
    modalities: q(t.modalities.names),
    axes: q(t.axes.names),
    items: [],
  };
}

/** A number as JSON.stringify writes it (null for null, NaN and infinities). */
function jsonNumber(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'null' : String(x);
}

/**
 * Verdict `i` as one canonical JSON line: the pair's systems in code-unit order (low, high) and
 * every figure as seen from `low`, so neither the table's first-seen orientation nor the record's
 * own order of a and b shows. The line is `JSON.stringify` of [item, low, high, score, judge,
 * kind, shown left ('low', 'high' or null), modality, length difference, log length ratio,
 * [[axis, score], …]]; it is written out piece by piece with the names' JSON text computed once
 * per table (a million verdicts spent 1.2 s in JSON.stringify of the whole array).
 */
export function canonicalVerdict(
  t: VerdictTable,
  i: number,
  axisOrder: readonly number[] = axesByName(t),
  quoted: QuotedNames = quotedNames(t),
): string {
  const pair = t.pairs[t.pair[i] as number] as [number, number];
  const flip = (t.systems.names[pair[0]] as string) > (t.systems.names[pair[1]] as string);
  const [low, high] = flip ? [pair[1], pair[0]] : pair;
  const shown = t.shownLeft[i] as number;
  let axes = '';
  for (const ax of axisOrder) {
    const s = (t.axisScore[ax] as Float64Array)[i] as number;
    if (Number.isNaN(s)) continue;
    axes += `${axes === '' ? '' : ','}[${quoted.axes[ax]},${canonicalNumber(flip ? 1 - s : s)}]`;
  }
  const score = t.score[i] as number;
  const modality = t.modality[i] as number;
  const diff = t.lengthDiff[i] as number;
  const ratio = t.lengthRatio[i] as number;
  const item = t.item[i] as number;
  return (
    `[${(quoted.items[item] ??= JSON.stringify(t.items.name(item)))},${quoted.systems[low]},${quoted.systems[high]},` +
    `${canonicalNumber(flip ? 1 - score : score)},${quoted.judges[t.judge[i] as number]},` +
    `"${JUDGE_KINDS[t.judgeKind[i] as number]}",` +
    `${shown === -1 ? 'null' : (shown === 0) !== flip ? '"low"' : '"high"'},` +
    `${modality === -1 ? 'null' : quoted.modalities[modality]},` +
    `${Number.isNaN(diff) ? 'null' : jsonNumber(flip ? -diff : diff)},` +
    `${canonicalNumber(flip ? -ratio : ratio)},[${axes}]]`
  );
}

/**
 * SHA-256 over the verdicts, independent of their order: each verdict's canonical line is hashed
 * (SHA-256 of its UTF-8), the 32-byte digests are sorted bytewise, and the hash of their
 * concatenation is the verdicts' hash. In Python:
 * `sha256(b"".join(sorted(sha256(line.encode()).digest() for line in lines))).hexdigest()`.
 * The digests live in one buffer (32 bytes a verdict, off the heap), so a million verdicts keep
 * the heap flat.
 */
export function verdictsHash(t: VerdictTable): string {
  const n = t.length;
  const digests = Buffer.alloc(32 * n);
  const axisOrder = axesByName(t);
  const quoted = quotedNames(t);
  for (let i = 0; i < n; i++) {
    // the digest as 'binary' (latin1) text, copied by char code: a Buffer a call costs three times the
    // digest itself (1.8 s against 0.55 s on a million)
    const d = hash('sha256', canonicalVerdict(t, i, axisOrder, quoted), 'binary');
    const at = 32 * i;
    for (let j = 0; j < 32; j++) digests[at + j] = d.charCodeAt(j);
  }
  return hash('sha256', sortedDigests(digests), 'hex');
}

/**
 * The 32-byte digests of `digests` in bytewise order, by a native sort of doubles rather than a
 * comparator (0.7 s on a million): each key is a digest's first `prefixBits` bits (at most 48, and
 * at most 53 less the bits of an index) above its index, exact below 2^53; runs of keys with equal
 * prefixes (about n² / 2^(prefixBits + 1) digests of n) are then ordered by their whole digests.
 * `prefixBits` is a parameter for the test that makes every run long.
 */
export function sortedDigests(digests: Buffer, prefixBits = 48): Buffer {
  const n = digests.length / 32;
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const bits = Math.max(1, Math.min(prefixBits, 48, 53 - indexBits));
  const indexScale = 2 ** indexBits;
  const prefixScale = 2 ** (48 - bits);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const at = 32 * i;
    // the first 6 bytes, big-endian, as an exact double (readUIntBE's arithmetic without its checks)
    const top =
      ((digests[at] as number) * 2 ** 8 + (digests[at + 1] as number)) * 2 ** 32 +
      (((digests[at + 2] as number) << 24) >>> 0) +
      ((digests[at + 3] as number) << 16) +
      ((digests[at + 4] as number) << 8) +
      (digests[at + 5] as number);
    keys[i] = Math.floor(top / prefixScale) * indexScale + i;
  }
  keys.sort();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = (keys[k] as number) % indexScale;
  const prefix = (k: number) => Math.floor((keys[k] as number) / indexScale);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && prefix(end) === prefix(start)) end++;
    if (end - start > 1)
      order
        .subarray(start, end)
        .sort((x, y) =>
          Buffer.compare(
            digests.subarray(32 * x, 32 * x + 32),
            digests.subarray(32 * y, 32 * y + 32),
          ),
        );
    start = end;
  }
  // eight 32-bit words a digest: a subarray per digest (a Buffer each) cost more than the sort
  const sorted = Buffer.alloc(32 * n);
  const aligned =
    digests.byteOffset % 4 === 0 ? digests : Buffer.from(Uint8Array.prototype.slice.call(digests));
  const from = new Int32Array(aligned.buffer, aligned.byteOffset, 8 * n);
  const to = new Int32Array(sorted.buffer, sorted.byteOffset, 8 * n);
  for (let k = 0; k < n; k++) {
    const f = 8 * (order[k] as number);
    const t = 8 * k;
    for (let j = 0; j < 8; j++) to[t + j] = from[f + j] as number;
  }
  return sorted;
}

/**
 * Below this many verdicts the hash costs less than starting its worker (about 0.02 s built,
 * 0.1–0.25 s under tsx), and verdictsHashOffThread computes it on this thread.
 */
export const OFF_THREAD_MIN_VERDICTS = 50_000;

/**
 * verdictsHash(t) on a worker thread, so that it runs beside the report's statistics instead of
 * after them: on a million verdicts the hash is ~2 s of one core (a SHA-256 call costs ~0.4 µs
 * whatever its length, and there is one a verdict), and `stats` has two. The worker is the built
 * verdicts-hash-worker.js beside the running bundle, or under tsx its TypeScript source; it reads
 * the columns in place when they are on shared memory (a built table is never written), else it
 * gets compact copies, transferred. Where no worker
 * starts, or it fails or exits without an answer, the hash is computed here, with the same result
 * (a failure of that computation rejects the promise).
 */
export function verdictsHashOffThread(
  t: VerdictTable,
  minVerdicts = OFF_THREAD_MIN_VERDICTS,
): {
  result: Promise<string>;
  /** Stops the worker (the report failed): the process need not wait for a hash no one reads. */
  cancel: () => void;
} {
  if (t.length < minVerdicts)
    return { result: Promise.resolve().then(() => verdictsHash(t)), cancel: () => {} };
  // import.meta['url'], not the dotted form: the build rewrites that one to the source's address,
  // and the worker must be found beside the bundle
  const here = import.meta['url'];
  let worker: Worker | null = null;
  let cancelled = false;
  const result = new Promise<string>((resolve, reject) => {
    let settled = false;
    const fallback = () => {
      if (settled || cancelled) return;
      settled = true;
      void worker?.terminate();
      try {
        resolve(verdictsHash(t));
      } catch (err) {
        reject(err);
      }
    };
    let started: Worker;
    try {
      started = worker = hashWorker(here);
    } catch {
      fallback();
      return;
    }
    started.once('message', (sha256: unknown) => {
      if (typeof sha256 !== 'string') return fallback();
      settled = true;
      resolve(sha256);
      void started.terminate();
    });
    started.once('messageerror', fallback);
    started.once('error', fallback);
    started.once('exit', fallback);
    const n = t.length;
    // a column on shared memory (VerdictTableBuilder's) goes as a view, read in place: nothing
    // writes a built table; any other goes as a compact copy, transferred
    const column = <T extends Int32Array | Float64Array | Uint8Array | Int8Array>(a: T): T =>
      (a.buffer instanceof SharedArrayBuffer ? a.subarray(0, n) : a.slice(0, n)) as T;
    const columns = {
      item: column(t.item),
      pair: column(t.pair),
      score: column(t.score),
      judge: column(t.judge),
      judgeKind: column(t.judgeKind),
      shownLeft: column(t.shownLeft),
      modality: column(t.modality),
      lengthRatio: column(t.lengthRatio),
      lengthDiff: column(t.lengthDiff),
      axisScore: t.axisScore.map(column),
    };
    const message: Partial<VerdictTable> = {
      length: n,
      items: t.items,
      systems: t.systems,
      judges: t.judges,
      modalities: t.modalities,
      axes: t.axes,
      pairs: t.pairs,
      ...columns,
    };
    const buffers = [...Object.values(columns).flat()]
      .map((a) => a.buffer)
      .filter((b): b is ArrayBuffer => !(b instanceof SharedArrayBuffer));
    started.postMessage(message, buffers);
  });
  return {
    result,
    cancel: () => {
      cancelled = true;
      void worker?.terminate();
    },
  };
}

/**
 * The hash's worker: the built one beside this bundle, or under tsx (this module's address ends
 * in .ts) a worker that registers tsx before importing the TypeScript source, since a worker does
 * not share this thread's loader hooks, whether tsx came by --import or by register().
 */
function hashWorker(here: string): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL('./verdicts-hash-worker.js', here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = new URL('./verdicts-hash-worker.ts', here).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); })`,
    { eval: true, execArgv: [] },
  );
}
