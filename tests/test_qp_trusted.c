/* SPDX-License-Identifier: Apache-2.0 */
/* hl__qp_solve_cols_trusted (lib/solve/qp_internal.h): the solver entry static optimization uses, which
 * skips the structural and weight/bound checks on a warm call. Known answers by hand, the same bits
 * as hl_qp_solve_cols on a twin workspace, and non-finite values still reported as errors. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qp_internal.h"
#include "hipload/qp.h"
#include "testutil.h"

static hl_error qe; /* the detail of the last solver error */

/* Two decoupled rows (worked by hand, as in test_qp_cols):
 *   x0 + x1 + x2 = s0 with x0 ≤ 0.5: for s0 = 3, x0 = 0.5 (upper), x1 = x2 = 1.25
 *   x3 + x4      = s1 with x4 ≥ 0.8: for s1 = 1, x4 = 0.8 (lower), x3 = 0.2 */
static const int CNT[5] = {1, 1, 1, 1, 1};
static const int ROWS[2 * 5] = {0, 0, 0, 0, 0, 0, 1, 0, 1, 0};
static const double W[5] = {1, 1, 1, 1, 1};
static const double LB[5] = {-10, -10, -10, -10, 0.8}, UB[5] = {0.5, 10, 10, 10, 10};

/* Three warm calls with slowly moving b (the trusted path needs two earlier answers), then the
 * call under test; returns its status. vals/b of the last call as given. */
static hl_status warm_then(hl_qp *qp, const double *vals, const double *b, double *x, int *act,
                           hl_qp_result *r) {
  double v1[10] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
  for (int f = 0; f < 3; f++) {
    double bf[2] = {3.0 - 0.01 * (3 - f), 1.0 - 0.001 * (3 - f)};
    ck_assert_int_eq(hl__qp_solve_cols_trusted(qp, CNT, ROWS, v1, bf, W, LB, UB, x, act, r, f > 0, &qe),
                     HL_OK);
  }
  return hl__qp_solve_cols_trusted(qp, CNT, ROWS, vals, b, W, LB, UB, x, act, r, 1, &qe);
}

