#!/usr/bin/env python3
"""Clustered cells: the best any interval can do, by the Neyman-Pearson lemma (exact, no simulation).

Run: /usr/bin/python3 scripts/reference/clustered_bound.py   (numpy, scipy)
Writes test/fixtures/stats/clustered-bound.json; prints the table of docs/statistics.md,
"The targets: not met, and not impossible".

Two cells of the coverage grid that differ only in the intra-item correlation (ICC) have the same
true rate r. Whatever the interval C (randomised or not, using every verdict in any way), its
coverage in each is P_icc(r in C), the probability of ONE set of studies S = {r in C}. The smallest
P_B(S) over all S with P_A(S) >= c is attained by putting studies in S in decreasing order of the
likelihood ratio P_A/P_B (Neyman-Pearson; randomising at the boundary), so

    bound(A -> B) = min { P_B(S) : P_A(S) >= c }

is a lower bound on the coverage in cell B of every interval covering at least c in cell A. If it
is above 97% in a cell where the 93-97% band is reachable, the issue's two targets cannot both
hold. The studies are exchangeable in items and the verdicts of an item in their order, so the
likelihood ratio of a study is the product over items of f_A(o)/f_B(o), o an item's (wins, ties),
f the Beta-binomial (trinomial with ties) of the grid's data-generating process
(scripts/coverage-study.ts). Its log is a sum of i.i.d. terms; its distribution under B is
computed by convolution on a grid of width delta >= DELTA (at most ~1M bins; the rounding moves a
study's log ratio by at most items * delta / 2, written beside each bound), and P_A follows
from P_B by dP_A = exp(L) dP_B, computed per bin from the exact mass, not the rounded value.
"""
import json
import math
import os

import numpy as np
from scipy import special

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
ICCS = [0.0, 0.2, 0.5, 0.8]
PER_ITEM = [2, 5, 20]
ITEMS = [10, 20]  # where the grid's misses are; 100 items would need a coarser grid
RATES = [0.5, 0.7, 0.86, 0.95, 0.97]
TIE_RATES = [0.0, 0.2]
DELTA = 1e-4


def item_distribution(m, icc, rate, tie):
    """P(an item's m verdicts hold w wins and t ties), as {(w, t): prob}."""
    kappa = 1 / icc - 1 if icc > 0 else 0
    a, b = rate * kappa, (1 - rate) * kappa
    out = {}
    for t in range(m + 1) if tie > 0 else [0]:
        for w in range(m - t + 1):
            l = m - w - t
            if kappa > 0:
                moment = math.exp(special.betaln(a + w, b + l) - special.betaln(a, b))
            else:
                moment = rate**w * (1 - rate) ** l
            coef = math.exp(special.gammaln(m + 1) - special.gammaln(w + 1) - special.gammaln(t + 1) - special.gammaln(l + 1))
            ties = tie**t * (1 - tie) ** (w + l) if tie > 0 else 1.0
            out[(w, t)] = coef * ties * moment
    return out


def bound(fa, fb, items, c):
    """min P_B(S) subject to P_A(S) >= c, over all (randomised) sets of studies."""
    keys = list(fb)
    pb = np.array([fb[k] for k in keys])
    pa = np.array([fa[k] for k in keys])
    # an outcome impossible under B but possible under A goes into S for free
    free = pb <= 0
    ell = np.where(free, 0.0, np.log(np.where(pa > 0, pa, 1e-300) / np.where(free, 1, pb)))
    # distribution of L = sum of items' log ratios under B, on a grid of at most ~1M bins; and the
    # P_A mass per bin (exact masses, only their position is rounded)
    spread = float(ell[~free].max() - ell[~free].min())
    delta = max(DELTA, spread * items / 1e6)
    idx = np.round((ell[~free] - ell[~free].min()) / delta).astype(int)
    one_b = np.zeros(idx.max() + 1)
    one_a = np.zeros(idx.max() + 1)
    np.add.at(one_b, idx, pb[~free])
    np.add.at(one_a, idx, pa[~free])
    # P_A(no free outcome in any item) mass per bin, and P_B mass per bin, by repeated convolution
    dist_b = _power(one_b, items)
    dist_a = _power(one_a, items)
    free_a = 1 - pa[~free].sum()  # P_A(a given item is an outcome impossible under B)
    got_a = 1 - (1 - free_a) ** items  # studies with such an item: in S, at no cost under B
    if got_a >= c:
        return 0.0, delta
    order = np.arange(len(dist_b))[::-1]  # decreasing log ratio
    ca = np.cumsum(dist_a[order]) + got_a
    cb = np.cumsum(dist_b[order])
    j = int(np.searchsorted(ca, c))
    if j >= len(ca):
        return float(cb[-1]), delta
    prev_a = ca[j - 1] if j > 0 else got_a
    prev_b = cb[j - 1] if j > 0 else 0.0
    share = (c - prev_a) / dist_a[order][j] if dist_a[order][j] > 0 else 0.0
    return float(prev_b + share * dist_b[order][j]), delta


def _power(x, k):
    """x convolved with itself k times (the distribution of a sum of k i.i.d. terms), by FFT."""
    n = k * (len(x) - 1) + 1
    size = 1 << (n - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(x, size) ** k, size)[:n]
    return np.maximum(out, 0)


def main():
    rows = []
    for tie in TIE_RATES:
        for m in PER_ITEM:
            for k in ITEMS:
                for rate in RATES:
                    dists = {icc: item_distribution(m, icc, rate, tie) for icc in ICCS}
                    # A the more clustered cell (whose under-coverage is the problem), B the less
                    for a in ICCS:
                        for b in ICCS:
                            if b >= a:
                                continue
                            # at a rate of 1/2 the p-value target asks 95% (the test's size 5%)
                            need = 0.95 if rate == 0.5 else 0.93
                            value, delta = bound(dists[a], dists[b], k, need)
                            rows.append(
                                {
                                    "tie": tie,
                                    "perItem": m,
                                    "items": k,
                                    "rate": rate,
                                    "a": a,
                                    "b": b,
                                    "need": need,
                                    "bound": value,
                                    # the most a study's log ratio moved by rounding to the grid
                                    "logRatioRounding": k * delta / 2,
                                }
                            )
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "clustered-bound.json"), "w") as f:
        json.dump({"delta": DELTA, "rows": rows}, f, indent=1)
        f.write("\n")
    worst = sorted(rows, key=lambda r: -r["bound"])[:25]
    print("largest lower bounds on coverage in cell B forced by coverage >= need in cell A (same cell, other ICC):")
    for r in worst:
        print(
            f"  ties {r['tie']} {r['perItem']}/item {r['items']} items rate {r['rate']}: "
            f"ICC {r['a']} >= {r['need']} forces ICC {r['b']} >= {r['bound']:.4f} (rounding {r['logRatioRounding']:.0e})"
        )
    print("pairs whose bound exceeds 0.97:", sum(r["bound"] > 0.97 for r in rows), "of", len(rows))


if __name__ == "__main__":
    main()
