#!/usr/bin/env python3
"""One verdict per item: the issue-10 coverage targets, settled exactly (no simulation).

Run: /usr/bin/python3 scripts/reference/one_verdict_targets.py  (scipy >= 1.9 for milp, statsmodels)
Writes test/fixtures/stats/one-verdict-targets.json and prints the tables of docs/statistics.md,
"The targets: not met, and not impossible".

With one verdict per item a study is (wins w, ties t, losses l) ~ Multinomial(n; 0.8r, 0.2, 0.8(1 - r))
(tie rate 0.2) or Binomial(n, r) (no ties); the item rates' spread does not matter. The rate is
p = (w + t/2)/n and, as in server/stats (moments.ts, cluster-wilson.ts), the effective sample size
is n_eff = p(1 - p)/v with v = sum (x_i - p)^2 / n^2 (n when there are no ties; n when every verdict
agrees). Each interval is computed on p*n_eff successes of n_eff trials.

1. Exact coverage of candidate intervals (statsmodels' proportion_confint where it has them):
   Agresti-Coull by added verdicts (the default: z^2/2 wins and z^2/2 losses added to the verdicts,
   then the Wald interval of the augmented scores; statsmodels' Agresti-Coull without ties), Wilson,
   Agresti-Coull (on p n_eff of n_eff; the default before), Jeffreys, Clopper-Pearson, mid-p Clopper-Pearson, and
   Wilson at Student's t with n - 1 degrees of freedom (the "t-quantile Wilson").
2. Which cells some non-randomised interval can put inside 93-97% ("reachable"), and whether ONE
   interval can meet every target of the grid at once, by integer programming over every interval
   in the class of sensible ones: the interval of each outcome is any set of the grid's rates that
   is (a) an interval, (b) holds its own estimate p, (c) symmetric under swapping the two systems
   (the interval for (l, t, w) is 1 minus the one for (w, t, l): a report row a-vs-b must say the
   same as b-vs-a), and (d) monotone: one more win in place of a loss never lowers either bound
   (and, asked separately with the p-value's size, a loss turned into a tie or a tie into a win
   never lowers either bound either: monotone in every verdict).
   Only the grid's rates matter for coverage, so an interval is described by which grid rates
   (and their mirror images 1 - r) it covers; the search is exact over all such intervals.
"""
import json
import math
import os

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from interval_programme import interval_programme

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
LEVEL = 0.95
ALPHA = 1 - LEVEL
BAND = (0.93, 0.97)
SIZES = [10, 20, 100, 1000]
RATES = [0.5, 0.7, 0.86, 0.95, 0.97]
TIE_RATES = [0.0, 0.2]


def true_rate(rate, tie):
    return tie / 2 + (1 - tie) * rate


def outcomes(n, tie):
    """(w, t, l, p, n_eff) for every outcome with positive probability."""
    out = []
    for t in range(n + 1) if tie > 0 else [0]:
        for w in range(n - t + 1):
            l = n - w - t
            p = (w + t / 2) / n
            v = (w * (1 - p) ** 2 + t * (0.5 - p) ** 2 + l * p**2) / n**2
            ne = p * (1 - p) / v if v > 1e-12 * 0.25 / n else n
            out.append((w, t, l, p, ne))
    return out


def probabilities(n, rate, tie, outs):
    w = np.array([o[0] for o in outs])
    t = np.array([o[1] for o in outs])
    l = np.array([o[2] for o in outs])
    if tie == 0:
        return stats.binom.pmf(w, n, rate)
    return stats.multinomial.pmf(np.stack([w, t, l], 1), n, [(1 - tie) * rate, tie, (1 - tie) * (1 - rate)])


