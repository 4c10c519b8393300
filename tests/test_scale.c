/* SPDX-License-Identifier: Apache-2.0 */
/* Uniform model scaling: a pendulum checked by hand, and the scaling laws on the Hamner 2010
 * subject model (92 muscles, knee translation splines, moving path points): lengths and moment
 * arms × s_L, total mass × s_M, gravity-only inverse dynamics × s_M·s_L — to 1e-12. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/invdyn.h"
#include "hipload/model.h"
#include "hipload/muscle.h"
#include "kin_fixture.h"

#define SL 1.07
#define SM 1.23
#define HAMNER "run-hamner2010/reference/subject02_RRA_Adjusted.osim"

static double rel(double a, double b, double scale) { return fabs(a - b) / fmax(scale, 1e-300); }

/* Generalized forces of a static pose (q̇ = q̈ = 0, no external load): gravity only. */
static void static_id(const hl_model *m, const double *q, double *tau) {
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_invdyn *w = NULL;
  hl_invdyn_create(m, &w, NULL);
  ck_assert(d && w);
  double *z = calloc((size_t)m->ncoord, sizeof *z);
  hl_error e;
  ck_assert_int_eq(hl_kin_update(m, d, q, z, z, NULL), HL_OK);
  ck_assert_msg(hl_invdyn_frame(m, w, d, NULL, tau, NULL, NULL, &e) == HL_OK, "%s", e.message);
  free(z);
  hl_invdyn_free(w);
  hl_kin_free(d);
}

/* A pendulum: a 5 kg body hangs from the ground origin by a pin about z; the joint frame sits
 * 0.4 m above the body origin, the centre of mass 0.1 m above it, so the COM is L = 0.3 m below
 * the pin. Held at angle q, the joint must supply m·g·L·sin(q); scaled, (s_M m)·g·(s_L L)·sin(q). */
static hl_model *pendulum(void) {
  hl_model *m = fx_ground();
  m->gravity[1] = -9.80665;
  const double cp[3] = {0, 0.4, 0};
  int j = fx_body(m, "bob", 0, NULL, cp);
  int c = fx_coord(m, j, "swing", 1);
  fx_axis(m, j, 0, 0, 0, 1, c, -1);
  m->body_mass[1] = 5.0;
  m->body_com[3 * 1 + 1] = 0.1;
  m->body_inertia[9 * 1 + 0] = m->body_inertia[9 * 1 + 4] = m->body_inertia[9 * 1 + 8] = 0.02;
  return m;
}

START_TEST(test_pendulum_by_hand) {
  hl_model *m = pendulum();
  double q = 0.6, tau = 0;
  static_id(m, &q, &tau);
  ck_assert_double_eq_tol(tau, 5.0 * 9.80665 * 0.3 * sin(0.6), 1e-12);

  hl_error e;
  ck_assert_int_eq(hl_model_scale(m, SL, SM, &e), HL_OK);
  ck_assert_double_eq_tol(m->body_mass[1], 5.0 * SM, 1e-14);
  ck_assert_double_eq_tol(m->body_com[4], 0.1 * SL, 1e-15);
  ck_assert_double_eq_tol(m->jnt_child_p[1], 0.4 * SL, 1e-15);
  ck_assert_double_eq_tol(m->body_inertia[9 + 4], 0.02 * SM * SL * SL, 1e-15);
  static_id(m, &q, &tau);
  ck_assert_double_eq_tol(tau, 5.0 * SM * 9.80665 * 0.3 * SL * sin(0.6), 1e-12);
  hl_model_free(m);
}
END_TEST

/* Knee-like translation: an axis whose value is a spline of the knee angle scales, the
 * identity translation of a free coordinate does not (OpenSim leaves degrees of freedom alone),
 * and nothing fixed in ground moves. */
START_TEST(test_functions_and_ground) {
  hl_model *m = fx_ground();
  const double pp[3] = {0.01, 0.02, 0.03};
  int j0 = fx_body(m, "pelvis", 0, pp, NULL);
  int tx = fx_coord(m, j0, "pelvis_tx", 0);
  fx_axis(m, j0, 3, 1, 0, 0, tx, -1);
  int j1 = fx_body(m, "shank", 1, pp, pp);
  int kn = fx_coord(m, j1, "knee", 1);
  const double xy[8] = {0, 0.5, 1.0, 2.0, -0.005, 0.001, 0.004, 0.002};
  int f = hl__model_add_func(m, HL_FUNC_SIMMSPLINE, 4, xy, -1, 1.0);
  fx_axis(m, j1, 3, 1, 0, 0, kn, f);
  const double k2[2] = {1.0, 0.0};
  int fid = hl__model_add_func(m, HL_FUNC_LINEAR, 2, k2, -1, 1.0);
  fx_axis(m, j1, 4, 0, 1, 0, kn, fid); /* identity of an angle: a DOF-like axis, not scaled */
  double y0[5], y1[5], d1, d2;
  for (int i = 0; i < 5; i++) hl_model_function_eval(m, f, -0.3 + 0.6 * i, &y0[i], &d1, &d2);
  hl_error e;
  ck_assert_int_eq(hl_model_scale(m, SL, SM, &e), HL_OK);
  for (int i = 0; i < 5; i++) {
    hl_model_function_eval(m, f, -0.3 + 0.6 * i, &y1[i], &d1, &d2);
    ck_assert_double_eq_tol(y1[i], SL * y0[i], 1e-15);
  }
  for (int k = 0; k < 2; k++) ck_assert_double_eq(m->func_data[m->func[fid].adr + k], k2[k]);
  ck_assert_double_eq(m->jnt_parent_p[0], 0.01); /* pelvis frame on ground: unscaled */
  ck_assert_double_eq(m->jnt_child_p[0], 0.0);
  ck_assert_double_eq_tol(m->jnt_parent_p[3 + 1], 0.02 * SL, 1e-16); /* shank frame on pelvis */
  ck_assert_double_eq_tol(m->jnt_child_p[3 + 2], 0.03 * SL, 1e-16);
  hl_model_free(m);
}
END_TEST

