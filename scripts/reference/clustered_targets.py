#!/usr/bin/env python3
"""Two verdicts per item, 10 items: the issue-10 targets settled exactly (no simulation).

Run: /usr/bin/python3 scripts/reference/clustered_targets.py [--dense]   (numpy, scipy >= 1.9, statsmodels)
Writes test/fixtures/stats/clustered-targets.json; docs/statistics.md, "Two verdicts per item,
exactly", gives the figures. `clustered_targets.py ITEMS PER_ITEM TIE_RATES` (e.g. 10 5 0, or
20 2 0,0.2) asks points 2 and 3 for another design and only prints (a design's distinct studies
must stay in the tens of thousands: 5 verdicts per item with ties at 10 items are 30 million).

A study of the coverage grid (scripts/coverage-study.ts) with 2 verdicts on each of 10 items is a
multiset of 10 item outcomes (wins, ties, losses) among 6 (3 without ties): 3,003 distinct studies.
An item's outcome is multinomial given its rate p_i ~ Beta(r k, (1 - r) k), k = 1/ICC - 1 (p_i = r at
ICC 0), each verdict a tie with the tie rate; so a study's probability is exact, and so is any
interval's coverage.

1. Exact coverage of plain Wilson on all verdicts as if independent (statsmodels'
   proportion_confint on the score sum, ties half, of the 20 verdicts), and each cell's item
   outcome probabilities: the reference for coverage-study.ts exactClusteredCell, which
   enumerates the same studies in TypeScript.
2. Reachable: some interval holding its estimate (and at 1/2 symmetric in the two systems) covers
   inside 93-97%. Any set of studies is such an interval's cover set at one true rate (its bound
   may stop on either side of the truth), except that studies whose estimate is the truth are
   always covered and at 1/2 a study goes with its mirror image; atoms under the band's width fill
   any window of it, so only the larger atoms are enumerated.
3. Whether ONE interval meets every target of the 40 cells at once: integer programme (scipy's
   milp, HiGHS) over every interval that holds its estimate and is symmetric in the two systems,
   each study's interval described by the true rates it covers (exhaustive; as in
   one_verdict_targets.py): at least 93% in every cell, at most 97% where reachable.
4. The same question for an interval that is also monotone: turning a loss into a tie (a win
   without ties) or a tie into a win, on any item, never lowers either bound (about a minute).
5. With --dense, the same with at least 93% also at 345 parameters off the grid (ICC 0, 0.2,
   0.5, 0.8, 0.95; tie rates 0, 0.1, 0.2; true rates 0.50-0.99 in steps of 0.02): an interval
   tuned to the grid's parameters alone would not be an honest one. About 5 minutes.
"""
import itertools
import json
import math
import os
import sys
import time

import numpy as np
from scipy import special
from statsmodels.stats.proportion import proportion_confint

from interval_programme import interval_programme

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
BAND = (0.93, 0.97)
ICCS = [0.0, 0.2, 0.5, 0.8]
RATES = [0.5, 0.7, 0.86, 0.95, 0.97]
TIE_RATES = [0.0, 0.2]
ITEMS, PER_ITEM = 10, 2


def patterns(per, ties=True):
    """Item outcomes (wins, ties, losses), in coverage-study.ts itemOutcomes' order."""
    return [(w, t, per - w - t) for t in (range(per + 1) if ties else [0]) for w in range(per - t + 1)]


def compositions(n, k):
    """Every k-tuple of counts summing to n."""
    for bars in itertools.combinations(range(n + k - 1), k - 1):
        edges = (-1,) + bars + (n + k - 1,)
        yield tuple(edges[i + 1] - edges[i] - 1 for i in range(k))


def true_rate(rate, tie):
    return tie / 2 + (1 - tie) * rate


