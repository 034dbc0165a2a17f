#!/usr/bin/env python3
"""numpy peer of scripts/bench/stats.ts: the same computations on the same data, timed the same
way (everything after the data is in memory). Reads the binary arrays the TS side wrote and
prints one JSON object of timings (seconds) and results."""
import json
import sys
import time

import numpy as np

d = sys.argv[1]
out = {}

# ---------------- clustered bootstrap over 450,000 items (1 verdict each), 10,000 rounds
sums = np.fromfile(f"{d}/boot_sums.f64")
counts = np.fromfile(f"{d}/boot_counts.f64")
rounds = int(open(f"{d}/boot_rounds.txt").read())
index_rounds = int(open(f"{d}/boot_index_rounds.txt").read())
K = len(sums)
rng = np.random.default_rng(1)

t0 = time.perf_counter()
keys = np.stack([sums, counts], axis=1)
uniq, size = np.unique(keys, axis=0, return_counts=True)
copies = rng.multinomial(K, size / K, size=rounds).astype(np.float64)
reps = (copies @ uniq[:, 0]) / (copies @ uniq[:, 1])
lo, hi = np.percentile(reps, [2.5, 97.5])
out["boot_multinomial"] = {"seconds": time.perf_counter() - t0, "ci": [lo, hi]}

t0 = time.perf_counter()
reps = np.empty(index_rounds)
for r in range(index_rounds):
    idx = rng.integers(0, K, K)
    reps[r] = sums[idx].sum() / counts[idx].sum()
lo, hi = np.percentile(reps, [2.5, 97.5])
out["boot_index"] = {"seconds": time.perf_counter() - t0, "ci": [lo, hi], "rounds": index_rounds}

# ---------------- Bradley–Terry, 50 systems x 1,000,000 verdicts (ties half), Newton's method
a = np.fromfile(f"{d}/bt_a.i32", dtype=np.int32).astype(np.int64)
b = np.fromfile(f"{d}/bt_b.i32", dtype=np.int32).astype(np.int64)
s = np.fromfile(f"{d}/bt_s.f64")
N = int(open(f"{d}/bt_systems.txt").read())


def loglik(theta, n, W):
    dm = theta[:, None] - theta[None, :]
    lp = -np.logaddexp(0, -dm)
    iu = np.triu_indices(N, 1)
    return float((W[iu] * lp[iu] + (n[iu] - W[iu]) * lp.T[iu]).sum())


t0 = time.perf_counter()
cell = a * N + b
n = np.bincount(cell, minlength=N * N).reshape(N, N).astype(np.float64)
n = n + n.T
w_ab = np.bincount(cell, weights=s, minlength=N * N).reshape(N, N)
w_ba = np.bincount(cell, weights=1 - s, minlength=N * N).reshape(N, N)
W = w_ab + w_ba.T  # W[i, j]: i's score against j
theta = np.zeros(N)
free = np.arange(1, N)
ll = loglik(theta, n, W)
for it in range(200):
    P = 1 / (1 + np.exp(-(theta[:, None] - theta[None, :])))
    g = (W - n * P).sum(axis=1)
    V = n * P * (1 - P)
    H = -V
    H[np.diag_indices(N)] = V.sum(axis=1)
    step = np.linalg.solve(H[np.ix_(free, free)], g[free])
    t = 1.0
    while True:
        nxt = theta.copy()
        nxt[free] += t * step
        nll = loglik(nxt, n, W)
        if nll >= ll - 1e-12 * abs(ll) or t < 1e-18:
            break
        t /= 2
    theta, ll = nxt, nll
    if np.abs(step).max() * t < 1e-11:
        break
out["bt"] = {"seconds": time.perf_counter() - t0, "iterations": it + 1, "scores": theta.tolist()}

