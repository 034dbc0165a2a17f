import { parseArgs } from 'node:util';
import { criticalValue, designEffect } from '../server/stats/cluster-wilson.ts';
import { addScore, emptyMoments } from '../server/stats/moments.ts';
import { createRng } from '../server/stats/rng.ts';
import { wilsonBounds, zCritical } from '../server/stats/wilson.ts';
import {
  LEVEL,
  bandReachable,
  betaSampler,
  cellKey,
  cellSeed,
  cells,
  printCandidateTable,
  trueRate,
  type CandidateRow,
  type Cell,
} from './coverage-study.ts';

/**
 * Profile-likelihood candidates for the clustered cells of the coverage grid (docs/statistics.md,
 * "Profile likelihood over items"), on the same simulated studies as
 * scripts/coverage-candidates.ts (same seeds, same draws), so the default's figures are the same.
 * Run: `npx tsx scripts/coverage-profile.ts --replications 1000 --max-items 100` (the table in
 * scripts/coverage-profile.output.md).
 *
 * The model: each verdict is two half-verdicts (a win two successes, a tie one success and one
 * failure, a loss two failures), so an item with c verdicts and score sum s has 2s successes out
 * of 2c; item i's success probability is Beta with mean μ and intra-item correlation ρ, so its
 * count is beta-binomial. μ is the rate with ties half. The interval is
 * {μ : 2(ℓ(μ̂, ρ̂) − max_ρ ℓ(μ, ρ)) ≤ c²}, ρ ∈ [0, 1) profiled out, with c² = z² (χ²₁) or
 * t²_{items − 1} (F(1, items − 1)). Half-verdicts make it a quasi-likelihood: the pair within a
 * verdict is perfectly correlated (a tie anti-correlated), which the fitted ρ absorbs as part of
 * the within-item correlation.
 */

/** Items grouped by (successes, trials) in half-verdicts. */
export interface HalfPatterns {
  successes: Int32Array;
  trials: Int32Array;
  weight: Float64Array;
  maxTrials: number;
}

export function halfPatterns(sums: Float64Array, counts: Float64Array): HalfPatterns {
  return patterns(
    sums.map((x) => 2 * x),
    counts.map((x) => 2 * x),
  );
}

/** Items grouped by (successes, trials); items with no trial are left out. */
export function patterns(successes: Float64Array, trialsOf: Float64Array): HalfPatterns {
  const map = new Map<number, number>();
  let maxTrials = 0;
  for (let i = 0; i < successes.length; i++) {
    const n = Math.round(trialsOf[i] as number);
    if (n === 0) continue;
    const s = Math.round(successes[i] as number);
    const key = n * 100_000 + s;
    map.set(key, (map.get(key) ?? 0) + 1);
    if (n > maxTrials) maxTrials = n;
  }
  const size = map.size;
  const out: HalfPatterns = {
    successes: new Int32Array(size),
    trials: new Int32Array(size),
    weight: new Float64Array(size),
    maxTrials,
  };
  let j = 0;
  for (const [key, w] of map) {
    out.trials[j] = Math.floor(key / 100_000);
    out.successes[j] = key % 100_000;
    out.weight[j] = w;
    j++;
  }
  return out;
}

/**
 * Beta-binomial log-likelihood (without the binomial coefficients) of the patterns at mean μ
 * and γ = ρ/(1 − ρ): Σ_{j<s} log(μ + jγ) + Σ_{j<n−s} log(1 − μ + jγ) − Σ_{j<n} log(1 + jγ).
 */
function logLik(
  h: HalfPatterns,
  mu: number,
  gamma: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
): number {
  const N = h.maxTrials;
  a[0] = 0;
  b[0] = 0;
  c[0] = 0;
  for (let j = 0; j < N; j++) {
    a[j + 1] = (a[j] as number) + Math.log(mu + j * gamma);
    b[j + 1] = (b[j] as number) + Math.log(1 - mu + j * gamma);
    c[j + 1] = (c[j] as number) + Math.log(1 + j * gamma);
  }
  let l = 0;
  for (let i = 0; i < h.weight.length; i++) {
    const s = h.successes[i] as number;
    const n = h.trials[i] as number;
    const la = s > 0 ? (a[s] as number) : 0;
    const lb = n - s > 0 ? (b[n - s] as number) : 0;
    l += (h.weight[i] as number) * (la + lb - (c[n] as number));
  }
  return l;
}

const RHO_MAX = 1 - 1e-7;
const GOLD = (Math.sqrt(5) - 1) / 2;

