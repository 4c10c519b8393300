/* SPDX-License-Identifier: Apache-2.0 */
/* QP solver: known answers worked out by hand, KKT certificates on random problems. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/qp.h"
#include "testutil.h"

static hl_error qe; /* the detail of the last solver error */

static hl_qp *make(int m, int n, double p) {
  hl_qp_settings s;
  hl_qp_settings_defaults(&s);
  s.p = p;
  hl_qp *qp = NULL;
  hl_qp_create(m, n, &s, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  return qp;
}

/* x1+x2+x3 = 6, w = (1,2,3), no active bound: x_i = 6 (1/w_i) / Σ 1/w = (36, 18, 12)/11. */
START_TEST(test_least_norm_closed_form) {
  double A[3] = {1, 1, 1}, b[1] = {6}, w[3] = {1, 2, 3};
  double lb[3] = {-100, -100, -100}, ub[3] = {100, 100, 100}, x[3] = {0};
  int act[3];
  hl_qp_result r;
  hl_qp *qp = make(1, 3, 2.0);
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w, lb, ub, x, act, &r, &qe), HL_OK);
  ck_assert_double_eq_tol(x[0], 36.0 / 11.0, 1e-12);
  ck_assert_double_eq_tol(x[1], 18.0 / 11.0, 1e-12);
  ck_assert_double_eq_tol(x[2], 12.0 / 11.0, 1e-12);
  ck_assert_int_eq(r.n_active, 0);
  ck_assert_int_eq(r.outcome, HL_QP_OPTIMAL);
  ck_assert_double_le(r.residual, 1e-12);
  /* cost Σ w x² = 6²/Σ(1/w) = 36·6/11 */
  ck_assert_double_eq_tol(r.cost, 216.0 / 11.0, 1e-10);
  /* λ = 2·w1·x1 = 72/11 */
  ck_assert_double_eq_tol(hl_qp_multipliers(qp)[0], 72.0 / 11.0, 1e-10);
  hl_qp_free(qp);
}
END_TEST

/* Two decoupled rows with one known active bound each:
 *   x1+x2+x3 = 3 with x1 ≤ 0.5   → x1 = 0.5 (upper), x2 = x3 = 1.25, λ1 = 2.5, ν1 = 1 − 2.5 < 0
 *   x4+x5    = 1 with x5 ≥ 0.8   → x5 = 0.8 (lower), x4 = 0.2,        λ2 = 0.4, ν5 = 1.6 − 0.4 > 0 */
START_TEST(test_known_active_set) {
  double A[2 * 5] = {1, 1, 1, 0, 0, /**/ 0, 0, 0, 1, 1};
  double b[2] = {3, 1}, w[5] = {1, 1, 1, 1, 1};
  double lb[5] = {-10, -10, -10, -10, 0.8}, ub[5] = {0.5, 10, 10, 10, 10}, x[5] = {0};
  int act[5];
  hl_qp_result r;
  hl_qp *qp = make(2, 5, 2.0);
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w, lb, ub, x, act, &r, &qe), HL_OK);
  double want[5] = {0.5, 1.25, 1.25, 0.2, 0.8};
  for (int i = 0; i < 5; i++) ck_assert_double_eq_tol(x[i], want[i], 1e-12);
  int want_act[5] = {1, 0, 0, 0, -1};
  for (int i = 0; i < 5; i++) ck_assert_int_eq(act[i], want_act[i]);
  ck_assert_int_eq(r.n_active, 2);
  const double *lam = hl_qp_multipliers(qp);
  ck_assert_double_eq_tol(lam[0], 2.5, 1e-12);
  ck_assert_double_eq_tol(lam[1], 0.4, 1e-12);
  double nu1 = 2 * x[0] - lam[0], nu5 = 2 * x[4] - lam[1];
  ck_assert_double_lt(nu1, 0.0); /* upper bound pushes down */
  ck_assert_double_gt(nu5, 0.0); /* lower bound pushes up */
  ck_assert_double_eq_tol(nu1, -1.5, 1e-12);
  ck_assert_double_eq_tol(nu5, 1.2, 1e-12);
  hl_qp_free(qp);
}
END_TEST

