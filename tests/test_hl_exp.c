/* SPDX-License-Identifier: Apache-2.0 */
/* hl__exp (lib/base/hl_exp.h), our own exp for the muscle curves: within 1 ulp of the true value,
 * measured against expl in long double (64-bit significand on x86-64: its own error is ~2^-11
 * of a double ulp), on the range Thelen's f_L uses (x = −(l̃ − 1)²/γ in [−20, 0]) and over the
 * whole double range, plus the special values. And its user: hl__muscle_fpa_all's lane-table
 * path (four muscles at a time on AVX2) gives the same bits as its scalar path on every piece of
 * the curves. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hl_exp.h"
#include "muscle_internal.h"
#include "hipload/sample.h"
#include "testutil.h"

/* |y − exp(x)| in units of the last place of the double nearest exp(x) (subnormals: 2^-1074) */
static double ulp_err(double x, double y) {
  long double ref = expl((long double)x);
  double r = (double)ref;
  int ex;
  if (r == 0.0 || fabs(r) < DBL_MIN) {
    ex = -1074;
  } else {
    frexp(r, &ex);
    ex -= 53;
  }
  return (double)(fabsl((long double)y - ref) / ldexpl(1.0L, ex));
}

/* a deterministic 64-bit generator (xorshift64*) */
static uint64_t next_u64(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

static double uniform(uint64_t *s, double lo, double hi) {
  return lo + (hi - lo) * ((double)(next_u64(s) >> 11) * 0x1p-53);
}

/* On the muscle curves' range: 2,000,000 uniform points in [−20, 0] and 200,000 in [−1e-3, 0]. */
START_TEST(test_exp_curve_range) {
  uint64_t s = 0x9e3779b97f4a7c15ULL;
  double worst = 0.0, wx = 0.0;
  for (int i = 0; i < 2200000; i++) {
    double x = i < 2000000 ? uniform(&s, -20.0, 0.0) : uniform(&s, -1e-3, 0.0);
    double e = ulp_err(x, hl__exp(x));
    if (e > worst) {
      worst = e;
      wx = x;
    }
  }
  fprintf(stderr, "hl__exp on [-20, 0]: worst %.4f ulp at x = %a\n", worst, wx);
  ck_assert_double_le(worst, 0.52); /* the analysis gives ~0.51 ulp */
}
END_TEST

/* The whole range: 1,000,000 uniform points in [−746, 710] (normal, subnormal, underflow and
 * overflow results), and 1,000,000 with a random sign and exponent 2^-60..2^9 (tiny and
 * moderate arguments, both sides of the fast path's bounds). */
START_TEST(test_exp_full_range) {
  uint64_t s = 12345;
  double worst = 0.0, wx = 0.0;
  for (int i = 0; i < 2000000; i++) {
    double x;
    if (i < 1000000) {
      x = uniform(&s, -746.0, 710.0);
    } else {
      uint64_t u = next_u64(&s);
      x = ldexp(1.0 + (double)(u >> 12) * 0x1p-52, (int)(u % 70) - 60);
      if (u & 2048) x = -x;
    }
    double y = hl__exp(x);
    long double ref = expl((long double)x);
    if (ref > (long double)DBL_MAX) {
      /* overflow: the nearest double is inf unless exp(x) is within half an ulp of DBL_MAX */
      ck_assert(isinf(y) || y == DBL_MAX);
      continue;
    }
    double e = ulp_err(x, y);
    if (e > worst) {
      worst = e;
      wx = x;
    }
  }
  fprintf(stderr, "hl__exp on [-746, 710] and 2^-60..2^9: worst %.4f ulp at x = %a\n", worst, wx);
  ck_assert_double_le(worst, 1.0);
}
END_TEST

/* Around the fast path's switches (|x| = 2^-54 and 512) and the range ends, step by step. */
START_TEST(test_exp_edges) {
  const double centres[] = {0x1p-54, -0x1p-54, 512.0, -512.0, 709.78, -708.39, -745.13, 1.0, -1.0};
  double worst = 0.0;
  for (size_t c = 0; c < sizeof centres / sizeof centres[0]; c++) {
    double x = centres[c];
    for (int i = 0; i < 2000; i++) x = nextafter(x, -INFINITY);
    for (int i = 0; i < 4000; i++, x = nextafter(x, INFINITY)) worst = fmax(worst, ulp_err(x, hl__exp(x)));
  }
  ck_assert_double_le(worst, 1.0);
}
END_TEST

START_TEST(test_exp_special) {
  ck_assert(hl__exp(0.0) == 1.0);
  ck_assert(hl__exp(-0.0) == 1.0);
  ck_assert(hl__exp(-1000.0) == 0.0);
  ck_assert(hl__exp(-746.0) == 0.0);
  ck_assert(hl__exp(-745.0) == 0x1p-1074); /* e^-745 = 0.57·2^-1074 */
  ck_assert(hl__exp(-INFINITY) == 0.0);
  ck_assert(isinf(hl__exp(INFINITY)) && hl__exp(INFINITY) > 0);
  ck_assert(isinf(hl__exp(710.0)) && hl__exp(710.0) > 0);
  ck_assert(isinf(hl__exp(1e300)));
  ck_assert(hl__exp(-1e300) == 0.0);
  ck_assert(isnan(hl__exp(NAN)));
  ck_assert(isnan(hl__exp(-NAN)));
  ck_assert(hl__exp(0x1p-60) == 1.0);
  ck_assert(hl__exp(-0x1p-60) == 1.0);
  /* 709.78 is finite and close to DBL_MAX */
  double big = hl__exp(709.78);
  ck_assert(isfinite(big) && big > 1.7e308);
}
END_TEST

/* exp(x) at a few points against the nearest doubles of e^x (Python's decimal at 40 digits,
 * rounded to double): the nearest double or a neighbour (within 1 ulp). */
START_TEST(test_exp_known) {
  const double xs[] = {1.0, -1.0, -0.5, 2.0, 3.0, 4.0, 5.0};
  const double want[] = {0x1.5bf0a8b145769p+1,  0x1.78b56362cef38p-2, 0x1.368b2fc6f960ap-1,
                         0x1.d8e64b8d4ddaep+2,  0x1.415e5bf6fb106p+4, 0x1.b4c902e273a58p+5,
                         0x1.28d389970338fp+7};
  for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
    double y = hl__exp(xs[k]), w = want[k];
    ck_assert(y == w || y == nextafter(w, 0) || y == nextafter(w, INFINITY));
  }
}
END_TEST