START_TEST(test_trusted_known_answer) {
  double vals[10] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, b[2] = {3, 1}, x[5] = {0};
  int act[5];
  hl_qp_result r;
  hl_qp *qp = NULL;
  hl_qp_create(2, 5, NULL, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  hl_error_clear(&qe);
  ck_assert_int_eq(warm_then(qp, vals, b, x, act, &r), HL_OK);
  const double want[5] = {0.5, 1.25, 1.25, 0.2, 0.8};
  const int want_act[5] = {1, 0, 0, 0, -1};
  double err = 0;
  for (int i = 0; i < 5; i++) err = fmax(err, fabs(x[i] - want[i]));
  ck_assert_double_le(err, 1e-12);
  ck_assert_mem_eq(act, want_act, sizeof want_act);
  ck_assert_int_eq(r.n_active, 2);
  ck_assert_int_eq(r.outcome, HL_QP_OPTIMAL);
  ck_assert_double_le(r.residual, 1e-12);
  ck_assert(isnan(r.cost)); /* the trusted path does not form the cost */
  ck_assert_double_eq_tol(hl_qp_multipliers(qp)[0], 2.5, 1e-12);
  ck_assert_double_eq_tol(hl_qp_multipliers(qp)[1], 0.4, 1e-12);
  ck_assert_str_eq(qe.message, ""); /* an answer leaves err alone */
  hl_qp_free(qp);
}
END_TEST

/* The same sequence through hl_qp_solve_cols on a twin workspace gives the same bits. */
START_TEST(test_trusted_same_bits) {
  hl_qp *a = NULL, *c = NULL;
  hl_qp_create(2, 5, NULL, &a, NULL);
  hl_qp_create(2, 5, NULL, &c, NULL);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(c);
  double xa[5] = {0}, xc[5] = {0};
  hl_qp_result ra, rc;
  for (int f = 0; f < 20; f++) {
    double vals[10] = {1 + 0.1 * sin(f), 0, 1, 0, 0.7 + 0.01 * f, 0, 1, 0, 1.3, 0};
    double b[2] = {3 + 0.3 * sin(0.5 * f), 1 + 0.2 * cos(0.7 * f)};
    ck_assert_int_eq(hl__qp_solve_cols_trusted(a, CNT, ROWS, vals, b, W, LB, UB, xa, NULL, &ra, f > 0, &qe),
                     HL_OK);
    ck_assert_int_eq(hl_qp_solve_cols(c, CNT, ROWS, vals, b, W, LB, UB, xc, NULL, &rc, &qe), HL_OK);
    ck_assert_mem_eq(xa, xc, sizeof xa);
    ck_assert_int_eq(ra.n_active, rc.n_active);
    ck_assert(ra.residual == rc.residual);
  }
  hl_qp_free(a);
  hl_qp_free(c);
}
END_TEST

/* Non-finite values on a warm call: a free column (x1's), a column held at a bound (x0's, at
 * its upper bound), and b. Each is the checked entry's error, naming the value. */
START_TEST(test_trusted_nonfinite) {
  const struct { int slot; double v; const char *want; } cases[] = {
      {2, NAN, "A[0][1] = nan"},      /* x1: free */
      {0, NAN, "A[0][0] = nan"},      /* x0: at its upper bound 0.5 */
      {0, INFINITY, "A[0][0] = inf"}, /* the same with an infinity */
      {8, -INFINITY, "A[1][4] = -inf"}, /* x4: at its lower bound */
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    double vals[10] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, b[2] = {3, 1}, x[5] = {0};
    vals[cases[k].slot] = cases[k].v;
    hl_qp_result r;
    hl_qp *qp = NULL;
    hl_qp_create(2, 5, NULL, &qp, NULL);
    ck_assert_ptr_nonnull(qp);
    ck_assert_int_eq(warm_then(qp, vals, b, x, NULL, &r), HL_ERR_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(qe.message, cases[k].want));
    /* the next good call is answered again (same rows: the envelope the failed call did not
     * finish is formed again all the same) */
    double good[10] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
    ck_assert_int_eq(hl__qp_solve_cols_trusted(qp, CNT, ROWS, good, b, W, LB, UB, x, NULL, &r, 1, &qe),
                     HL_OK);
    ck_assert_double_eq_tol(x[1], 1.25, 1e-12);
    hl_qp_free(qp);
  }
  double vals[10] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, b[2] = {3, NAN}, x[5] = {0};
  hl_qp_result r;
  hl_qp *qp = NULL;
  hl_qp_create(2, 5, NULL, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  ck_assert_int_eq(warm_then(qp, vals, b, x, NULL, &r), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "b[1] = nan"));
  hl_qp_free(qp);
}
END_TEST

/* Three independent diagonal blocks of J (rows 0–2, row 3, rows 4–6): the trusted entry
 * factorizes and solves them side by side (lib/solve/qp.c, chol_blocks), the checked entry row after
 * row; 400 warm calls with b wandering far enough that the working set changes often and about
 * half the calls are infeasible (answered in least squares through the elastic steps): the same
 * status, the same bits of x, the same counts and residuals every time. */
START_TEST(test_trusted_blocks_same_bits) {
  enum { M = 7, N = 12 };
  static const int cnt[N] = {2, 3, 2, 3, 1, 1, 1, 3, 2, 2, 3, 1};
  static const int rows[N][M] = {{0, 1}, {0, 1, 2}, {1, 2}, {0, 1, 2}, {2}, {3}, {3},
                                 {4, 5, 6}, {4, 5}, {5, 6}, {4, 5, 6}, {6}};
  int rflat[N * M];
  double w[N], lb[N], ub[N], vals[N * M], b[M], xa[N] = {0}, xc[N] = {0}, base[N * M];
  uint64_t s = 2024;
  for (int i = 0; i < N; i++) {
    w[i] = 1.0 + 0.25 * (i % 3);
    lb[i] = i % 2 ? -0.4 : 0.0;
    ub[i] = 2.0;
    for (int p = 0; p < M; p++) {
      rflat[i * M + p] = p < cnt[i] ? rows[i][p] : 0;
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      base[i * M + p] = 0.5 + (double)(s >> 11) * 0x1p-53; /* 0.5 .. 1.5 */
    }
  }
  hl_qp *a = NULL, *c = NULL;
  hl_qp_create(M, N, NULL, &a, NULL);
  hl_qp_create(M, N, NULL, &c, NULL);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(c);
  int statuses[3] = {0, 0, 0};
  for (int f = 0; f < 400; f++) {
    for (int k = 0; k < N * M; k++) vals[k] = base[k] * (1.0 + 0.05 * sin(0.1 * f + k));
    for (int j = 0; j < M; j++) b[j] = 1.0 + 0.8 * sin(0.13 * f * (1 + j % 3) + j);
    hl_qp_result ra, rc;
    hl_status sa = hl__qp_solve_cols_trusted(a, cnt, rflat, vals, b, w, lb, ub, xa, NULL, &ra, f > 0, &qe);
    hl_status sc = hl_qp_solve_cols(c, cnt, rflat, vals, b, w, lb, ub, xc, NULL, &rc, &qe);
    ck_assert_int_eq(sa, sc);
    statuses[sa != HL_OK ? 2 : ra.outcome == HL_QP_LEAST_SQUARES ? 1 : 0]++;
    ck_assert_int_eq(ra.outcome, rc.outcome);
    ck_assert_mem_eq(xa, xc, sizeof xa);
    ck_assert_int_eq(ra.n_active, rc.n_active);
    ck_assert(ra.residual == rc.residual);
  }
  ck_assert_int_gt(statuses[0], 150); /* 209 feasible calls, */
  ck_assert_int_gt(statuses[1], 150); /* 191 infeasible (least squares: the elastic steps), */
  ck_assert_int_eq(statuses[2], 0);   /* never an error */
  hl_qp_free(a);
  hl_qp_free(c);
}
END_TEST

int main(void) {
  Suite *s = suite_create("qp_trusted");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_trusted_known_answer);
  tcase_add_test(tc, test_trusted_same_bits);
  tcase_add_test(tc, test_trusted_nonfinite);
  tcase_add_test(tc, test_trusted_blocks_same_bits);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
