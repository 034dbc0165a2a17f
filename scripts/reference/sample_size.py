#!/usr/bin/env python3
"""Reference figures for server/stats/sample-size.ts: the items a planned study needs for the
report's default interval to reach a half-width, or its test of 1/2 to reach a power.

Independent of the TypeScript's code path:
- half-width: statsmodels' proportion_confint(method="wilson") on n* = n_eff * (z / t)^2 (Wilson at
  z on n* is Wilson at t on n_eff, as scripts/reference/generate.py computes cluster-Wilson), with
  scipy's t quantile on items - 1 df; plain Wilson at z with one verdict per item;
- power: statsmodels' normal_power_het (two-sided, null SD 1/2, alternative SD sqrt(p(1 - p))) on
  n_eff at the normal level whose critical value is t_{items-1}, alpha' = 2 * P(Z > t); and, with
  one verdict per item, statsmodels' normal_sample_size_one_tail at alpha/2 (the textbook closed
  form, which ignores the far tail) rounded up, which must agree with the search;
- the smallest item count found by this script's own bisection.

Writes test/fixtures/stats/sample-size.json. Run: /usr/bin/python3 scripts/reference/sample_size.py
"""
import json
import math
import os

from scipy.stats import norm, t as student_t
from statsmodels.stats.power import normal_power_het, normal_sample_size_one_tail
from statsmodels.stats.proportion import proportion_confint

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")


def design(rate, icc, m, items, level):
    deff = 1 + (m - 1) * icc
    n_eff = items * m / deff
    z = norm.ppf(1 - (1 - level) / 2)
    crit = student_t.ppf(1 - (1 - level) / 2, items - 1) if m > 1 else z
    return n_eff, z, crit


def half_width(rate, icc, m, items, level):
    n_eff, z, crit = design(rate, icc, m, items, level)
    n_star = n_eff * (z / crit) ** 2
    lo, hi = proportion_confint(rate * n_star, n_star, alpha=1 - level, method="wilson")
    return (hi - lo) / 2


def power(rate, icc, m, items, alpha):
    n_eff, _, crit = design(rate, icc, m, items, 1 - alpha)
    alpha_crit = 2 * norm.sf(crit)
    sd_alt = math.sqrt(rate * (1 - rate))
    return float(
        normal_power_het(rate - 0.5, n_eff, alpha_crit, std_null=0.5, std_alternative=sd_alt)
    )


def smallest(ok, lo):
    if ok(lo):
        return lo
    hi = lo * 2
    while not ok(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


HALF_WIDTH = [
    # rate, icc, verdicts per item, half-width, level
    (0.6, 0.0, 1, 0.05, 0.95),
    (0.6, 0.0, 3, 0.05, 0.95),
    (0.6, 0.2, 3, 0.05, 0.95),
    (0.6, 0.5, 3, 0.05, 0.95),
    (0.5, 0.2, 2, 0.03, 0.95),
    (0.86, 0.5, 5, 0.05, 0.9),
    (0.97, 0.8, 20, 0.02, 0.99),
    (0.7, 1.0, 4, 0.1, 0.95),
]
POWER = [
    # rate, icc, verdicts per item, power, alpha
    (0.6, 0.0, 1, 0.8, 0.05),
    (0.6, 0.0, 3, 0.8, 0.05),
    (0.6, 0.2, 3, 0.8, 0.05),
    (0.6, 0.5, 3, 0.8, 0.05),
    (0.4, 0.2, 2, 0.9, 0.01),
    (0.55, 0.1, 5, 0.8, 0.05),
    (0.7, 0.0, 1, 0.95, 0.05),
]

cases = []
for rate, icc, m, target, level in HALF_WIDTH:
    items = smallest(lambda k: half_width(rate, icc, m, k, level) <= target, 2 if m > 1 else 1)
    cases.append(
        {
            "kind": "halfWidth",
            "design": {"rate": rate, "icc": icc, "verdictsPerItem": m},
            "target": target,
            "level": level,
            "items": items,
            "halfWidth": half_width(rate, icc, m, items, level),
            "halfWidthOneFewer": half_width(rate, icc, m, items - 1, level) if items > 2 else None,
        }
    )
for rate, icc, m, target, alpha in POWER:
    items = smallest(lambda k: power(rate, icc, m, k, alpha) >= target, 2 if m > 1 else 1)
    closed = None
    if m == 1:
        sd_alt = math.sqrt(rate * (1 - rate))
        closed = math.ceil(
            normal_sample_size_one_tail(
                rate - 0.5, target, alpha / 2, std_null=0.5, std_alternative=sd_alt
            )
        )
    cases.append(
        {
            "kind": "power",
            "design": {"rate": rate, "icc": icc, "verdictsPerItem": m},
            "target": target,
            "alpha": alpha,
            "items": items,
            "power": power(rate, icc, m, items, alpha),
            "closedForm": closed,
        }
    )

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "sample-size.json"), "w") as f:
    json.dump(cases, f, indent=1, allow_nan=False)
