#!/usr/bin/env python3
"""The 97% ceiling over the whole ICC range, not only the grid's four ICCs (issue 10).

Run: /usr/bin/python3 scripts/reference/continuum_minimax.py   (numpy, scipy >= 1.9; about 5 minutes)
Writes test/fixtures/stats/continuum-minimax.json; docs/statistics.md, "Between the grid's ICCs",
gives the figures. `continuum_minimax.py ITEMS PER_ITEM TIE_RATES` asks another design and only
prints (100 items x 2 verdicts, 5,151 studies, reaches the 300 s time limit at each rate; the
solver's dual bound is then the proven figure).

The grid's target counts a cell's ceiling when some interval could cover it inside 93-97% alone
("reachable", clustered_targets.py band_reachable). A study's ICC is not one of 0, 0.2, 0.5 and
0.8, so the same question is asked of every ICC from 0 to 0.95 in steps of 0.01, at one true rate
at a time: the least possible largest coverage, over the ICCs whose band is reachable alone, of
any non-randomised interval covering at least 93% at every ICC (an integer programme, scipy's
milp). At one true rate any set of studies is the cover set of some interval that holds its
estimate and is symmetric in the two systems (studies whose estimate is the truth are always
covered; at 1/2 a study goes with its mirror image), so this is a lower bound for any such interval
over all rates at once (at 0.97 no study's estimate is the truth, so there it bounds any interval). When it is above 97%, no
interval meets the ceiling at every ICC of that rate where it is reachable alone.

For 10 items x 2 verdicts without ties at 0.97 it also records a smallest set of targets that no
interval meets together (deletion filter over the constraints). And where the bound is under 97%,
whether ONE interval meets the band at every rate and every ICC from 0 to 0.95 in steps of 0.05 at
once, with the floor alone at 0.97 where the ceiling is out of reach (clustered_targets.py's
programme over these 100 cells).
"""
import json
import os
import sys
import time

import numpy as np
from scipy import optimize

import clustered_targets as ct
from interval_programme import interval_programme

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats", "continuum-minimax.json")
ICC_STEP = 0.01
DENSE = [round(x, 4) for x in np.arange(0, 0.95 + 1e-9, ICC_STEP)]
DESIGNS = [(10, 2, [0.0]), (20, 2, [0.0]), (10, 2, [0.2])]


def cover_groups(s, truth):
    """The decision variables at one true rate: one per study, or per mirror pair at 1/2."""
    n = len(s.counts)
    if abs(truth - 0.5) < 1e-12:
        rows = np.array([o for o in range(n) if s.mirror[o] >= o])
        m = np.zeros((len(rows), n))
        m[np.arange(len(rows)), rows] = 1
        m[np.arange(len(rows)), s.mirror[rows]] = 1
        return m
    return np.eye(n)


def minimax(s, probs, reach, truth):
    """Least largest coverage over the reachable ICCs, at least 93% at all: (value found, proven lower
    bound, the found interval's coverage per ICC)."""
    m = cover_groups(s, truth)
    forced = (m @ (np.abs(s.phat - truth) < 1e-12)) > 0
    p = np.array([m @ q for q in probs])
    n = p.shape[1]
    cons = [optimize.LinearConstraint(np.hstack([p, np.zeros((len(p), 1))]), ct.BAND[0], np.inf)]
    if reach.any():
        cons.append(optimize.LinearConstraint(np.hstack([p[reach], -np.ones((int(reach.sum()), 1))]), -np.inf, 0))
    res = optimize.milp(
        c=np.r_[np.zeros(n), 1.0],
        constraints=cons,
        integrality=np.r_[np.ones(n), 0],
        bounds=optimize.Bounds(np.r_[forced.astype(float), 0], np.r_[np.ones(n), 1]),
        options={"time_limit": 300},
    )
    if res.status not in (0, 1) or res.x is None:
        raise RuntimeError(f"milp status {res.status}: {res.message}")
    # at the time limit the interval found is an upper bound and the solver's dual bound a lower one
    low = float(res.fun) if res.status == 0 else float(res.mip_dual_bound)
    return float(res.fun), low, p @ np.round(res.x[:n])


