"""The integer programme behind one_verdict_targets.py and clustered_targets.py: does one interval
meet coverage bounds in several cells at once?

Each outcome o (a study) gets an interval; only the true rates of the cells matter for coverage, so
the interval is described by which of them (and their mirror images 1 - r) it covers:
g[o, j] = 1[lower bound <= pts[j]], h[o, j] = 1[upper bound >= pts[j]], and it covers pts[j] when
g + h - 1 = 1. The search is exhaustive over every interval that
(a) is an interval (g nondecreasing in j, h nonincreasing),
(b) holds its own estimate phat[o],
(c) is symmetric under swapping the two systems (mirror[o] covers 1 - r exactly when o covers r),
(d) optionally, is monotone: up[o], the outcome with one more win in place of a loss (or a list of
    outcomes, each o with one verdict moved up: a loss to a tie or a tie to a win), has neither
    bound lower (None: no such outcome, or no monotonicity asked).
"""
import numpy as np
from scipy import optimize, sparse


def interval_programme(phat, mirror, up, cells, time_limit=600):
    """cells: dicts with truth, probs (one per outcome), lo and hi (coverage bounds). Returns
    (feasible, the found interval's coverage in each cell, or None)."""
    O = len(phat)
    pts = sorted({round(x, 10) for c in cells for x in (c["truth"], 1 - c["truth"])})
    J = len(pts)
    nv = 2 * O * J
    G = lambda o, j: o * J + j
    H = lambda o, j: O * J + o * J + j
    rows, cols, vals, lb, ub = [], [], [], [], []
    r = 0

    def add(coefs, lo, hi):
        nonlocal r
        for c, v in coefs:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        lb.append(lo)
        ub.append(hi)
        r += 1

    fix_lo = np.zeros(nv)
    fix_hi = np.ones(nv)
    for o in range(O):
        for j in range(J):
            # (b): every point >= p is above the lower bound, every one <= p below the upper
            if pts[j] >= phat[o] - 1e-12:
                fix_lo[G(o, j)] = 1
            if pts[j] <= phat[o] + 1e-12:
                fix_lo[H(o, j)] = 1
            if j + 1 < J:  # (a)
                add([(G(o, j), 1), (G(o, j + 1), -1)], -np.inf, 0)
                add([(H(o, j + 1), 1), (H(o, j), -1)], -np.inf, 0)
        o2 = mirror[o]
        if o2 > o:  # (c)
            for j in range(J):
                jm = pts.index(round(1 - pts[j], 10))
                add([(G(o, j), 1), (H(o2, jm), -1)], 0, 0)
                add([(H(o, j), 1), (G(o2, jm), -1)], 0, 0)
        ups = [] if up is None or up[o] is None else up[o] if isinstance(up[o], (list, tuple)) else [up[o]]
        for o3 in ups:  # (d)
            for j in range(J):
                add([(G(o3, j), 1), (G(o, j), -1)], -np.inf, 0)
                add([(H(o3, j), -1), (H(o, j), 1)], -np.inf, 0)
    # coverage of a cell: sum_o P(o) (g + h - 1) at its true rate
    for c in cells:
        j = pts.index(round(c["truth"], 10))
        nz = [o for o in range(O) if c["probs"][o] >= 1e-300]
        coefs = [x for o in nz for x in ((G(o, j), float(c["probs"][o])), (H(o, j), float(c["probs"][o])))]
        total = float(sum(c["probs"][o] for o in nz))
        add(coefs, c["lo"] + total, c["hi"] + total)
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(r, nv))
    res = optimize.milp(
        c=np.zeros(nv),
        constraints=optimize.LinearConstraint(A, lb, ub),
        integrality=np.ones(nv),
        bounds=optimize.Bounds(fix_lo, fix_hi),
        options={"time_limit": time_limit},
    )
    if res.status == 2:
        return False, None
    if res.status != 0:
        raise RuntimeError(f"milp status {res.status}: {res.message}")
    x = np.round(res.x)
    covs = []
    for c in cells:
        j = pts.index(round(c["truth"], 10))
        covs.append(float(sum(c["probs"][o] * (x[G(o, j)] + x[H(o, j)] - 1) for o in range(O))))
    return True, covs