/* x1 + x2 = 10 with 0 ≤ x ≤ 1: nothing in the box reaches 10; least squares puts both at 1. */
START_TEST(test_infeasible_saturates) {
  double A[2] = {1, 1}, b[1] = {10}, w[2] = {1, 3};
  double lb[2] = {0, 0}, ub[2] = {1, 1}, x[2] = {0};
  int act[2];
  hl_qp_result r;
  hl_qp *qp = make(1, 2, 2.0);
  hl_error_clear(&qe);
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w, lb, ub, x, act, &r, &qe), HL_OK); /* an answer */
  ck_assert_int_eq(r.outcome, HL_QP_LEAST_SQUARES);
  ck_assert_double_eq_tol(x[0], 1.0, 1e-12);
  ck_assert_double_eq_tol(x[1], 1.0, 1e-12);
  ck_assert_double_eq_tol(r.residual, 8.0, 1e-9);
  ck_assert_int_eq(act[0], 1);
  ck_assert_int_eq(act[1], 1);
  ck_assert_str_eq(qe.message, ""); /* an answer leaves err alone */
  hl_qp_free(qp);
}
END_TEST

/* Contradictory rows x1+x2 = 1 and x1+x2 = 3: least squares needs x1+x2 = 2 (residual 1 on each
 * row); the least cost with w = (1, 1) then splits it evenly, x = (1, 1). */
START_TEST(test_infeasible_contradictory_rows) {
  double A[4] = {1, 1, 1, 1}, b[2] = {1, 3}, w[2] = {1, 1};
  double lb[2] = {-10, -10}, ub[2] = {10, 10}, x[2] = {0};
  hl_qp_result r;
  hl_qp *qp = make(2, 2, 2.0);
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w, lb, ub, x, NULL, &r, &qe), HL_OK);
  ck_assert_int_eq(r.outcome, HL_QP_LEAST_SQUARES);
  ck_assert_double_eq_tol(x[0], 1.0, 1e-5);
  ck_assert_double_eq_tol(x[1], 1.0, 1e-5);
  ck_assert_double_eq_tol(r.residual, 1.0, 1e-5);
  hl_qp_free(qp);
}
END_TEST

/* p = 3, one equality Σx = 6: equal weights → x_i = 2; weights (1, 4, 9) → x_i ∝ w_i^(-1/2) =
 * (1, 1/2, 1/3), i.e. x = 6·(6, 3, 2)/11. */
START_TEST(test_p3_closed_form) {
  double A[3] = {1, 1, 1}, b[1] = {6};
  double lb[3] = {0, 0, 0}, ub[3] = {100, 100, 100}, x[3] = {0};
  hl_qp_result r;
  hl_qp *qp = make(1, 3, 3.0);
  double w1[3] = {1, 1, 1};
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w1, lb, ub, x, NULL, &r, &qe), HL_OK);
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(x[i], 2.0, 1e-10);
  ck_assert_double_eq_tol(r.cost, 24.0, 1e-9);
  double w2[3] = {1, 4, 9};
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w2, lb, ub, x, NULL, &r, &qe), HL_OK);
  ck_assert_double_eq_tol(x[0], 36.0 / 11.0, 1e-10);
  ck_assert_double_eq_tol(x[1], 18.0 / 11.0, 1e-10);
  ck_assert_double_eq_tol(x[2], 12.0 / 11.0, 1e-10);
  /* with x1 ≤ 1: the rest, 5, splits ∝ (1/2, 1/3): x2 = 3, x3 = 2 */
  double ub2[3] = {1, 100, 100};
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w2, lb, ub2, x, NULL, &r, &qe), HL_OK);
  ck_assert_double_eq_tol(x[0], 1.0, 1e-12);
  ck_assert_double_eq_tol(x[1], 3.0, 1e-10);
  ck_assert_double_eq_tol(x[2], 2.0, 1e-10);
  hl_qp_free(qp);
}
END_TEST

/* ---------------------------------------------------------------- random problems */

