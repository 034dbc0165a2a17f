#!/usr/bin/env python3
"""Reference figures for server/stats/style-control.ts: the style-controlled win rate (Chatbot
Arena's style control): statsmodels' Logit of each verdict's score (ties 1/2, a fractional
response) on an intercept and the style features' normalised differences
d = (a - b) / (a + b) (0 when both are 0) for length, headers, lists and bold, each divided by its
standard deviation over the verdicts (ddof 1, no centring). A feature that never differs is left
out. The win rate is sigmoid(intercept), the prediction at zero difference.

Writes test/fixtures/stats/style-control.json. Run: /usr/bin/python3 scripts/reference/style_control.py
"""
import json
import os
import warnings

import numpy as np
import statsmodels.api as sm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
FEATURES = ["length", "headers", "lists", "bold"]
rng = np.random.default_rng(20261130)
warnings.simplefilter("ignore")


def norm_diff(a, b):
    return 0.0 if a + b == 0 else (a - b) / (a + b)


def make_case(name, n_items, per_item, beta, drop=None):
    items = []
    for _ in range(n_items):
        a = {"length": int(rng.integers(50, 2000)), "headers": int(rng.poisson(1.5)),
             "lists": int(rng.poisson(3)), "bold": int(rng.poisson(2))}
        b = {"length": int(rng.integers(50, 2000)), "headers": int(rng.poisson(1.0)),
             "lists": int(rng.poisson(2)), "bold": int(rng.poisson(1))}
        if drop:
            a[drop] = b[drop] = 0
        d = np.array([norm_diff(a[f], b[f]) for f in FEATURES])
        eta = beta[0] + np.dot(beta[1:], d)
        p = 1 / (1 + np.exp(-eta))
        k = int(rng.integers(1, per_item + 1))
        scores = []
        for _ in range(k):
            u = rng.random()
            scores.append(0.5 if u < 0.1 else (1.0 if rng.random() < p else 0.0))
        items.append({"a": a, "b": b, "scores": scores})
    # verdict rows
    rows, y = [], []
    for it in items:
        d = [norm_diff(it["a"][f], it["b"][f]) for f in FEATURES]
        for s in it["scores"]:
            rows.append(d)
            y.append(s)
    X = np.array(rows)
    y = np.array(y)
    sd = X.std(axis=0, ddof=1)
    kept = [f for f in range(len(FEATURES)) if sd[f] > 1e-12]
    Z = np.column_stack([np.ones(len(y))] + [X[:, f] / sd[f] for f in kept])
    res = sm.Logit(y, Z).fit(disp=0, tol=1e-14, maxiter=200, method="newton")
    coef = {f: None for f in FEATURES}
    for c, f in enumerate(kept):
        coef[FEATURES[f]] = float(res.params[c + 1])
    return {"name": name, "items": items, "intercept": float(res.params[0]),
            "winRate": float(1 / (1 + np.exp(-res.params[0]))), "coefficients": coef}


cases = [
    make_case("markdown-loving judge, 200 items, up to 3 verdicts", 200, 3, [0.1, 0.8, 0.5, 0.3, 0.6]),
    make_case("no bold anywhere (feature left out), 120 items", 120, 2, [-0.2, 0.3, 0.0, 0.4, 0.0], drop="bold"),
    make_case("one verdict per item, 300 items", 300, 1, [0.0, 0.0, 0.9, 0.0, 0.2]),
]
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "style-control.json"), "w") as fh:
    json.dump(cases, fh)
print("wrote", len(cases), "cases")