/** Golden-section search for the maximum of `f` on [lo, hi]: the better of its last two probes. */
function goldenMax(
  f: (x: number) => number,
  lo: number,
  hi: number,
  iterations: number,
): { x: number; f: number } {
  let x1 = hi - GOLD * (hi - lo);
  let x2 = lo + GOLD * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  for (let it = 0; it < iterations; it++) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + GOLD * (hi - lo);
      f2 = f(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - GOLD * (hi - lo);
      f1 = f(x1);
    }
  }
  return f1 > f2 ? { x: x1, f: f1 } : { x: x2, f: f2 };
}

/**
 * Where {x : keep(x)} ends between `inside` (kept) and `outside`, by bisection: [outside, outside]
 * when `outside` is kept, else the last bracket [kept, not kept].
 */
function boundary(
  keep: (x: number) => boolean,
  inside: number,
  outside: number,
  iterations: number,
): [number, number] {
  if (keep(outside)) return [outside, outside];
  let a = inside;
  let b = outside;
  for (let it = 0; it < iterations; it++) {
    const m = (a + b) / 2;
    if (keep(m)) a = m;
    else b = m;
  }
  return [a, b];
}

/** max over ρ ∈ [0, RHO_MAX] of ℓ(μ, ρ): a coarse scan on logit ρ, then golden section. */
export function profileLogLik(h: HalfPatterns, mu: number, work: Float64Array[]): number {
  const [a, b, c] = work as [Float64Array, Float64Array, Float64Array];
  const at = (rho: number) => logLik(h, mu, rho / (1 - rho), a, b, c);
  // scan: ρ = 0 and ρ on a logit grid up to RHO_MAX
  const grid = [
    0,
    0.001,
    0.005,
    0.02,
    0.05,
    0.1,
    0.2,
    0.35,
    0.5,
    0.65,
    0.8,
    0.9,
    0.97,
    0.99,
    0.999,
    0.9999,
    0.99999,
    RHO_MAX,
  ];
  let best = 0;
  let bestL = Number.NEGATIVE_INFINITY;
  const ls = grid.map((r) => at(r));
  for (let i = 0; i < grid.length; i++)
    if ((ls[i] as number) > bestL) {
      bestL = ls[i] as number;
      best = i;
    }
  const lo = grid[Math.max(0, best - 1)] as number;
  const hi = grid[Math.min(grid.length - 1, best + 1)] as number;
  return Math.max(bestL, goldenMax(at, lo, hi, 30).f);
}

/**
 * Profile-likelihood interval for μ at critical value `crit` (the signed root's), widened to hold
 * p̂ (the report's estimate) when the likelihood's maximum is elsewhere.
 */
export function profileInterval(
  h: HalfPatterns,
  pHat: number,
  crit: number,
  work: Float64Array[],
): [number, number] {
  const eps = 1e-9;
  const prof = (mu: number) => profileLogLik(h, Math.min(1 - eps, Math.max(eps, mu)), work);
  // maximum over μ: golden section on (0, 1) started at p̂
  const top = goldenMax(prof, eps, 1 - eps, 40);
  const fp = prof(pHat);
  const fEnds = Math.max(prof(eps), prof(1 - eps));
  let muHat = top.x;
  let lMax = top.f;
  if (fp > lMax) {
    muHat = pHat;
    lMax = fp;
  }
  if (fEnds > lMax) lMax = fEnds;
  const cut = lMax - (crit * crit) / 2;
  const edge = (inside: number, outside: number) =>
    boundary((mu) => prof(mu) >= cut, inside, outside, 30)[0];
  const lower = edge(muHat, 0);
  const upper = edge(muHat, 1);
  return [Math.min(lower, pHat), Math.max(upper, pHat)];
}

/**
 * Profile-likelihood interval for the rate with ties half, r = τ/2 + (1 − τ)·π, under a model
 * with two parts: each verdict is a tie with probability τ (binomial, T ties of N verdicts), and
 * the decisive verdicts of item i are beta-binomial with mean π and intra-item correlation ρ.
 * The likelihood is ℓ_T(τ) + ℓ_BB(π, ρ); the interval is the image under r of the region
 * {(τ, π) : ℓ_T(τ) + P(π) ≥ max − c²/2}, P(π) = max_ρ ℓ_BB(π, ρ), i.e. {r : max over (τ, π, ρ)
 * with rate r ≥ max − c²/2}, for each critical value c. P is tabulated on a logit grid of π
 * (linear interpolation) and τ on a grid of its own admissible range.
 */
