#!/usr/bin/env python3
"""Reference p-values for server/stats/dual-test.ts exactTestPValue at large effective sizes: the
equal-tailed test dual to Clopper-Pearson, 2·min(I_½(x, n − x + 1), 1 − I_½(x + 1, n − x)) capped
at 1, from scipy's regularised incomplete beta (betainc), for n from 10³ to 10¹² and x at z
standard errors above n/2. @stdlib's beta CDF loses digits near the mean for n ≥ 10⁸ (4% at 10⁹),
which gave negative p-values under `--ci exact`. Writes test/fixtures/stats/exact-test-large-n.json.

Needs scipy 1.11 or later, whose betainc is Boost's ibeta: Debian's scipy 1.10 (/usr/bin/python3
here) loses digits near the mean too (2·I = 0.456 at n = 10⁹, 0.01 standard errors from ½, where
the normal limit gives 0.992), so it is refused below.

Run: python3 scripts/reference/exact_test_large_n.py (scipy 1.17.1 made the committed fixture)
"""
import json
import math
import os

import scipy
from scipy.special import betainc

if tuple(int(v) for v in scipy.__version__.split(".")[:2]) < (1, 11):
    raise SystemExit(f"scipy {scipy.__version__}: needs 1.11 or later (Boost's ibeta)")

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats", "exact-test-large-n.json"
)

cases = []
for n in [1e3, 1e5, 1e7, 2e7, 1e8, 1e9, 1e10, 1e12]:
    for z in [0, 0.01, 0.5, 1.96, 3]:
        x = n / 2 + z * math.sqrt(n) / 2
        upper = betainc(x, n - x + 1, 0.5)
        lower = 1 - betainc(x + 1, n - x, 0.5)
        cases.append({"x": x, "n": n, "p": min(1.0, 2 * min(upper, lower))})

with open(OUT, "w") as f:
    json.dump(
        {
            "generator": "scripts/reference/exact_test_large_n.py",
            "scipy": scipy.__version__,
            "cases": cases,
        },
        f,
        indent=1,
    )
    f.write("\n")
