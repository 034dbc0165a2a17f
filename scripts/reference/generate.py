#!/usr/bin/env python3
"""Reference figures for server/stats, computed independently with scipy / statsmodels /
scikit-learn (Debian: python3-numpy python3-scipy python3-statsmodels python3-sklearn
python3-pandas). Writes test/fixtures/stats/*.json. Run: /usr/bin/python3 scripts/reference/generate.py

Not a runtime dependency: the fixtures it writes are committed and the unit tests compare the
TypeScript implementation with them to 1e-6.
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
rng = np.random.default_rng(20240601)
warnings.simplefilter("ignore")


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(data, f, indent=1, allow_nan=False)
        f.write("\n")


def fin(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


# ---------------------------------------------------------------- proportions
def proportion_case(wins, losses, ties, level):
    alpha = 1 - level
    out = {"wins": wins, "losses": losses, "ties": ties, "level": level}
    z = stats.norm.isf(alpha / 2)
    for mode in ("half", "exclude"):
        scores = np.array([1.0] * wins + [0.0] * losses + ([0.5] * ties if mode == "half" else []))
        n = len(scores)
        r = {"n": n}
        r["winRate"] = fin(scores.mean()) if n else None
        se = fin(scores.std(ddof=1) / math.sqrt(n)) if n >= 2 else None
        r["se"] = se
        if n:
            lo, hi = proportion_confint(scores.sum(), n, alpha=alpha, method="wilson")
            r["wilson"] = [float(lo), float(hi)]
        else:
            r["wilson"] = None
        r["normal"] = [max(0.0, r["winRate"] - z * se), min(1.0, r["winRate"] + z * se)] if se is not None else None
        out[mode] = r
    d = wins + losses
    if d:
        lo, hi = proportion_confint(wins, d, alpha=alpha, method="beta")
        lo = 0.0 if math.isnan(lo) else float(lo)
        hi = 1.0 if math.isnan(hi) else float(hi)
        out["exact"] = [lo, hi]
        out["pValue"] = float(stats.binomtest(wins, d, 0.5).pvalue)
    else:
        out["exact"] = None
        out["pValue"] = None
    return out


cases = [
    (0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 7), (20, 0, 0), (0, 20, 0), (1, 1, 0),
    (2, 0, 1), (10, 10, 5), (86, 10, 4), (1036, 130, 38), (97, 3, 0), (5, 15, 0), (500, 480, 20),
    (9000, 8700, 2300),
]
for _ in range(14):
    n = int(rng.integers(2, 400))
    w = int(rng.integers(0, n + 1))
    l = int(rng.integers(0, n - w + 1))
    cases.append((w, l, n - w - l))
props = []
for i, (w, l, t) in enumerate(cases):
    for level in (0.95,) if i % 3 else (0.95, 0.9, 0.99):
        props.append(proportion_case(w, l, t, level))
write("proportions.json", props)

# ---------------------------------------------------------------- binomial test
bt = []
for k, n in [(0, 1), (1, 1), (0, 5), (3, 5), (5, 10), (7, 10), (0, 30), (12, 31), (480, 1000), (530, 1000),
             (44000, 88000), (44500, 88000), (1, 100000), (3, 7), (60, 100), (1234, 2300)]:
    bt.append({"k": k, "n": n, "pValue": float(stats.binomtest(k, n, 0.5).pvalue)})
for k, n, p in [(3, 20, 0.3), (15, 20, 0.3), (6, 20, 0.3), (2, 9, 0.9), (40, 50, 0.65)]:
    bt.append({"k": k, "n": n, "p": p, "pValue": float(stats.binomtest(k, n, p).pvalue)})
write("binomial-test.json", bt)

# ---------------------------------------------------------------- agreement
def units_to_matrix(units, raters):
    m = np.full((len(units), raters), np.nan)
    for u, ratings in enumerate(units):
        for r, v in ratings:
            m[u, r] = v
    return m


def krippendorff_nominal(matrix):
    """Krippendorff (2011), nominal, from the coincidence matrix; units = rows, raters = columns."""
    values = sorted({v for v in matrix.flatten() if not np.isnan(v)})
    idx = {v: i for i, v in enumerate(values)}
    q = len(values)
    o = np.zeros((q, q))
    for row in matrix:
        vals = [v for v in row if not np.isnan(v)]
        m = len(vals)
        if m < 2:
            continue
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[idx[vals[a]], idx[vals[b]]] += 1.0 / (m - 1)
    nc = o.sum(axis=1)
    n = nc.sum()
    if n == 0:
        return None
    do = o.sum() - np.trace(o)
    de = nc.sum() ** 2 - (nc ** 2).sum()
    if de == 0:
        return None
    return float(1 - (n - 1) * do / de)


# Krippendorff (2011) section C: nominal data, 4 observers, 12 units, missing values. alpha = 0.743.
K2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
]).T
k2011 = krippendorff_nominal(K2011)
assert abs(k2011 - 0.743) < 5e-4, k2011


def raw_agreement(units, q):
    agree = pairs = 0
    for ratings in units:
        m = len(ratings)
        if m < 2:
            continue
        counts = np.bincount([v for _, v in ratings], minlength=q)
        agree += (counts * (counts - 1) / 2).sum()
        pairs += m * (m - 1) / 2
    return float(agree / pairs) if pairs else None


def fleiss(units, q):
    counts = {}
    for ratings in units:
        if len(ratings) >= 2:
            counts[len(ratings)] = counts.get(len(ratings), 0) + 1
    if not counts:
        return None
    m = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))[-1][0]
    table = np.array([np.bincount([v for _, v in r], minlength=q) for r in units if len(r) == m], dtype=float)
    k = fleiss_kappa(table, method="fleiss")
    return {"value": fin(k), "raters": m, "units": int(table.shape[0])}


def cohen(x, y):
    if len(x) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fin(cohen_kappa_score(x, y))


agreement = []


def agreement_case(name, units, raters, q):
    mat = units_to_matrix(units, raters)
    case = {"name": name, "categories": q, "raters": raters, "units": units}
    case["raw"] = raw_agreement(units, q)
    f = fleiss(units, q)
    case["fleiss"] = f
    case["krippendorff"] = krippendorff_nominal(mat)
    # pairable values and units, counted (integers): the report's schema requires whole numbers
    pairable = [len(r) for r in units if len(r) >= 2]
    case["krippendorffValues"] = sum(pairable) if case["krippendorff"] is not None else 0
    case["krippendorffUnits"] = len(pairable) if case["krippendorff"] is not None else 0
    # Cohen on raters 0 and 1 where both rated
    both = [(int(mat[u, 0]), int(mat[u, 1])) for u in range(len(units)) if not np.isnan(mat[u, 0]) and not np.isnan(mat[u, 1])] if raters >= 2 else []
    case["cohen01"] = cohen([a for a, _ in both], [b for _, b in both])
    agreement.append(case)


k_units = [[[r, int(K2011[u, r]) - 1] for r in range(4) if not np.isnan(K2011[u, r])] for u in range(12)]
agreement_case("krippendorff-2011-nominal", k_units, 4, 5)
for c in range(6):
    raters = [2, 3, 4, 5, 3, 6][c]
    nunits = int(rng.integers(10, 80))
    truth = rng.integers(0, 3, nunits)
    units = []
    for u in range(nunits):
        ratings = []
        for r in range(raters):
            if c >= 3 and rng.random() < 0.25:
                continue  # missing
            v = int(truth[u]) if rng.random() < 0.6 else int(rng.integers(0, 3))
            ratings.append([r, v])
        units.append(ratings)
    agreement_case(f"random-{c}", units, raters, 3)
agreement_case("unanimous", [[[0, 2], [1, 2], [2, 2]] for _ in range(10)], 3, 3)
agreement_case("one-judge", [[[0, 1]] for _ in range(5)], 1, 3)
agreement_case("no-units", [], 2, 3)
agreement_case("two-units-two-raters", [[[0, 0], [1, 0]], [[0, 2], [1, 1]]], 2, 3)
agreement_case("perfect", [[[0, v], [1, v]] for v in [0, 1, 2, 2, 0, 1]], 2, 3)
# Issue 10: pairable-value counts that a floating-point sum of 1/(m-1) shares gets wrong
# (5.999…, 15.999…, 19.999…); categories 0 = b, 1 = tie, 2 = a.
agreement_case("six-lines-a-tie-a-a-tie-tie", [[[0, 2], [1, 1]], [[0, 2], [1, 2], [2, 1], [3, 1]]], 4, 3)
agreement_case(
    "four-judges-four-units",
    [[[r, v] for r, v in enumerate(u)] for u in [[0, 1, 1, 2], [2, 2, 2, 1], [1, 1, 0, 0], [0, 1, 2, 1]]],
    4,
    3,
)
agreement_case(
    "twenty-judges",
    [[[r, v] for r, v in enumerate([0] + [1] * 18 + [2])], [[r, v] for r, v in enumerate([0] * 5 + [1] * 8 + [2] * 7)]],
    20,
    3,
)
write("agreement.json", {"krippendorff2011": k2011, "cases": agreement})

# ---------------------------------------------------------------- Bradley–Terry
def bt_reference(N, rows, base):
    """rows: (i, j, n, w_i, ties) with i<j. statsmodels binomial GLM with var_weights = n."""
    free = [s for s in range(N) if s != base]
    X, yv, wv = [], [], []
    for i, j, n, w, _ in rows:
        x = np.zeros(len(free))
        if i != base:
            x[free.index(i)] = 1
        if j != base:
            x[free.index(j)] = -1
        X.append(x)
        yv.append(w / n)
        wv.append(n)
    X = np.array(X)
    # one 0/1 row per outcome, weighted by its (possibly half-tie) score mass; a grouped-proportion
    # fit of a saturated design trips statsmodels' perfect-separation check
    Xs = np.vstack([X, X])
    ys = np.concatenate([np.ones(len(X)), np.zeros(len(X))])
    ws = np.concatenate([[w for _, _, _, w, _ in rows], [n - w for _, _, n, w, _ in rows]])
    keep = ws > 0
    res = sm.GLM(ys[keep], Xs[keep], family=sm.families.Binomial(), var_weights=ws[keep]).fit(tol=1e-14, maxiter=1000)
    theta = np.zeros(N)
    theta[free] = res.params
    # cross-check with scikit-learn, unpenalised logistic regression on the same weighted rows
    lr = LogisticRegression(penalty=None, fit_intercept=False, tol=1e-12, max_iter=100000)
    lr.fit(Xs[keep], ys[keep], sample_weight=ws[keep])
    assert np.max(np.abs(lr.coef_[0] - res.params)) < 1e-4, (lr.coef_, res.params)
    return theta


def davidson_reference(N, rows, base):
    free = [s for s in range(N) if s != base]

    def unpack(p):
        th = np.zeros(N)
        th[free] = p[:-1]
        return th, p[-1]

    def nll(p):
        th, tau = unpack(p)
        ll = 0.0
        for i, j, n, w, t in rows:
            wi, wj = w - t / 2, (n - w) - t / 2
            et = tau + (th[i] + th[j]) / 2
            logd = np.logaddexp(np.logaddexp(th[i], th[j]), et)
            ll += wi * th[i] + wj * th[j] + t * et - n * logd
        return -ll

    x0 = np.zeros(len(free) + 1)
    res = optimize.minimize(nll, x0, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
    res = optimize.minimize(nll, res.x, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 200000}) if len(x0) <= 3 else res
    th, tau = unpack(res.x)
    return th, float(np.exp(tau))


bt_cases = []


def bt_case(name, N, verdicts, base=0, davidson=True):
    """verdicts: list of (a, b, score) with score in {1, .5, 0}"""
    agg = {}
    for a, b, s in verdicts:
        i, j, s = (a, b, s) if a < b else (b, a, 1 - s)
        n, w, t = agg.get((i, j), (0, 0.0, 0))
        agg[(i, j)] = (n + 1, w + s, t + (1 if s == 0.5 else 0))
    rows = [(i, j, n, w, t) for (i, j), (n, w, t) in sorted(agg.items())]
    case = {"name": name, "systems": N, "base": base, "rows": [list(r) for r in rows]}
    case["bt"] = [float(v) for v in bt_reference(N, rows, base)]
    if davidson:
        th, nu = davidson_reference(N, rows, base)
        case["davidson"] = {"scores": [float(v) for v in th], "nu": nu}
    bt_cases.append(case)


def simulate(N, per_pair, strengths, tie_rate, all_pairs=True):
    out = []
    pairs = [(i, j) for i in range(N) for j in range(i + 1, N)] if all_pairs else [(i, 0) for i in range(1, N)]
    for i, j in pairs:
        for _ in range(per_pair):
            if rng.random() < tie_rate:
                out.append((i, j, 0.5))
            else:
                p = 1 / (1 + math.exp(-(strengths[i] - strengths[j])))
                out.append((i, j, 1.0 if rng.random() < p else 0.0))
    return out


bt_case("two-systems", 2, [(1, 0, 1.0)] * 30 + [(1, 0, 0.0)] * 12 + [(1, 0, 0.5)] * 5)
bt_case("three-systems-all-pairs", 3, simulate(3, 40, [0, 0.8, -0.5], 0.15))
bt_case("five-systems-vs-base", 5, simulate(5, 60, [0, 0.3, 1.2, -0.4, 0.9], 0.1, all_pairs=False))
bt_case("eight-systems", 8, simulate(8, 25, list(rng.normal(0, 1, 8)), 0.2), base=3)
bt_case("no-ties", 4, simulate(4, 30, [0, 0.5, 1.0, -1.0], 0.0), davidson=False)
write("bradley-terry.json", bt_cases)

# ---------------------------------------------------------------- logistic (length bias)
logit = []
for c in range(3):
    n = [40, 200, 1000][c]
    x = rng.normal(0, 0.5, n)
    p = 1 / (1 + np.exp(-(0.2 + 0.8 * x)))
    y = (rng.random(n) < p).astype(float)
    y[rng.random(n) < 0.1] = 0.5
    res = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit(tol=1e-14)
    logit.append({"x": [float(v) for v in x], "y": [float(v) for v in y],
                  "intercept": float(res.params[0]), "slope": float(res.params[1]), "slopeSe": float(res.bse[1])})
# a steep slope on a narrow covariate (lengths within 5% of each other: log ratios within +-0.05):
# slope ~66, well estimated, no separation (the fit once called any slope over 50 "separation");
# its own generator, so the cases above and the fixtures after keep their draws
steep = np.random.default_rng(48)
x = steep.uniform(-0.05, 0.05, 300)
y = (steep.random(300) < 1 / (1 + np.exp(-(-0.1 + 75 * x)))).astype(float)
res = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit(tol=1e-14)
logit.append({"x": [float(v) for v in x], "y": [float(v) for v in y],
              "intercept": float(res.params[0]), "slope": float(res.params[1]), "slopeSe": float(res.bse[1])})
# and a modest slope on a wide covariate: 500 verdicts within ±1 and two with an empty output
# (log ratios ±ln 2001), which a rule on the log-odds' spread over x called separation
wide = np.random.default_rng(4)
x = np.concatenate([wide.uniform(-1, 1, 500), [math.log(2001), -math.log(2001)]])
y = (wide.random(502) < 1 / (1 + np.exp(-(0.1 + 4 * x)))).astype(float)
y[-2:] = [1.0, 0.0]  # the empty outputs follow the slope: a, the longer, wins; a, the shorter, loses
res = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit(tol=1e-14)
logit.append({"x": [float(v) for v in x], "y": [float(v) for v in y],
              "intercept": float(res.params[0]), "slope": float(res.params[1]), "slopeSe": float(res.bse[1])})
write("logistic.json", logit)

# ---------------------------------------------------------------- xoshiro128** reference stream
def xoshiro128ss(state, count):
    s = list(state)
    out = []
    M = 0xFFFFFFFF
    rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M
    for _ in range(count):
        out.append((rotl((s[1] * 5) & M, 7) * 9) & M)
        t = (s[1] << 9) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11)
    return out


write("xoshiro128.json", {"state": [1, 2, 3, 4], "outputs": xoshiro128ss([1, 2, 3, 4], 16)})

# ---------------------------------------------------------------- AlpacaEval
# AlpacaEval's definition (alpaca_eval.metrics.winrate): draws (0 or 1.5) score ½, generator_2's
# score is preference − 1, win_rate = mean × 100, standard_error = pandas sem (ddof 1) × 100;
# null preferences are dropped.
prefs = [1, 2, 2, 0, 1.5, None, 1.73, 1.02, 2, 1, 1.999, 1.5, 2, 2, 1.31, None, 1, 2, 1.6, 1.45]
records = [{"instruction": f"q{i}", "output_1": f"base answer {i}", "output_2": f"model answer {i}",
            "generator_1": "baseline-model", "generator_2": "my-model", "annotator": "weighted_alpaca_eval_gpt4_turbo",
            "preference": p} for i, p in enumerate(prefs)]
with open(os.path.join(OUT, "alpacaeval-sample.json"), "w") as f:
    json.dump(records, f, indent=1)
    f.write("\n")
ser = pd.Series([np.nan if p is None else p for p in prefs], dtype=float).replace({0: 1.5})
scores = ser - 1
write("alpacaeval-expected.json", {
    "win_rate": float(scores.mean() * 100), "standard_error": float(scores.sem() * 100),
    "n_wins": int((ser > 1.5).sum()), "n_wins_base": int((ser < 1.5).sum()),
    "n_draws": int((ser == 1.5).sum()), "n_total": int(ser.notna().sum()), "skipped": int(ser.isna().sum()),
})
# ---------------------------------------------------------------- cluster-Wilson (design effect)
# Independent of server/stats/cluster-wilson.ts: the clustered variance of the rate is the CR1
# cluster-robust variance of an intercept-only WLS fit (statsmodels, G/(G-1) correction; weights 1
# with ties half, the decisive mass |2s - 1| with ties excluded), floored at the variance the same
# verdicts would have if independent (numpy: the weighted mean square residual over the total
# weight, no n - 1); n_eff = p(1-p) / variance; when every verdict has the same
# score (variance 0 up to rounding) n_eff = W^2 / sum of squared item weights (perfectly
# correlated items); clustered, n_eff is capped at N1 (1 + 2 L + H / 4) / d^2 (the minority cap: N1
# that same perfectly correlated size, L the items where the side behind holds at least half of the
# item's leaning verdicts, H the other items holding an included verdict for it, the tighter of the
# two sides within 1e-9 of p = 1/2, d the decisive share sum |2s - 1| / n with ties half, 1
# with ties excluded), except that a side whose leaning verdicts (at least two) sit on at least as
# many items as the same number drawn at random from all leaning verdicts would (the expectation
# over items of 1 - hypergeom.pmf(0, ...), scipy) is not capped (the spread exemption);
# Korn & Graubard's degrees-of-freedom adjustment n* = n_eff (z / t_df)^2 with df = items - 1, or
# verdicts - 1 when the independence floor is the variance used (not capped, not all agreeing);
# statsmodels' Wilson on p*n* successes of n*.
crng = np.random.default_rng(20240602)


def ratio_parts(items, ties):
    """(numerator, weight, item) per included verdict; the decomposition of docs/statistics.md."""
    num, wt, grp = [], [], []
    for g, it in enumerate(items):
        for s in it:
            if ties == "half":
                x, w = s, 1.0
            else:
                w = abs(2 * s - 1)
                x = w if s > 0.5 else 0.0
            if w > 0:
                num.append(x)
                wt.append(w)
                grp.append(g)
    return np.array(num, dtype=float), np.array(wt, dtype=float), np.array(grp)


def design(items, ties="half", clustered=True):
    """(p, n_eff, df, clustered variance or None) of a study, or None when undefined."""
    num, wt, grp = ratio_parts(items, ties)
    n = len(num)
    if n == 0:
        return None
    W = wt.sum()
    k = len(set(grp.tolist())) if clustered else n
    if clustered and k < 2:
        return None
    y = num / wt
    fit = sm.WLS(y, np.ones((n, 1)), weights=wt)
    p = float(np.average(y, weights=wt))
    independent = float(np.sum((wt * (y - p)) ** 2) / W ** 2)
    floor_used = False
    if clustered:
        robust = fit.fit(cov_type="cluster", cov_kwds={"groups": grp}).bse[0] ** 2
        variance = max(robust, independent)
        floor_used = independent >= robust * (1 - 1e-9)
        sizes = np.array([wt[grp == g].sum() for g in sorted(set(grp.tolist()))])
    else:
        variance = independent
        sizes = wt
    n1 = W ** 2 / float(np.sum(sizes ** 2))
    if variance > 1e-12 * (0.25 / W):
        n_eff = p * (1 - p) / variance
        if clustered:
            scores = [[s for s in it if (abs(2 * s - 1) if ties != "half" else 1.0) > 0] for it in items]
            leaning = [sum(1 for s in it if s != 0.5) for it in scores]
            total_leaning = sum(leaning)
            included = [s for it in scores for s in it]
            # the decisive share of the weight: sum |2s - 1| / n with ties half, 1 with ties excluded
            d = sum(abs(2 * s - 1) for s in included) / len(included) if ties == "half" else 1.0

            def side_cap(lean):
                held = [sum(1 for s in it if lean(s)) for it in scores]
                m, l = sum(held), sum(1 for h in held if h > 0)
                # items the side leans: it holds at least half of the item's leaning verdicts
                leans = sum(1 for h, c in zip(held, leaning) if h > 0 and 2 * h >= c)
                if m >= 2:
                    expected = sum(1 - stats.hypergeom.pmf(0, total_leaning, c, m) for c in leaning)
                    if l >= expected * (1 - 1e-9):
                        return math.inf
                return n1 * (1 + 2 * leans + 0.25 * (l - leans)) / d ** 2

            # the side behind from the two sides' totals (a's wins and b's), even within 1e-9
            total_a = float(np.sum(num))
            cap_a, cap_b = (side_cap(lambda s: s > 0.5), side_cap(lambda s: s < 0.5)) if d > 0 else (math.inf, math.inf)
            if abs(total_a - W / 2) <= 1e-9 * W:
                cap = min(cap_a, cap_b)
            else:
                cap = cap_b if total_a > W / 2 else cap_a
            if n_eff > cap * (1 + 1e-9):
                n_eff = cap
                variance = p * (1 - p) / n_eff
                floor_used = False
    else:
        n_eff = n1
        variance = p * (1 - p) / n_eff
        floor_used = False
    df = (n - 1 if floor_used else k - 1) if clustered else math.inf
    return p, n_eff, df, variance, W


def cluster_wilson_case(name, items, level):
    case = {"name": name, "items": items, "level": level}
    d = design(items)
    if d is None:
        case.update({"deff": None, "effectiveN": None, "interval": None})
        return case
    p, n_eff, df, _, W = d
    alpha = 1 - level
    z = stats.norm.ppf(1 - alpha / 2)
    t = stats.t.ppf(1 - alpha / 2, df)
    n_star = n_eff * (z / t) ** 2
    lo, hi = proportion_confint(p * n_star, n_star, alpha=alpha, method="wilson")
    case.update({"deff": float(W / n_eff), "effectiveN": float(n_eff),
                 "interval": [float(max(0.0, lo)), float(min(1.0, hi))]})
    return case


def clustered_items(k, per_item, rate, kappa, tie_rate=0.0, vary=False):
    out = []
    for _ in range(k):
        m = int(crng.integers(1, 2 * per_item)) if vary else per_item
        pi = crng.beta(rate * kappa, (1 - rate) * kappa)
        it = []
        for _ in range(m):
            if crng.random() < tie_rate:
                it.append(0.5)
            else:
                it.append(1.0 if crng.random() < pi else 0.0)
        out.append(it)
    return out


cw = [
    cluster_wilson_case("no verdicts", [], 0.95),
    cluster_wilson_case("no verdicts on two items", [[], []], 0.95),
    cluster_wilson_case("one item", [[1, 1, 0, 1]], 0.95),
    cluster_wilson_case("two items", [[1, 1], [0, 1, 1]], 0.95),
    cluster_wilson_case("all wins", [[1] * 5 for _ in range(20)], 0.95),
    cluster_wilson_case("all losses", [[0] * 3 for _ in range(7)], 0.9),
    cluster_wilson_case("all ties", [[0.5] * 2 for _ in range(6)], 0.95),
    cluster_wilson_case("one loss", [[1] * 5 for _ in range(19)] + [[1, 1, 0, 1, 1]], 0.95),
    cluster_wilson_case("singletons", [[1.0 if crng.random() < 0.7 else 0.0] for _ in range(40)], 0.95),
    cluster_wilson_case("perfectly clustered", [[1.0] * 4 if i % 3 else [0.0] * 4 for i in range(30)], 0.95),
    cluster_wilson_case("fractional scores", [[0.73, 1, 0.4], [0.0, 0.98], [1, 1, 1, 0.5], [0.2, 0.61]], 0.95),
    # the minority cap binds: no loss but ties vary (L = 0), one item holding the losses (L = 1),
    # a fractional lean to b counting as a minority item, and p = 1/2 (the fewer side's items)
    cluster_wilson_case("no loss, ties vary", [[1] * 16 + [0.5] * 4 if i % 2 else [1] * 18 + [0.5] * 2 for i in range(20)], 0.95),
    cluster_wilson_case("one item holds the losses", [[1] * 18 + [0.5] * 2 for _ in range(19)] + [[1] * 17 + [0, 0, 0.5]], 0.95),
    cluster_wilson_case("a fractional lean to b", [[1, 1, 0.9, 1]] * 9 + [[1, 0.45, 1, 1]], 0.9),
    cluster_wilson_case("even split, one item each way", [[1] * 5 + [0.5] * 5] + [[0.5] * 10] * 8 + [[0] * 5 + [0.5] * 5], 0.95),
    cluster_wilson_case("one item holds the wins (p < 1/2)", [[0] * 18 + [0.5] * 2 for _ in range(19)] + [[0] * 17 + [1, 1, 0.5]], 0.95),
    cluster_wilson_case("fractional leans near 1/2: decisive share 0.14", [[0.55, 0.6, 0.55, 0.6, 0.55] for _ in range(20)], 0.95),
    # the spread exemption: four losses on four items of ten (random verdicts would reach 3.4) lift
    # the cap; the same four on one item, or one loss alone, keep it; with ties; at p = 1/2 the
    # tighter side's cap
    cluster_wilson_case("spread: four losses on four items", [[1] * 19 + [0]] * 4 + [[1] * 20] * 6, 0.95),
    cluster_wilson_case("spread: four losses on one item", [[1] * 16 + [0] * 4] + [[1] * 20] * 9, 0.95),
    cluster_wilson_case("spread: with ties", [[1] * 15 + [0] + [0.5] * 4] * 4 + [[1] * 16 + [0.5] * 4] * 6, 0.95),
    cluster_wilson_case("spread: even split, one side spread", [[1, 0, 0.5, 0.5]] * 6 + [[0] * 6 + [0.5] * 2, [1] * 6 + [0.5] * 2], 0.95),
    cluster_wilson_case("fractional, a's total an ulp under 1/2", [[0.75], [0.18, 0.25, 0.75, 0.25], [0.72, 0.4, 0.38], [0.28, 0.6, 0.82, 0.62]], 0.95),
]
for level in (0.95, 0.9, 0.99):
    cw.append(cluster_wilson_case(f"20 items x 5 rate 0.86 level {level}", clustered_items(20, 5, 0.86, 4), level))
cw.append(cluster_wilson_case("100 items x 5 rate 0.97", clustered_items(100, 5, 0.97, 4), 0.95))
cw.append(cluster_wilson_case("50 items x 1-9 with ties", clustered_items(50, 5, 0.7, 4, 0.2, True), 0.95))
cw.append(cluster_wilson_case("500 items x 1-9 with ties", clustered_items(500, 5, 0.5, 4, 0.3, True), 0.99))
cw.append(cluster_wilson_case("weak clustering with ties", clustered_items(60, 3, 0.6, 200, 0.4), 0.95))
write("cluster-wilson.json", cw)


# ---------------------------------------------------------------- pair summary: every method, one quantity
# Each method's interval and the p-value of the test dual to it, on the same rate and effective
# sample size (design() above; independent when no item has two included verdicts): Wilson and
# Clopper-Pearson are statsmodels' proportion_confint on p*n_eff of n_eff, cluster-Wilson the same
# on n* at t_df (the design's degrees of freedom); the normal interval is p +- z*se with se the clustered design's or the
# sample one (n - 1); Agresti-Coull, with one verdict per item, is its c^2/2 added wins and losses
# on the verdicts themselves (statsmodels' proportion_confint(method="agresti_coull") when no verdict
# is a tie or fractional, asserted), and clustered, statsmodels' agresti_coull on
# p*n* of n* (Agresti-Coull at t on n_eff equals it at z on n* = n_eff (z/t)^2), its p-value the
# critical value c* at which the interval's edge reaches 1/2 (scipy's brentq on
# |p - 1/2| n = c sqrt(pt (1 - pt) (n + c^2))), 2 P(T > c*); p-values from scipy: score test (z or
# t), equal-tailed exact test through the beta distribution, Wald z test.
def pair_summary_case(name, items, ties, level):
    alpha = 1 - level
    z = stats.norm.isf(alpha / 2)
    num, wt, grp = ratio_parts(items, ties)
    counts = np.bincount(grp, minlength=len(items)) if len(grp) else np.zeros(0)
    clustered = bool(len(counts) and counts.max() > 1)
    case = {"name": name, "items": items, "ties": ties, "level": level, "clustered": clustered}
    n = len(num)
    if n == 0:
        case.update({"winRate": None, "se": None, "methods": {}})
        return case
    W = wt.sum()
    p = float(num.sum() / W)
    case["winRate"] = p
    d = design(items, ties, clustered)
    if clustered or (d and d[3] != np.sum((num - p * wt) ** 2) / W ** 2):
        # clustered, or every verdict has the same score (the design's boundary rule)
        se = math.sqrt(d[3]) if d else None
    else:
        se = float(math.sqrt(n / (n - 1) * np.sum((num - p * wt) ** 2)) / W) if n >= 2 else None
    case["se"] = se
    methods = {}
    for method in ("wilson", "agresti-coull", "cluster-wilson", "exact", "normal"):
        dm = d if (method != "cluster-wilson" or clustered) else design(items, ties, True)
        if method == "normal":
            if se is None:
                methods[method] = None
                continue
            ci = [max(0.0, p - z * se), min(1.0, p + z * se)]
            pv = (1.0 if p == 0.5 else 0.0) if se == 0 else float(2 * stats.norm.sf(abs(p - 0.5) / se))
        elif dm is None:
            methods[method] = None
            continue
        else:
            _, n_eff, df, _, _ = dm
            if method == "exact":
                x = p * n_eff
                lo, hi = proportion_confint(x, n_eff, alpha=alpha, method="beta")
                lo = 0.0 if (math.isnan(lo) or x == 0) else float(lo)
                hi = 1.0 if (math.isnan(hi) or x >= n_eff) else float(hi)
                up = 1.0 if x <= 0 else stats.beta.cdf(0.5, x, n_eff - x + 1)
                dn = 1.0 if x >= n_eff else stats.beta.sf(0.5, x + 1, n_eff - x)
                ci, pv = [lo, hi], float(min(1.0, 2 * min(up, dn)))
            elif method == "agresti-coull" and not clustered:
                # one verdict per item: Agresti-Coull's c^2/2 wins and c^2/2 losses added to the
                # verdicts, then the Wald interval of the augmented ratio (without ties exactly
                # statsmodels' agresti_coull, asserted here)
                def added(c):
                    half = c * c / 2
                    W2 = W + 2 * half
                    pt = (num.sum() + half) / W2
                    q = np.sum((num - pt * wt) ** 2) + half * (1 - pt) ** 2 + half * pt ** 2
                    return pt, math.sqrt(q), W2

                pt, root, W2 = added(z)
                ci = [float(max(0.0, pt - z * root / W2)), float(min(1.0, pt + z * root / W2))]
                if np.all(wt == 1) and np.all((num == 0) | (num == 1)):
                    ref = proportion_confint(num.sum(), W, alpha=alpha, method="agresti_coull")
                    assert np.allclose(ci, [max(0.0, ref[0]), min(1.0, ref[1])], atol=1e-12), (name, ci, ref)
                gap = abs(num.sum() - W / 2)
                if gap == 0:
                    pv = 1.0
                else:
                    hi_c = 1.0
                    while gap - hi_c * added(hi_c)[1] > 0:
                        hi_c *= 2
                    c_star = optimize.brentq(lambda c: gap - c * added(c)[1], 0.0, hi_c, xtol=1e-14)
                    pv = float(min(1.0, 2 * stats.norm.sf(c_star)))
            elif method == "agresti-coull":
                ne = n_eff * (z / stats.t.ppf(1 - alpha / 2, df)) ** 2
                lo, hi = proportion_confint(p * ne, ne, alpha=alpha, method="agresti_coull")
                ci = [float(max(0.0, lo)), float(min(1.0, hi))]
                gap = abs(p - 0.5) * n_eff

                def edge(c):
                    pt = (p * n_eff + c * c / 2) / (n_eff + c * c)
                    return gap - c * math.sqrt(pt * (1 - pt) * (n_eff + c * c))

                if gap == 0:
                    pv = 1.0
                else:
                    hi_c = 1.0
                    while edge(hi_c) > 0:
                        hi_c *= 2
                    c_star = optimize.brentq(edge, 0.0, hi_c, xtol=1e-14)
                    pv = float(min(1.0, 2 * (stats.t.sf(c_star, df) if clustered else stats.norm.sf(c_star))))
            else:
                use_t = method == "cluster-wilson"
                ne = n_eff * (z / stats.t.ppf(1 - alpha / 2, df)) ** 2 if use_t else n_eff
                lo, hi = proportion_confint(p * ne, ne, alpha=alpha, method="wilson")
                ci = [float(max(0.0, lo)), float(min(1.0, hi))]
                stat = abs(p - 0.5) * 2 * math.sqrt(n_eff)
                pv = float(min(1.0, 2 * (stats.t.sf(stat, df) if use_t else stats.norm.sf(stat))))
        methods[method] = {"ci": ci, "pValue": pv}
    case["methods"] = methods
    return case


ps = [
    pair_summary_case("10 wins 90 ties, one per item", [[1.0]] * 10 + [[0.5]] * 90, "half", 0.95),
    pair_summary_case("10 wins 90 ties, two per item", [[1.0, 1.0]] * 5 + [[0.5, 0.5]] * 45, "half", 0.95),
    pair_summary_case("10 wins 90 ties, two per item mixed", [[1.0, 0.5]] * 10 + [[0.5, 0.5]] * 40, "half", 0.95),
    pair_summary_case("all wins 10 x 20", [[1.0] * 20] * 10, "half", 0.95),
    pair_summary_case("all wins one per item", [[1.0]] * 12, "half", 0.95),
    pair_summary_case("all ties clustered", [[0.5] * 3] * 8, "half", 0.95),
    pair_summary_case("all ties one per item", [[0.5]] * 8, "half", 0.9),
    pair_summary_case("12 items x 10 judges", [[1.0] * 10] * 7 + [[0.0] * 10] * 2 + [[1.0] * 6 + [0.0] * 4] * 3, "half", 0.95),
    pair_summary_case("win/loss one per item", [[1.0]] * 15 + [[0.0]] * 5, "half", 0.95),
    pair_summary_case("fractional, ties half", [[0.73, 1, 0.4], [0.0, 0.98], [1, 1, 1, 0.5], [0.2, 0.61]], "half", 0.95),
    pair_summary_case("fractional, ties excluded", [[0.73, 1, 0.4], [0.0, 0.98], [1, 1, 1, 0.5], [0.2, 0.61]], "exclude", 0.95),
    pair_summary_case("fractional one per item, ties excluded", [[0.9], [0.6], [0.5], [0.2], [1.0], [0.75]], "exclude", 0.9),
    pair_summary_case("ties excluded, clustered", clustered_items(30, 4, 0.7, 4, 0.2), "exclude", 0.95),
    pair_summary_case("ties half, clustered", clustered_items(30, 4, 0.7, 4, 0.2), "half", 0.99),
    pair_summary_case("ties half, 1-9 per item", clustered_items(40, 5, 0.86, 2, 0.2, True), "half", 0.95),
    pair_summary_case("minority cap, ties half", [[1] * 8 + [0.5] * 2] * 11 + [[1] * 7 + [0, 0.5, 0.5]], "half", 0.95),
    pair_summary_case("minority cap, ties excluded", [[1] * 8 + [0.5] * 2] * 11 + [[1] * 7 + [0, 0.5, 0.5]], "exclude", 0.95),
    pair_summary_case("one verdict", [[1.0]], "half", 0.95),
    pair_summary_case("9 wins 1 tie, one per item", [[1.0]] * 9 + [[0.5]], "half", 0.95),
    pair_summary_case("1 loss 9 ties, one per item", [[0.0]] + [[0.5]] * 9, "half", 0.95),
    pair_summary_case("19 wins 1 tie, one per item", [[1.0]] * 19 + [[0.5]], "half", 0.99),
    pair_summary_case("12 wins 5 ties 3 losses, one per item", [[1.0]] * 12 + [[0.5]] * 5 + [[0.0]] * 3, "half", 0.95),
]
write("pair-summary.json", ps)

print("wrote fixtures to", os.path.normpath(OUT), "; Krippendorff 2011 example alpha =", round(k2011, 4))


# ---------------------------------------------------------------- coverage of one-verdict-per-item intervals
# Exact coverage (sum of the binomial pmf over the outcomes whose interval holds p) of the 95%
# intervals a one-verdict-per-item study could default to: on the grid of rates and sizes,
# and on a dense grid of rates (0.50..0.99 by 0.001), where the share of rates covered 93-97% and
# the worst rate tell an interval that is good from one that happens to suit the grid.
def arcsine_interval(k, n, level):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    a = math.asin(math.sqrt(k / n))
    h = z / (2 * math.sqrt(n))
    return math.sin(max(0.0, a - h)) ** 2, math.sin(min(math.pi / 2, a + h)) ** 2


COVERAGE_METHODS = {
    "wilson": lambda k, n: proportion_confint(k, n, 0.05, method="wilson"),
    "jeffreys": lambda k, n: proportion_confint(k, n, 0.05, method="jeffreys"),
    "agresti_coull": lambda k, n: proportion_confint(k, n, 0.05, method="agresti_coull"),
    "clopper_pearson": lambda k, n: proportion_confint(k, n, 0.05, method="beta"),
    "wald": lambda k, n: proportion_confint(k, n, 0.05, method="normal"),
    "arcsine": lambda k, n: arcsine_interval(k, n, 0.95),
}


def exact_coverage(bounds, n, p):
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    return float(pmf[(bounds[:, 0] <= p) & (p <= bounds[:, 1])].sum())


cov_grid_sizes = [20, 100, 1000]
cov_grid_rates = [0.5, 0.7, 0.86, 0.97]
cov_dense_sizes = [20, 50, 100]
cov_dense_rates = [round(0.5 + 0.001 * i, 3) for i in range(491)]
coverage = {
    "level": 0.95,
    "band": [0.93, 0.97],
    "grid": {"sizes": cov_grid_sizes, "rates": cov_grid_rates, "coverage": {}},
    "dense": {"sizes": cov_dense_sizes, "rates": [cov_dense_rates[0], cov_dense_rates[-1], 0.001], "summary": {}},
}
for name, f in COVERAGE_METHODS.items():
    cache = {n: np.array([f(k, n) for k in range(n + 1)], dtype=float) for n in set(cov_grid_sizes + cov_dense_sizes)}
    coverage["grid"]["coverage"][name] = [[exact_coverage(cache[n], n, p) for p in cov_grid_rates] for n in cov_grid_sizes]
    summary = []
    for n in cov_dense_sizes:
        c = np.array([exact_coverage(cache[n], n, p) for p in cov_dense_rates])
        summary.append({
            "n": n,
            "inBand": float(np.mean((c >= 0.93) & (c <= 0.97))),
            "min": float(c.min()),
            "mean": float(c.mean()),
        })
    coverage["dense"]["summary"][name] = summary
write("coverage.json", coverage)
for name, s in coverage["dense"]["summary"].items():
    print(f"{name:16s}", " | ".join(f"n={x['n']}: in band {x['inBand']:.2f} min {x['min']:.3f}" for x in s),
          "| grid:", " ".join(f"{v:.3f}" for row in coverage["grid"]["coverage"][name] for v in row))