static unsigned long long rng_state;
static double urand(void) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* A moment-arm-like problem: m rows, n = nm muscles (x ∈ [0,1], sparse A) + m reserves. */
static void random_problem(int m, int nm, double *A, double *b, double *w, double *lb,
                           double *ub) {
  int n = nm + m;
  for (int j = 0; j < m; j++)
    for (int i = 0; i < n; i++) {
      double v = 0.0;
      if (i < nm) {
        if (urand() < 0.25) v = (urand() - 0.4) * 100.0;
      } else if (i - nm == j) {
        v = 1.0;
      }
      A[(size_t)j * n + i] = v;
    }
  for (int i = 0; i < n; i++) {
    if (i < nm) { w[i] = 1.0; lb[i] = 0.0; ub[i] = 1.0; }
    else { w[i] = 1.0; lb[i] = -INFINITY; ub[i] = INFINITY; }
  }
  for (int j = 0; j < m; j++) b[j] = (urand() - 0.5) * 200.0;
}

static void check_kkt(const double *A, const double *b, const double *w, const double *lb,
                      const double *ub, const double *x, const double *lam, int m, int n,
                      double p, double tol) {
  for (int j = 0; j < m; j++) {
    double r = -b[j];
    for (int i = 0; i < n; i++) r += A[(size_t)j * n + i] * x[i];
    ck_assert_double_le(fabs(r), tol * 100.0);
  }
  for (int i = 0; i < n; i++) {
    ck_assert(x[i] >= lb[i] && x[i] <= ub[i]);
    double at = 0.0;
    for (int j = 0; j < m; j++) at += A[(size_t)j * n + i] * lam[j];
    double g = p * w[i] * pow(fabs(x[i]), p - 1.0) * (x[i] > 0 ? 1 : x[i] < 0 ? -1 : 0);
    double nu = g - at;
    double scale = 1.0 + fabs(at);
    if (x[i] > lb[i] && x[i] < ub[i]) ck_assert_double_le(fabs(nu), tol * scale);
    else if (x[i] <= lb[i]) ck_assert_double_ge(nu, -tol * scale);
    else ck_assert_double_le(nu, tol * scale);
  }
}

START_TEST(test_random_kkt) {
  rng_state = 12345;
  const int m = 23, nm = 92, n = nm + m;
  double *A = malloc(sizeof(double) * m * n), *b = malloc(sizeof(double) * m);
  double *w = malloc(sizeof(double) * n), *lb = malloc(sizeof(double) * n);
  double *ub = malloc(sizeof(double) * n), *x = malloc(sizeof(double) * n);
  for (int pi = 0; pi < 2; pi++) {
    double p = pi ? 3.0 : 2.0;
    hl_qp *qp = make(m, n, p);
    for (int trial = 0; trial < 40; trial++) {
      random_problem(m, nm, A, b, w, lb, ub);
      for (int i = 0; i < n; i++) x[i] = 0.0;
      hl_qp_result r;
      hl_status st = hl_qp_solve(qp, A, b, w, lb, ub, x, NULL, &r, &qe);
      ck_assert_int_eq(st, HL_OK);
      ck_assert_msg(r.outcome == HL_QP_OPTIMAL, "p = %g, trial %d: outcome %d", p, trial, (int)r.outcome);
      /* p = 2 is exact; the p ≠ 2 Newton iteration stops at a 1e-10 relative step */
      check_kkt(A, b, w, lb, ub, x, hl_qp_multipliers(qp), m, n, p, p == 2.0 ? 1e-9 : 1e-5);
    }
    hl_qp_free(qp);
  }
  free(A); free(b); free(w); free(lb); free(ub); free(x);
}
END_TEST

/* A slowly changing sequence (like frames): warm and cold answers agree, and repeated solves in
 * fresh workspaces are bit-identical. */