def item_probs(pats, rate, icc, tie):
    out = []
    for w, t, l in pats:
        coef = math.factorial(w + t + l) / (math.factorial(w) * math.factorial(t) * math.factorial(l))
        if icc == 0:
            moment = rate**w * (1 - rate) ** l
        else:
            k = 1 / icc - 1
            moment = math.exp(special.betaln(rate * k + w, (1 - rate) * k + l) - special.betaln(rate * k, (1 - rate) * k))
        out.append(coef * tie**t * (1 - tie) ** (w + l) * moment)
    return np.array(out)


class Studies:
    def __init__(self, n, per, ties=True):
        self.n, self.per = n, per
        self.pats = patterns(per, ties)
        self.counts = np.array(list(compositions(n, len(self.pats))), dtype=np.int64)
        score = np.array([w + t / 2 for w, t, l in self.pats])
        self.sum = self.counts @ score
        self.phat = self.sum / (n * per)
        self.logmult = special.gammaln(n + 1) - special.gammaln(self.counts + 1).sum(1)
        index = {c: i for i, c in enumerate(map(tuple, self.counts.tolist()))}
        mirror_pat = [self.pats.index((l, t, w)) for w, t, l in self.pats]
        self.mirror = np.array([index[tuple(int(c[mirror_pat.index(j)]) for j in range(len(self.pats)))] for c in self.counts.tolist()])

    def ups(self):
        """Each study's studies one verdict better: one item's loss turned into a tie (a win without
        ties) or its tie into a win."""
        pidx = {p: i for i, p in enumerate(self.pats)}
        index = {c: i for i, c in enumerate(map(tuple, self.counts.tolist()))}
        out = []
        for c in self.counts.tolist():
            u = []
            for q, k in enumerate(c):
                w, t, l = self.pats[q]
                steps = ([(w, t + 1, l - 1) if (w, t + 1, l - 1) in pidx else (w + 1, t, l - 1)] if l > 0 else [])
                steps += [(w + 1, t - 1, l)] if t > 0 else []
                for step in steps if k > 0 else []:
                    d = list(c)
                    d[q] -= 1
                    d[pidx[step]] += 1
                    u.append(index[tuple(d)])
            out.append(u)
        return out

    def probs(self, rate, icc, tie):
        ip = item_probs(self.pats, rate, icc, tie)
        with np.errstate(divide="ignore"):
            lp = np.where(ip > 0, np.log(np.where(ip > 0, ip, 1)), -np.inf)
        terms = np.where(self.counts > 0, self.counts * np.where(np.isfinite(lp), lp, 0), 0.0)
        impossible = ((self.counts > 0) & ~np.isfinite(lp)).any(1)
        return np.where(impossible, 0.0, np.exp(self.logmult + terms.sum(1)))


def band_reachable(s, pr, r):
    forced = float(pr[np.abs(s.phat - r) < 1e-12].sum())
    free = np.nonzero(np.abs(s.phat - r) >= 1e-12)[0]
    if abs(r - 0.5) < 1e-12:
        atoms = np.array([pr[o] + (pr[s.mirror[o]] if s.mirror[o] != o else 0) for o in free if s.mirror[o] >= o])
    else:
        atoms = pr[free]
    big = atoms[atoms >= BAND[1] - BAND[0]]
    small = float(atoms[atoms < BAND[1] - BAND[0]].sum())
    for mask in range(1 << len(big)):
        base = forced + sum(big[i] for i in range(len(big)) if mask >> i & 1)
        if base <= BAND[1] and base + small >= BAND[0]:
            return True
    return False


def solve(s, cons, monotone=False):
    """One interval holding its estimate and symmetric in the two systems under cons (dicts with
    truth, probs, lo, hi), and with `monotone` such that no bound falls when a verdict improves:
    (feasible, its coverage per constraint or None)."""
    return interval_programme(s.phat, s.mirror, s.ups() if monotone else None, cons, time_limit=1200)


def key(icc, rate, tie):
    return f"icc {icc:g} · {PER_ITEM}/item · {ITEMS} items · rate {rate:g} · ties {tie:g}"