/* The embedded sample's 92 Thelen muscles at random fibre lengths (below the pennation model's
 * minimum up to 1.9 l_opt) and speeds (normalized −1.6..1.6: all four pieces of f_V), with NaN
 * inputs now and then: the lane-table path equals the scalar path (lanes = NULL) bit for bit, for
 * the sample's 92 muscles (23 quads) and for 91 (the last three alone). Without AVX2 both calls
 * take the scalar path. */
START_TEST(test_fpa_all_lanes_same_bits) {
  hl_sample smp;
  hl_sample_get(&smp);
  hl_model *m = NULL;
  hl_error err;
  ck_assert_int_eq(hl_model_load_memory(smp.model, smp.model_len, "sample.osim", &m, &err), HL_OK);
  int n = m->nmuscle, pairs = 0;
  hl__mus_const *c = calloc((size_t)n, sizeof *c);
  double *lanes = calloc(hl__muscle_lanes_size(n), sizeof(double));
  double *len = calloc((size_t)n, sizeof(double)), *spd = calloc((size_t)n, sizeof(double));
  double *o1 = calloc((size_t)n, sizeof(double)), *o2 = calloc((size_t)n, sizeof(double));
  ck_assert(c && lanes && len && spd && o1 && o2);
  for (int i = 0; i < n; i++) hl__muscle_const(m, i, &c[i]);
  hl__muscle_lanes(c, n, lanes);
  for (int i = 0; i + 1 < n; i += 2) pairs += c[i].thelen_fast && c[i + 1].thelen_fast;
  ck_assert_int_ge(pairs, 40); /* the lane path is exercised (on AVX2) */
  uint64_t s = 777;
  int zero = 0, piece[4] = {0, 0, 0, 0};
  for (int rep = 0; rep < 4000; rep++) {
    for (int i = 0; i < n; i++) {
      double lopt = 1.0 / c[i].inv_lopt;
      len[i] = c[i].lts + lopt * uniform(&s, -0.2, 1.9);
      double v = uniform(&s, -1.6, 1.6);
      spd[i] = v / (c[i].inv_lv > 0 ? c[i].inv_lv : 1.0);
      if (next_u64(&s) % 500 == 0) len[i] = NAN;
      if (next_u64(&s) % 500 == 0) spd[i] = NAN;
      piece[v <= -1.0 ? 0 : v <= 0.0 ? 1 : v < c[i].fv_vthr ? 2 : 3]++;
    }
    int nn = rep & 1 ? n : n - 1;
    m->nmuscle = nn;
    hl__muscle_fpa_all(m, c, lanes, len, spd, 1, o1);
    hl__muscle_fpa_all(m, c, NULL, len, spd, 1, o2);
    m->nmuscle = n;
    ck_assert_mem_eq(o1, o2, sizeof(double) * (size_t)nn);
    for (int i = 0; i < nn; i++) zero += o1[i] == 0.0;
  }
  ck_assert_int_gt(zero, 1000); /* short fibres, v ≤ −1 and NaN give 0 */
  for (int k = 0; k < 4; k++) ck_assert_int_gt(piece[k], 1000);
  free(c);
  free(lanes);
  free(len);
  free(spd);
  free(o1);
  free(o2);
  hl_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("hl_exp");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_exp_curve_range);
  tcase_add_test(tc, test_exp_full_range);
  tcase_add_test(tc, test_exp_edges);
  tcase_add_test(tc, test_exp_special);
  tcase_add_test(tc, test_exp_known);
  tcase_add_test(tc, test_fpa_all_lanes_same_bits);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
