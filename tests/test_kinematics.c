/* SPDX-License-Identifier: Apache-2.0 */
/* Kinematics: hand-computed poses, Jacobians and accelerations of small chains, finite-difference
 * checks of Jacobians and accelerations on a random 3-D chain and on real OpenSim models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/hipload.h"
#include "hipload/model.h"
#include "kin_fixture.h"
#include "testutil.h"

#define TOL 1e-12

static void ck_vec(const double *got, const double *want, int n, double tol, const char *what) {
  for (int i = 0; i < n; i++)
    ck_assert_msg(fabs(got[i] - want[i]) <= tol, "%s[%d]: got %.15g want %.15g (tol %g)", what, i,
                  got[i], want[i], tol);
}

/* Elementary rotations, written out (independent of the library's axis-angle code). */
static void rot_x(double a, double R[9]) {
  double c = cos(a), s = sin(a), t[9] = {1, 0, 0, 0, c, -s, 0, s, c};
  memcpy(R, t, sizeof t);
}
static void rot_y(double a, double R[9]) {
  double c = cos(a), s = sin(a), t[9] = {c, 0, s, 0, 1, 0, -s, 0, c};
  memcpy(R, t, sizeof t);
}
static void rot_z(double a, double R[9]) {
  double c = cos(a), s = sin(a), t[9] = {c, -s, 0, s, c, 0, 0, 0, 1};
  memcpy(R, t, sizeof t);
}
static void mul3(const double A[9], const double B[9], double C[9]) {
  double T[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      T[3 * i + j] = A[3 * i] * B[j] + A[3 * i + 1] * B[3 + j] + A[3 * i + 2] * B[6 + j];
  memcpy(C, T, sizeof T);
}

/* ------------------------------------------------------------------- single pendulum */

START_TEST(test_pendulum) {
  hl_model *m = fx_ground();
  double pp[3] = {0.1, 1.0, 0.0}, cp[3] = {0.0, 0.5, 0.0};
  int j = fx_body(m, "link", 0, pp, cp);
  int c = fx_coord(m, j, "theta", 1);
  fx_axis(m, j, 0, 0, 0, 1, c, -1); /* pin about z */
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  ck_assert_ptr_nonnull(d);
  double q = 0.3, qd = 2.0, qdd = -1.5, s = sin(q), co = cos(q);
  ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, &qdd, NULL), HL_OK);

  /* body origin: joint centre (0.1, 1) minus Rz(q)·(0, 0.5, 0) */
  double p[3] = {0.1 + 0.5 * s, 1.0 - 0.5 * co, 0.0};
  ck_vec(d->body_p + 3, p, 3, TOL, "p");
  double R[9] = {co, -s, 0, s, co, 0, 0, 0, 1};
  ck_vec(d->body_R + 9, R, 9, TOL, "R");
  double J[6] = {0, 0, 1, 0.5 * co, 0.5 * s, 0}; /* nq = 1: one column */
  ck_vec(d->body_J + 6, J, 6, TOL, "J");
  double w[3] = {0, 0, qd}, v[3] = {0.5 * co * qd, 0.5 * s * qd, 0};
  ck_vec(d->body_w + 3, w, 3, TOL, "w");
  ck_vec(d->body_v + 3, v, 3, TOL, "v");
  double dw[3] = {0, 0, qdd};
  double a[3] = {0.5 * (co * qdd - s * qd * qd), 0.5 * (s * qdd + co * qd * qd), 0};
  ck_vec(d->body_dw + 3, dw, 3, TOL, "dw");
  ck_vec(d->body_a + 3, a, 3, TOL, "a");

  /* the joint centre itself (local (0, 0.5, 0)) never moves */
  double out[3], J3[3], acc[3];
  hl_kin_point(m, d, 1, cp, out);
  ck_vec(out, pp, 3, TOL, "joint centre");
  hl_kin_point_jacobian(m, d, 1, cp, J3);
  double zero[3] = {0, 0, 0};
  ck_vec(J3, zero, 3, TOL, "joint centre J");
  hl_kin_point_acc(m, d, 1, cp, acc);
  ck_vec(acc, zero, 3, TOL, "joint centre acc");
  /* ground is at rest at the origin */
  double I[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  ck_vec(d->body_R, I, 9, 0.0, "R ground");
  ck_vec(d->body_p, zero, 3, 0.0, "p ground");

  /* without qd: positions and Jacobian only, velocities zero */
  ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL, NULL), HL_OK);
  ck_vec(d->body_p + 3, p, 3, TOL, "p (no qd)");
  ck_vec(d->body_J + 6, J, 6, TOL, "J (no qd)");
  ck_vec(d->body_v + 3, zero, 3, 0.0, "v (no qd)");
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------- two-link planar chain */

