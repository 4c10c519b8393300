#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Solve the problems of a bench_qp dump with SciPy's SLSQP and compare with hipload's answers.

    build/bench_qp --write /tmp/qp_dump.txt      # writes the problems and /tmp/qp_dump.txt.x
    /usr/bin/python3 bench/slsqp_compare.py /tmp/qp_dump.txt [--frames N] [--p P]

Prints SLSQP time per frame and the largest |x_hipload - x_slsqp| (and the cost of each).
Dump format: see docs/solver.md."""
import sys
import time

import numpy as np
from scipy.optimize import minimize


def read_dump(path):
    toks = open(path).read().split()
    k, out = 0, []
    while k < len(toks):
        m, n = int(toks[k]), int(toks[k + 1])
        k += 2
        vals = np.array([float(t) for t in toks[k:k + m * n + m + 3 * n]])
        k += m * n + m + 3 * n
        A = vals[:m * n].reshape(m, n)
        b = vals[m * n:m * n + m]
        w, lb, ub = (vals[m * n + m + i * n:m * n + m + (i + 1) * n] for i in range(3))
        out.append((A, b, w, lb, ub))
    return out


def main():
    path = sys.argv[1]
    nmax = int(sys.argv[sys.argv.index('--frames') + 1]) if '--frames' in sys.argv else 50
    p = float(sys.argv[sys.argv.index('--p') + 1]) if '--p' in sys.argv else 2.0
    probs = read_dump(path)[:nmax]
    ours = np.loadtxt(path + '.x', ndmin=2)[:len(probs)]
    worst, tot, x0 = 0.0, 0.0, None
    worst_rel_cost = 0.0
    nfail = 0
    for f, (A, b, w, lb, ub) in enumerate(probs):
        bounds = [(None if not np.isfinite(l) else l, None if not np.isfinite(u) else u)
                  for l, u in zip(lb, ub)]
        fun = lambda x: float(np.sum(w * np.abs(x) ** p))
        jac = lambda x: p * w * np.abs(x) ** (p - 1) * np.sign(x)
        cons = {'type': 'eq', 'fun': lambda x: A @ x - b, 'jac': lambda x: A}
        start = np.clip(np.zeros(A.shape[1]) if x0 is None else x0, np.where(np.isfinite(lb), lb, -1e30),
                        np.where(np.isfinite(ub), ub, 1e30))
        t0 = time.perf_counter()
        r = minimize(fun, start, jac=jac, bounds=bounds, constraints=[cons], method='SLSQP',
                     options={'ftol': 1e-12, 'maxiter': 1000})
        tot += time.perf_counter() - t0
        x0 = r.x
        d = np.max(np.abs(r.x - ours[f]))
        worst = max(worst, d)
        worst_rel_cost = max(worst_rel_cost, (fun(r.x) - fun(ours[f])) / max(fun(ours[f]), 1e-300))
        if not r.success:
            nfail += 1
    print(f'SLSQP: {len(probs)} frames, {1e6 * tot / len(probs):.0f} us/frame (warm-started from the previous frame)')
    print(f'SLSQP flagged {nfail} frames as not converged (typically "positive directional derivative" at ftol 1e-12)')
    print(f'largest |x_hipload - x_slsqp| = {worst:.3e}; largest (cost_slsqp - cost_hipload)/cost_hipload = {worst_rel_cost:.3e}')


if __name__ == '__main__':
    main()
