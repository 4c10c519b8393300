/* SPDX-License-Identifier: Apache-2.0 */
/* Functions of a coordinate: every type against values worked out by hand. */
#include <math.h>

#include "hipload/model.h"
#include "model_internal.h"
#include "testutil.h"

#define TOL 1e-12

static void check(const hl_model *m, int f, double x, double ey, double edy, double eddy) {
  double y, dy, ddy;
  hl_model_function_eval(m, f, x, &y, &dy, &ddy);
  ck_assert_msg(fabs(y - ey) < TOL, "f%d(%g) = %.15g, expected %.15g", f, x, y, ey);
  ck_assert_msg(fabs(dy - edy) < TOL, "f%d'(%g) = %.15g, expected %.15g", f, x, dy, edy);
  ck_assert_msg(fabs(ddy - eddy) < TOL, "f%d''(%g) = %.15g, expected %.15g", f, x, ddy, eddy);
}

START_TEST(test_constant_linear_polynomial) {
  hl_model *m = hl__model_new();
  ck_assert_ptr_nonnull(m);
  double c = 5.0, lin[2] = {3.0, 1.0}, poly[3] = {1.0, -2.0, 3.0};
  int fc = hl__model_add_func(m, HL_FUNC_CONSTANT, 1, &c, -1, 1.0);
  int fl = hl__model_add_func(m, HL_FUNC_LINEAR, 2, lin, -1, 1.0);
  int fp = hl__model_add_func(m, HL_FUNC_POLYNOMIAL, 3, poly, -1, 1.0);
  int fm = hl__model_add_func(m, HL_FUNC_MULTIPLIER, 0, NULL, fl, 2.0);
  check(m, fc, 0.7, 5.0, 0.0, 0.0);
  check(m, fl, 2.0, 7.0, 3.0, 0.0);     /* 3·2 + 1 */
  check(m, fp, 2.0, 3.0, 2.0, 2.0);     /* x² − 2x + 3 = 3; 2x − 2 = 2; 2 */
  check(m, fp, -1.0, 6.0, -4.0, 2.0);   /* 1 + 2 + 3; −2 − 2 */
  check(m, fm, 1.0, 8.0, 6.0, 0.0);     /* 2·(3 + 1); 2·3 */
  check(m, -1, 0.25, 0.25, 1.0, 0.0);   /* identity */
  hl_model_free(m);
}
END_TEST

START_TEST(test_piecewise_linear) {
  hl_model *m = hl__model_new();
  double xy[6] = {0, 1, 3, 0, 2, 3};
  int f = hl__model_add_func(m, HL_FUNC_PIECEWISE_LINEAR, 3, xy, -1, 1.0);
  check(m, f, 0.5, 1.0, 2.0, 0.0);
  check(m, f, 2.0, 2.5, 0.5, 0.0);
  check(m, f, -1.0, -2.0, 2.0, 0.0); /* end segment extended */
  check(m, f, 4.0, 3.5, 0.5, 0.0);
  hl_model_free(m);
}
END_TEST

/* With n >= 4 the end conditions match the third derivative of the cubic through the four end
 * knots, so knots taken from a cubic reproduce that cubic exactly, between knots and at them. */
START_TEST(test_spline_reproduces_cubic) {
  for (int type = HL_FUNC_SIMMSPLINE; type <= HL_FUNC_NATCUBIC; type++) {
    hl_model *m = hl__model_new();
    double xy[10] = {0, 1, 2, 3, 4};
    for (int i = 0; i < 5; i++) xy[5 + i] = xy[i] * xy[i] * xy[i] + xy[i]; /* x³ + x */
    int f = hl__model_add_func(m, (hl_func_type)type, 5, xy, -1, 1.0);
    check(m, f, 1.5, 3.375 + 1.5, 6.75 + 1.0, 9.0);
    check(m, f, 2.0, 10.0, 13.0, 12.0);
    check(m, f, 3.9, 3.9 * 3.9 * 3.9 + 3.9, 3 * 3.9 * 3.9 + 1, 6 * 3.9);
    check(m, f, 0.0, 0.0, 1.0, 0.0);
    check(m, f, 4.0, 68.0, 49.0, 24.0);
    /* outside the knots: straight line with the end slope, no curvature */
    check(m, f, -1.0, -1.0, 1.0, 0.0);
    check(m, f, 5.0, 68.0 + 49.0, 49.0, 0.0);
    hl_model_free(m);
  }
}
END_TEST

/* n = 3: the end rows force equal unknowns, which is the parabola through the three knots;
 * n = 2: the chord. */
START_TEST(test_spline_short) {
  hl_model *m = hl__model_new();
  double p3[6] = {0, 1, 3, 0, 1, 9};  /* y = x² */
  double p2[4] = {1, 3, 2, 6};        /* slope 2 */
  int f3 = hl__model_add_func(m, HL_FUNC_SIMMSPLINE, 3, p3, -1, 1.0);
  int f2 = hl__model_add_func(m, HL_FUNC_NATCUBIC, 2, p2, -1, 1.0);
  check(m, f3, 2.0, 4.0, 4.0, 2.0);
  check(m, f3, 0.5, 0.25, 1.0, 2.0);
  check(m, f2, 2.0, 4.0, 2.0, 0.0);
  check(m, f2, 0.0, 0.0, 2.0, 0.0);
  /* the coefficient layout documented in model.h: {x, y, b, c, d} */
  const double *q = m->func_data + m->func[f3].adr;
  ck_assert(fabs(q[2 * 3 + 1] - 2.0) < TOL); /* b_1 = y'(1) = 2 */
  ck_assert(fabs(q[3 * 3 + 1] - 1.0) < TOL); /* c_1 = y''/2 = 1 */
  ck_assert(fabs(q[4 * 3 + 1]) < TOL);       /* d_1 = 0 */
  hl_model_free(m);
}
END_TEST

START_TEST(test_null_outputs_and_free_null) {
  hl_model *m = hl__model_new();
  double lin[2] = {2.0, 0.5};
  int f = hl__model_add_func(m, HL_FUNC_LINEAR, 2, lin, -1, 1.0);
  double y = 0;
  hl_model_function_eval(m, f, 1.0, &y, NULL, NULL);
  ck_assert(fabs(y - 2.5) < TOL);
  hl_model_free(m);
  hl_model_free(NULL);
}
END_TEST

int main(void) {
  Suite *s = suite_create("function");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_constant_linear_polynomial);
  tcase_add_test(tc, test_piecewise_linear);
  tcase_add_test(tc, test_spline_reproduces_cubic);
  tcase_add_test(tc, test_spline_short);
  tcase_add_test(tc, test_null_outputs_and_free_null);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
