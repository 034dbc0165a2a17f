#!/usr/bin/env python3
"""Reference percentile intervals of the clustered ranking bootstrap (server/stats/ranking-bootstrap.ts),
computed independently: numpy resamples the items with replacement (index draws, not the
TypeScript side's multinomial group counts) and scipy maximises the Bradley-Terry likelihood (ties
as half wins) of each resample. Writes test/fixtures/stats/ranking-bootstrap.json with the items,
the 2.5% / 97.5% percentiles over 20,000 rounds and their Monte Carlo standard errors (from 20
batches of 1,000 rounds), so the test can compare within Monte Carlo error.

Run: /usr/bin/python3 scripts/reference/ranking_bootstrap.py (about a minute).
"""
import json
import os

import numpy as np
from scipy import optimize

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
rng = np.random.default_rng(20261130)

SYSTEMS = 4
BASE = 0
STRENGTH = np.array([0.0, 0.5, 0.9, -0.3])
PAIRS = [(1, 0), (2, 0), (2, 1), (3, 1)]
ITEMS = 240
ROUNDS = 20_000
BATCHES = 20

# Items with differing patterns: each item is judged in 2 to 4 pairs, by 1 to 3 judges per pair,
# with an item effect per pair (so verdicts cluster) and ties.
items = []
for _ in range(ITEMS):
    rows = []
    chosen = rng.choice(len(PAIRS), size=rng.integers(2, 5), replace=False)
    for p in sorted(chosen):
        a, b = PAIRS[p]
        eta = STRENGTH[a] - STRENGTH[b] + rng.normal(0, 0.8)
        pa = 1 / (1 + np.exp(-eta))
        n = int(rng.integers(1, 4))
        w = 0.0
        t = 0
        for _ in range(n):
            u = rng.random()
            if u < 0.15:
                w += 0.5
                t += 1
            elif u < 0.15 + 0.85 * pa:
                w += 1
        i, j = min(a, b), max(a, b)
        wi = w if a == i else n - w  # the score of the lower-numbered system
        rows.append([i, j, n, wi, t])
    items.append(rows)

# per item, dense per-pair (n, w of i) over the upper triangle
cells = [(i, j) for i in range(SYSTEMS) for j in range(i + 1, SYSTEMS)]
cell_index = {c: k for k, c in enumerate(cells)}
N = np.zeros((ITEMS, len(cells)))
W = np.zeros((ITEMS, len(cells)))
for k, rows in enumerate(items):
    for i, j, n, wi, _t in rows:
        N[k, cell_index[(i, j)]] += n
        W[k, cell_index[(i, j)]] += wi
I = np.array([c[0] for c in cells])
J = np.array([c[1] for c in cells])
free = [s for s in range(SYSTEMS) if s != BASE]


def fit(n, w):
    def negll(x):
        theta = np.zeros(SYSTEMS)
        theta[free] = x
        d = theta[I] - theta[J]
        return -np.sum(w * -np.logaddexp(0, -d) + (n - w) * -np.logaddexp(0, d))

    def grad(x):
        theta = np.zeros(SYSTEMS)
        theta[free] = x
        p = 1 / (1 + np.exp(-(theta[I] - theta[J])))
        r = w - n * p
        g = np.zeros(SYSTEMS)
        np.add.at(g, I, r)
        np.add.at(g, J, -r)
        return -g[free]

    res = optimize.minimize(negll, np.zeros(len(free)), jac=grad, method="BFGS", options={"gtol": 1e-10})
    theta = np.zeros(SYSTEMS)
    theta[free] = res.x
    return theta


point = fit(N.sum(0), W.sum(0))
reps = np.empty((ROUNDS, SYSTEMS))
for r in range(ROUNDS):
    idx = rng.integers(0, ITEMS, ITEMS)
    reps[r] = fit(N[idx].sum(0), W[idx].sum(0))

lo = np.percentile(reps, 2.5, axis=0)
hi = np.percentile(reps, 97.5, axis=0)
batches = reps.reshape(BATCHES, ROUNDS // BATCHES, SYSTEMS)
lo_b = np.percentile(batches, 2.5, axis=1)
hi_b = np.percentile(batches, 97.5, axis=1)
# a batch of R/B rounds has B times the variance of the full run's percentile
se_lo = lo_b.std(axis=0, ddof=1) / np.sqrt(BATCHES)
se_hi = hi_b.std(axis=0, ddof=1) / np.sqrt(BATCHES)

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "ranking-bootstrap.json"), "w") as f:
    json.dump(
        {
            "systems": SYSTEMS,
            "base": BASE,
            "level": 0.95,
            "rounds": ROUNDS,
            "items": [[[int(i), int(j), int(n), float(wi), int(t)] for i, j, n, wi, t in rows] for rows in items],
            "point": point.tolist(),
            "low": lo.tolist(),
            "high": hi.tolist(),
            "seLow": se_lo.tolist(),
            "seHigh": se_hi.tolist(),
        },
        f,
        indent=1,
    )
    f.write("\n")
print("point", point, "\nlow", lo, "\nhigh", hi, "\nse", se_lo, se_hi)