def design(items, per, ties):
    ct.ITEMS, ct.PER_ITEM = items, per
    s = ct.Studies(items, per, ties=any(t > 0 for t in ties))
    rows = []
    for tie in ties:
        for rate in ct.RATES:
            started = time.time()
            truth = ct.true_rate(rate, tie)
            probs = [s.probs(rate, icc, tie) for icc in DENSE]
            reach = np.array([ct.band_reachable(s, q, truth) for q in probs])
            value, low, covs = minimax(s, probs, reach, truth)
            worst = DENSE[int(np.argmax(np.where(reach, covs, 0)))]
            rows.append({"items": items, "perItem": per, "tieRate": tie, "rate": rate, "truth": truth,
                         "studies": len(s.counts), "minimax": value, "lowerBound": low, "worstIcc": worst,
                         "unreachableIccs": [icc for icc, r in zip(DENSE, reach) if not r]})
            print(f"{items} items x {per}/item, ties {tie:g}, rate {rate:g}: least largest coverage "
                  f"{value:.4f}, at least {low:.4f} (at ICC {worst:g}; {time.time() - started:.0f} s)", flush=True)
    return s, rows


def smallest_conflict(s, rate, iccs):
    """A set of targets at one rate that no interval meets together, none of them redundant."""
    truth = ct.true_rate(rate, 0.0)
    cons = []
    for icc in iccs:
        q = s.probs(rate, icc, 0.0)
        cons.append({"icc": icc, "bound": ">= 93%", "truth": truth, "probs": q, "lo": ct.BAND[0], "hi": 1.0})
        if ct.band_reachable(s, q, truth):
            cons.append({"icc": icc, "bound": "<= 97%", "truth": truth, "probs": q, "lo": 0.0, "hi": ct.BAND[1]})
    feasible = lambda cs: interval_programme(s.phat, s.mirror, None, cs)[0]
    if feasible(cons):
        return None
    keep, i = list(cons), 0
    while i < len(keep):
        trial = keep[:i] + keep[i + 1:]
        if feasible(trial):
            i += 1
        else:
            keep = trial
    return [{"icc": c["icc"], "bound": c["bound"]} for c in keep]


def joint(items, per, tie, rates, floor_only=(), step=0.05):
    """Whether ONE interval (holding its estimate, symmetric) covers 93-97% at every ICC from 0 to
    0.95 in steps of `step` and every rate of `rates`, wherever the band is reachable alone, and
    at least 93% at every ICC of the rates `floor_only` (where the ceiling is out of reach)."""
    ct.ITEMS, ct.PER_ITEM = items, per
    s = ct.Studies(items, per, ties=tie > 0)
    cons = []
    for rate in list(rates) + list(floor_only):
        truth = ct.true_rate(rate, tie)
        for icc in [round(x, 4) for x in np.arange(0, 0.95 + 1e-9, step)]:
            q = s.probs(rate, icc, tie)
            hi = ct.BAND[1] if rate in rates and ct.band_reachable(s, q, truth) else 1.0
            cons.append({"truth": truth, "probs": q, "lo": ct.BAND[0], "hi": hi})
    started = time.time()
    feasible, _ = interval_programme(s.phat, s.mirror, None, cons, time_limit=600)
    print(f"  one interval, {items} items x {per}/item, ties {tie:g}, rates {rates} (floor only at "
          f"{list(floor_only)}), every ICC by {step}: {feasible} ({time.time() - started:.0f} s)", flush=True)
    return {"items": items, "perItem": per, "tieRate": tie, "rates": rates, "floorOnly": list(floor_only),
            "iccStep": step, "feasible": feasible}


def main():
    args = sys.argv[1:]
    if len(args) == 3:
        design(int(args[0]), int(args[1]), [float(x) for x in args[2].split(",")])
        return
    started = time.time()
    rows, conflict = [], None
    for items, per, ties in DESIGNS:
        s, found = design(items, per, ties)
        rows += found
        if (items, per, ties) == (10, 2, [0.0]):
            conflict = smallest_conflict(s, 0.97, [0.0, 0.05, 0.1, 0.15, 0.2, 0.5, 0.8])
            print("  10 items x 2/item at 0.97, no interval meets together:", conflict, flush=True)
    others = [r for r in ct.RATES if r != 0.97]
    joints = [joint(10, 2, 0.0, others, [0.97]), joint(20, 2, 0.0, others, [0.97]),
              joint(10, 2, 0.2, list(ct.RATES))]
    out = {"iccStep": ICC_STEP, "iccMax": DENSE[-1], "band": ct.BAND, "cells": rows, "joint": joints,
           "conflict": {"items": 10, "perItem": 2, "rate": 0.97, "tieRate": 0.0, "targets": conflict}}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"{time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
