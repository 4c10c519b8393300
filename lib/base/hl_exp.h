/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — our own exp(x) for the muscle curves (Thelen's active force–length), private, not
 * installed.
 *
 * Why not libm's: glibc's exp is a call through the PLT and a wrapper for each of a frame's ~92
 * muscles, and glibc picks an FMA or a non-FMA variant by CPU, so its last bit can differ between
 * machines. hl__exp is inlined into the caller's loop (consecutive muscles overlap) and uses only
 * +, −, × on doubles (the library is compiled with -ffp-contract=off, so no FMA is formed): the
 * same bits on every IEEE-754 machine. Error within 1 ulp of the true value (tests/test_hl_exp.c
 * measures it against expl; the bound is ~0.51 ulp in the normal range).
 *
 * Method (the classic table-driven reduction): x = k·ln2/128 + r with k the nearest integer to
 * 128x/ln2 and |r| ≤ ln2/256 (r exact to far below an ulp: ln2/128 is split in a 35-bit head,
 * whose product with k is exact, and a tail); k = 128e + j with 0 ≤ j < 128, so
 * exp(x) = 2^e · 2^(j/128) · exp(r). 2^(j/128) comes from a table of the nearest doubles with
 * their relative rounding error ("tail", added to exp(r) − 1); exp(r) − 1 from its Taylor
 * polynomial to r⁵ (the next term is below 6e-19 relative). The result is s + s·p with
 * s = 2^e · 2^(j/128) formed from its bits and p = tail + (exp(r) − 1). |x| outside [2^-54, 512)
 * (tiny, huge, subnormal results, inf, NaN) goes to hl__exp_slow. */
#ifndef HIPLOAD_HL_EXP_H
#define HIPLOAD_HL_EXP_H

#include <stdint.h>
#include <string.h>

#define HL_EXP_N 128
/* bench/gen_exp_table.py prints these three with the table */
#define HL_EXP_INV_LN2N 0x1.71547652b82fep+7  /* 128/ln 2 */
#define HL_EXP_LN2N_HI 0x1.62e42fef80000p-8   /* ln 2/128 cut to 35 bits */
#define HL_EXP_LN2N_LO 0x1.1cf79abc9e3b4p-43  /* ln 2/128 − head */
#define HL_EXP_SHIFT 0x1.8p52 /* adding it rounds a |z| < 2^51 to an integer (round to nearest) */

/* hl__exp_tab[2j] = 2^(j/128) rounded, hl__exp_tab[2j + 1] = its relative rounding error */
extern const double hl__exp_tab[2 * HL_EXP_N];

/* exp(x) for any x (the out-of-line part of hl__exp) */
double hl__exp_slow(double x);

/* The reduction and polynomial: exp(x) = 2^e · t · (1 + p), t = hl__exp_tab[2j]. Valid for
 * |x| < 1024. */
static inline void hl__exp_parts(double x, int64_t *e, double *t, double *p) {
  double kd = x * HL_EXP_INV_LN2N + HL_EXP_SHIFT;
  uint64_t kb; /* kd's significand field holds 2^51 + k, k the nearest integer to 128x/ln 2 */
  memcpy(&kb, &kd, sizeof kb);
  kd -= HL_EXP_SHIFT; /* k as a double */
  int j = (int)(kb & (HL_EXP_N - 1));
  *e = (int64_t)((kb & 0xfffffffffffffULL) >> 7) - ((int64_t)1 << 44); /* floor(k/128) */
  double r = (x - kd * HL_EXP_LN2N_HI) - kd * HL_EXP_LN2N_LO;
  double r2 = r * r;
  *t = hl__exp_tab[2 * j];
  *p = hl__exp_tab[2 * j + 1] + r + r2 * (0.5 + r * (1.0 / 6.0)) +
       (r2 * r2) * (1.0 / 24.0 + r * (1.0 / 120.0));
}

static inline double hl__exp(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  unsigned top = (unsigned)(u >> 52) & 0x7ffu;
  /* |x| in [2^-54, 512): the result is a normal number, s is formed from bits */
  if (top - 0x3c9u >= 0x408u - 0x3c9u) return hl__exp_slow(x);
  int64_t e;
  double t, p;
  hl__exp_parts(x, &e, &t, &p);
  uint64_t sb;
  memcpy(&sb, &t, sizeof sb);
  sb += (uint64_t)e << 52; /* e ≥ −739: the exponent field stays in range */
  double s;
  memcpy(&s, &sb, sizeof s);
  return s + s * p;
}

#endif