# ---------------- ranking bootstrap, 2,000 rounds over the realistic file's items (5 systems, 4 pairs)
# Per item and pair: verdicts n and a's score w. Items with the same rows are grouped, a round draws
# multinomial group counts, and Bradley-Terry (ties half) is fitted to every round at once by a
# vectorised Newton method (the same computation as bootstrapRanking's default path).
def rank_bootstrap(rn, rw, pa, pb, S, base, rank_rounds):
    P = len(pa)
    rows = np.concatenate([rn.reshape(-1, P), rw.reshape(-1, P)], axis=1)
    K = rows.shape[0]
    uniq, size = np.unique(rows, axis=0, return_counts=True)
    copies = rng.multinomial(K, size / K, size=rank_rounds).astype(np.float64)
    tot = copies @ uniq  # rounds x (n per pair, w per pair)
    n_r, w_r = tot[:, :P], tot[:, P:]
    free = np.array([s for s in range(S) if s != base])
    theta = np.zeros((rank_rounds, S))
    for it in range(100):
        d_ = theta[:, pa] - theta[:, pb]
        p_ = 1 / (1 + np.exp(-d_))
        r_ = w_r - n_r * p_
        v_ = n_r * p_ * (1 - p_)
        g = np.zeros((rank_rounds, S))
        H = np.zeros((rank_rounds, S, S))
        for k in range(P):
            a_, b_ = pa[k], pb[k]
            g[:, a_] += r_[:, k]
            g[:, b_] -= r_[:, k]
            H[:, a_, a_] += v_[:, k]
            H[:, b_, b_] += v_[:, k]
            H[:, a_, b_] -= v_[:, k]
            H[:, b_, a_] -= v_[:, k]
        step = np.linalg.solve(H[:, free][:, :, free], g[:, free][:, :, None])[:, :, 0]
        theta[:, free] += step
        if np.abs(step).max() < 1e-11:
            break
    lo, hi = np.percentile(theta, [2.5, 97.5], axis=0)
    return len(size), np.stack([lo, hi], axis=1)


rn = np.fromfile(f"{d}/rank_n.f64")
rw = np.fromfile(f"{d}/rank_w.f64")
pa, pb = np.fromfile(f"{d}/rank_pairs.i32", dtype=np.int32).reshape(2, -1).astype(np.int64)
S = int(open(f"{d}/rank_systems.txt").read())
base = int(open(f"{d}/rank_base.txt").read())
rank_rounds = int(open(f"{d}/rank_rounds.txt").read())

t0 = time.perf_counter()
groups, ci = rank_bootstrap(rn, rw, pa, pb, S, base, rank_rounds)
out["ranking"] = {"seconds": time.perf_counter() - t0, "groups": groups, "ci": ci.tolist()}

# ---------------- a minimal `stats` of the realistic 1,000,000-line file: parse every line
# (json.loads), per-pair win rates, and the ranking bootstrap above. Far less than the CLI's
# report (no intervals per axis, judge, modality; no agreement, biases), so a lower bound.
t0 = time.perf_counter()
items, systems, pairs = {}, {}, {}
it_, pr_, sc_ = [], [], []
score_of = {"a": 1.0, "b": 0.0, "tie": 0.5}
with open(f"{d}/realistic-1000000.jsonl") as f:
    for line in f:
        r = json.loads(line)
        a = systems.setdefault(r["a"], len(systems))
        b = systems.setdefault(r["b"], len(systems))
        it_.append(items.setdefault(r["item"], len(items)))
        pr_.append(pairs.setdefault((a, b), len(pairs)))
        sc_.append(score_of[r["winner"]])
it_, pr_, sc_ = np.array(it_), np.array(pr_), np.array(sc_)
win_rates = np.bincount(pr_, weights=sc_) / np.bincount(pr_)
P = len(pairs)
cell = it_ * P + pr_
n_ = np.bincount(cell, minlength=len(items) * P).astype(np.float64)
w_ = np.bincount(cell, weights=sc_, minlength=len(items) * P)
pab = np.array(list(pairs.keys()))
rank_bootstrap(n_, w_, pab[:, 0], pab[:, 1], len(systems), systems["base"], rank_rounds)
out["stats"] = {"seconds": time.perf_counter() - t0, "lines": int(len(sc_))}

print(json.dumps(out))
