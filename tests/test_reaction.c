/* SPDX-License-Identifier: Apache-2.0 */
/* Joint reaction and contributions on a hand-built pendulum with one muscle: every number below
 * is worked out by hand from Newton–Euler for a single rigid body. */
#include <math.h>
#include <stdlib.h>

#include "hipload/invdyn.h"
#include "hipload/jr.h"
#include "hipload/muscle.h"
#include "kin_fixture.h"
#include "testutil.h"

/* ground → "femur" by a pin about z at the origin (joint "hip", coordinate "hip_flexion").
 * Femur: mass 8 kg, COM (0, −0.2, 0), inertia about COM diag(0.1, 0.02, 0.1).
 * Muscle "iliacus_r": ground point (0.1, 0.05, 0) → femur point (0.02, −0.15, 0).
 * Gravity (0, −9.81, 0). */
static hl_model *pendulum(void) {
  hl_model *m = fx_ground();
  m->gravity[1] = -9.81;
  int j = fx_body(m, "femur", 0, NULL, NULL);
  snprintf(m->jnt_name[j], HL_NAME_MAX, "hip");
  int c = fx_coord(m, j, "hip_flexion", 1);
  fx_axis(m, j, 0, 0, 0, 1, c, -1);
  m->body_mass[1] = 8;
  m->body_com[3 * 1 + 1] = -0.2;
  m->body_inertia[9 * 1 + 0] = 0.1;
  m->body_inertia[9 * 1 + 4] = 0.02;
  m->body_inertia[9 * 1 + 8] = 0.1;
  int k = hl__model_add_muscle(m, "iliacus_r");
  ck_assert_int_ge(k, 0);
  m->mus_f0[k] = 1000;
  m->mus_path_adr[k] = m->npathpt;
  fx_point(m, 0, 0, 0.1, 0.05, 0);
  fx_point(m, 1, 0, 0.02, -0.15, 0);
  return m;
}

START_TEST(test_pendulum_reaction_by_hand) {
  hl_model *m = pendulum();
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_jr *jr = NULL;
  hl_jr_create(m, &jr, NULL);
  ck_assert_ptr_nonnull(d);
  ck_assert_ptr_nonnull(jr);
  double th = 0.3, w = 1.5;
  double q[1] = {th}, qd[1] = {w}, qdd0[1] = {0}, qdd[1];
  double T = 300; /* muscle tension, N */
  ck_assert_int_eq(hl_kin_update(m, d, q, qd, qdd0, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);

  /* by hand: femur point in ground = Rz(th)·(0.02, −0.15) */
  double c = cos(th), s = sin(th);
  double P[2] = {c * 0.02 + s * 0.15, s * 0.02 - c * 0.15};
  double G[2] = {0.1, 0.05};
  double u[2] = {G[0] - P[0], G[1] - P[1]}, L = hypot(u[0], u[1]);
  u[0] /= L, u[1] /= L;
  double Fm[2] = {T * u[0], T * u[1]};           /* muscle pull on the femur */
  double tau_m = P[0] * Fm[1] - P[1] * Fm[0];     /* its moment about the hip (z) */
  double C[2] = {s * 0.2, -c * 0.2};              /* COM in ground */
  double tau_g = C[0] * (8 * -9.81) - C[1] * 0;   /* gravity moment about z */
  double I = 0.1 + 8 * 0.04;                      /* about the hip: I_zz + m r² */
  double acc = (tau_m + tau_g) / I;

  double mus[1] = {T};
  ck_assert_int_eq(hl_jr_forward_accel(m, jr, d, NULL, mus, NULL, qdd, NULL), HL_OK);
  ck_assert_double_eq_tol(qdd[0], acc, 1e-9);
  /* d is left at the returned accelerations (those hl_jr_compute uses), not at qdd0's: the same
   * bits as an update at them */
  ck_assert(d->qdd[0] == qdd[0] && d->qdd[0] != qdd0[0]);
  double dw = d->body_dw[3 * 1 + 2], a1 = d->body_a[3 * 1];

  ck_assert_int_eq(hl_kin_update(m, d, q, qd, qdd, NULL), HL_OK);
  ck_assert(d->body_dw[3 * 1 + 2] == dw && d->body_a[3 * 1] == a1);
  hl_jr_result r;
  double contrib[6];
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, mus, NULL, 0, 0, 0, &r, contrib, NULL), HL_OK);
  /* COM acceleration: tangential α×r plus centripetal −ω² r */
  double ac[2] = {-acc * C[1] - w * w * C[0], acc * C[0] - w * w * C[1]};
  double Fi[2] = {8 * ac[0], 8 * (ac[1] + 9.81)}; /* m(a − g) */
  ck_assert_double_eq_tol(r.inter_f[0], Fi[0], 1e-9);
  ck_assert_double_eq_tol(r.inter_f[1], Fi[1], 1e-9);
  ck_assert_double_eq_tol(r.f[0], Fi[0] - Fm[0], 1e-9);
  ck_assert_double_eq_tol(r.f[1], Fi[1] - Fm[1], 1e-9);
  ck_assert_double_eq_tol(r.f[2], 0, 1e-12);
  /* a pin transmits no moment about its axis once the muscle is counted */
  ck_assert_double_eq_tol(r.m[2], 0, 1e-9);
  /* the muscle's contribution is minus its pull, and the parts add up */
  ck_assert_double_eq_tol(contrib[0], -Fm[0], 1e-12);
  ck_assert_double_eq_tol(contrib[1], -Fm[1], 1e-12);
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(r.inter_f[i] + r.muscle_f[i] + r.act_f[i], r.f[i], 1e-12);
  ck_assert_int_eq(hl_muscle_crosses(m, d, 0, 0), 1);

  /* expressed in the femur frame: rotate by −θ */
  hl_jr_result rf;
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, mus, NULL, 0, 0, 1, &rf, NULL, NULL), HL_OK);
  ck_assert_double_eq_tol(rf.f[0], c * r.f[0] + s * r.f[1], 1e-9);
  ck_assert_double_eq_tol(rf.f[1], -s * r.f[0] + c * r.f[1], 1e-9);
  /* on the parent (ground): equal and opposite */
  hl_jr_result rp;
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, mus, NULL, 0, 1, 0, &rp, NULL, NULL), HL_OK);
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(rp.f[i], -r.f[i], 1e-12);

  hl_jr_free(jr);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