def midp(x, n):
    """mid-p Clopper-Pearson: P(X > x) + P(X = x)/2 = alpha/2 at the bounds, through the beta
    distribution so that x may be fractional (P(X >= x) = I_p(x, n - x + 1))."""

    def upper_tail(p):  # P(X >= x) and P(X >= x + 1) averaged
        a = stats.beta.cdf(p, x, n - x + 1) if x > 0 else 1.0
        b = stats.beta.cdf(p, x + 1, n - x) if x + 1 <= n else 0.0
        return (a + b) / 2

    lo = 0.0 if x <= 0 else optimize.brentq(lambda p: upper_tail(p) - ALPHA / 2, 1e-15, 1 - 1e-15)
    hi = 1.0 if x >= n else optimize.brentq(lambda p: upper_tail(p) - (1 - ALPHA / 2), 1e-15, 1 - 1e-15)
    return lo, hi


def wilson_at(p, n, c):
    u = c * c / n
    center = (p + u / 2) / (1 + u)
    half = math.sqrt(u * p * (1 - p) + u * u / 4) / (1 + u)
    return max(0.0, center - half), min(1.0, center + half)


def intervals(method, n, outs):
    """Bounds of `method` for every outcome, as arrays (statsmodels vectorises its methods)."""
    p = np.array([o[3] for o in outs])
    ne = np.array([o[4] for o in outs])
    x = p * ne
    if method == "mid_p":
        bounds = np.array([midp(xi, ni) for xi, ni in zip(x, ne)])
        return bounds[:, 0], bounds[:, 1]
    if method == "added":
        # Agresti-Coull by added verdicts (the default): z^2/2 wins and z^2/2 losses added, then the
        # Wald interval of the augmented scores; the same as agresti_coull without ties
        w = np.array([o[0] for o in outs], float)
        t = np.array([o[1] for o in outs], float)
        l = np.array([o[2] for o in outs], float)
        half = stats.norm.isf(ALPHA / 2) ** 2 / 2
        size = n + 2 * half
        pt = (w + t / 2 + half) / size
        q = (w + half) * (1 - pt) ** 2 + t * (0.5 - pt) ** 2 + (l + half) * pt**2
        h = stats.norm.isf(ALPHA / 2) * np.sqrt(q) / size
        return np.maximum(0, pt - h), np.minimum(1, pt + h)
    if method == "wilson_t":
        c = stats.t.isf(ALPHA / 2, n - 1)
        u = c * c / ne
        center = (p + u / 2) / (1 + u)
        half = np.sqrt(u * p * (1 - p) + u * u / 4) / (1 + u)
        return np.maximum(0, center - half), np.minimum(1, center + half)
    lo, hi = proportion_confint(x, ne, alpha=ALPHA, method=method)
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    if method == "beta":  # statsmodels gives nan at x = 0 and x = n
        lo = np.where(x <= 0, 0.0, lo)
        hi = np.where(x >= ne, 1.0, hi)
    return np.maximum(0, lo), np.minimum(1, hi)


METHODS = {
    "wilson": "wilson",
    "agresti_coull_added": "added",
    "agresti_coull": "agresti_coull",
    "jeffreys": "jeffreys",
    "clopper_pearson": "beta",
    "mid_p": "mid_p",
    "wilson_t": "wilson_t",
}


def coverage_table():
    """Exact coverage; mid-p (a root search per outcome) only up to 100 items."""
    table = {}
    for name, method in METHODS.items():
        table[name] = {}
        for n in SIZES:
            if method == "mid_p" and n > 100:
                continue
            for tie in TIE_RATES:
                outs = outcomes(n, tie)
                prs = {rate: probabilities(n, rate, tie, outs) for rate in RATES}
                # outcomes negligible under every rate do not change a coverage in 12 digits
                keep = np.max(np.stack(list(prs.values())), 0) > 1e-16
                sub = [o for o, k in zip(outs, keep) if k]
                lo, hi = intervals(method, n, sub)
                for rate in RATES:
                    r = true_rate(rate, tie)
                    pr = prs[rate][keep]
                    table[name][f"{n}/{rate}/{tie:g}"] = float(np.sum(pr[(lo <= r) & (r <= hi)]))
    return table


