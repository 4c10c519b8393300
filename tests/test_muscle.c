/* SPDX-License-Identifier: Apache-2.0 */
/* Muscle curves and force per activation: values worked out by hand from the published formulas
 * and the curve construction parameters (OpenSim defaults). */
#include <math.h>
#include <string.h>

#include "hipload/muscle.h"
#include "testutil.h"

START_TEST(test_thelen_fl) {
  ck_assert_double_eq_tol(hl_muscle_thelen_active_fl(1.0, 0.45), 1.0, 1e-15);
  ck_assert_double_eq_tol(hl_muscle_thelen_active_fl(1.5, 0.45), exp(-0.25 / 0.45), 1e-15);
  ck_assert_double_eq_tol(hl_muscle_thelen_active_fl(0.5, 0.45), exp(-0.25 / 0.45), 1e-15);
  ck_assert_double_eq_tol(hl_muscle_thelen_active_fl(0.5, 0.45), 0.573753420737433, 1e-12);
}
END_TEST

/* Thelen eq. 6–7 at a = 1 solved for f_V: concentric f_V = (1 + v)/(1 − v/Af); eccentric with
 * k = v (2 + 2/Af): f_V = (k Flen + Flen − 1)/(Flen − 1 + k). OpenSim's inverse stops at 1e-6 in v. */
START_TEST(test_thelen_fv) {
  ck_assert_double_eq_tol(hl_muscle_thelen_fv(0.0, 0.25, 1.4), 1.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_thelen_fv(-0.5, 0.25, 1.4), 0.5 / 3.0, 1e-5);
  ck_assert_double_eq_tol(hl_muscle_thelen_fv(-0.2, 0.25, 1.4), 0.8 / 1.8, 1e-5);
  ck_assert_double_eq_tol(hl_muscle_thelen_fv(0.1, 0.25, 1.4), 1.8 / 1.4, 1e-5);
  ck_assert_double_eq_tol(hl_muscle_thelen_fv(-1.0, 0.25, 1.4), 0.0, 1e-6);
  ck_assert_double_eq_tol(hl_muscle_thelen_fv(-1.5, 0.25, 1.4), 0.0, 1e-12); /* floored at 0 */
  /* beyond 0.95·Flen the curve continues linearly: still increasing, above 1.33 */
  double a = hl_muscle_thelen_fv(1.0, 0.25, 1.4), b = hl_muscle_thelen_fv(2.0, 0.25, 1.4);
  ck_assert_double_gt(a, 0.95 * 1.4);
  ck_assert_double_gt(b, a);
}
END_TEST

static void millard_defaults(double *k) {
  memset(k, 0, sizeof(double) * HL_MUS_NCURVE);
  const double v[14] = {0.4441, 0.73, 1.8123, 0.8616, 0.1, 0.0, 0.25, 5.0, 0.0, 0.15, 1.4, 0.6, 0.9, 0.1};
  memcpy(k, v, sizeof v);
}

static double slope(double (*f)(const double *, double), const double *k, double x) {
  double h = 1e-6;
  return (f(k, x + h) - f(k, x - h)) / (2 * h);
}

/* Corner points of the default active-force-length curve (damped model: minimum 0):
 *   x0 = 0.4441 → 0;  x01 = 0.58705 → y01 = 0.405224 (slope 1.25·0.810448/0.2859);
 *   x1s = 0.84 → 0.905224 (slope 0.8616);  1 → 1 (slope 0);  x23 = 1.43115 → 0.5;  1.8123 → 0. */
START_TEST(test_millard_fl_corners) {
  double k[HL_MUS_NCURVE];
  millard_defaults(k);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 1.0), 1.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 0.4441), 0.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 1.8123), 0.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 0.3), 0.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 2.5), 0.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 0.58705), 0.405224, 1e-9);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 0.84), 0.905224, 1e-9);
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 1.431150), 0.5, 1e-9);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_active_fl, k, 1.0), 0.0, 1e-6);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_active_fl, k, 0.84), 0.8616, 1e-5);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_active_fl, k, 0.58705), 1.25 * 0.810448 / 0.2859, 1e-5);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_active_fl, k, 1.431150), -1.0 / (1.7623 - 1.05), 1e-5);
  /* continuity across every join */
  const double joins[4] = {0.58705, 0.84, 1.0, 1.431150};
  for (int j = 0; j < 4; j++)
    ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, joins[j] - 1e-9),
                            hl_muscle_millard_active_fl(k, joins[j] + 1e-9), 1e-7);
  /* without damping (classic Hill), OpenSim raises the minimum to 0.1 */
  k[13] = 0.0;
  ck_assert_double_eq_tol(hl_muscle_millard_active_fl(k, 0.3), 0.1, 1e-12);
}
END_TEST

/* Force-velocity corners: (−1, 0), (−0.9, 0.5·0.25·0.1), (0, 1) slope 5, (0.9, 1.4 − 0.5·0.15·0.1),
 * (1, 1.4). */