START_TEST(test_two_link) {
  const double L1 = 0.45, L2 = 0.4;
  hl_model *m = fx_ground();
  int j1 = fx_body(m, "thigh", 0, NULL, NULL);
  int c1 = fx_coord(m, j1, "hip", 1);
  fx_axis(m, j1, 0, 0, 0, 1, c1, -1);
  double pp2[3] = {0, -L1, 0};
  int j2 = fx_body(m, "shank", 1, pp2, NULL);
  int c2 = fx_coord(m, j2, "knee", 1);
  fx_axis(m, j2, 0, 0, 0, 1, c2, -1);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  ck_assert_ptr_nonnull(d);

  double q[2] = {0.4, -0.9}, qd[2] = {1.1, -0.7}, qdd[2] = {0.5, 2.0};
  ck_assert_int_eq(hl_kin_update(m, d, q, qd, qdd, NULL), HL_OK);
  double s1 = sin(q[0]), c1v = cos(q[0]), s12 = sin(q[0] + q[1]), c12 = cos(q[0] + q[1]);
  double w12 = qd[0] + qd[1], a12 = qdd[0] + qdd[1];

  double knee[3] = {L1 * s1, -L1 * c1v, 0};
  ck_vec(d->body_p + 6, knee, 3, TOL, "knee");
  /* ankle: local (0, -L2, 0) on the shank */
  double loc[3] = {0, -L2, 0}, ank[3], J3[6], acc[3];
  hl_kin_point(m, d, 2, loc, ank);
  double ank_w[3] = {L1 * s1 + L2 * s12, -L1 * c1v - L2 * c12, 0};
  ck_vec(ank, ank_w, 3, TOL, "ankle");
  hl_kin_point_jacobian(m, d, 2, loc, J3); /* 3 × 2 row-major */
  double J_w[6] = {L1 * c1v + L2 * c12, L2 * c12, L1 * s1 + L2 * s12, L2 * s12, 0, 0};
  ck_vec(J3, J_w, 6, TOL, "ankle J");
  hl_kin_point_acc(m, d, 2, loc, acc);
  double acc_w[3] = {L1 * (c1v * qdd[0] - s1 * qd[0] * qd[0]) + L2 * (c12 * a12 - s12 * w12 * w12),
                     L1 * (s1 * qdd[0] + c1v * qd[0] * qd[0]) + L2 * (s12 * a12 + c12 * w12 * w12),
                     0};
  ck_vec(acc, acc_w, 3, TOL, "ankle acc");
  /* shank angular velocity/acceleration, its Jacobian rows (ω_z row = [1 1]), thigh column only 1 */
  double wz[3] = {0, 0, w12}, dwz[3] = {0, 0, a12};
  ck_vec(d->body_w + 6, wz, 3, TOL, "w shank");
  ck_vec(d->body_dw + 6, dwz, 3, TOL, "dw shank");
  const double *Js = d->body_J + 2 * 6 * 2, *Jt = d->body_J + 1 * 6 * 2;
  ck_assert_double_eq_tol(Js[2 * 2 + 0], 1.0, TOL);
  ck_assert_double_eq_tol(Js[2 * 2 + 1], 1.0, TOL);
  ck_assert_double_eq(Jt[2 * 2 + 1], 0.0);
  /* the knee's velocity is J q̇ */
  double vk[3] = {L1 * c1v * qd[0], L1 * s1 * qd[0], 0};
  ck_vec(d->body_v + 6, vk, 3, TOL, "v knee");
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* --------------------------------------------------- rotation sequence and translations in F */

START_TEST(test_rotation_sequence_body_fixed) {
  hl_model *m = fx_ground();
  int j = fx_body(m, "b", 0, NULL, NULL);
  int c[6];
  const char *names[6] = {"rz", "rx", "ry", "tx", "ty", "tz"};
  for (int k = 0; k < 6; k++) c[k] = fx_coord(m, j, names[k], k < 3);
  /* rotation axes z, x, y; translation axes x, y, z (the fixture's defaults), all driven */
  fx_axis(m, j, 0, 0, 0, 2, c[0], -1); /* non-unit axis: normalised like Simbody */
  fx_axis(m, j, 1, 1, 0, 0, c[1], -1);
  fx_axis(m, j, 2, 0, 1, 0, c[2], -1);
  fx_axis(m, j, 3, 1, 0, 0, c[3], -1);
  fx_axis(m, j, 4, 0, 1, 0, c[4], -1);
  fx_axis(m, j, 5, 0, 0, 1, c[5], -1);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  double q[6] = {0.7, -0.4, 1.2, 0.05, -0.02, 0.3};
  ck_assert_int_eq(hl_kin_update(m, d, q, NULL, NULL, NULL), HL_OK);
  double Rz[9], Rx[9], Ry[9], R[9];
  rot_z(q[0], Rz);
  rot_x(q[1], Rx);
  rot_y(q[2], Ry);
  mul3(Rz, Rx, R);
  mul3(R, Ry, R); /* body-fixed z-x-y: later axes turn with the earlier rotations */
  ck_vec(d->body_R + 9, R, 9, TOL, "R_FM");
  ck_vec(d->body_p + 3, q + 3, 3, TOL, "p_FM (translations along F's axes)");
  /* Jacobian angular rows: z, Rz·x, Rz·Rx·y */
  const double *J = d->body_J + 6 * 6;
  double col1[3] = {J[1], J[6 + 1], J[12 + 1]}, want1[3] = {Rz[0], Rz[3], Rz[6]};
  ck_vec(col1, want1, 3, TOL, "rx axis");
  double RzRx[9];
  mul3(Rz, Rx, RzRx);
  double col2[3] = {J[2], J[6 + 2], J[12 + 2]}, want2[3] = {RzRx[1], RzRx[4], RzRx[7]};
  ck_vec(col2, want2, 3, TOL, "ry axis");
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* ----------------------------- a translation that is a function of a rotation (knee-like) */

START_TEST(test_function_translation_acc) {
  hl_model *m = fx_ground();
  int j = fx_body(m, "b", 0, NULL, NULL);
  int c = fx_coord(m, j, "knee", 1);
  double coef[3] = {0.1, 0.0, 0.0}; /* x(q) = 0.1 q² */
  int f = fx_poly(m, 3, coef);
  fx_axis(m, j, 0, 0, 0, 1, c, -1);
  fx_axis(m, j, 3, 1, 0, 0, c, f);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  double q = 0.8, qd = -1.3, qdd = 2.1, s = sin(q), co = cos(q);
  ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, &qdd, NULL), HL_OK);
  double loc[3] = {1, 0, 0}, p[3], a[3], J3[3];
  hl_kin_point(m, d, 1, loc, p);
  double p_w[3] = {0.1 * q * q + co, s, 0};
  ck_vec(p, p_w, 3, TOL, "p");
  hl_kin_point_jacobian(m, d, 1, loc, J3);
  double J_w[3] = {0.2 * q - s, co, 0};
  ck_vec(J3, J_w, 3, TOL, "J");
  hl_kin_point_acc(m, d, 1, loc, a);
  double a_w[3] = {0.2 * qd * qd + 0.2 * q * qdd - co * qd * qd - s * qdd, -s * qd * qd + co * qdd, 0};
  ck_vec(a, a_w, 3, TOL, "acc (needs f'' q̇²)");
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* -------------------------------------------------------- finite differences on any model */

/* Check, at state (q, qd, qdd): body Jacobians against central differences of poses, velocities
 * against J q̇, accelerations against central differences of velocities along
 * q(t) = q + qd t + qdd t²/2. Returns the largest error seen. */
static double fd_check(const hl_model *m, const double *q0, const double *qd0, const double *qdd0,
                       double tolJ, double tolA) {
  const int nq = m->ncoord, nb = m->nbody;
  hl_data *d = NULL, *dp = NULL, *dm = NULL;
  hl_kin_create(m, &d, NULL);
  hl_kin_create(m, &dp, NULL);
  hl_kin_create(m, &dm, NULL);
  ck_assert_ptr_nonnull(d);
  ck_assert_ptr_nonnull(dp);
  ck_assert_ptr_nonnull(dm);
  double *q = malloc(sizeof(double) * (size_t)nq), *qd = malloc(sizeof(double) * (size_t)nq);
  double worst = 0.0;
  ck_assert_int_eq(hl_kin_update(m, d, q0, qd0, qdd0, NULL), HL_OK);
  const double h = 1e-6;
  for (int c = 0; c < nq; c++) {
    memcpy(q, q0, sizeof(double) * (size_t)nq);
    q[c] = q0[c] + h;
    ck_assert_int_eq(hl_kin_update(m, dp, q, NULL, NULL, NULL), HL_OK);
    q[c] = q0[c] - h;
    ck_assert_int_eq(hl_kin_update(m, dm, q, NULL, NULL, NULL), HL_OK);
    for (int b = 1; b < nb; b++) {
      const double *J = d->body_J + (size_t)6 * nq * b, *R = d->body_R + 9 * b;
      const double *Rp = dp->body_R + 9 * b, *Rm = dm->body_R + 9 * b;
      double dR[9], W[9];
      for (int i = 0; i < 9; i++) dR[i] = (Rp[i] - Rm[i]) / (2 * h);
      for (int i = 0; i < 3; i++) /* W = dR · Rᵀ is the skew matrix of the angular column */
        for (int k = 0; k < 3; k++)
          W[3 * i + k] = dR[3 * i] * R[3 * k] + dR[3 * i + 1] * R[3 * k + 1] + dR[3 * i + 2] * R[3 * k + 2];
      double fd[6] = {W[7], W[2], W[3], 0, 0, 0};
      for (int r = 0; r < 3; r++) fd[3 + r] = (dp->body_p[3 * b + r] - dm->body_p[3 * b + r]) / (2 * h);
      for (int r = 0; r < 6; r++) {
        double e = fabs(J[r * nq + c] - fd[r]);
        if (e > worst) worst = e;
        ck_assert_msg(e <= tolJ, "body %s coord %s row %d: J %.12g fd %.12g", m->body_name[b],
                      m->coord_name[c], r, J[r * nq + c], fd[r]);
      }
    }
  }
  /* velocities = J q̇ */
  for (int b = 1; b < nb; b++) {
    const double *J = d->body_J + (size_t)6 * nq * b;
    for (int r = 0; r < 6; r++) {
      double s = 0;
      for (int c = 0; c < nq; c++) s += J[r * nq + c] * qd0[c];
      double got = r < 3 ? d->body_w[3 * b + r] : d->body_v[3 * b + r - 3];
      ck_assert_msg(fabs(got - s) <= 1e-10 * (1 + fabs(s)), "body %s velocity row %d: %.12g vs J q̇ %.12g",
                    m->body_name[b], r, got, s);
    }
  }
  /* accelerations: central difference of (ω, v) in time */
  const double ht = 1e-5;
  for (int sgn = -1; sgn <= 1; sgn += 2) {
    double t = sgn * ht;
    for (int c = 0; c < nq; c++) {
      q[c] = q0[c] + qd0[c] * t + 0.5 * qdd0[c] * t * t;
      qd[c] = qd0[c] + qdd0[c] * t;
    }
    ck_assert_int_eq(hl_kin_update(m, sgn > 0 ? dp : dm, q, qd, qdd0, NULL), HL_OK);
  }
  for (int b = 1; b < nb; b++)
    for (int r = 0; r < 3; r++) {
      double fdw = (dp->body_w[3 * b + r] - dm->body_w[3 * b + r]) / (2 * ht);
      double fdv = (dp->body_v[3 * b + r] - dm->body_v[3 * b + r]) / (2 * ht);
      double ew = fabs(d->body_dw[3 * b + r] - fdw), ev = fabs(d->body_a[3 * b + r] - fdv);
      ck_assert_msg(ew <= tolA * (1 + fabs(fdw)), "body %s dw[%d] %.12g fd %.12g", m->body_name[b], r,
                    d->body_dw[3 * b + r], fdw);
      ck_assert_msg(ev <= tolA * (1 + fabs(fdv)), "body %s a[%d] %.12g fd %.12g", m->body_name[b], r,
                    d->body_a[3 * b + r], fdv);
    }
  free(q);
  free(qd);
  hl_kin_free(d);
  hl_kin_free(dp);
  hl_kin_free(dm);
  return worst;
}

static void random_unit(unsigned long long *s, double v[3]) {
  double n;
  do {
    for (int i = 0; i < 3; i++) v[i] = fx_rand(s, -1, 1);
    n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  } while (n < 0.2);
}

START_TEST(test_fd_random_chain) {
  unsigned long long seed = 0x9E3779B97F4A7C15ull;
  hl_model *m = fx_ground();
  double c2[3] = {0.3, -0.2, 0.5}, c3[3] = {0.04, 0.02, -0.01};
  int f2 = fx_poly(m, 3, c2), f3 = fx_poly(m, 3, c3);
  int parent[5] = {0, 1, 2, 2, 4};
  int nc = 0;
  for (int b = 1; b <= 5; b++) {
    double pp[3], cp[3];
    for (int i = 0; i < 3; i++) {
      pp[i] = fx_rand(&seed, -0.3, 0.3);
      cp[i] = fx_rand(&seed, -0.3, 0.3);
    }
    char name[16];
    snprintf(name, sizeof name, "b%d", b);
    int j = fx_body(m, name, parent[b - 1], pp, cp);
    /* rotated joint frames on both sides */
    double A[9], B[9];
    rot_z(fx_rand(&seed, -1, 1), A);
    rot_x(fx_rand(&seed, -1, 1), B);
    mul3(A, B, m->jnt_parent_R + 9 * j);
    rot_y(fx_rand(&seed, -1, 1), A);
    mul3(B, A, m->jnt_child_R + 9 * j);
    int ca = fx_coord(m, j, "a", 1), cb = fx_coord(m, j, "b", 1);
    nc += 2;
    double v[3];
    random_unit(&seed, v);
    fx_axis(m, j, 0, v[0], v[1], v[2], ca, -1);
    random_unit(&seed, v);
    fx_axis(m, j, 1, v[0], v[1], v[2], cb, f2); /* nonlinear in cb */
    random_unit(&seed, v);
    fx_axis(m, j, 2, v[0], v[1], v[2], -1, -1);
    random_unit(&seed, v);
    fx_axis(m, j, 3, v[0], v[1], v[2], ca, f3); /* translation coupled to the rotation */
    random_unit(&seed, v);
    /* body 4 follows a coordinate of its ancestor joint 1, body 5 one of its non-ancestor sibling b3 */
    fx_axis(m, j, 4, v[0], v[1], v[2], b == 4 ? 0 : (b == 5 ? 4 : cb), f3);
  }
  ck_assert_int_eq(m->ncoord, nc);
  double q[10], qd[10], qdd[10];
  for (int trial = 0; trial < 5; trial++) {
    for (int c = 0; c < nc; c++) {
      q[c] = fx_rand(&seed, -1.5, 1.5);
      qd[c] = fx_rand(&seed, -3, 3);
      qdd[c] = fx_rand(&seed, -10, 10);
    }
    fd_check(m, q, qd, qdd, 1e-8, 1e-6);
  }
  hl_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------------------ bad input */

START_TEST(test_bad_input) {
  hl_model *m = fx_ground();
  int j = fx_body(m, "link", 0, NULL, NULL);
  int c = fx_coord(m, j, "theta", 1);
  fx_axis(m, j, 0, 0, 0, 1, c, -1);
  hl_data *none = NULL;
  ck_assert_int_eq(hl_kin_create(NULL, &none, NULL), HL_ERR_INVALID_ARG);
  ck_assert_ptr_null(none);
  hl_kin_free(NULL); /* no-op */
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  double q = 0.1, nan = NAN;
  ck_assert_int_eq(hl_kin_update(NULL, d, &q, NULL, NULL, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_kin_update(m, NULL, &q, NULL, NULL, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_kin_update(m, d, NULL, NULL, NULL, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_kin_update(m, d, &nan, NULL, NULL, NULL), HL_ERR_BAD_VALUE);
  ck_assert_int_eq(hl_kin_update(m, d, &q, &nan, NULL, NULL), HL_ERR_BAD_VALUE);
  /* an hl_data the library did not make is refused, not read past its end; a copy of the
   * public struct of one it made still works */
  hl_data fake;
  memset(&fake, 0, sizeof fake);
  ck_assert_int_eq(hl_kin_update(m, &fake, &q, NULL, NULL, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_muscle_update(m, &fake, 0, NULL), HL_ERR_INVALID_ARG);
  hl_kin_free(&fake); /* not ours: left alone */
  hl_data copy = *d;
  ck_assert_int_eq(hl_kin_update(m, &copy, &q, NULL, NULL, NULL), HL_OK);

  /* a workspace made for another model is refused */
  hl_model *m2 = fx_ground();
  int j2 = fx_body(m2, "a", 0, NULL, NULL);
  fx_coord(m2, j2, "x", 0);
  fx_coord(m2, j2, "y", 0);
  double q2[2] = {0, 0};
  ck_assert_int_eq(hl_kin_update(m2, d, q2, NULL, NULL, NULL), HL_ERR_INVALID_ARG);

  /* an axis of two coordinates cannot be a 1-argument function */
  m->tax_ncoord[0] = 2;
  m->tax_coord[1] = 0;
  ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL, NULL), HL_ERR_UNSUPPORTED);
  m->tax_ncoord[0] = 1;

  /* a body listed before its parent cannot be done in one pass */
  m->body_parent[1] = 1;
  ck_assert_int_eq(hl_kin_create(m, &none, NULL), HL_ERR_INVALID_ARG);
  m->body_parent[1] = 0;
  hl_kin_free(d);
  hl_model_free(m);
  hl_model_free(m2);
}
END_TEST

/* ---------------------------------------------------------- real models (needs the data) */

static void fd_real_model(const char *rel) {
  hl_model *m = fx_load(rel);
  const int nq = m->ncoord;
  double *q = malloc(sizeof(double) * (size_t)nq * 3), *qd = q + nq, *qdd = q + 2 * nq;
  unsigned long long seed = 0xD1B54A32D192ED03ull;
  double worst = 0.0;
  for (int pose = 0; pose < 10; pose++) {
    for (int c = 0; c < nq; c++) {
      q[c] = fx_rand(&seed, m->coord_range[2 * c], m->coord_range[2 * c + 1]);
      qd[c] = fx_rand(&seed, -5, 5);
      qdd[c] = fx_rand(&seed, -50, 50);
    }
    double e = fd_check(m, q, qd, qdd, 1e-7, 1e-5);
    if (e > worst) worst = e;
  }
  printf("%s: body Jacobians vs central differences, 10 poses: max |error| %.3g\n", rel, worst);
  free(q);
  hl_model_free(m);
}

START_TEST(test_fd_gait2392) {
  if (!tu_require_data()) return;
  fd_real_model("walk-jr/subject01_simbody_adjusted_StaticOp.osim");
}
END_TEST

START_TEST(test_fd_hamner) {
  if (!tu_require_data()) return;
  fd_real_model("run-hamner2010/reference/subject02_RRA_Adjusted.osim");
}
END_TEST

int main(void) {
  Suite *s = suite_create("kinematics");
  TCase *tc = tcase_create("analytic");
  tcase_add_test(tc, test_pendulum);
  tcase_add_test(tc, test_two_link);
  tcase_add_test(tc, test_rotation_sequence_body_fixed);
  tcase_add_test(tc, test_function_translation_acc);
  tcase_add_test(tc, test_fd_random_chain);
  tcase_add_test(tc, test_bad_input);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("models");
  tcase_set_timeout(tr, 600);
  tcase_add_test(tr, test_fd_gait2392);
  tcase_add_test(tr, test_fd_hamner);
  suite_add_tcase(s, tr);
  return tu_run(s);
}