# ---------------------------------------------------------------- the integer programme
def solve(n, cell_constraints, full=False):
    """Feasibility of the class (a)-(d) for one n under cell_constraints: a list of
    (rate, tie, lower, upper) coverage bounds; `full` asks (d) for every verdict's step up (a loss
    to a tie, a tie to a win), not only a loss to a win. Returns (feasible, coverages or None)."""
    ties_used = sorted({c[1] for c in cell_constraints})
    outs = [o for tie in ties_used for o in outcomes(n, tie)]
    outs = list({(o[0], o[1], o[2]): o for o in outs}.values())
    index = {(o[0], o[1], o[2]): i for i, o in enumerate(outs)}
    phat = [o[3] for o in outs]
    mirror = [index[(l, t, w)] for w, t, l, *_ in outs]
    # (d): one more win in place of a loss; with `full`, every verdict moved up one step (a loss
    # to a tie, a tie to a win), so that neither bound ever falls when a verdict improves
    up = []
    for w, t, l, *_ in outs:
        steps = [(w + 1, t, l - 1)] if l > 0 else []
        if full:
            steps += ([(w, t + 1, l - 1)] if l > 0 else []) + ([(w + 1, t - 1, l)] if t > 0 else [])
        up.append([index[x] for x in steps if x in index])
    cells = []
    for rate, tie, lo, hi in cell_constraints:
        probs = np.zeros(len(outs))
        sub = outcomes(n, tie)
        for q, o in zip(probabilities(n, rate, tie, sub), sub):
            probs[index[o[:3]]] = q
        cells.append({"truth": true_rate(rate, tie), "probs": probs, "lo": lo, "hi": hi})
    ok, covs = interval_programme(phat, mirror, up, cells)
    if not ok:
        return False, None
    return True, {f"{n}/{rate}/{tie:g}": v for (rate, tie, *_), v in zip(cell_constraints, covs)}


def main():
    table = coverage_table()
    small = [10, 20]
    reachable = {}
    for n in small:
        for tie in TIE_RATES:
            for rate in RATES:
                ok, _ = solve(n, [(rate, tie, BAND[0], BAND[1])])
                reachable[f"{n}/{rate}/{tie:g}"] = ok
    joint = {}
    for n in small:
        cons = [
            (rate, tie, BAND[0], BAND[1] if reachable[f"{n}/{rate}/{tie:g}"] else 1.0)
            for tie in TIE_RATES
            for rate in RATES
        ]
        ok, covs = solve(n, cons)
        # and with the p-value's size: at a rate of 1/2 the dual test rejects at most 5%
        sized = [(rate, tie, max(lo, 0.95) if rate == 0.5 else lo, hi) for rate, tie, lo, hi in cons]
        ok_sized, covs_sized = solve(n, sized)
        # and monotone in the full order: no bound falls when a loss becomes a tie or a tie a win
        ok_full, covs_full = solve(n, sized, full=True)
        joint[str(n)] = {"feasible": ok, "coverage": covs, "feasibleWithSize": ok_sized, "coverageWithSize": covs_sized,
                         "feasibleMonotone": ok_full, "coverageMonotone": covs_full}
    out = {
        "level": LEVEL,
        "band": BAND,
        "coverage": table,
        "reachable": reachable,
        "joint": joint,
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "one-verdict-targets.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    for name in METHODS:
        under = [k for k, v in table[name].items() if v < BAND[0]]
        over = [k for k, v in table[name].items() if v > BAND[1] and reachable.get(k, True)]
        print(f"{name:16s} under 93%: {len(under)} {under}  over 97% where reachable: {len(over)} {over}")
    print("unreachable (class a-d):", [k for k, v in reachable.items() if not v])
    for n, j in joint.items():
        print(f"n = {n}: one interval meeting every target: {j['feasible']}", j["coverage"])
        print(f"n = {n}: ... and rejecting at most 5% at 1/2: {j['feasibleWithSize']}", j["coverageWithSize"])
        print(f"n = {n}: ... and monotone in every verdict: {j['feasibleMonotone']}", j["coverageMonotone"])


if __name__ == "__main__":
    main()
