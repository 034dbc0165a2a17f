import { hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import packageJson from '../../package.json' with { type: 'json' };
import type { Provenance, ProvenanceInput, ReportOptions } from '../../shared/report.ts';
import { grow } from './growable.ts';
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
 * Numbers that flip with a pair's orientation (a's score becomes 1 − score, the log length ratio
 * its negation) can differ in the last bit between the two readings: 9 significant digits make
 * both readings hash alike.
 */
function num(x: number): number | null {
  if (Number.isNaN(x)) return null;
  // quarters (every score of a win, tie or loss) flip exactly and skip the slow toPrecision
  return Number.isInteger(x * 4) ? x : Number(x.toPrecision(9));
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
}

function quotedNames(t: VerdictTable): QuotedNames {
  const q = (names: readonly string[]) => names.map((n) => JSON.stringify(n));
  return {
    systems: q(t.systems.names),
    judges: q(t.judges.names),
    modalities: q(t.modalities.names),
    axes: q(t.axes.names),
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
    axes += `${axes === '' ? '' : ','}[${quoted.axes[ax]},${jsonNumber(num(flip ? 1 - s : s))}]`;
  }
  const score = t.score[i] as number;
  const modality = t.modality[i] as number;
  const diff = t.lengthDiff[i] as number;
  const ratio = t.lengthRatio[i] as number;
  return (
    `[${JSON.stringify(t.items.name(t.item[i] as number))},${quoted.systems[low]},${quoted.systems[high]},` +
    `${jsonNumber(num(flip ? 1 - score : score))},${quoted.judges[t.judge[i] as number]},` +
    `"${JUDGE_KINDS[t.judgeKind[i] as number]}",` +
    `${shown === -1 ? 'null' : (shown === 0) !== flip ? '"low"' : '"high"'},` +
    `${modality === -1 ? 'null' : quoted.modalities[modality]},` +
    `${Number.isNaN(diff) ? 'null' : jsonNumber(flip ? -diff : diff)},` +
    `${jsonNumber(num(flip ? -ratio : ratio))},[${axes}]]`
  );
}

/**
 * SHA-256 over the verdicts, independent of their order: each verdict's canonical line is hashed
 * (SHA-256 of its UTF-8), the 32-byte digests are sorted bytewise, and the hash of their
 * concatenation is the verdicts' hash. In Python:
 * `sha256(b"".join(sorted(sha256(line.encode()).digest() for line in lines))).hexdigest()`.
 */
export function verdictsHash(t: VerdictTable): string {
  const digests = new VerdictDigests(t.length);
  digests.add(t, 0, t.length);
  return digests.sha256();
}

/**
 * The verdicts' digests, a range of rows at a time: a row's canonical line depends on that row and
 * on names, never on rows added after it, so a table being built can be digested as it grows
 * (`VerdictsHashAside`). The digests live in one buffer (32 bytes a verdict, off the heap), so a
 * million verdicts keep the heap flat.
 */
export class VerdictDigests {
  private digests: Buffer;
  // the first 8 bytes as two words: almost every comparison of the sort ends there
  private hi: Uint32Array;
  private lo: Uint32Array;
  private n = 0;

  constructor(capacity = 1024) {
    const cap = Math.max(capacity, 1);
    this.digests = Buffer.alloc(32 * cap);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
  }

  /** Digests rows [from, to) of `t`. */
  add(t: VerdictTable, from: number, to: number): void {
    const need = this.n + to - from;
    if (need > this.hi.length) {
      const cap = Math.max(need, 2 * this.hi.length);
      const digests = Buffer.alloc(32 * cap);
      digests.set(this.digests.subarray(0, 32 * this.n));
      this.digests = digests;
      this.hi = grow(this.hi, cap);
      this.lo = grow(this.lo, cap);
    }
    const axisOrder = axesByName(t);
    const quoted = quotedNames(t);
    for (let i = from; i < to; i++) {
      const d = hash('sha256', canonicalVerdict(t, i, axisOrder, quoted), 'buffer');
      // TypedArray.set, not Buffer.copy: a million 32-byte copies cost 0.3 s through copy's JS
      this.digests.set(d, 32 * this.n);
      this.hi[this.n] = d.readUInt32BE(0);
      this.lo[this.n] = d.readUInt32BE(4);
      this.n++;
    }
  }

  /** SHA-256 of the digests so far, sorted bytewise. */
  sha256(): string {
    const { n, hi, lo } = this;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const digest = (i: number) => this.digests.subarray(32 * i, 32 * i + 32);
    order.sort(
      (x, y) =>
        (hi[x] as number) - (hi[y] as number) ||
        (lo[x] as number) - (lo[y] as number) ||
        Buffer.compare(digest(x), digest(y)),
    );
    const sorted = Buffer.alloc(32 * n);
    for (let k = 0; k < n; k++) digest(order[k] as number).copy(sorted, 32 * k);
    return hash('sha256', sorted, 'hex');
  }
}

/**
 * Below this many verdicts the hash costs less than starting its worker (about 0.02 s built,
 * 0.1–0.25 s under tsx), and the hash is computed on this thread.
 */
export const OFF_THREAD_MIN_VERDICTS = 50_000;

