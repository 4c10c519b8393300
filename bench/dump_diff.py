#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare two `hipload-bench --dump` files: largest absolute and relative difference of the SO
controls and of the joint forces per case. Usage: dump_diff.py OLD NEW"""
import sys

def load(path):
    rows = {}
    for line in open(path):
        t = line.split()
        rows[(t[0], int(t[1]))] = [float(v) for v in t[2:]]
    return rows

old, new = load(sys.argv[1]), load(sys.argv[2])
if old.keys() != new.keys():
    sys.exit("dump_diff: the files hold different frames")
stats = {}
for key in sorted(old):
    a, b = old[key], new[key]
    if len(a) != len(b):
        sys.exit("dump_diff: frame %s %d has different sizes" % key)
    for part, lo, hi in (("controls", 0, len(a) - 9), ("joint forces", len(a) - 9, len(a))):
        s = stats.setdefault((key[0], part), [0.0, 0.0, 0])
        for u, v in zip(a[lo:hi], b[lo:hi]):
            d = abs(u - v)
            s[0] = max(s[0], d)
            s[1] = max(s[1], d / max(abs(u), 1e-300) if d else 0.0)
            s[2] += u != v
for (case, part), (da, dr, nd) in sorted(stats.items()):
    print("%-8s %-13s max |diff| %.3g  max rel %.3g  values differing %d" % (case, part, da, dr, nd))