START_TEST(test_external_force_enters_intersegmental) {
  /* A static frame with a 100 N upward force at the COM: the intersegmental force drops by it. */
  hl_model *m = pendulum();
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_jr *jr = NULL;
  hl_jr_create(m, &jr, NULL);
  double q[1] = {0}, z[1] = {0};
  ck_assert_int_eq(hl_kin_update(m, d, q, z, z, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  double ext[12] = {0};
  double f[3] = {0, 100, 0}, p[3] = {0, -0.2, 0};
  hl_invdyn_add_point_force(d, 1, f, p, NULL, ext);
  hl_jr_result r;
  double mus[1] = {0};
  ck_assert_int_eq(hl_jr_compute(m, jr, d, ext, mus, NULL, 0, 0, 0, &r, NULL, NULL), HL_OK);
  ck_assert_double_eq_tol(r.inter_f[1], 8 * 9.81 - 100, 1e-9);
  ck_assert_double_eq_tol(r.f[1], 8 * 9.81 - 100, 1e-9);
  /* the point is the joint centre, at the origin */
  ck_assert_double_eq_tol(r.p[0], 0, 1e-15);
  ck_assert_double_eq_tol(r.p[1], 0, 1e-15);
  hl_jr_free(jr);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST


/* A two-segment leg hanging from the ground in a static pose (q̇ = q̈ = 0), with a one-joint
 * muscle (ground → thigh) and a two-joint muscle (ground → shank). Hip: pin at the origin;
 * knee: pin at (0, −0.4, 0) of the thigh. Thigh 7 kg with COM (0, −0.2, 0); shank 3 kg with COM
 * (0, −0.2, 0) in its frame. Both angles 0, so every point is where its body frame puts it.
 *   hip reaction on the thigh  = (m1 + m2)·g·ŷ − T_A û_A − T_B û_B      (both muscles cross)
 *   knee reaction on the shank = m2·g·ŷ − T_B û_B                        (only B crosses)
 * with û the unit vector from the body's path point to the ground point. */
START_TEST(test_two_segment_leg_by_hand) {
  hl_model *m = fx_ground();
  m->gravity[1] = -9.81;
  int jh = fx_body(m, "thigh", 0, NULL, NULL);
  int ch = fx_coord(m, jh, "hip", 1);
  fx_axis(m, jh, 0, 0, 0, 1, ch, -1);
  double kp[3] = {0, -0.4, 0};
  int jk = fx_body(m, "shank", 1, kp, NULL);
  int ck = fx_coord(m, jk, "knee", 1);
  fx_axis(m, jk, 0, 0, 0, 1, ck, -1);
  m->body_mass[1] = 7;
  m->body_com[3 * 1 + 1] = -0.2;
  m->body_mass[2] = 3;
  m->body_com[3 * 2 + 1] = -0.2;
  for (int b = 1; b <= 2; b++) m->body_inertia[9 * b] = m->body_inertia[9 * b + 4] = m->body_inertia[9 * b + 8] = 0.05;
  int ka = hl__model_add_muscle(m, "glut_med1_r");
  m->mus_path_adr[ka] = m->npathpt;
  fx_point(m, 0, 0, -0.05, 0.1, 0);
  fx_point(m, 1, 0, -0.03, -0.1, 0);
  int kb = hl__model_add_muscle(m, "rect_fem_r");
  m->mus_path_adr[kb] = m->npathpt;
  fx_point(m, 0, 0, 0.04, 0.05, 0);
  fx_point(m, 2, 0, 0.05, -0.05, 0);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_jr *jr = NULL;
  hl_jr_create(m, &jr, NULL);
  double q[2] = {0, 0}, z[2] = {0, 0};
  ck_assert_int_eq(hl_kin_update(m, d, q, z, z, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  double T[2] = {400, 250};
  /* by hand: A from (−0.03, −0.1) on the thigh to (−0.05, 0.1) in ground;
   *          B from (0.05, −0.45) on the shank (knee at −0.4) to (0.04, 0.05) */
  double ua[2] = {-0.02, 0.2}, ub[2] = {-0.01, 0.5};
  double la = hypot(ua[0], ua[1]), lb = hypot(ub[0], ub[1]);
  double FA[2] = {T[0] * ua[0] / la, T[0] * ua[1] / la}, FB[2] = {T[1] * ub[0] / lb, T[1] * ub[1] / lb};
  hl_jr_result hip, knee;
  double con[12];
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, T, NULL, 0, 0, 0, &hip, con, NULL), HL_OK);
  ck_assert_double_eq_tol(hip.f[0], 0 - FA[0] - FB[0], 1e-9);
  ck_assert_double_eq_tol(hip.f[1], 10 * 9.81 - FA[1] - FB[1], 1e-9);
  ck_assert_double_eq_tol(hip.inter_f[1], 10 * 9.81, 1e-9);
  ck_assert_double_eq_tol(con[0], -FA[0], 1e-12);
  ck_assert_double_eq_tol(con[6 + 1], -FB[1], 1e-12);
  /* hip moment about z at the origin: gravity of both bodies has no arm (COMs on the y axis);
   * the muscles' moments r × F at their points: A at (−0.03, −0.1), B at (0.05, −0.45) */
  double mz = -((-0.03) * FA[1] - (-0.1) * FA[0]) - (0.05 * FB[1] - (-0.45) * FB[0]);
  ck_assert_double_eq_tol(hip.m[2], mz, 1e-9);
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, T, NULL, 1, 0, 0, &knee, con, NULL), HL_OK);
  ck_assert_double_eq_tol(knee.f[0], -FB[0], 1e-9);
  ck_assert_double_eq_tol(knee.f[1], 3 * 9.81 - FB[1], 1e-9);
  ck_assert_double_eq(con[0], 0); /* A does not cross the knee */
  ck_assert_double_eq_tol(knee.p[1], -0.4, 1e-15);
  ck_assert_int_eq(hl_muscle_crosses(m, d, ka, 1), 0);
  ck_assert_int_eq(hl_muscle_crosses(m, d, kb, 1), 1);
  hl_jr_free(jr);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

START_TEST(test_bad_arguments) {
  hl_model *m = pendulum();
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_jr *jr = NULL;
  hl_jr_create(m, &jr, NULL);
  hl_jr_result r;
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, NULL, NULL, 5, 0, 0, &r, NULL, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_jr_compute(m, jr, d, NULL, NULL, NULL, 0, 0, 7, &r, NULL, NULL), HL_ERR_INVALID_ARG);
  hl_error e;
  ck_assert_int_eq(hl_jr_forward_accel(m, jr, d, NULL, NULL, NULL, NULL, &e), HL_ERR_INVALID_ARG);
  hl_jr_free(NULL);
  hl_jr_free(jr);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("reaction");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_pendulum_reaction_by_hand);
  tcase_add_test(tc, test_external_force_enters_intersegmental);
  tcase_add_test(tc, test_two_segment_leg_by_hand);
  tcase_add_test(tc, test_bad_arguments);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