START_TEST(test_warm_equals_cold_and_deterministic) {
  rng_state = 777;
  const int m = 23, nm = 92, n = nm + m;
  double *A = malloc(sizeof(double) * m * n), *b = malloc(sizeof(double) * m);
  double *w = malloc(sizeof(double) * n), *lb = malloc(sizeof(double) * n);
  double *ub = malloc(sizeof(double) * n);
  double *xw = calloc(n, sizeof(double)), *xc = calloc(n, sizeof(double));
  double *x2 = calloc(n, sizeof(double));
  random_problem(m, nm, A, b, w, lb, ub);
  for (int i = 0; i < nm; i++) w[i] = 1.0 + i % 3; /* unequal weights */
  hl_qp *warm = make(m, n, 2.0), *cold = make(m, n, 2.0);
  hl_qp_result rw, rc;
  int warm_iters = 0, cold_iters = 0;
  for (int f = 0; f < 30; f++) {
    for (int k = 0; k < m * n; k++)
      if (A[k] != 0.0 && k % n < nm) A[k] *= 1.0 + 0.01 * (urand() - 0.5);
    for (int j = 0; j < m; j++) b[j] += 2.0 * (urand() - 0.5);
    hl_qp_reset(cold);
    ck_assert_int_eq(hl_qp_solve(warm, A, b, w, lb, ub, xw, NULL, &rw, &qe), HL_OK);
    ck_assert_int_eq(hl_qp_solve(cold, A, b, w, lb, ub, xc, NULL, &rc, &qe), HL_OK);
    for (int i = 0; i < n; i++) ck_assert_double_eq_tol(xw[i], xc[i], 1e-10);
    warm_iters += rw.iterations;
    cold_iters += rc.iterations;
    hl_qp *fresh = make(m, n, 2.0);
    ck_assert_int_eq(hl_qp_solve(fresh, A, b, w, lb, ub, x2, NULL, &rc, &qe), HL_OK);
    ck_assert_int_eq(memcmp(x2, xc, sizeof(double) * n), 0);
    hl_qp_free(fresh);
  }
  ck_assert_int_lt(warm_iters, cold_iters);
  hl_qp_free(warm);
  hl_qp_free(cold);
  free(A); free(b); free(w); free(lb); free(ub); free(xw); free(xc); free(x2);
}
END_TEST

START_TEST(test_bad_input) {
  double A[2] = {1, 1}, b[1] = {1}, w[2] = {1, 1}, lb[2] = {0, 0}, ub[2] = {1, 1}, x[2] = {0};
  hl_qp_result r;
  hl_qp *none = NULL;
  ck_assert_int_eq(hl_qp_create(1, 0, NULL, &none, &qe), HL_ERR_INVALID_ARG);
  ck_assert_ptr_null(none);
  ck_assert_int_eq(hl_qp_create(-1, 3, NULL, &none, NULL), HL_ERR_INVALID_ARG);
  hl_qp_free(NULL);
  ck_assert_int_eq(hl_qp_solve(NULL, A, b, w, lb, ub, x, NULL, &r, &qe), HL_ERR_INVALID_ARG);
  hl_qp *qp = make(1, 2, 2.0);
  ck_assert_int_eq(hl_qp_solve(qp, A, NULL, w, lb, ub, x, NULL, &r, &qe), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(qe.message, "must not be NULL"));
  double wbad[2] = {1, 0};
  ck_assert_int_eq(hl_qp_solve(qp, A, b, wbad, lb, ub, x, NULL, &r, &qe), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "w[1] = 0"));
  double lbbad[2] = {0, 2};
  ck_assert_int_eq(hl_qp_solve(qp, A, b, w, lbbad, ub, x, NULL, &r, &qe), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "bounds of x[1]"));
  double bnan[1] = {NAN};
  ck_assert_int_eq(hl_qp_solve(qp, A, bnan, w, lb, ub, x, NULL, &r, &qe), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "b[0]"));
  double Anan[2] = {1, INFINITY};
  ck_assert_int_eq(hl_qp_solve(qp, Anan, b, w, lb, ub, x, NULL, &r, &qe), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "A[0][1]"));
  hl_qp_free(qp);
  hl_qp *q1 = make(1, 2, 1.0);
  ck_assert_int_eq(hl_qp_solve(q1, A, b, w, lb, ub, x, NULL, &r, &qe), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(qe.message, "exponent p = 1"));
  /* a good solve clears the error */
  hl_qp_free(q1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("qp");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_least_norm_closed_form);
  tcase_add_test(tc, test_known_active_set);
  tcase_add_test(tc, test_infeasible_saturates);
  tcase_add_test(tc, test_infeasible_contradictory_rows);
  tcase_add_test(tc, test_p3_closed_form);
  tcase_add_test(tc, test_random_kkt);
  tcase_add_test(tc, test_warm_equals_cold_and_deterministic);
  tcase_add_test(tc, test_bad_input);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
