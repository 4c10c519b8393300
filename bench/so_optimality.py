#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Is a reference static-optimization answer the optimum of its own problem?

usage: so_optimality.py DUMP.qp REF_ACTIVATION.sto REF_FORCE.sto OUR_ACTIVATION.sto OUR_FORCE.sto BENCH_QP

DUMP.qp: `hipload-bench --dump` problems of the case (one per frame, docs/solver.md's format,
columns = actuators in the order of OUR_ACTIVATION.sto's columns). For every reference frame it
1. rescales each muscle column by the reference's force per activation over ours (force /
   activation from the two files; columns whose activation is ~0 in either keep ours), so the
   columns are the reference's;
2. sets b = A x_ref, the generalized forces the reference answer produces, so x_ref is feasible;
3. solves that problem with hipload's QP (BENCH_QP --read/--write) and prints, per frame, the cost
   of the reference answer minus the optimum's (>= 0; > 0 means the reference stopped short of its
   optimum), both muscle costs, and the largest activation difference; then the muscles off by
   more than 0.025 on some frame. Muscles are the leading columns bounded within [0, 1].
"""
import os
import subprocess
import sys
import tempfile


def read_sto(path):
    lines = open(path).read().split('\n')
    end = next(k for k, l in enumerate(lines) if l.strip() == 'endheader')
    names = lines[end + 1].split()
    rows = [[float(x) for x in l.split()] for l in lines[end + 2:] if l.strip()]
    return names, rows


def read_qp(path):
    tok = open(path).read().split()
    i, out = 0, []
    while i < len(tok):
        m, n = int(tok[i]), int(tok[i + 1])
        i += 2
        A = [[float(tok[i + r * n + c]) for c in range(n)] for r in range(m)]
        i += m * n
        vecs = []
        for size in (m, n, n, n):
            vecs.append([float(v) for v in tok[i:i + size]])
            i += size
        out.append((A, *vecs))
    return out


def fmt(v):
    return 'inf' if v == float('inf') else '-inf' if v == -float('inf') else '%.17g' % v


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    probs = read_qp(sys.argv[1])
    rn, ra = read_sto(sys.argv[2])
    rfn, rf = read_sto(sys.argv[3])
    on, oa = read_sto(sys.argv[4])
    ofn, of = read_sto(sys.argv[5])
    names = on[1:]
    if len(probs) != len(oa):
        sys.exit('so_optimality: %d problems for %d frames' % (len(probs), len(oa)))
    tmp = tempfile.mkdtemp()
    qp, refx, times = os.path.join(tmp, 'ref.qp'), [], []
    with open(qp, 'w') as out:
        for r, fr in zip(ra, rf):
            k = min(range(len(oa)), key=lambda j: abs(oa[j][0] - r[0]))
            A, b, w, lb, ub = probs[k]
            A = [row[:] for row in A]
            x = [r[rn.index(nm)] for nm in names]
            for j, nm in enumerate(names):
                if nm not in rfn or nm not in ofn:
                    continue
                ar, ah = r[rn.index(nm)], oa[k][on.index(nm)]
                fpr, fph = fr[rfn.index(nm)], of[k][ofn.index(nm)]
                if abs(ar) > 1e-6 and abs(ah) > 1e-6 and fph != 0:
                    s = (fpr / ar) / (fph / ah)
                    for row in A:
                        row[j] *= s
            b = [sum(row[j] * x[j] for j in range(len(x))) for row in A]
            out.write('%d %d\n' % (len(A), len(x)))
            for row in [*A, b, w, lb, ub]:
                out.write(' '.join(fmt(v) for v in row) + '\n')
            refx.append(x)
            times.append(r[0])
    subprocess.run([sys.argv[6], '--read', qp, '--write', qp + '.out'], check=True,
                   stdout=subprocess.DEVNULL)
    opt = [[float(v) for v in l.split()] for l in open(qp + '.out.x') if l.strip()]
    # muscles: the leading columns bounded within [0, 1] (actuators follow them in the dump)
    lb0, ub0 = probs[0][3], probs[0][4]
    nmus = next((j for j in range(len(names)) if not (lb0[j] >= 0 and ub0[j] <= 1)), len(names))
    off, worst_gap = set(), None
    for t, x, y, (A, b, w, lb, ub) in zip(times, refx, opt, read_qp(qp)):
        jr = sum(w[j] * x[j] ** 2 for j in range(len(x)))
        jo = sum(w[j] * y[j] ** 2 for j in range(len(y)))
        d = [abs(x[j] - y[j]) for j in range(nmus)]
        off.update(names[j] for j in range(nmus) if d[j] > 0.025)
        gap = jr - jo
        worst_gap = gap if worst_gap is None else min(worst_gap, gap)
        print('t %.3f  J_ref - J_opt %9.4f  muscles J_ref %.3f J_opt %.3f  max |da| %.3f (%s)' %
              (t, gap, sum(v * v for v in x[:nmus]), sum(v * v for v in y[:nmus]), max(d),
               names[d.index(max(d))]))
    print('smallest J_ref - J_opt: %.4f; muscles off by more than 0.025: %d of %d' %
          (worst_gap, len(off), nmus))


main()