def main():
    global ITEMS, PER_ITEM, TIE_RATES
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    other = len(args) == 3
    if other:
        ITEMS, PER_ITEM, TIE_RATES = int(args[0]), int(args[1]), [float(x) for x in args[2].split(",")]
    started = time.time()
    s = Studies(ITEMS, PER_ITEM, ties=any(t > 0 for t in TIE_RATES))
    cells = []
    for tie in TIE_RATES:
        for icc in ICCS:
            for rate in RATES:
                pr = s.probs(rate, icc, tie)
                assert abs(pr.sum() - 1) < 1e-12, pr.sum()
                cells.append({"key": key(icc, rate, tie), "truth": true_rate(rate, tie), "probs": pr,
                              "items": item_probs(s.pats, rate, icc, tie)})
    # 1. plain Wilson on all verdicts as if independent
    lo, hi = proportion_confint(s.sum, ITEMS * PER_ITEM, alpha=0.05, method="wilson")
    wilson = {c["key"]: float(np.sum(c["probs"][(lo <= c["truth"]) & (c["truth"] <= hi)])) for c in cells}
    # 2. reachable
    reachable = {c["key"]: band_reachable(s, c["probs"], c["truth"]) for c in cells}
    # 3. one interval for every target
    cons = [dict(c, lo=BAND[0], hi=BAND[1] if reachable[c["key"]] else 1.0) for c in cells]
    feasible, covs = solve(s, cons)
    solved = time.time() - started
    # 4. the same interval also monotone: a loss turned into a tie or a tie into a win, on any
    # item, never lowers either bound
    feasible_mono, covs_mono = solve(s, cons, monotone=True)
    out = {
        "items": ITEMS,
        "perItem": PER_ITEM,
        "studies": len(s.counts),
        "band": BAND,
        "wilsonUnclustered": wilson,
        # each cell's item outcome probabilities, in patterns' order: (wins, ties, losses)
        "itemOutcomes": {c["key"]: [[w, t, l, float(q)] for (w, t, l), q in zip(s.pats, c["items"])] for c in cells},
        "reachable": reachable,
        "joint": {"feasible": feasible, "coverage": None if covs is None else {c["key"]: v for c, v in zip(cells, covs)}},
        "jointMonotone": {"feasible": feasible_mono,
                          "coverage": None if covs_mono is None else {c["key"]: v for c, v in zip(cells, covs_mono)}},
    }
    print(f"{ITEMS} items x {PER_ITEM}/item: {len(s.counts)} studies")
    print("  out of reach:", [k for k, v in reachable.items() if not v])
    print(f"  one interval meets every target of the {len(cells)} cells: {feasible} ({solved:.0f} s)")
    print(f"  ... and is monotone in every verdict: {feasible_mono} ({time.time() - started:.0f} s)")
    if "--dense" in sys.argv:
        extra = []
        grid = {(round(c["truth"], 10)) for c in cells}
        for tr in sorted(set(np.round(np.arange(0.5, 0.99 + 1e-9, 0.02), 10)) | grid):
            for tie in [0.0, 0.1, 0.2] if any(t > 0 for t in TIE_RATES) else [0.0]:
                q = (tr - tie / 2) / (1 - tie)
                if not 0 < q < 1:
                    continue
                for icc in ICCS + [0.95]:
                    if any(c["key"] == key(icc, round(q, 10), tie) for c in cells):
                        continue
                    pr = s.probs(q, icc, tie)
                    assert abs(pr.sum() - 1) < 1e-9, pr.sum()
                    extra.append({"truth": tr, "probs": pr, "lo": BAND[0], "hi": 1.0})
        ok, _ = solve(s, cons + extra)
        out["dense"] = {"offGridParameters": len(extra), "feasible": ok}
        print(f"  ... and at least 93% at {len(extra)} parameters off the grid: {ok} ({time.time() - started:.0f} s)")
    if other:
        return
    if "--dense" not in sys.argv:
        with open(os.path.join(OUT, "clustered-targets.json")) as f:
            previous = json.load(f).get("dense")
        if previous:
            out["dense"] = previous
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "clustered-targets.json"), "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