export function tieDecisiveProfile(
  hd: HalfPatterns,
  ties: number,
  verdicts: number,
  piHat: number,
  crits: readonly number[],
  work: Float64Array[],
): Array<[number, number]> {
  const crit2 = Math.max(...crits.map((c) => (c * c) / 2));
  const U = 16;
  const logistic = (u: number) => 1 / (1 + Math.exp(-u));
  const Pu = (u: number) => profileLogLik(hd, logistic(u), work);
  // the maximum over u = logit π: golden section, then p̂ and the ends
  const top = goldenMax(Pu, -U, U, 45);
  let uMax = top.x;
  let pMax = top.f;
  const candidates = [-U, U];
  if (piHat > 0 && piHat < 1) candidates.push(Math.log(piHat / (1 - piHat)));
  for (const u of candidates) {
    const f = Pu(u);
    if (f > pMax) {
      pMax = f;
      uMax = u;
    }
  }
  // the widest region needed, P ≥ pMax − max c²/2, then a fine table over it
  const cutMin = pMax - crit2 - 1e-9;
  const cross = (inside: number, outside: number) =>
    boundary((u) => Pu(u) >= cutMin, inside, outside, 40)[1];
  const uL = cross(uMax, -U);
  const uR = cross(uMax, U);
  const G = 81;
  const us = new Float64Array(G);
  const P = new Float64Array(G);
  for (let j = 0; j < G; j++) {
    us[j] = uL + ((uR - uL) * j) / (G - 1);
    P[j] = Pu(us[j] as number);
  }
  let jMax = 0;
  for (let j = 1; j < G; j++) if ((P[j] as number) > (P[jMax] as number)) jMax = j;
  if ((P[jMax] as number) > pMax) pMax = P[jMax] as number;
  const lT = (tau: number) =>
    (ties > 0 ? ties * Math.log(tau) : 0) +
    (verdicts - ties > 0 ? (verdicts - ties) * Math.log(1 - tau) : 0);
  const tauHat = ties / verdicts;
  const lTMax = lT(tauHat);
  // π's range where P ≥ pMax − δ (one run around the maximum; the grid's ends stand for 0 and 1)
  const piRange = (delta: number): [number, number] => {
    const cut = pMax - delta;
    let lo = 0;
    let j = jMax;
    while (j > 0 && (P[j - 1] as number) >= cut) j--;
    if (j === 0) lo = us[0] === -U ? 0 : logistic(us[0] as number);
    else {
      const a = P[j - 1] as number;
      const b = P[j] as number;
      const f = (cut - a) / (b - a);
      lo =
        1 /
        (1 + Math.exp(-((us[j - 1] as number) + f * ((us[j] as number) - (us[j - 1] as number)))));
    }
    let hi = 1;
    j = jMax;
    while (j < G - 1 && (P[j + 1] as number) >= cut) j++;
    if (j === G - 1) hi = us[G - 1] === U ? 1 : logistic(us[G - 1] as number);
    else {
      const a = P[j + 1] as number;
      const b = P[j] as number;
      const f = (cut - a) / (b - a);
      hi =
        1 /
        (1 + Math.exp(-((us[j + 1] as number) + f * ((us[j] as number) - (us[j + 1] as number)))));
    }
    return [Math.min(lo, piHat), Math.max(hi, piHat)];
  };
  return crits.map((c) => {
    const half = (c * c) / 2;
    // τ's admissible range: ℓ_T(τ) ≥ ℓ_T(τ̂) − c²/2
    const edge = (inside: number, outside: number) =>
      boundary((tau) => lT(tau) >= lTMax - half, inside, outside, 40)[0];
    const tLo = ties > 0 ? edge(tauHat, 0) : 0;
    const tHi = ties < verdicts ? edge(tauHat, 1) : 1;
    let lower = Number.POSITIVE_INFINITY;
    let upper = Number.NEGATIVE_INFINITY;
    const K = 40;
    for (let i = 0; i <= K + 1; i++) {
      const tau = i === K + 1 ? tauHat : tLo + ((tHi - tLo) * i) / K;
      const delta = half - (lTMax - lT(tau));
      if (!(delta >= 0)) continue;
      const [a, b] = piRange(delta);
      lower = Math.min(lower, tau / 2 + (1 - tau) * a);
      upper = Math.max(upper, tau / 2 + (1 - tau) * b);
    }
    return [lower, upper];
  });
}

const CANDIDATES = [
  'cluster-wilson',
  'td-z',
  'td-t',
  'td-union-z',
  'td-union-t',
  'td-one-sided-t',
  'td-pretest',
  'td-pretest-union',
  'half-z',
  'half-t',
] as const;
type Candidate = (typeof CANDIDATES)[number];

