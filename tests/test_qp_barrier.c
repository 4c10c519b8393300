/* SPDX-License-Identifier: Apache-2.0 */
/* The log-barrier point (lib/solve/qp_barrier.c) on problems whose barrier point is known in closed
 * form, worked out by hand from the stationarity condition. */
#include <math.h>
#include <stdlib.h>

#include "qp_barrier.h"
#include "testutil.h"

/* Dense m × n A (row-major) to the column form hl__qp_barrier takes. */
static void to_cols(int m, int n, const double *A, int *cnt, int *rows, double *vals) {
  for (int k = 0; k < n; k++) {
    cnt[k] = 0;
    for (int i = 0; i < m; i++)
      if (A[i * n + k] != 0) {
        rows[k * m + cnt[k]] = i;
        vals[k * m + cnt[k]] = A[i * n + k];
        cnt[k]++;
      }
  }
}

static int solve(int m, int n, const double *A, const double *b, const double *lb, const double *ub,
                 double p, double mu, double *x, int *it) {
  int cnt[8], rows[64];
  double vals[64], w[8];
  for (int k = 0; k < n; k++) w[k] = 1;
  to_cols(m, n, A, cnt, rows, vals);
  double *work = malloc(sizeof(double) * hl__qp_barrier_work_size(m, n));
  double resid = -1;
  int st = hl__qp_barrier(m, n, cnt, rows, vals, b, w, lb, ub, p, mu, 200, x, work, it, &resid);
  ck_assert(resid >= 0 && resid <= 1e-12); /* every test problem is feasible: A x = b held */
  free(work);
  return st;
}

/* min x1² + x2² − μ ln(x1 − l) − μ ln(x2 − l) subject to x1 − x2 = 0, l = 0.5: the exact optimum
 * (0.5, 0.5) is on both bounds; with x1 = x2 = t the condition 4t − 2μ/(t − l) = 0 gives
 * t = (l + √(l² + 2μ))/2. */
START_TEST(test_barrier_equal_pair) {
  const double A[2] = {1, -1}, b[1] = {0}, lb[2] = {0.5, 0.5}, ub[2] = {INFINITY, INFINITY};
  const double mus[3] = {1e-2, 3e-5, 1e-9};
  for (int j = 0; j < 3; j++) {
    double mu = mus[j], x[2] = {0.5, 0.5};
    int it = 0;
    ck_assert_int_eq(solve(1, 2, A, b, lb, ub, 2, mu, x, &it), HL_QP_OPTIMAL);
    double t = (0.5 + sqrt(0.25 + 2 * mu)) / 2;
    ck_assert_double_eq_tol(x[0], t, 1e-13);
    ck_assert_double_eq_tol(x[1], t, 1e-13);
    ck_assert_int_le(it, 60);
  }
}
END_TEST

/* Both bounds and an equality: min x1² + x2² with x1 + x2 = 1, 0 ≤ x ≤ 1. By symmetry the
 * barrier point is (0.5, 0.5) for every μ — the barrier must not push a variable that is
 * already centred. */
START_TEST(test_barrier_symmetric) {
  const double A[2] = {1, 1}, b[1] = {1}, lb[2] = {0, 0}, ub[2] = {1, 1};
  double x[2] = {0.5, 0.5};
  ck_assert_int_eq(solve(1, 2, A, b, lb, ub, 2, 1e-3, x, NULL), HL_QP_OPTIMAL);
  ck_assert_double_eq_tol(x[0], 0.5, 1e-14);
  ck_assert_double_eq_tol(x[1], 0.5, 1e-14);
}
END_TEST

/* No equality (m = 0), one variable in [2, 3] whose exact optimum is the bound 2: min x² gives
 * 2x − μ/(x − 2) + μ/(3 − x) = 0. For μ = 0.1 the root of
 * 2x(x − 2)(3 − x) − μ(3 − x) + μ(x − 2) = 0 in (2, 3) is found by bisection here. And p = 3:
 * min |x|³ − μ ln(x − 1), lb = 1: 3x² (x − 1) = μ. */
static double bisect(double (*f)(double, double), double mu, double lo, double hi) {
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi);
    if ((f(lo, mu) < 0) == (f(mid, mu) < 0)) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
static double f_box(double x, double mu) { return 2 * x * (x - 2) * (3 - x) - mu * (3 - x) + mu * (x - 2); }
static double f_cube(double x, double mu) { return 3 * x * x * (x - 1) - mu; }

START_TEST(test_barrier_no_equality_and_p3) {
  double lb = 2, ub = 3, x = 2, mu = 0.1;
  ck_assert_int_eq(solve(0, 1, NULL, NULL, &lb, &ub, 2, mu, &x, NULL), HL_QP_OPTIMAL);
  ck_assert_double_eq_tol(x, bisect(f_box, mu, 2 + 1e-12, 3 - 1e-12), 1e-12);
  ck_assert_double_gt(x, 2);
  double lb3 = 1, ub3 = INFINITY, x3 = 1;
  ck_assert_int_eq(solve(0, 1, NULL, NULL, &lb3, &ub3, 3, 1e-4, &x3, NULL), HL_QP_OPTIMAL);
  ck_assert_double_eq_tol(x3, bisect(f_cube, 1e-4, 1 + 1e-15, 2), 1e-12);
}
END_TEST

/* A coordinate no column reaches (an all-zero row with b = 0) is dropped, not a failure; the
 * answer on the other rows is the one without it. */
START_TEST(test_barrier_empty_row) {
  const double A[4] = {1, -1, 0, 0}, b[2] = {0, 0}, lb[2] = {0.5, 0.5}, ub[2] = {INFINITY, INFINITY};
  double x[2] = {0.5, 0.5};
  ck_assert_int_eq(solve(2, 2, A, b, lb, ub, 2, 1e-2, x, NULL), HL_QP_OPTIMAL);
  double t = (0.5 + sqrt(0.25 + 2e-2)) / 2;
  ck_assert_double_eq_tol(x[0], t, 1e-13);
}
END_TEST

/* A variable with min = max (a disabled actuator) is a constant, not a barrier: x3 fixed at 0.3
 * leaves x1 − x2 = 0 and the equal-pair answer of test_barrier_equal_pair. */
START_TEST(test_barrier_fixed_variable) {
  const double A[3] = {1, -1, 1}, b[1] = {0.3}, lb[3] = {0.5, 0.5, 0.3}, ub[3] = {INFINITY, INFINITY, 0.3};
  double x[3] = {0.5, 0.5, 0.3};
  ck_assert_int_eq(solve(1, 3, A, b, lb, ub, 2, 1e-2, x, NULL), HL_QP_OPTIMAL);
  double t = (0.5 + sqrt(0.25 + 2e-2)) / 2;
  ck_assert_double_eq_tol(x[0], t, 1e-13);
  ck_assert_double_eq_tol(x[1], t, 1e-13);
  ck_assert_double_eq(x[2], 0.3);
}
END_TEST

int main(void) {
  Suite *s = suite_create("qp_barrier");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_barrier_equal_pair);
  tcase_add_test(tc, test_barrier_symmetric);
  tcase_add_test(tc, test_barrier_no_equality_and_p3);
  tcase_add_test(tc, test_barrier_empty_row);
  tcase_add_test(tc, test_barrier_fixed_variable);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
