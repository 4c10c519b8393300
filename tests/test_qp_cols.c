/* SPDX-License-Identifier: Apache-2.0 */
/* hl_qp_solve_cols: the QP with A given by its nonzero columns (what static optimization hands the
 * solver). Known answers by hand, bit-identity with the dense entry, and every input error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/qp.h"
#include "testutil.h"

static hl_error qe; /* the detail of the last solver error */

/* Gather the nonzeros of the dense m × n A by column (rows ascending), column i at i*m. */
static void to_cols(const double *A, int m, int n, int *cnt, int *rows, double *vals) {
  for (int i = 0; i < n; i++) {
    cnt[i] = 0;
    for (int j = 0; j < m; j++)
      if (A[(size_t)j * n + i] != 0.0) {
        rows[(size_t)i * m + cnt[i]] = j;
        vals[(size_t)i * m + cnt[i]++] = A[(size_t)j * n + i];
      }
  }
}

/* Two decoupled rows with one known active bound each (worked by hand):
 *   x1+x2+x3 = 3 with x1 ≤ 0.5   → x1 = 0.5 (upper), x2 = x3 = 1.25, λ1 = 2·1.25 = 2.5
 *   x4+x5    = 1 with x5 ≥ 0.8   → x5 = 0.8 (lower), x4 = 0.2,        λ2 = 2·0.2 = 0.4
 * Column 3 also carries an explicit zero in row 0, which must change nothing. */
START_TEST(test_known_active_set_cols) {
  int cnt[5] = {1, 1, 1, 2, 1};
  int rows[2 * 5] = {0, 0, /**/ 0, 0, /**/ 0, 0, /**/ 0, 1, /**/ 1, 0};
  double vals[2 * 5] = {1, 0, /**/ 1, 0, /**/ 1, 0, /**/ 0.0, 1, /**/ 1, 0};
  double b[2] = {3, 1}, w[5] = {1, 1, 1, 1, 1};
  double lb[5] = {-10, -10, -10, -10, 0.8}, ub[5] = {0.5, 10, 10, 10, 10}, x[5] = {0};
  int act[5];
  hl_qp_result r;
  hl_qp *qp = NULL;
  hl_qp_create(2, 5, NULL, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vals, b, w, lb, ub, x, act, &r, &qe), HL_OK);
  double want[5] = {0.5, 1.25, 1.25, 0.2, 0.8};
  int want_act[5] = {1, 0, 0, 0, -1};
  for (int i = 0; i < 5; i++) {
    ck_assert_double_eq_tol(x[i], want[i], 1e-12);
    ck_assert_int_eq(act[i], want_act[i]);
  }
  ck_assert_int_eq(r.n_active, 2);
  ck_assert_double_le(r.residual, 1e-12);
  ck_assert_double_eq_tol(hl_qp_multipliers(qp)[0], 2.5, 1e-12);
  ck_assert_double_eq_tol(hl_qp_multipliers(qp)[1], 0.4, 1e-12);
  /* cost 0.25 + 2·1.5625 + 0.04 + 0.64 */
  ck_assert_double_eq_tol(r.cost, 0.25 + 3.125 + 0.04 + 0.64, 1e-12);
  hl_qp_free(qp);
}
END_TEST

/* x1 + x2 = 3 with 0 ≤ x ≤ 1: no bounded x meets it; the least-squares answer is (1, 1). */
START_TEST(test_infeasible_cols) {
  int cnt[2] = {1, 1}, rows[2] = {0, 0};
  double vals[2] = {1, 1}, b[1] = {3}, w[2] = {1, 1}, lb[2] = {0, 0}, ub[2] = {1, 1}, x[2] = {0};
  hl_qp_result r;
  hl_qp *qp = NULL;
  hl_qp_create(1, 2, NULL, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  hl_error_clear(&qe);
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vals, b, w, lb, ub, x, NULL, &r, &qe), HL_OK);
  ck_assert_int_eq(r.outcome, HL_QP_LEAST_SQUARES);
  ck_assert_double_eq_tol(x[0], 1.0, 1e-6);
  ck_assert_double_eq_tol(x[1], 1.0, 1e-6);
  ck_assert_double_eq_tol(r.residual, 1.0, 1e-6);
  ck_assert_str_eq(qe.message, ""); /* an answer leaves err alone */
  hl_qp_free(qp);
}
END_TEST

