#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The largest induced contributors to hip, knee and ankle contact force, at each joint's peak and
over the window, from the files `hipload run` / `analyze` write (docs/validation.md, "Induced").
usage: induced_table.py OUT_DIR NAME [N]   (N parts per list, default 8)
Parts: the muscle groups (group_<g>), gravity, velocity, contact_mismatch, dynamic_residual,
unmodelled_grf, and the non-muscle actuators summed; each as its component along the resultant,
in BW (body weight from summary.json)."""
import json, math, os, sys

def read_sto(path):
    lines = open(path).read().split('\n')
    end = next(i for i, l in enumerate(lines) if l.strip() == 'endheader')
    names = lines[end + 1].split('\t')
    rows = [[float(v) for v in l.split('\t')] for l in lines[end + 2:] if l.strip()]
    return names, rows

def main():
    out, name = sys.argv[1], sys.argv[2]
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    summ = json.load(open(os.path.join(out, 'summary.json')))
    bw, t0, t1 = summ['body_weight_n'], summ['stance']['t0'], summ['stance']['t1']
    joints = sorted(f for f in os.listdir(out) if f.startswith(name + '_InducedContributions_'))
    order = {'hip': 0, 'knee': 1, 'ankle': 2}
    joints.sort(key=lambda f: min(v for k, v in order.items() if k in f) if any(k in f for k in order) else 9)
    for f in joints:
        names, rows = read_sto(os.path.join(out, f))
        col = {n: i for i, n in enumerate(names)}
        stems = [n[:-3] for n in names if n.endswith('_fx')]
        parts = [s for s in stems if s.startswith('group_')] + \
                [s for s in ('gravity', 'velocity', 'contact_mismatch', 'dynamic_residual', 'unmodelled_grf') if s in stems]
        t = [r[0] for r in rows]
        tot = [[r[col['total_f' + a]] for a in 'xyz'] for r in rows]
        L = [math.sqrt(sum(v * v for v in x)) for x in tot]
        u = [[v / l if l > 0 else 0 for v in x] for x, l in zip(tot, L)]
        def proj(stem):
            return [sum(r[col[stem + '_f' + a]] * uu[i] for i, a in enumerate('xyz')) / bw for r, uu in zip(rows, u)]
        series = {s: proj(s) for s in parts}
        rest = [l / bw - sum(series[s][k] for s in parts) for k, l in enumerate(L)]
        series['actuators and limit forces'] = rest
        kpk = max(range(len(L)), key=lambda k: L[k])
        trap = lambda y: sum(0.5 * (y[k] + y[k - 1]) * (t[k] - t[k - 1]) for k in range(1, len(t)))
        R = trap([l / bw for l in L])
        pct = 100 * (t[kpk] - t0) / (t1 - t0) if t1 > t0 else 0
        print('%s: peak %.2f BW = %.0f N at %.0f %% stance; impulse %.3f BW·s' % (f[len(name) + 1:-4], L[kpk] / bw, L[kpk], pct, R))
        print('  %-28s %8s %6s %8s   %-28s %9s %6s' % ('at the peak', 'BW', '%', 'N', 'over the window', 'BW·s', '%'))
        a = sorted(series, key=lambda s: -abs(series[s][kpk]))[:top]
        b = sorted(series, key=lambda s: -abs(trap(series[s])))[:top]
        for x, y in zip(a, b):
            print('  %-28s %8.2f %5.0f%% %8.0f   %-28s %9.3f %5.0f%%' % (x.replace('group_', ''), series[x][kpk],
                  100 * series[x][kpk] * bw / L[kpk], series[x][kpk] * bw, y.replace('group_', ''), trap(series[y]), 100 * trap(series[y]) / R))

main()
