#!/usr/bin/env python3
"""Reference figures for server/stats/ppi.ts: ppi_py's mean estimator (PPI++; Angelopoulos, Duchi
& Zrnic 2023), re-implemented in numpy along ppi_py's own code path (ppi_py/ppi.py:
`ppi_mean_pointestimate`, `ppi_mean_ci` with lhat=None, `_calc_lhat_glm` with clip=True and
optim_mode="overall", `_zconfint_generalized`), in its matrix form with gradients at the λ = 1
estimate, so the TypeScript's scalar shortcut is checked against the library's formulas rather than
against itself. Writes test/fixtures/stats/ppi.json: items (human and LLM verdict scores), the item
means fed to the estimator, and the expected λ, estimate, standard error and interval.

Run: /usr/bin/python3 scripts/reference/ppi.py
"""
import json
import os

import numpy as np
from scipy.stats import norm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
rng = np.random.default_rng(20261130)


def pointestimate(Y, Yhat, Yhat_unlabeled, lhat):
    return (lhat * Yhat_unlabeled).mean(axis=0) + (Y - lhat * Yhat).mean(axis=0)


def calc_lhat_glm(grads, grads_hat, grads_hat_unlabeled, inv_hessian):
    n = grads.shape[0]
    N = grads_hat_unlabeled.shape[0]
    d = inv_hessian.shape[0]
    cov_grads = np.zeros((d, d))
    for i in range(n):
        cov_grads += (1 / n) * (
            np.outer(grads[i] - grads.mean(axis=0), grads_hat[i] - grads_hat.mean(axis=0))
            + np.outer(grads_hat[i] - grads_hat.mean(axis=0), grads[i] - grads.mean(axis=0))
        )
    var_grads_hat = np.cov(np.concatenate([grads_hat, grads_hat_unlabeled], axis=0).T)
    var_grads_hat = np.atleast_2d(var_grads_hat)
    num = np.trace(inv_hessian @ cov_grads @ inv_hessian)
    denom = 2 * (1 + (n / N)) * np.trace(inv_hessian @ var_grads_hat @ inv_hessian)
    return float(np.clip(num / denom, 0, 1))


def ppi_mean_ci(Y, Yhat, Yhat_unlabeled, alpha):
    Y, Yhat, Yhat_unlabeled = (np.asarray(v, float).reshape(-1, 1) for v in (Y, Yhat, Yhat_unlabeled))
    n, N = Y.shape[0], Yhat_unlabeled.shape[0]
    est1 = pointestimate(Y, Yhat, Yhat_unlabeled, 1)
    lhat = calc_lhat_glm(Y - est1, Yhat - est1, Yhat_unlabeled - est1, np.eye(1))
    est = pointestimate(Y, Yhat, Yhat_unlabeled, lhat)
    imputed_std = (lhat * Yhat_unlabeled).std() / np.sqrt(N)
    rectifier_std = (Y - lhat * Yhat).std() / np.sqrt(n)
    se = np.sqrt(imputed_std**2 + rectifier_std**2)
    z = norm.ppf(1 - alpha / 2)
    return lhat, float(est[0]), float(se), [float(est[0] - z * se), float(est[0] + z * se)]


def verdicts(p, k):
    """k verdict scores for a at rate p, 10% ties."""
    u = rng.random(k)
    return [0.5 if x < 0.1 else (1.0 if x < 0.1 + 0.9 * p else 0.0) for x in u]


cases = []
for name, n, N, humans, llms, bias, level in [
    ("one human verdict per item", 40, 200, 1, 1, 0.8, 0.95),
    ("three humans, two LLM orders", 60, 500, 3, 2, 1.2, 0.95),
    ("uneven verdict counts, 90%", 25, 80, (1, 4), (1, 3), -0.6, 0.9),
]:
    items = []
    for i in range(n + N):
        p = rng.beta(0.6, 0.4)
        q = 1 / (1 + np.exp(-(np.log(p / (1 - p) + 1e-12) + bias))) if 0 < p < 1 else p
        nh = humans if isinstance(humans, int) else int(rng.integers(humans[0], humans[1] + 1))
        nl = llms if isinstance(llms, int) else int(rng.integers(llms[0], llms[1] + 1))
        items.append({"human": verdicts(p, nh) if i < n else [], "llm": verdicts(q, nl)})
    # an item judged by humans only: left out of the estimate
    items.append({"human": [1.0, 0.0], "llm": []})
    order = rng.permutation(len(items))
    items = [items[k] for k in order]
    Y = [np.mean(it["human"]) for it in items if it["human"] and it["llm"]]
    F = [np.mean(it["llm"]) for it in items if it["human"] and it["llm"]]
    U = [np.mean(it["llm"]) for it in items if not it["human"] and it["llm"]]
    lhat, est, se, ci = ppi_mean_ci(Y, F, U, 1 - level)
    cases.append({"name": name, "level": level, "items": items, "y": [float(v) for v in Y],
                  "fLabelled": [float(v) for v in F], "fUnlabelled": [float(v) for v in U],
                  "lambda": lhat, "estimate": est, "se": se, "ci": ci})

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "ppi.json"), "w") as f:
    json.dump(cases, f, indent=1, allow_nan=False)
    f.write("\n")