START_TEST(test_millard_fv_corners) {
  double k[HL_MUS_NCURVE];
  millard_defaults(k);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, 0.0), 1.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, -1.0), 0.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, 1.0), 1.4, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, -0.9), 0.0125, 1e-9);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, 0.9), 1.3925, 1e-9);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_fv, k, 0.0), 5.0, 1e-5);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_fv, k, -0.9), 0.25, 1e-5);
  ck_assert_double_eq_tol(slope(hl_muscle_millard_fv, k, 0.9), 0.15, 1e-5);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, -1.2), 0.0, 1e-12);
  ck_assert_double_eq_tol(hl_muscle_millard_fv(k, 1.3), 1.4, 1e-12);
  for (double v = -0.99; v < 0.99; v += 0.01)
    ck_assert_double_gt(hl_muscle_millard_fv(k, v + 0.01), hl_muscle_millard_fv(k, v));
}
END_TEST

/* A two-muscle model built by hand: lopt 0.1 m, lts 0.2 m, F0 1000 N, vmax 10 lopt/s. */
START_TEST(test_force_per_activation) {
  int type[2] = {HL_MUSCLE_THELEN2003, HL_MUSCLE_MILLARD2012};
  double f0[2] = {1000, 1000}, lopt[2] = {0.1, 0.1}, lts[2] = {0.2, 0.2}, a0[2] = {0, 0.3};
  double vmax[2] = {10, 10}, curve[2 * HL_MUS_NCURVE];
  memset(curve, 0, sizeof curve);
  curve[0] = 0.45; curve[1] = 5.0; curve[2] = 0.25; curve[3] = 1.4;
  millard_defaults(curve + HL_MUS_NCURVE);
  hl_model m;
  memset(&m, 0, sizeof m);
  m.nmuscle = 2;
  m.mus_type = type; m.mus_f0 = f0; m.mus_lopt = lopt; m.mus_lts = lts; m.mus_alpha0 = a0;
  m.mus_vmax = vmax; m.mus_curve = curve;
  double ln, vn, al;
  /* Thelen, unpennated, l_MT = 0.3: fibre at optimal length, isometric → F0 */
  ck_assert_double_eq_tol(hl_muscle_force_per_activation(&m, 0, 0.3, 0.0, 1, &ln, &vn, &al), 1000.0, 1e-9);
  ck_assert_double_eq_tol(ln, 1.0, 1e-12);
  ck_assert_double_eq_tol(vn, 0.0, 1e-15);
  /* shortening at 0.5 m/s = 0.5 vmax: f_V = 0.5/3 */
  ck_assert_double_eq_tol(hl_muscle_force_per_activation(&m, 0, 0.3, -0.5, 1, &ln, &vn, &al), 1000.0 / 6.0, 1e-2);
  ck_assert_double_eq_tol(vn, -0.5, 1e-12);
  /* l_MT = 0.35: l̃ = 1.5, f_L = exp(−0.25/0.45) */
  ck_assert_double_eq_tol(hl_muscle_force_per_activation(&m, 0, 0.35, 0.0, 1, NULL, NULL, NULL),
                          1000.0 * exp(-0.25 / 0.45), 1e-9);
  /* Thelen pennated (α0 = 0.3) at l_MT = 0.2 + 0.1 cos 0.3: l_f = l_opt, α = 0.3 → F0 cos 0.3 */
  a0[0] = 0.3;
  ck_assert_double_eq_tol(hl_muscle_force_per_activation(&m, 0, 0.2 + 0.1 * cos(0.3), 0.0, 1, &ln, NULL, &al),
                          1000.0 * cos(0.3), 1e-9);
  ck_assert_double_eq_tol(ln, 1.0, 1e-12);
  ck_assert_double_eq_tol(al, 0.3, 1e-12);
  /* path shorter than the tendon: fibre at its minimum length → no force */
  ck_assert_double_eq(hl_muscle_force_per_activation(&m, 0, 0.15, 0.0, 1, NULL, NULL, NULL), 0.0);
  /* Millard pennated at the same geometry: OpenSim takes the pennation angle of l̃ = 1 (not of
   * l_f = 0.1 m), α' = asin(0.1 sin 0.3 / 1) → F0 cos α' = 1000 sqrt(1 − (0.1 sin 0.3)²) */
  double s = 0.1 * sin(0.3);
  ck_assert_double_eq_tol(hl_muscle_force_per_activation(&m, 1, 0.2 + 0.1 * cos(0.3), 0.0, 1, &ln, NULL, &al),
                          1000.0 * sqrt(1.0 - s * s), 1e-9);
  ck_assert_double_eq_tol(al, asin(s), 1e-12);
  /* Millard: l_f = sqrt((0.1 sin 0.3)² + 0.02²) = 0.0357 m < 0.4441 l_opt → 0 */
  ck_assert_double_eq(hl_muscle_force_per_activation(&m, 1, 0.2 + 0.02, 0.0, 1, NULL, NULL, NULL), 0.0);
  /* physiology off → F0 */
  ck_assert_double_eq(hl_muscle_force_per_activation(&m, 1, 0.25, 1.0, 0, NULL, NULL, NULL), 1000.0);
  /* bad index → NaN, never a crash */
  ck_assert(isnan(hl_muscle_force_per_activation(&m, 2, 0.3, 0.0, 1, NULL, NULL, NULL)));
  ck_assert(isnan(hl_muscle_force_per_activation(NULL, 0, 0.3, 0.0, 1, NULL, NULL, NULL)));
}
END_TEST

int main(void) {
  Suite *s = suite_create("muscle");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_thelen_fl);
  tcase_add_test(tc, test_thelen_fv);
  tcase_add_test(tc, test_millard_fl_corners);
  tcase_add_test(tc, test_millard_fv_corners);
  tcase_add_test(tc, test_force_per_activation);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