/** What the hash's worker receives: rows [from, to) of a table, or the end of the table. */
export type HashWorkerMessage =
  | {
      kind: 'rows';
      from: number;
      to: number;
      /** The items' names from id `firstItem` on (the worker has the ones before). */
      firstItem: number;
      itemNames: string[];
      /** The columns (rows before `to`) and the names other than the items' (a few). */
      table: Omit<
        VerdictTable,
        'items' | 'style' | 'skipped' | 'warnings' | 'systems' | 'judges' | 'modalities' | 'axes'
      > &
        Record<'systems' | 'judges' | 'modalities' | 'axes', { names: string[] }>;
    }
  | { kind: 'done' };

/**
 * The verdicts' hash on a worker thread, fed while the table is still being read and finished
 * while the report's statistics run: on a million verdicts the hash is ~3–5 s of one core (a
 * SHA-256 call costs 1–2 µs whatever its length, and there is one a verdict), and `stats` has two
 * cores, one of them idle while the file is parsed. `update(t)` posts the rows added since the
 * last call (a table's rows never change once added); `result(t)` posts the rest and gives the
 * hash of the finished table. The worker reads the columns in place when they are on shared
 * memory (VerdictTableBuilder's), else it gets copies. Where no worker starts, or it fails or
 * exits without an answer, the hash is computed here from the finished table, with the same
 * result (a failure of that computation rejects the promise).
 */
export class VerdictsHashAside {
  private worker: Worker | null = null;
  /** The worker's answer; null when it failed (the hash is then computed here). */
  private answer: Promise<string | null> | null = null;
  private failed = false;
  private cancelled = false;
  private sent = 0;
  private itemsSent = 0;

  constructor(private readonly minVerdicts = OFF_THREAD_MIN_VERDICTS) {}

  /** Posts the rows of `t` added since the last call, starting the worker once there are enough. */
  update(t: VerdictTable): void {
    if (this.failed || this.cancelled || t.length <= this.sent) return;
    if (!this.worker && (t.length < this.minVerdicts || !this.start())) return;
    const n = t.length;
    // a column on shared memory (VerdictTableBuilder's) goes as a view, read in place: rows
    // before n are never written again; any other goes as a copy, transferred
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
    const itemNames: string[] = [];
    for (let id = this.itemsSent; id < t.items.size; id++) itemNames.push(t.items.name(id));
    const message: HashWorkerMessage = {
      kind: 'rows',
      from: this.sent,
      to: n,
      firstItem: this.itemsSent,
      itemNames,
      table: {
        length: n,
        systems: { names: t.systems.names },
        judges: { names: t.judges.names },
        modalities: { names: t.modalities.names },
        axes: { names: t.axes.names },
        pairs: t.pairs,
        ...columns,
      },
    };
    const buffers = [...Object.values(columns).flat()]
      .map((a) => a.buffer)
      .filter((b): b is ArrayBuffer => !(b instanceof SharedArrayBuffer));
    try {
      this.worker?.postMessage(message, buffers);
    } catch {
      this.fail();
      return;
    }
    this.sent = n;
    this.itemsSent = t.items.size;
  }

  /** The hash of the finished table `t` (the table `update` saw growing, if it was called). */
  result(t: VerdictTable): Promise<string> {
    this.update(t);
    if (this.worker && !this.failed) this.worker.postMessage({ kind: 'done' });
    const answer = this.answer ?? Promise.resolve(null);
    // cancelled: no one reads the hash, and computing it here would only delay the exit
    return answer.then((sha256) =>
      sha256 !== null ? sha256 : this.cancelled ? new Promise<string>(() => {}) : verdictsHash(t),
    );
  }

  /** Stops the worker (the report failed): the process need not wait for a hash no one reads. */
  cancel(): void {
    this.cancelled = true;
    void this.worker?.terminate();
  }

  private start(): boolean {
    let worker: Worker;
    try {
      // import.meta['url'], not the dotted form: the build rewrites that one to the source's
      // address, and the worker must be found beside the bundle
      worker = hashWorker(import.meta['url']);
    } catch {
      this.failed = true;
      return false;
    }
    this.worker = worker;
    this.answer = new Promise<string | null>((resolve) => {
      const settle = (sha256: unknown) => {
        resolve(typeof sha256 === 'string' ? sha256 : null);
        void worker.terminate();
      };
      worker.once('message', settle);
      const failed = () => {
        this.failed = true;
        settle(null);
      };
      worker.once('messageerror', failed);
      worker.once('error', failed);
      worker.once('exit', failed);
    });
    return true;
  }

  private fail(): void {
    this.failed = true;
    void this.worker?.terminate();
  }
}

/**
 * verdictsHash(t) on a worker thread, so that it runs beside the report's statistics instead of
 * after them (`VerdictsHashAside` with the whole table at once).
 */
export function verdictsHashOffThread(
  t: VerdictTable,
  minVerdicts = OFF_THREAD_MIN_VERDICTS,
): { result: Promise<string>; cancel: () => void } {
  const aside = new VerdictsHashAside(minVerdicts);
  // a rejection comes from computing here, after the worker failed; never unhandled here
  return { result: aside.result(t), cancel: () => aside.cancel() };
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
