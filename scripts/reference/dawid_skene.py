#!/usr/bin/env python3
"""Reference figures for server/stats/dawid-skene.ts: the Dawid–Skene EM (Dawid & Skene 1979,
Applied Statistics 28:20-28) over three classes (0 = a wins, 1 = tie, 2 = b wins), written here
independently in numpy on the paper's count tensor n[i, j, l] (verdicts of judge j on unit i with
label l) with einsum, rather than the TypeScript's loop over verdicts. Same initialisation (each
unit's share of verdicts per label), same additive smoothing s on every count, same stopping rule
(after the E-step, the log-likelihood moved by no more than tolerance * max(1, |ll|), or the
iteration cap).
Writes test/fixtures/stats/dawid-skene.json: each case's verdicts, options and the expected prior,
confusion matrices, posteriors, accuracies, iterations, log-likelihood and posterior win rates.

Run: /usr/bin/python3 scripts/reference/dawid_skene.py
"""
import json
import os

import numpy as np
from scipy.special import logsumexp

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
K = 3


def dawid_skene(n_units, n_judges, unit, judge, label, tol=1e-8, max_iter=500, s=0.01):
    n = np.zeros((n_units, n_judges, K))
    np.add.at(n, (unit, judge, label), 1.0)
    per_unit = n.sum(axis=(1, 2))
    judged = per_unit > 0
    T = np.zeros((n_units, K))
    T[judged] = n[judged].sum(axis=1) / per_unit[judged, None]
    it = 0
    converged = False
    ll = np.nan
    while it < max_iter:
        it += 1
        prior = (T[judged].sum(axis=0) + s) / (judged.sum() + K * s)
        counts = np.einsum("ik,ijl->jkl", T, n)
        theta = (counts + s) / (counts.sum(axis=2, keepdims=True) + K * s)
        log_t = np.log(prior)[None, :] + np.einsum("ijl,jkl->ik", n, np.log(theta))
        norm = logsumexp(log_t, axis=1)
        new_t = np.exp(log_t - norm[:, None])
        previous, ll = ll, float(norm[judged].sum())
        T = new_t
        if abs(ll - previous) <= tol * max(1.0, abs(ll)):
            converged = True
            break
    per_judge = n.sum(axis=(0, 2))
    w = np.einsum("ik,ijl->jk", T, n)
    acc = np.full(n_judges, np.nan)
    has = per_judge > 0
    acc[has] = (w[has] / per_judge[has, None] * np.einsum("jkk->jk", theta)[has]).sum(axis=1)
    return dict(prior=prior, confusion=theta, posterior=T, accuracy=acc, iterations=it,
                converged=converged, logLikelihood=ll)


def simulate(rng, n_units, accs, per_unit, truth_p, biased=()):
    truth = rng.choice(K, size=n_units, p=truth_p)
    unit, judge, label = [], [], []
    for i in range(n_units):
        for j in rng.choice(len(accs), size=per_unit, replace=False):
            if rng.random() < accs[j]:
                l = truth[i]
            elif j in biased:
                l = 0 if truth[i] != 0 else 1
            else:
                l = rng.choice([c for c in range(K) if c != truth[i]])
            unit.append(i)
            judge.append(int(j))
            label.append(int(l))
    return np.array(unit), np.array(judge), np.array(label)


def case(name, n_units, n_judges, unit, judge, label, win_units, **opts):
    fit = dawid_skene(n_units, n_judges, unit, judge, label, **opts)
    T = fit["posterior"][win_units]
    half = float((T[:, 0] + T[:, 1] / 2).mean())
    excl = float(T[:, 0].sum() / (T[:, 0] + T[:, 2]).sum())
    return {
        "name": name,
        "units": n_units,
        "judges": n_judges,
        "unit": unit.tolist(),
        "judge": judge.tolist(),
        "label": label.tolist(),
        "options": {"tolerance": opts.get("tol", 1e-8), "maxIterations": opts.get("max_iter", 500),
                    "smoothing": opts.get("s", 0.01)},
        "prior": fit["prior"].tolist(),
        "confusion": [c.reshape(-1).tolist() for c in fit["confusion"]],
        "posterior": fit["posterior"].reshape(-1).tolist(),
        "accuracy": [None if np.isnan(a) else float(a) for a in fit["accuracy"]],
        "iterations": fit["iterations"],
        "converged": fit["converged"],
        "logLikelihood": fit["logLikelihood"],
        "winUnits": [int(u) for u in win_units],
        "winRateHalf": half,
        "winRateExclude": excl,
    }


def main():
    rng = np.random.default_rng(20261130)
    cases = []
    u, j, l = simulate(rng, 60, [0.9, 0.8, 0.7, 0.6, 0.55], 3, [0.5, 0.15, 0.35], biased=(3, 4))
    cases.append(case("60 units, 5 judges, 3 verdicts each, two biased poor judges", 60, 5, u, j, l,
                      np.arange(0, 60, 2)))
    u, j, l = simulate(rng, 40, [0.85, 0.75, 0.65, 0.6], 2, [0.4, 0.2, 0.4])
    # one unit without verdicts (index 40) and one judge without verdicts (index 4)
    cases.append(case("40 judged units + 1 unjudged, 4 judges + 1 idle, s = 0.5, tol 1e-12", 41, 5,
                      u, j, l, np.arange(41), tol=1e-12, s=0.5))
    u, j, l = simulate(rng, 30, [0.95, 0.6, 0.58], 3, [0.6, 0.1, 0.3], biased=(1, 2))
    cases.append(case("30 units, 3 judges, iteration cap 3", 30, 3, u, j, l, np.arange(30), max_iter=3))
    with open(os.path.join(OUT, "dawid-skene.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