/* p = 3: minimize x1³ + 8 x2³ with x1 + x2 = 3: 3 x1² = 24 x2², x1 = 2√2 x2, x2 = 3/(1 + 2√2). */
START_TEST(test_p3_cols) {
  int cnt[2] = {1, 1}, rows[2] = {0, 0};
  double vals[2] = {1, 1}, b[1] = {3}, w[2] = {1, 8}, lb[2] = {0, 0}, ub[2] = {10, 10};
  double x[2] = {1, 1};
  hl_qp_result r;
  hl_qp_settings set;
  hl_qp_settings_defaults(&set);
  set.p = 3.0;
  hl_qp *qp = NULL;
  hl_qp_create(1, 2, &set, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vals, b, w, lb, ub, x, NULL, &r, &qe), HL_OK);
  double x2 = 3.0 / (1.0 + 2.0 * sqrt(2.0));
  ck_assert_double_eq_tol(x[1], x2, 1e-8);
  ck_assert_double_eq_tol(x[0], 2.0 * sqrt(2.0) * x2, 1e-8);
  hl_qp_free(qp);
}
END_TEST

static unsigned long rng_state = 1;
static double urand(void) {
  rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
  return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* A slowly changing 23 × 115 sequence like SO frames (each muscle column spans 1–5 rows, then one
 * reserve per row): the column entry gives the dense entry's answers bit for bit, warm and cold. */
START_TEST(test_cols_equal_dense) {
  rng_state = 4242;
  const int m = 23, nm = 92, n = nm + m;
  double *A = calloc((size_t)m * n, sizeof(double)), *b = calloc(m, sizeof(double));
  double *w = malloc(sizeof(double) * n), *lb = malloc(sizeof(double) * n);
  double *ub = malloc(sizeof(double) * n), *xd = calloc(n, sizeof(double));
  double *xc = calloc(n, sizeof(double)), *vals = malloc(sizeof(double) * m * n);
  int *cnt = malloc(sizeof(int) * n), *rows = malloc(sizeof(int) * m * n);
  int *ad = malloc(sizeof(int) * n), *ac = malloc(sizeof(int) * n);
  for (int i = 0; i < nm; i++) {
    int r0 = (int)(urand() * m), span = 1 + (int)(urand() * 5);
    for (int j = r0; j < r0 + span && j < m; j++) A[(size_t)j * n + i] = 0.1 * (urand() - 0.3);
    w[i] = 1.0 + i % 3;
    lb[i] = 0.01;
    ub[i] = 1.0;
  }
  for (int j = 0; j < m; j++) {
    A[(size_t)j * n + nm + j] = 1.0;
    w[nm + j] = 1.0;
    lb[nm + j] = -INFINITY;
    ub[nm + j] = INFINITY;
  }
  hl_qp *dense = NULL, *cols = NULL;
  hl_qp_create(m, n, NULL, &dense, NULL);
  hl_qp_create(m, n, NULL, &cols, NULL);
  ck_assert_ptr_nonnull(dense);
  ck_assert_ptr_nonnull(cols);
  for (int f = 0; f < 40; f++) {
    for (int k = 0; k < m * n; k++)
      if (A[k] != 0.0 && k % n < nm) A[k] *= 1.0 + 0.05 * (urand() - 0.5);
    for (int j = 0; j < m; j++) b[j] = 0.4 * (urand() - 0.5);
    to_cols(A, m, n, cnt, rows, vals);
    if (f == 20) { /* a cold restart of both in the middle */
      hl_qp_reset(dense);
      hl_qp_reset(cols);
    }
    hl_qp_result rd, rc;
    hl_status sd = hl_qp_solve(dense, A, b, w, lb, ub, xd, ad, &rd, &qe);
    hl_status sc = hl_qp_solve_cols(cols, cnt, rows, vals, b, w, lb, ub, xc, ac, &rc, &qe);
    ck_assert_int_eq(sd, HL_OK);
    ck_assert_int_eq(sc, sd);
    ck_assert_int_eq(memcmp(xd, xc, sizeof(double) * n), 0);
    ck_assert_int_eq(memcmp(ad, ac, sizeof(int) * n), 0);
    ck_assert_int_eq(memcmp(hl_qp_multipliers(dense), hl_qp_multipliers(cols), sizeof(double) * m),
                     0);
    ck_assert_int_eq(rd.iterations, rc.iterations);
    ck_assert_double_le(rc.residual, 1e-9);
  }
  hl_qp_free(dense);
  hl_qp_free(cols);
  free(A); free(b); free(w); free(lb); free(ub); free(xd); free(xc); free(vals); free(cnt);
  free(rows); free(ad); free(ac);
}
END_TEST

START_TEST(test_bad_cols) {
  double b[1] = {1}, w[2] = {1, 1}, lb[2] = {0, 0}, ub[2] = {1, 1}, x[2] = {0};
  hl_qp_result r;
  ck_assert_int_eq(hl_qp_solve_cols(NULL, NULL, NULL, NULL, b, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_INVALID_ARG);
  hl_qp *qp = NULL;
  hl_qp_create(2, 2, NULL, &qp, NULL);
  ck_assert_ptr_nonnull(qp);
  int cnt[2] = {1, 1}, rows[4] = {0, 0, 1, 0};
  double vals[4] = {1, 0, 1, 0}, b2[2] = {0.5, 0.5};
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vals, b2, w, lb, ub, x, NULL, &r, &qe), HL_OK);
  ck_assert_int_eq(hl_qp_solve_cols(qp, NULL, rows, vals, b2, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(qe.message, "hl_qp_solve_cols: A, b"));
  int cbig[2] = {1, 3};
  ck_assert_int_eq(hl_qp_solve_cols(qp, cbig, rows, vals, b2, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "column 1 has 3 nonzeros (m = 2)"));
  int cneg[2] = {-1, 1};
  ck_assert_int_eq(hl_qp_solve_cols(qp, cneg, rows, vals, b2, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "column 0 has -1 nonzeros"));
  int rout[4] = {0, 0, 2, 0};
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rout, vals, b2, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "column 1, entry 0: row 2"));
  int two[2] = {2, 1}, rdesc[4] = {1, 0, 1, 0};
  double v2[4] = {1, 1, 1, 0};
  ck_assert_int_eq(hl_qp_solve_cols(qp, two, rdesc, v2, b2, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "column 0, entry 1: row 0 (rows must ascend"));
  double vnan[4] = {1, 0, NAN, 0};
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vnan, b2, w, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "hl_qp_solve_cols: A[1][1] = nan"));
  double wbad[2] = {1, -1};
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vals, b2, wbad, lb, ub, x, NULL, &r, &qe),
                   HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(qe.message, "hl_qp_solve_cols: weight w[1] = -1"));
  /* after the errors a good call still works and clears the message */
  hl_error_clear(&qe);
  ck_assert_int_eq(hl_qp_solve_cols(qp, cnt, rows, vals, b2, w, lb, ub, x, NULL, &r, &qe), HL_OK);
  ck_assert_double_eq_tol(x[0], 0.5, 1e-12);
  ck_assert_double_eq_tol(x[1], 0.5, 1e-12);
  ck_assert_str_eq(qe.message, ""); /* an answer leaves err alone */
  hl_qp_free(qp);
}
END_TEST

int main(void) {
  Suite *s = suite_create("qp_cols");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_known_active_set_cols);
  tcase_add_test(tc, test_infeasible_cols);
  tcase_add_test(tc, test_p3_cols);
  tcase_add_test(tc, test_cols_equal_dense);
  tcase_add_test(tc, test_bad_cols);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
