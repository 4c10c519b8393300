#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Print the constants of lib/hl_exp.c: 2^(j/128) for j = 0..127 rounded to the nearest double,
each with its relative rounding error ("tail"), and ln2/128 split in a 35-bit head (k·head is
exact for |k| < 2^18) and a tail. Computed in decimal at 40 significant digits; a Decimal is
converted to the nearest double through its string (float() rounds correctly). Usage:
  python3 bench/gen_exp_table.py   (its output was pasted into lib/hl_exp.c)"""
from decimal import Decimal, getcontext
import struct

getcontext().prec = 40
N = 128
LN2 = Decimal(2).ln()


def nearest(d):
    return float(str(d))


def head_bits(x, keep):
    """x with all but the leading `keep` significant bits cleared (truncation)."""
    u = struct.unpack("<Q", struct.pack("<d", x))[0]
    u &= ~((1 << (52 - (keep - 1))) - 1)
    return struct.unpack("<d", struct.pack("<Q", u))[0]


inv = nearest(N / LN2)
hi = head_bits(nearest(LN2 / N), 35)
lo = nearest(LN2 / N - Decimal(hi))
print("#define HL_EXP_INV_LN2N %s /* %d/ln 2 */" % (inv.hex(), N))
print("#define HL_EXP_LN2N_HI %s /* ln 2/%d, 35 bits */" % (hi.hex(), N))
print("#define HL_EXP_LN2N_LO %s /* ln 2/%d - head */" % (lo.hex(), N))
print("const double hl__exp_tab[2 * HL_EXP_N] = {")
for j in range(N):
    exact = (LN2 * j / N).exp()
    t = nearest(exact)
    tail = nearest((exact - Decimal(t)) / Decimal(t))
    print("    %s, %s, /* 2^(%d/%d) */" % (t.hex(), tail.hex(), j, N))
print("};")
