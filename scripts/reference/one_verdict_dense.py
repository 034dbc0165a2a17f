#!/usr/bin/env python3
"""One verdict per item: can one interval meet the 93-97% band at every rate, not only the grid's five?

Run: /usr/bin/python3 scripts/reference/one_verdict_dense.py ITEMS TIE_RATES STEP
(e.g. 20 0 0.002, or 20 0,0.05,0.1,0.15,0.2,0.25,0.3,0.4 0.01). Uses the integer programme of
one_verdict_targets.py (the class of intervals that hold their estimate, are symmetric in the two
systems and monotone in the wins) on every rate from 0.50 to 0.97 in steps of STEP plus the grid's
rates, at each tie rate given:
- one tie rate: at least 93% everywhere, at most 97% wherever some interval of the class can be
  inside the band on its own. Prints the rates out of reach and whether one interval meets every
  constraint at once;
- several tie rates (an interval does not know the tie rate, so it must hold at all of them at
  once): at least 93% at every rate and tie rate, and at most 97% at the coverage grid's cells
  (tie rates 0 and 0.2, its five rates) where the band is in reach (one_verdict_targets.py's
  fixture says which). Prints whether one interval meets them all and its coverage at those cells
(docs/statistics.md, "One verdict per item, exactly").
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import one_verdict_targets as T  # noqa: E402


def main():
    n, ties, step = int(sys.argv[1]), [float(x) for x in sys.argv[2].split(",")], float(sys.argv[3])
    rates = sorted({round(x, 4) for x in np.arange(0.5, 0.97 + 1e-9, step)} | set(T.RATES))
    started = time.time()
    if len(ties) == 1:
        tie = ties[0]
        reach = {r: T.solve(n, [(r, tie, T.BAND[0], T.BAND[1])])[0] for r in rates}
        ok, _ = T.solve(n, [(r, tie, T.BAND[0], T.BAND[1] if reach[r] else 1.0) for r in rates])
        print(f"{n} items, tie rate {tie:g}, {len(rates)} rates (step {step:g}):")
        print("  out of reach:", [r for r in rates if not reach[r]])
        print(f"  one interval meets every rate's target: {ok} ({time.time() - started:.1f} s)")
        return
    with open(os.path.join(T.OUT, "one-verdict-targets.json")) as f:
        reachable = json.load(f)["reachable"]
    ceilings = {
        (r, tie)
        for r in T.RATES
        for tie in T.TIE_RATES
        if tie in ties and reachable.get(f"{n}/{r}/{tie:g}", False)
    }
    cons = [(r, tie, T.BAND[0], T.BAND[1] if (r, tie) in ceilings else 1.0) for tie in ties for r in rates]
    ok, covs = T.solve(n, cons)
    print(f"{n} items, tie rates {ties}, {len(rates)} rates (step {step:g}), {len(cons)} constraints:")
    print(f"  at most 97% at {sorted(ceilings)}")
    print(f"  one interval meets every constraint at once: {ok} ({time.time() - started:.1f} s)")
    if ok:
        for r, tie in sorted(ceilings):
            print(f"  coverage at rate {r}, tie rate {tie:g}: {covs[f'{n}/{r}/{tie:g}']:.4f}")


if __name__ == "__main__":
    main()