function simulate(
  c: Cell,
  replications: number,
  seed: number,
  half: boolean,
): Record<Candidate, number> {
  // the same seed and draws as scripts/coverage-candidates.ts
  const rng = createRng(cellSeed(c, seed));
  const beta = betaSampler(rng);
  const kappa = c.icc > 0 ? 1 / c.icc - 1 : 0;
  const target = trueRate(c);
  const sums = new Float64Array(c.items);
  const counts = new Float64Array(c.items).fill(c.perItem);
  const z = zCritical(LEVEL);
  const wins = new Float64Array(c.items);
  const decisive = new Float64Array(c.items);
  const work = [0, 1, 2].map(() => new Float64Array(2 * c.perItem + 2));
  const hits = Object.fromEntries(CANDIDATES.map((k) => [k, 0])) as Record<Candidate, number>;
  const hit = (k: Candidate, ci: readonly [number, number]) => {
    if (ci[0] <= target && target <= ci[1]) hits[k]++;
  };
  const union = (x: readonly [number, number], y: readonly [number, number]): [number, number] => [
    Math.min(x[0], y[0]),
    Math.max(x[1], y[1]),
  ];
  for (let r = 0; r < replications; r++) {
    const m = emptyMoments();
    for (let i = 0; i < c.items; i++) {
      const pi = kappa > 0 ? beta(c.rate * kappa, (1 - c.rate) * kappa) : c.rate;
      let s = 0;
      let w = 0;
      let dec = 0;
      for (let v = 0; v < c.perItem; v++) {
        const score = rng.nextFloat() < c.tieRate ? 0.5 : rng.nextFloat() < pi ? 1 : 0;
        s += score;
        if (score === 1) w++;
        if (score !== 0.5) dec++;
        addScore(m, score, 'half');
      }
      sums[i] = s;
      wins[i] = w;
      decisive[i] = dec;
    }
    const d = designEffect({ sums, counts }, m, 'uncapped').value!;
    const p = m.sum / m.weight;
    const t = criticalValue(d.df, LEVEL);
    const def = wilsonBounds(p, d.effectiveN, t);
    hit('cluster-wilson', def);
    if (half) {
      // the half-verdict model (profileInterval): ties read as half a success
      const h = halfPatterns(sums, counts);
      hit('half-z', profileInterval(h, p, z, work));
      hit('half-t', profileInterval(h, p, t, work));
    }
    const oneSided = m.wins === 0 || m.losses === 0;
    // decisive verdicts beta-binomial over items, ties binomial, both profiled (tieDecisiveProfile)
    if (m.wins + m.losses === 0) {
      for (const k of CANDIDATES) if (k !== 'cluster-wilson' && !k.startsWith('half-')) hit(k, def);
    } else {
      const hd = patterns(wins, decisive);
      const piHat = m.wins / (m.wins + m.losses);
      const [tdz, tdt] = tieDecisiveProfile(hd, m.ties, m.n, piHat, [z, t], work) as [
        [number, number],
        [number, number],
      ];
      hit('td-z', tdz);
      hit('td-t', tdt);
      hit('td-union-z', union(def, tdz));
      hit('td-union-t', union(def, tdt));
      hit('td-one-sided-t', oneSided ? union(def, tdt) : def);
      // z when the decisive verdicts show no over-dispersion (ρ̂ = 0 at π̂: the binomial fits as
      // well as any beta-binomial), t_{items − 1} otherwise
      const [wa, wb, wc] = work as [Float64Array, Float64Array, Float64Array];
      const atZero =
        piHat > 0 && piHat < 1 ? logLik(hd, piHat, 0, wa, wb, wc) : Number.NEGATIVE_INFINITY;
      const binomialFits = atZero >= profileLogLik(hd, piHat, work) - 1e-9;
      hit('td-pretest', binomialFits ? tdz : tdt);
      hit('td-pretest-union', union(def, binomialFits ? tdz : tdt));
    }
  }
  return Object.fromEntries(CANDIDATES.map((k) => [k, hits[k] / replications])) as Record<
    Candidate,
    number
  >;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const { values } = parseArgs({
    options: {
      replications: { type: 'string', default: '1000' },
      'max-items': { type: 'string', default: '100' },
      'min-items': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string' },
      /** Also the half-verdict model (slow; its columns are 0 without it). */
      half: { type: 'boolean', default: false },
    },
  });
  const R = Number(values.replications);
  const seed = Number(values.seed);
  const shown = CANDIDATES.filter((k) => values.half === true || !k.startsWith('half-'));
  const started = Date.now();
  const rows: CandidateRow<Candidate>[] = [];
  for (const c of cells()) {
    if (
      c.perItem === 1 ||
      c.items > Number(values['max-items']) ||
      c.items < Number(values['min-items'])
    )
      continue;
    if (values.only && !cellKey(c).includes(values.only)) continue;
    const cov = simulate(c, R, seed, values.half === true);
    rows.push({ cell: c, reachable: bandReachable(c), cov });
    console.error(
      `${cellKey(c)}: ${CANDIDATES.map((k) => `${k} ${cov[k].toFixed(3)}`).join(', ')}`,
    );
  }
  printCandidateTable(rows, shown, R);
  console.log(
    `\n${rows.length} clustered cells with ${values['min-items']}–${values['max-items']} items, ${R} replications, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}
