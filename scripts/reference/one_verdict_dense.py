#!/usr/bin/env python3
"""One verdict per item: can one interval meet the 93-97% band at every rate, not only the grid's five?

Run: /usr/bin/python3 scripts/reference/one_verdict_dense.py ITEMS TIE_RATE STEP
(e.g. 20 0 0.002). Uses the integer programme of one_verdict_targets.py (the class of intervals that
hold their estimate, are symmetric in the two systems and monotone in the wins) on every rate from
0.50 to 0.97 in steps of STEP plus the grid's rates: at least 93% everywhere, at most 97% wherever
some interval of the class can be inside the band on its own. Prints the rates out of reach and
whether one interval meets every constraint at once (docs/statistics.md, "One verdict per item,
exactly").
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import one_verdict_targets as T  # noqa: E402


def main():
    n, tie, step = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
    rates = sorted({round(x, 4) for x in np.arange(0.5, 0.97 + 1e-9, step)} | set(T.RATES))
    started = time.time()
    reach = {r: T.solve(n, [(r, tie, T.BAND[0], T.BAND[1])])[0] for r in rates}
    ok, _ = T.solve(n, [(r, tie, T.BAND[0], T.BAND[1] if reach[r] else 1.0) for r in rates])
    print(f"{n} items, tie rate {tie:g}, {len(rates)} rates (step {step:g}):")
    print("  out of reach:", [r for r in rates if not reach[r]])
    print(f"  one interval meets every rate's target: {ok} ({time.time() - started:.1f} s)")


if __name__ == "__main__":
    main()