START_TEST(test_hamner_lengths_moment_arms) {
  if (!tu_require_data()) return;
  hl_model *a = fx_load(HAMNER), *b = fx_load(HAMNER);
  hl_error e;
  ck_assert_msg(hl_model_scale(b, SL, SM, &e) == HL_OK, "%s", e.message);
  ck_assert_double_eq_tol(hl_model_mass(b), SM * hl_model_mass(a), 1e-12 * hl_model_mass(a));
  for (int i = 0; i < a->nmuscle; i++) {
    ck_assert_double_eq_tol(b->mus_lopt[i], SL * a->mus_lopt[i], 1e-15);
    ck_assert_double_eq_tol(b->mus_lts[i], SL * a->mus_lts[i], 1e-15);
    ck_assert_double_eq(b->mus_f0[i], a->mus_f0[i]);
  }
  hl_data *da = NULL, *db = NULL;
  hl_kin_create(a, &da, NULL);
  hl_kin_create(b, &db, NULL);
  double *q = calloc((size_t)a->ncoord, sizeof *q);
  unsigned long long seed = 0x9E3779B97F4A7C15ull;
  int moving = 0;
  for (int p = 0; p < a->npathpt; p++) moving += a->pt_type[p] == 2;
  ck_assert_int_gt(moving, 0); /* the model exercises moving points */
  for (int pose = 0; pose < 4; pose++) {
    for (int c = 0; c < a->ncoord; c++) {
      double lo = a->coord_range[2 * c], hi = a->coord_range[2 * c + 1];
      q[c] = pose == 0 ? a->coord_default[c] : fx_rand(&seed, fmax(lo, -1.2), fmin(hi, 1.2));
    }
    ck_assert_int_eq(hl_kin_update(a, da, q, NULL, NULL, NULL), HL_OK);
    ck_assert_int_eq(hl_kin_update(b, db, q, NULL, NULL, NULL), HL_OK);
    ck_assert_msg(hl_muscle_update(a, da, 1, &e) == HL_OK, "%s", e.message);
    ck_assert_msg(hl_muscle_update(b, db, 1, &e) == HL_OK, "%s", e.message);
    for (int i = 0; i < a->nmuscle; i++) {
      ck_assert_msg(rel(db->mus_len[i], SL * da->mus_len[i], da->mus_len[i]) < 1e-12, "%s length %.15g vs %.15g",
                    a->mus_name[i], db->mus_len[i], SL * da->mus_len[i]);
      double big = 0;
      for (int c = 0; c < a->ncoord; c++) big = fmax(big, fabs(da->mus_ma[i * a->ncoord + c]));
      for (int c = 0; c < a->ncoord; c++) {
        double ra = da->mus_ma[i * a->ncoord + c], rb = db->mus_ma[i * a->ncoord + c];
        double expect = a->coord_rotational[c] ? SL * ra : ra; /* m per rad scales; m per m does not */
        ck_assert_msg(rel(rb, expect, big) < 1e-12, "%s moment arm about %s: %.15g vs %.15g", a->mus_name[i],
                      a->coord_name[c], rb, expect);
      }
    }
  }
  free(q);
  hl_kin_free(da);
  hl_kin_free(db);
  hl_model_free(a);
  hl_model_free(b);
}
END_TEST

