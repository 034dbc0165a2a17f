#!/usr/bin/env python3
"""Reference figures for server/stats/length-control.ts: the length-controlled win rate
(AlpacaEval 2.0's GLM without the instruction-difficulty term): statsmodels' binomial GLM of the
verdict score (ties 1/2, a fractional response) on an intercept and tanh(delta / sd(delta)),
delta = len(a) - len(b) per verdict, sd with ddof 1 and no centring (AlpacaEval's std_delta_len),
cross-checked with scikit-learn's unpenalised logistic regression on the same rows split into
weighted successes and failures. The win rate is sigmoid(intercept), the prediction at zero
difference.

The percentile bootstrap over items is checked within Monte Carlo error: numpy resamples items by
index (the TypeScript side draws with its own seeded stream) and statsmodels refits each round;
20 batches of 200 rounds give the Monte Carlo standard error of each percentile.

Writes test/fixtures/stats/length-control.json. Run: /usr/bin/python3 scripts/reference/length_control.py
(about a minute).
"""
import json
import os
import warnings

import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
rng = np.random.default_rng(20261202)
warnings.simplefilter("ignore")
ROUNDS = 4000
BATCHES = 20


def rows(items):
    d = np.array([it["lengthA"] - it["lengthB"] for it in items for _ in it["scores"]], float)
    y = np.array([s for it in items for s in it["scores"]], float)
    return d, y


def fit(items):
    d, y = rows(items)
    x = np.tanh(d / d.std(ddof=1))
    res = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit(tol=1e-14)
    return res.params


def sklearn_check(items, params):
    d, y = rows(items)
    x = np.tanh(d / d.std(ddof=1))
    X = np.concatenate([x, x])[:, None]
    Y = np.concatenate([np.ones_like(y), np.zeros_like(y)])
    W = np.concatenate([y, 1 - y])
    keep = W > 0
    lr = LogisticRegression(penalty=None, tol=1e-12, max_iter=100000)
    lr.fit(X[keep], Y[keep], sample_weight=W[keep])
    assert abs(lr.intercept_[0] - params[0]) < 1e-4 and abs(lr.coef_[0][0] - params[1]) < 1e-4, (lr.intercept_, lr.coef_, params)


def bootstrap(items, level):
    k = len(items)
    reps = np.empty(ROUNDS)
    for r in range(ROUNDS):
        idx = rng.integers(0, k, k)
        b0 = fit([items[i] for i in idx])[0]
        reps[r] = 1 / (1 + np.exp(-b0))
    a = (1 - level) / 2
    lo, hi = np.quantile(reps, [a, 1 - a])
    batches = reps.reshape(BATCHES, -1)
    blo = np.quantile(batches, a, axis=1)
    bhi = np.quantile(batches, 1 - a, axis=1)
    # the full-run percentile's standard error from the batch spread (sd / sqrt(batches))
    return [float(lo), float(hi)], [float(blo.std(ddof=1) / np.sqrt(BATCHES)), float(bhi.std(ddof=1) / np.sqrt(BATCHES))]


def study(n_items, per_item, beta, quality, item_sd, ties):
    items = []
    for _ in range(n_items):
        la, lb = max(1, rng.normal(600, 200)), max(1, rng.normal(450, 200))
        u = rng.normal(0, item_sd)
        eta = quality + beta * np.tanh((la - lb) / 280) + u
        p = 1 / (1 + np.exp(-eta))
        k = per_item if isinstance(per_item, int) else int(rng.integers(per_item[0], per_item[1] + 1))
        s = []
        for _ in range(k):
            v = rng.random()
            s.append(0.5 if v < ties else (1.0 if v < ties + (1 - ties) * p else 0.0))
        items.append({"lengthA": float(round(la)), "lengthB": float(round(lb)), "scores": s})
    return items


cases = []
for name, items, level in [
    ("one verdict per item, judge favours length", study(120, 1, 1.5, 0.0, 0.0, 0.1), 0.95),
    ("three verdicts per item with an item effect", study(150, 3, 1.0, 0.4, 0.7, 0.1), 0.95),
    ("uneven verdict counts, 90%", study(80, (1, 4), 0.6, -0.3, 0.5, 0.2), 0.9),
]:
    b0, b1 = fit(items)
    sklearn_check(items, (b0, b1))
    ci, se = bootstrap(items, level)
    cases.append({"name": name, "level": level, "items": items, "intercept": float(b0), "slope": float(b1),
                  "winRate": float(1 / (1 + np.exp(-b0))), "ci": ci, "ciMonteCarloSe": se})

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "length-control.json"), "w") as f:
    json.dump(cases, f, indent=1, allow_nan=False)
    f.write("\n")
