import { hash } from 'node:crypto';
import packageJson from '../../package.json' with { type: 'json' };
import type { Provenance, ProvenanceInput, ReportOptions } from '../../shared/report.ts';
import { JUDGE_KINDS, type VerdictTable } from './verdict-table.ts';

/** The provenance block of a report computed from `t` with `options` (docs/statistics.md). */
export function reportProvenance(
  t: VerdictTable,
  options: ReportOptions,
  input: ProvenanceInput,
  planHash: string | null = null,
): Provenance {
  return {
    tracearena: packageJson.version,
    verdicts: { count: t.length, sha256: verdictsHash(t) },
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

/**
 * Verdict `i` as one canonical JSON line: the pair's systems in code-unit order (low, high) and
 * every figure as seen from `low`, so neither the table's first-seen orientation nor the record's
 * own order of a and b shows.
 */
export function canonicalVerdict(
  t: VerdictTable,
  i: number,
  axisOrder: readonly number[] = axesByName(t),
): string {
  const pair = t.pairs[t.pair[i] as number] as [number, number];
  const a = t.systems.names[pair[0]] as string;
  const b = t.systems.names[pair[1]] as string;
  const flip = a > b;
  const shown = t.shownLeft[i] as number;
  const axes: Array<[string, number | null]> = [];
  for (const ax of axisOrder) {
    const s = (t.axisScore[ax] as Float64Array)[i] as number;
    if (!Number.isNaN(s)) axes.push([t.axes.names[ax] as string, num(flip ? 1 - s : s)]);
  }
  const score = t.score[i] as number;
  const modality = t.modality[i] as number;
  const diff = t.lengthDiff[i] as number;
  return JSON.stringify([
    t.items.name(t.item[i] as number),
    flip ? b : a,
    flip ? a : b,
    num(flip ? 1 - score : score),
    t.judges.names[t.judge[i] as number],
    JUDGE_KINDS[t.judgeKind[i] as number],
    shown === -1 ? null : (shown === 0) !== flip ? 'low' : 'high',
    modality === -1 ? null : t.modalities.names[modality],
    Number.isNaN(diff) ? null : flip ? -diff : diff,
    num(flip ? -(t.lengthRatio[i] as number) : (t.lengthRatio[i] as number)),
    axes,
  ]);
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
  // the first 8 bytes as two words: almost every comparison of the sort ends there
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const axisOrder = axesByName(t);
  for (let i = 0; i < n; i++) {
    hash('sha256', canonicalVerdict(t, i, axisOrder), 'buffer').copy(digests, 32 * i);
    hi[i] = digests.readUInt32BE(32 * i);
    lo[i] = digests.readUInt32BE(32 * i + 4);
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const digest = (i: number) => digests.subarray(32 * i, 32 * i + 32);
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