START_TEST(test_hamner_static_inverse_dynamics) {
  if (!tu_require_data()) return;
  hl_model *a = fx_load(HAMNER), *b = fx_load(HAMNER);
  hl_error e;
  ck_assert_int_eq(hl_model_scale(b, SL, SM, &e), HL_OK);
  int n = a->ncoord;
  double *q = calloc((size_t)n, sizeof *q), *ta = calloc((size_t)n, sizeof *ta), *tb = calloc((size_t)n, sizeof *tb);
  unsigned long long seed = 12345;
  for (int c = 0; c < n; c++) q[c] = fx_rand(&seed, fmax(a->coord_range[2 * c], -0.8), fmin(a->coord_range[2 * c + 1], 0.8));
  static_id(a, q, ta);
  static_id(b, q, tb);
  double big = 0;
  for (int c = 0; c < n; c++) big = fmax(big, fabs(ta[c]));
  ck_assert(big > 100); /* the pelvis carries the weight: hundreds of N */
  for (int c = 0; c < n; c++) {
    double expect = a->coord_rotational[c] ? SM * SL * ta[c] : SM * ta[c]; /* N·m vs N */
    ck_assert_msg(rel(tb[c], expect, big) < 1e-12, "%s: %.15g vs %.15g", a->coord_name[c], tb[c], expect);
  }
  free(q);
  free(ta);
  free(tb);
  hl_model_free(a);
  hl_model_free(b);
}
END_TEST

/* n doubles equal bit for bit (empty arrays may be NULL). */
static int same_bits(const double *x, const double *y, int n) {
  return n <= 0 || memcmp(x, y, sizeof *x * (size_t)n) == 0;
}

/* Compare every number hl_model_scale may touch. */
static int same_numbers(const hl_model *a, const hl_model *b) {
#define SAME(f, k) same_bits(a->f, b->f, (k))
  int ok = SAME(body_mass, a->nbody) && SAME(body_com, 3 * a->nbody) && SAME(body_inertia, 9 * a->nbody) &&
           SAME(jnt_parent_p, 3 * a->njoint) && SAME(jnt_child_p, 3 * a->njoint) && SAME(pt_pos, 3 * a->npathpt) &&
           SAME(func_data, a->nfunc_data) && SAME(mus_lopt, a->nmuscle) && SAME(mus_lts, a->nmuscle) &&
           SAME(act_point, 3 * a->nactuator);
  for (int f = 0; f < a->nfunc; f++) ok = ok && a->func[f].scale == b->func[f].scale;
  return ok;
#undef SAME
}

START_TEST(test_unit_factors_change_nothing) {
  if (!tu_require_data()) return;
  hl_model *a = fx_load(HAMNER), *b = fx_load(HAMNER);
  hl_error e;
  ck_assert_int_eq(hl_model_scale(b, 1.0, 1.0, &e), HL_OK);
  ck_assert(same_numbers(a, b));
  ck_assert_int_eq(hl_model_scale(b, 2.0, 1.0, &e), HL_OK);
  ck_assert(!same_numbers(a, b)); /* the comparison itself can fail */
  hl_model_free(a);
  hl_model_free(b);
}
END_TEST

START_TEST(test_errors_leave_model_unchanged) {
  hl_error e;
  ck_assert_int_eq(hl_model_scale(NULL, 1, 1, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "model is NULL"));

  hl_model *a = pendulum(), *b = pendulum();
  const double bad[] = {0.0, -1.0, NAN, INFINITY};
  for (int i = 0; i < 4; i++) {
    ck_assert_int_eq(hl_model_scale(b, bad[i], 1.0, &e), HL_ERR_BAD_VALUE);
    ck_assert_msg(strstr(e.message, "length factor") != NULL, "%s", e.message);
    ck_assert_int_eq(hl_model_scale(b, 1.0, bad[i], &e), HL_ERR_BAD_VALUE);
    ck_assert_msg(strstr(e.message, "mass factor") != NULL, "%s", e.message);
  }
  ck_assert(same_numbers(a, b));
  hl_model_free(a);
  hl_model_free(b);

  /* one spline driving a translation and a rotation: scaling it would bend the angle too */
  a = pendulum();
  const double pp[3] = {0, -0.3, 0};
  int j = fx_body(a, "bob2", 1, pp, NULL);
  int c = fx_coord(a, j, "hinge", 1);
  const double xy[6] = {-1, 0, 1, -0.01, 0, 0.01};
  int f = hl__model_add_func(a, HL_FUNC_SIMMSPLINE, 3, xy, -1, 1.0);
  fx_axis(a, j, 0, 0, 0, 1, c, f);
  fx_axis(a, j, 3, 1, 0, 0, c, f);
  double before = a->func_data[a->func[f].adr + 3], com = a->body_com[4];
  ck_assert_int_eq(hl_model_scale(a, 1.1, 1.1, &e), HL_ERR_UNSUPPORTED);
  ck_assert_msg(strstr(e.message, "bob2") && strstr(e.message, "shares its function"), "%s", e.message);
  ck_assert_double_eq(a->func_data[a->func[f].adr + 3], before);
  ck_assert_double_eq(a->body_com[4], com);
  hl_model_free(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("scale");
  TCase *tc = tcase_create("scale");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_pendulum_by_hand);
  tcase_add_test(tc, test_functions_and_ground);
  tcase_add_test(tc, test_hamner_lengths_moment_arms);
  tcase_add_test(tc, test_hamner_static_inverse_dynamics);
  tcase_add_test(tc, test_unit_factors_change_nothing);
  tcase_add_test(tc, test_errors_leave_model_unchanged);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
