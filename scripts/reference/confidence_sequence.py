#!/usr/bin/env python3
"""Reference figures for server/stats/confidence-sequence.ts: the two-sided normal-mixture
confidence sequence of Howard, Ramdas, McAuliffe & Sekhon (2021) for a mean of observations in
[0, 1] (variance proxy 1/4), with rho tuned by the Lambert W closed form (scipy.special.lambertw,
branch -1) rather than the TypeScript's fixed-point iteration, and the running intersection over
time. Writes test/fixtures/stats/confidence-sequence.json: item means in completion order and, after
every item, the expected interval.

Run: /usr/bin/python3 scripts/reference/confidence_sequence.py
"""
import json
import os

import numpy as np
from scipy.special import lambertw

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
rng = np.random.default_rng(20261201)


def rho_for(v_opt, alpha):
    x = -lambertw(-alpha**2 / np.e, k=-1).real
    return v_opt / (x - 1)


def sequence(xs, level, planned):
    alpha = 1 - level
    rho = rho_for(planned / 4, alpha)
    t = np.arange(1, len(xs) + 1)
    v = t / 4
    mean = np.cumsum(xs) / t
    radius = np.sqrt((v + rho) * np.log((v + rho) / (rho * alpha**2))) / t
    lo = np.maximum.accumulate(np.maximum(mean - radius, 0))
    hi = np.minimum.accumulate(np.minimum(mean + radius, 1))
    assert np.all(lo <= hi)
    return rho, lo, hi


def item_means(n, rate, per_item, ties):
    out = []
    for _ in range(n):
        p = rng.beta(rate, 1 - rate)  # intra-item correlation 1/2
        u = rng.random(per_item)
        s = np.where(u < ties, 0.5, np.where(u < ties + (1 - ties) * p, 1.0, 0.0))
        out.append(float(s.mean()))
    return out


cases = []
for name, n, rate, per_item, ties, level, planned in [
    ("rate 0.8, three verdicts per item", 300, 0.8, 3, 0.0, 0.95, 100),
    ("rate 0.5 with ties", 250, 0.5, 2, 0.2, 0.95, 100),
    ("rate 0.3, one verdict per item, 90%, planned 400", 400, 0.3, 1, 0.1, 0.9, 400),
]:
    xs = item_means(n, rate, per_item, ties)
    rho, lo, hi = sequence(np.array(xs), level, planned)
    cases.append({"name": name, "level": level, "plannedItems": planned, "rho": float(rho), "itemMeans": xs,
                  "lower": [float(v) for v in lo], "upper": [float(v) for v in hi]})

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "confidence-sequence.json"), "w") as f:
    json.dump(cases, f, indent=1, allow_nan=False)
    f.write("\n")
