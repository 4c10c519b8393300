/* SPDX-License-Identifier: Apache-2.0 */
/* Induced contributions (include/hipload/induced.h): the identities that must hold on every frame
 * of run-4ms and run-hamner2010's right stances (parts add up to the JointReaction output, each
 * contributor's constraint rows hold, Newton on the whole body, superposition, the influence-matrix
 * route equals the joint-reaction pass), and hand-derived closed forms on small fixtures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/extloads.h"
#include "hipload/induced.h"
#include "hipload/invdyn.h"
#include "hipload/motion.h"
#include "hipload/force.h"
#include "hipload/jr.h"
#include "hipload/kin.h"
#include "hipload/muscle.h"
#include "hipload/so.h"
#include "induced_internal.h"
#include "kin_fixture.h"
#include "kin_internal.h"
#include "testutil.h"

/* ------------------------------------------------------------------ a real stance */

typedef struct stance {
  hl_model *m;
  hl_motion *mo;
  hl_extloads *x;
  hl_invdyn_extmap *map;
  hl_data *d;
  hl_invdyn *id;
  hl_so *so;
  hl_jr *jr;
  hl_induced *ind;
  hl_induced_joint jt[3];
  double *ext, *tau, *ctrl, *frc, *qdd;
  hl_induced_foot feet[HL_INDUCED_MAX_FEET];
  int nfoot;
  hl_jr_result total[3];
  void (*edit)(struct stance *); /* may change the feet before the induced call */
} stance;

static void stance_open(stance *S, const char *model, const char *forces, const char *coords,
                        const char *loads, double t0, double t1, int step) {
  char p[1024];
  hl_error err;
  memset(S, 0, sizeof *S);
  S->m = fx_load(model);
  ck_assert_int_eq(hl_model_add_force_set(S->m, tu_data(p, sizeof p, forces), 0, &err), HL_OK);
  hl_table *q = tu_read(tu_data(p, sizeof p, coords));
  ck_assert_int_eq(hl_extloads_load(tu_data(p, sizeof p, loads), NULL, &S->x, &err), HL_OK);
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = t0;
  ms.t1 = t1;
  ms.step_interval = step;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  ck_assert_int_eq(hl_motion_create(S->m, q, &ms, &S->mo, &err), HL_OK);
  hl_table_free(q);
  ck_assert_int_eq(hl_invdyn_extmap_create(S->m, S->x, &S->map, &err), HL_OK);
  int nq = S->m->ncoord, n = S->m->nmuscle + S->m->nactuator;
  ck_assert_int_eq(hl_kin_create(S->m, &S->d, NULL), HL_OK);
  ck_assert_int_eq(hl_invdyn_create(S->m, &S->id, NULL), HL_OK);
  ck_assert_int_eq(hl_so_create(S->m, NULL, &S->so, NULL), HL_OK);
  ck_assert_int_eq(hl_jr_create(S->m, &S->jr, NULL), HL_OK);
  S->ext = calloc(6 * (size_t)S->m->nbody, sizeof(double));
  S->tau = calloc((size_t)nq, sizeof(double));
  S->qdd = calloc((size_t)nq, sizeof(double));
  S->ctrl = calloc((size_t)n, sizeof(double));
  S->frc = calloc((size_t)n, sizeof(double));
  const char *jn[3] = {"hip_r", "knee_r", "ankle_r"};
  for (int j = 0; j < 3; j++) {
    S->jt[j].joint = hl_model_joint(S->m, jn[j]);
    ck_assert_int_ge(S->jt[j].joint, 0);
    S->jt[j].on_parent = 0;
    S->jt[j].frame = S->m->jnt_child[S->jt[j].joint];
  }
  ck_assert_int_eq(hl_induced_create(S->m, NULL, S->jt, 3, &S->ind, NULL), HL_OK);
}

static void stance_close(stance *S) {
  hl_induced_free(S->ind);
  hl_jr_free(S->jr);
  hl_so_free(S->so);
  hl_invdyn_free(S->id);
  hl_kin_free(S->d);
  free(S->ext);
  free(S->tau);
  free(S->qdd);
  free(S->ctrl);
  free(S->frc);
  hl_invdyn_extmap_free(S->map);
  hl_extloads_free(S->x);
  hl_motion_free(S->mo);
  hl_model_free(S->m);
}

/* The JointReaction pipeline on frame f (kinematics, ID, SO, forward accelerations, reaction at
 * hip/knee/ankle), then the induced contributions with the total. */
static void stance_frame(stance *S, int f, hl_induced_result *res) {
  const hl_model *m = S->m;
  int nq = m->ncoord, nm = m->nmuscle;
  const double *q = S->mo->q + (size_t)f * nq, *qd = S->mo->qd + (size_t)f * nq;
  double tm = S->mo->t[f];
  hl_error err;
  hl_so_info info;
  ck_assert_int_eq(hl_kin_update(m, S->d, q, qd, S->mo->qdd + (size_t)f * nq, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, S->d, 0, &err), HL_OK);
  hl_invdyn_ext_wrenches(m, S->d, S->x, S->map, tm, S->ext);
  ck_assert_int_eq(hl_invdyn_frame(m, S->id, S->d, S->ext, S->tau, NULL, NULL, &err), HL_OK);
  ck_assert_int_eq(hl_so_solve(m, S->so, S->d, S->tau, S->ctrl, S->frc, &info, NULL), HL_OK);
  ck_assert_int_eq(hl_jr_forward_accel(m, S->jr, S->d, S->ext, S->frc, S->frc + nm, S->qdd, &err), HL_OK);
  ck_assert_int_eq(hl_kin_update(m, S->d, q, qd, S->qdd, NULL), HL_OK);
  for (int j = 0; j < 3; j++)
    ck_assert_int_eq(hl_jr_compute(m, S->jr, S->d, S->ext, S->frc, S->frc + nm, S->jt[j].joint, 0,
                                   S->jt[j].frame, &S->total[j], NULL, NULL),
                     HL_OK);
  S->nfoot = hl_induced_feet(m, S->d, S->x, S->map, tm, S->feet, HL_INDUCED_MAX_FEET);
  if (S->edit) S->edit(S);
  hl_induced_input in = {S->frc, S->frc + nm, S->feet, S->nfoot, 1, S->ext};
  hl_error e2;
  hl_status st = hl_induced_frame(m, S->ind, S->d, &in, res, &e2);
  ck_assert_msg(st == HL_OK, "t = %g: %s", tm, e2.message);
}

/* Station acceleration (ground) of point p (ground) on body b for body accelerations dw, a and
 * angular velocity om (NULL: at rest). */
static void station_acc(const hl_data *d, int b, const double p[3], const double *dw, const double *a,
                        const double *om, double out[3]) {
  const double *pb = d->body_p + 3 * b, *al = dw + 3 * b;
  double r[3] = {p[0] - pb[0], p[1] - pb[1], p[2] - pb[2]};
  out[0] = a[3 * b] + al[1] * r[2] - al[2] * r[1];
  out[1] = a[3 * b + 1] + al[2] * r[0] - al[0] * r[2];
  out[2] = a[3 * b + 2] + al[0] * r[1] - al[1] * r[0];
  if (om) {
    const double *w = om + 3 * b;
    double u[3] = {w[1] * r[2] - w[2] * r[1], w[2] * r[0] - w[0] * r[2], w[0] * r[1] - w[1] * r[0]};
    out[0] += w[1] * u[2] - w[2] * u[1];
    out[1] += w[2] * u[0] - w[0] * u[2];
    out[2] += w[0] * u[1] - w[1] * u[0];
  }
}

/* Body accelerations J x (+ the velocity terms) of coordinate accelerations x (nq). */
static void body_accs(const hl_model *m, const hl_data *d, const double *x, int velocity, double *dw,
                      double *a) {
  const hl__kin_data *kd = hl__kin_c(d);
  int nq = m->ncoord;
  for (int b = 0; b < m->nbody; b++)
    for (int i = 0; i < 3; i++) {
      dw[3 * b + i] = velocity && b ? kd->body_dw0[3 * b + i] : 0;
      a[3 * b + i] = velocity && b ? kd->body_a0[3 * b + i] : 0;
    }
  for (int b = 1; b < m->nbody; b++) {
    const double *J = d->body_J + (size_t)6 * nq * b;
    for (int c = 0; c < nq; c++)
      for (int i = 0; i < 3; i++) {
        dw[3 * b + i] += J[i * nq + c] * x[c];
        a[3 * b + i] += J[(3 + i) * nq + c] * x[c];
      }
  }
}

typedef struct worst {
  double closure, rows, newton, qdd_sum, grf_sum, route, one_lam, one_qdd;
} worst;

/* Every identity on one frame; the largest errors go into W (closure and route relative to the
 * joint's peak are taken by the caller: here absolute N). */
static void frame_identities(stance *S, const hl_induced_result *r, worst *W) {
  const hl_model *m = S->m;
  const hl_data *d = S->d;
  hl_induced *w = S->ind;
  int K = r->ncontrib, nq = m->ncoord;
  double *x = calloc((size_t)nq, sizeof(double)), *sx = calloc((size_t)nq, sizeof(double));
  double *dw = calloc(3 * (size_t)m->nbody, sizeof(double)), *a = calloc(3 * (size_t)m->nbody, sizeof(double));
  /* closure: the parts add up to the JointReaction output */
  for (int j = 0; j < 3; j++)
    for (int i = 0; i < 6; i++) {
      double s = 0;
      for (int k = 0; k < K; k++) s += r->jr[(size_t)k * 18 + 6 * j + i];
      double ref = i < 3 ? S->total[j].f[i] : S->total[j].m[i - 3];
      if (fabs(s - ref) > 1e-3 && getenv("IND_DEBUG")) printf("t=%g j=%d i=%d sum %g ref %g nrow %d\n", d->q[0], j, i, s, ref, r->nrow);
      W->closure = fmax(W->closure, fabs(s - ref));
      ck_assert_double_eq_tol(r->jr_total[6 * j + i], ref, 1e-9 * (1 + fabs(ref)));
    }
  double grf[3] = {0, 0, 0};
  for (int k = 0; k < K; k++) {
    int idx;
    hl_induced_kind kind = hl_induced_kind_of(w, k, &idx);
    ck_assert_int_eq(hl_induced_qdd(m, w, d, k, x, NULL), HL_OK);
    for (int c = 0; c < nq; c++) sx[c] += x[c];
    int vel = kind == HL_IC_VELOCITY;
    body_accs(m, d, x, vel, dw, a);
    /* constraint rows: the contact point's acceleration is zero (velocity: with its velocity
     * terms; mismatch: equals the total's) */
    for (int f = 0; f < S->nfoot; f++) {
      if (!(r->foot_flags[f] & HL_FOOT_CONTACT)) continue;
      double acc[3], ref[3] = {0, 0, 0};
      station_acc(d, S->feet[f].body, S->feet[f].point, dw, a, vel ? d->body_w : NULL, acc);
      if (kind == HL_IC_MISMATCH)
        station_acc(d, S->feet[f].body, S->feet[f].point, d->body_dw, d->body_a, d->body_w, ref);
      for (int i = 0; i < 3; i++) W->rows = fmax(W->rows, fabs(acc[i] - ref[i]));
      grf[0] += r->grf[(size_t)k * 6 * HL_INDUCED_MAX_FEET + 6 * f];
      grf[1] += r->grf[(size_t)k * 6 * HL_INDUCED_MAX_FEET + 6 * f + 1];
      grf[2] += r->grf[(size_t)k * 6 * HL_INDUCED_MAX_FEET + 6 * f + 2];
    }
    /* Newton: m a_COM = induced ground force + the contributor's own external force */
    double F[3] = {0, 0, 0};
    for (int f = 0; f < S->nfoot; f++)
      for (int i = 0; i < 3; i++) F[i] += r->grf[(size_t)k * 6 * HL_INDUCED_MAX_FEET + 6 * f + i];
    int external_unknown = 0;
    if (kind == HL_IC_GRAVITY)
      for (int i = 0; i < 3; i++) F[i] += w->mass * m->gravity[i];
    if (kind == HL_IC_UNMODELLED)
      for (int b = 1; b < m->nbody; b++)
        for (int i = 0; i < 3; i++) F[i] += w->ext_rep[6 * b + i];
    if (kind == HL_IC_ACTUATOR && m->act_type[idx] == HL_ACT_POINT) {
      double pg[3], dir[3];
      hl_force_actuator_line(m, d, idx, pg, dir);
      for (int i = 0; i < 3; i++) F[i] += S->frc[m->nmuscle + idx] * dir[i];
    }
    if (kind == HL_IC_RESIDUAL) external_unknown = 1;
    if (kind == HL_IC_ACTUATOR && m->act_type[idx] == HL_ACT_COORDINATE &&
        m->jnt_parent[m->coord_joint[m->act_coord[idx]]] == 0)
      external_unknown = 1; /* a mobility force of the root joint acts from the ground */
    if (!external_unknown)
      for (int i = 0; i < 3; i++) W->newton = fmax(W->newton, fabs(w->mass * r->com_acc[3 * k + i] - F[i]));
  }
  /* superposition: the parts' accelerations add up to the total's, their ground forces to the
   * measured one (all of it representable under the rolling model) */
  for (int c = 0; c < nq; c++) W->qdd_sum = fmax(W->qdd_sum, fabs(sx[c] - d->qdd[c]));
  for (int f = 0; f < S->nfoot; f++) {
    if (!(r->foot_flags[f] & HL_FOOT_CONTACT)) continue;
    for (int i = 0; i < 3; i++) grf[i] -= S->feet[f].force[i];
  }
  for (int i = 0; i < 3; i++) W->grf_sum = fmax(W->grf_sum, fabs(grf[i]));
  free(x);
  free(sx);
  free(dw);
  free(a);
}

/* The influence-matrix route equals the joint-reaction pass run on the muscle's own solve: for
 * every muscle, pass(J ẍ_k, its contact loads, its tension) = jr[k]. */
static void route_check(stance *S, const hl_induced_result *r, worst *W) {
  const hl_model *m = S->m;
  const hl_data *d = S->d;
  int nq = m->ncoord, nm = m->nmuscle;
  double *x = calloc((size_t)nq, sizeof(double)), *mf = calloc((size_t)nm, sizeof(double));
  double *dw = calloc(3 * (size_t)m->nbody, sizeof(double)), *a = calloc(3 * (size_t)m->nbody, sizeof(double));
  double *ext = calloc(6 * (size_t)m->nbody, sizeof(double));
  char *in_sub = calloc((size_t)m->nbody, 1);
  for (int k = 0; k < nm; k++) {
    ck_assert_int_eq(hl_induced_qdd(m, S->ind, d, k, x, NULL), HL_OK);
    body_accs(m, d, x, 0, dw, a);
    memset(ext, 0, 6 * sizeof(double) * (size_t)m->nbody);
    for (int f = 0; f < S->nfoot; f++) {
      if (!(r->foot_flags[f] & HL_FOOT_CONTACT)) continue;
      const double *g = r->grf + (size_t)k * 6 * HL_INDUCED_MAX_FEET + 6 * f;
      hl_invdyn_add_point_force(d, S->feet[f].body, g, S->feet[f].point, g + 3, ext);
    }
    memset(mf, 0, sizeof(double) * (size_t)nm);
    mf[k] = S->frc[k];
    hl__jr_loads L = {dw, a, NULL, 0, ext, mf, NULL};
    for (int j = 0; j < 3; j++) {
      hl__jr_site s;
      double in[6], mu[6], ac[6], F[3], M[3];
      hl__jr_site_set(m, d, S->jt[j].joint, 0, S->jt[j].frame, in_sub, &s);
      hl__jr_pass(m, d, &s, &L, in, mu, ac, NULL, NULL);
      for (int i = 0; i < 3; i++) {
        F[i] = in[i] + mu[i] + ac[i];
        M[i] = in[3 + i] + mu[3 + i] + ac[3 + i];
      }
      hl__jr_express(d, &s, F, M, F, M);
      for (int i = 0; i < 3; i++) {
        W->route = fmax(W->route, fabs(F[i] - r->jr[(size_t)k * 18 + 6 * j + i]));
        W->route = fmax(W->route, fabs(M[i] - r->jr[(size_t)k * 18 + 6 * j + 3 + i]));
      }
    }
  }
  free(x);
  free(mf);
  free(dw);
  free(a);
  free(ext);
  free(in_sub);
}


/* Superposition: one solve with every real force at once (muscles, actuators, gravity, velocity,
 * CoordinateLimitForces) equals the sum of their separate solves, in contact forces and in
 * accelerations. */
static void one_solve(stance *S, const hl_induced_result *r, worst *W) {
  const hl_model *m = S->m;
  hl_induced *w = S->ind;
  int nq = m->ncoord, nf = w->nf, nm = m->nmuscle;
  double lam[HL__IND_MAXROW], *x = calloc((size_t)nq, sizeof(double)), *sx = calloc((size_t)nq, sizeof(double));
  double *xk = calloc((size_t)nq, sizeof(double));
  hl_induced_input in = {S->frc, S->frc + nm, S->feet, S->nfoot, 1, S->ext};
  hl__ind_total(w, m, S->d, &in, lam, x);
  for (int row = 0; row < r->nrow; row++) {
    double sum = 0;
    for (int k = 0; k < r->ncontrib; k++) {
      hl_induced_kind kind = hl_induced_kind_of(w, k, NULL);
      if (kind <= HL_IC_PASSIVE) sum += w->lam[(size_t)k * HL__IND_MAXROW + row];
    }
    W->one_lam = fmax(W->one_lam, fabs(sum - lam[row]));
  }
  for (int k = 0; k < r->ncontrib; k++) {
    if (hl_induced_kind_of(w, k, NULL) > HL_IC_PASSIVE) continue;
    ck_assert_int_eq(hl_induced_qdd(m, w, S->d, k, xk, NULL), HL_OK);
    for (int c = 0; c < nq; c++) sx[c] += xk[c];
  }
  for (int f = 0; f < nf; f++) W->one_qdd = fmax(W->one_qdd, fabs(sx[w->free_idx[f]] - x[f]));
  free(x);
  free(sx);
  free(xk);
}

/* The dense path (models whose coordinates drive several joints) gives the tree path's answers. */
static void dense_check(stance *S, int f, const hl_induced_result *r) {
  size_t n = (size_t)r->ncontrib * 18;
  double *keep = malloc(sizeof(double) * n);
  memcpy(keep, r->jr, sizeof(double) * n);
  hl_induced_result r2;
  S->ind->tree = 0;
  stance_frame(S, f, &r2);
  S->ind->tree = 1;
  double e = 0, peak = 0;
  for (size_t i = 0; i < n; i++) {
    e = fmax(e, fabs(keep[i] - r2.jr[i]));
    peak = fmax(peak, fabs(keep[i]));
  }
  ck_assert_double_le(e, 1e-9 * peak);
  free(keep);
  stance_frame(S, f, &r2); /* back to the tree path's results for the caller */
}

static void identities(const char *label, const char *model, const char *forces, const char *coords,
                       const char *loads, double t0, double t1, int double_support) {
  if (!tu_require_data()) return;
  stance S;
  stance_open(&S, model, forces, coords, loads, t0, t1, 1);
  worst W = {0, 0, 0, 0, 0, 0, 0, 0};
  double peak = 0;
  int nf = S.mo->nframe, contact = 0, two = 0;
  for (int f = 0; f < nf; f++) {
    hl_induced_result r;
    stance_frame(&S, f, &r);
    for (int j = 0; j < 3; j++) peak = fmax(peak, sqrt(S.total[j].f[0] * S.total[j].f[0] + S.total[j].f[1] * S.total[j].f[1] +
                                                       S.total[j].f[2] * S.total[j].f[2]));
    frame_identities(&S, &r, &W);
    if (f % 10 == 0) route_check(&S, &r, &W);
    one_solve(&S, &r, &W);
    if (f % 40 == 0) dense_check(&S, f, &r);
    contact += r.nrow > 0;
    two += r.nrow == 8;
    ck_assert_int_eq(r.rank_deficient, 0);
  }
  printf("%s: %d frames (%d with contact, %d in double support), peak reaction %.0f N: closure %.2e N, rows %.2e m/s^2, "
         "Newton %.2e N, sum qdd %.2e, sum GRF %.2e N, H route vs pass %.2e N, one solve vs sum %.2e N %.2e\n",
         label, nf, contact, two, peak, W.closure, W.rows, W.newton, W.qdd_sum, W.grf_sum, W.route, W.one_lam,
         W.one_qdd);
  /* bounds: the 1e-6 of the peak (closure) and 1e-6 N (Newton); measured ~1e-11 */
  ck_assert_double_le(W.closure, 1e-6 * peak);
  ck_assert_double_le(W.newton, 1e-6);
  ck_assert_double_le(W.rows, 1e-8);
  ck_assert_double_le(W.qdd_sum, 1e-8);
  ck_assert_double_le(W.grf_sum, 1e-6);
  ck_assert_double_le(W.route, 1e-6 * peak);
  ck_assert_double_le(W.one_lam, 1e-6);
  ck_assert_double_le(W.one_qdd, 1e-8);
  ck_assert_int_gt(contact, nf / 2);
  ck_assert_int_eq(two > 0, double_support);
  stance_close(&S);
}

START_TEST(test_identities_run4ms) {
  identities("run-4ms", "run-4ms/runningModel_CMC_test.osim", "run-4ms/runningModel_CMC_Actuators.xml",
             "run-4ms/runningModel_Kinematics_q.sto", "run-4ms/runningModel_GRF.xml", 0.868, 1.105, 0);
}
END_TEST

START_TEST(test_identities_hamner) {
  identities("run-hamner2010", "run-hamner2010/reference/subject02_RRA_Adjusted.osim",
             "run-hamner2010/Actuators_CMC.xml", "run-hamner2010/reference/rra_run_1_Kinematics_q.sto",
             "run-hamner2010/subject02_grf_HiFreq.xml", 1.105, 1.347, 0);
}
END_TEST



/* ------------------------------------------------------------------ bad input */

static void far_cop(stance *S) { S->feet[0].point[0] += 1.0; }
static void nan_force(stance *S) { S->feet[0].force[1] = NAN; }
static void weak(stance *S) {
  for (int i = 0; i < 3; i++) S->feet[0].force[i] *= 10.0 / sqrt(S->feet[0].force[0] * S->feet[0].force[0] +
                                                                  S->feet[0].force[1] * S->feet[0].force[1] +
                                                                  S->feet[0].force[2] * S->feet[0].force[2]);
}
static void twice(stance *S) { /* the right foot constrained twice, each carrying half */
  S->feet[S->nfoot] = S->feet[0];
  for (int i = 0; i < 3; i++) {
    S->feet[0].force[i] *= 0.5;
    S->feet[0].torque[i] *= 0.5;
    S->feet[S->nfoot].force[i] *= 0.5;
    S->feet[S->nfoot].torque[i] *= 0.5;
  }
  S->nfoot++;
}
static void flight(stance *S) { S->nfoot = 0; }

/* Flags, finite numbers and the parts still adding up to the JointReaction output. */
static void bad_case(stance *S, void (*edit)(stance *), int flag, int rank_deficient, const char *what) {
  hl_induced_result r;
  worst W = {0, 0, 0, 0, 0, 0, 0, 0};
  S->edit = edit;
  stance_frame(S, 40, &r);
  S->edit = NULL;
  if (flag) ck_assert_msg(r.foot_flags[0] & flag, "%s: flags %d", what, r.foot_flags[0]);
  ck_assert_int_eq(r.rank_deficient, rank_deficient);
  for (int k = 0; k < r.ncontrib; k++)
    for (int i = 0; i < 18; i++) ck_assert(isfinite(r.jr[(size_t)k * 18 + i]));
  frame_identities(S, &r, &W);
  printf("bad input, %s: flags %d, rows %d (rank %d), closure %.2e N\n", what, r.foot_flags[0], r.nrow, r.rank,
         W.closure);
  ck_assert_double_le(W.closure, 1e-6 * 8000);
}

START_TEST(test_bad_input) {
  if (!tu_require_data()) return;
  stance S;
  stance_open(&S, "run-4ms/runningModel_CMC_test.osim", "run-4ms/runningModel_CMC_Actuators.xml",
              "run-4ms/runningModel_Kinematics_q.sto", "run-4ms/runningModel_GRF.xml", 0.868, 1.105, 1);
  bad_case(&S, far_cop, HL_FOOT_COP_FAR, 0, "COP 1 m off the foot");
  bad_case(&S, nan_force, HL_FOOT_BAD_INPUT, 0, "NaN force");
  bad_case(&S, weak, HL_FOOT_BELOW_THRESHOLD, 0, "10 N");
  bad_case(&S, twice, HL_FOOT_CONTACT, 1, "right foot constrained twice");
  bad_case(&S, flight, 0, 0, "no foot (flight)");
  /* errors, never a crash */
  hl_error err;
  hl_induced_result r;
  hl_induced_input in = {S.frc, NULL, S.feet, HL_INDUCED_MAX_FEET + 1, 0, NULL};
  ck_assert_int_eq(hl_induced_frame(S.m, S.ind, S.d, &in, &r, &err), HL_ERR_INVALID_ARG);
  S.feet[0].body = 999;
  in.nfoot = 1;
  ck_assert_int_eq(hl_induced_frame(S.m, S.ind, S.d, &in, &r, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "999"));
  double q[64] = {0};
  ck_assert_int_eq(hl_kin_update(S.m, S.d, q, NULL, NULL, NULL), HL_OK);
  S.feet[0].body = 1;
  ck_assert_int_eq(hl_induced_frame(S.m, S.ind, S.d, &in, &r, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "speeds"));
  hl_induced *bad = NULL;
  ck_assert_int_eq(hl_induced_create(S.m, NULL, (hl_induced_joint[]){{99, 0, 0}}, 1, &bad, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_null(bad);
  stance_close(&S);
}
END_TEST

/* ------------------------------------------------------------------ closed forms by hand */

static void cross(const double a[3], const double b[3], double c[3]) {
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

/* x = A⁻¹ b for a 3 × 3 A (Cramer). */
static void solve3(const double A[9], const double b[3], double x[3]) {
  double c0[3] = {A[0], A[3], A[6]}, c1[3] = {A[1], A[4], A[7]}, c2[3] = {A[2], A[5], A[8]}, t[3];
  cross(c1, c2, t);
  double det = c0[0] * t[0] + c0[1] * t[1] + c0[2] * t[2];
  cross(c1, c2, t);
  x[0] = (b[0] * t[0] + b[1] * t[1] + b[2] * t[2]) / det;
  cross(c2, c0, t);
  x[1] = (b[0] * t[0] + b[1] * t[1] + b[2] * t[2]) / det;
  cross(c0, c1, t);
  x[2] = (b[0] * t[0] + b[1] * t[1] + b[2] * t[2]) / det;
}

/* One rigid body on a free joint (rotations about z, x, y, then translations x, y, z of the
 * ground), mass 5 kg, COM (0.1, 0.3, −0.05) in its frame, inertia diag(0.2, 0.1, 0.15) plus
 * xy 0.02, standing on the ground at its origin. */
static hl_model *block(void) {
  hl_model *m = fx_ground();
  m->gravity[1] = -9.81;
  int j = fx_body(m, "block", 0, NULL, NULL);
  const double ax[6][3] = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const char *cn[6] = {"rz", "rx", "ry", "tx", "ty", "tz"};
  for (int k = 0; k < 6; k++) fx_axis(m, j, k, ax[k][0], ax[k][1], ax[k][2], fx_coord(m, j, cn[k], k < 3), -1);
  m->body_mass[1] = 5;
  double c[3] = {0.1, 0.3, -0.05}, I[9] = {0.2, 0.02, 0, 0.02, 0.1, 0, 0, 0, 0.15};
  memcpy(m->body_com + 3, c, sizeof c);
  memcpy(m->body_inertia + 9, I, sizeof I);
  return m;
}

/* The block's induced ground reaction (contact at the origin) for gravity and for velocity with
 * ω = (1.5, −2, 0.7) rad/s and the contact point at rest, against the rigid-body equations by
 * hand: point — pivoting about P, I_P α = r × m g (gravity), I_P α = −ω × I_P ω (velocity);
 * weld — α = 0, a_P = 0; rolling — point plus no spin about y (free moment M_y). */
static void block_case(hl_contact_model cm) {
  hl_model *m = block();
  hl_data *d = NULL;
  ck_assert_int_eq(hl_kin_create(m, &d, NULL), HL_OK);
  hl_induced_settings is;
  hl_induced_settings_defaults(&is);
  is.contact = cm;
  hl_induced *w = NULL;
  ck_assert_int_eq(hl_induced_create(m, &is, NULL, 0, &w, NULL), HL_OK);
  ck_assert_ptr_nonnull(w);
  double om[3] = {1.5, -2, 0.7}, r[3] = {0.1, 0.3, -0.05}, vo[3], mass = 5, g[3] = {0, -9.81, 0};
  /* q = 0: ω = (q̇_rx, q̇_ry, q̇_rz); origin velocity −ω × (0 − 0) = 0 */
  double q[6] = {0}, u[6] = {om[2], om[0], om[1], 0, 0, 0}, z[6] = {0};
  cross(om, (double[3]){0, 0, 0}, vo);
  ck_assert_int_eq(hl_kin_update(m, d, q, u, z, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  hl_induced_foot ft = {1, {0, 500, 0}, {0, 0, 0}, {0, 0, 0}};
  hl_induced_input in = {NULL, NULL, &ft, 1, 0, NULL};
  hl_induced_result res;
  ck_assert_int_eq(hl_induced_frame(m, w, d, &in, &res, NULL), HL_OK);
  ck_assert_int_eq(res.nrow, cm == HL_CONTACT_POINT ? 3 : cm == HL_CONTACT_WELD ? 6 : 4);
  /* I about P = the origin: I_G + m(|r|² E − r rᵀ) */
  double IP[9], rr = r[0] * r[0] + r[1] * r[1] + r[2] * r[2], Iw[3], t[3], mg[3];
  const double *IG = m->body_inertia + 9;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) IP[3 * i + j] = IG[3 * i + j] + mass * ((i == j) * rr - r[i] * r[j]);
  for (int i = 0; i < 3; i++) mg[i] = mass * g[i];
  for (int k = 0; k < 2; k++) { /* gravity, then velocity */
    int kc = hl_induced_ncontrib(w) - 5 + k;
    double al[3] = {0, 0, 0}, rhs[3], ac[3], F[3], Mp[3] = {0, 0, 0}, u1[3], u2[3];
    if (k == 0) cross(r, mg, rhs);
    else {
      for (int i = 0; i < 3; i++) Iw[i] = IP[3 * i] * om[0] + IP[3 * i + 1] * om[1] + IP[3 * i + 2] * om[2];
      cross(om, Iw, t);
      for (int i = 0; i < 3; i++) rhs[i] = -t[i];
    }
    if (cm == HL_CONTACT_POINT) {
      solve3(IP, rhs, al);
    } else if (cm == HL_CONTACT_ROLLING) {
      /* α = I_P⁻¹(rhs + M_y ŷ) with α_y = −(ω·t2)(ω·t1) (velocity) or 0 */
      double e[3] = {0, 1, 0}, a0[3], a1[3], target = k ? -om[2] * om[0] : 0;
      solve3(IP, rhs, a0);
      solve3(IP, e, a1);
      Mp[1] = (target - a0[1]) / a1[1];
      for (int i = 0; i < 3; i++) al[i] = a0[i] + Mp[1] * a1[i];
    }
    cross(al, r, u1);
    if (k == 1) {
      cross(om, r, t);
      cross(om, t, u2);
    } else {
      u2[0] = u2[1] = u2[2] = 0;
    }
    for (int i = 0; i < 3; i++) {
      ac[i] = u1[i] + u2[i];
      F[i] = mass * ac[i] - (k == 0 ? mg[i] : 0);
    }
    if (cm == HL_CONTACT_WELD) { /* moment about P: dL_P/dt − r × weight, with α = 0 */
      double Ic[3], wI[3], rF[3], ma[3];
      for (int i = 0; i < 3; i++) Ic[i] = IG[3 * i] * om[0] + IG[3 * i + 1] * om[1] + IG[3 * i + 2] * om[2];
      cross(om, Ic, wI);
      for (int i = 0; i < 3; i++) ma[i] = mass * ac[i] - (k == 0 ? mg[i] : 0);
      cross(r, ma, rF);
      for (int i = 0; i < 3; i++) Mp[i] = (k ? wI[i] : 0) + rF[i];
    }
    const double *gr = res.grf + (size_t)kc * 6 * HL_INDUCED_MAX_FEET;
    for (int i = 0; i < 3; i++) {
      ck_assert_double_eq_tol(gr[i], F[i], 1e-10 * (1 + fabs(F[i])));
      ck_assert_double_eq_tol(gr[3 + i], Mp[i], 1e-10 * (1 + fabs(Mp[i])));
      ck_assert_double_eq_tol(res.com_acc[3 * kc + i], ac[i], 1e-10 * (1 + fabs(ac[i])));
    }
  }
  hl_induced_free(w);
  hl_kin_free(d);
  hl_model_free(m);
}

START_TEST(test_block_point) { block_case(HL_CONTACT_POINT); }
END_TEST
START_TEST(test_block_weld) { block_case(HL_CONTACT_WELD); }
END_TEST
START_TEST(test_block_rolling) { block_case(HL_CONTACT_ROLLING); }
END_TEST

/* A planar double pendulum hanging from the ground, no contact (flight): each torque's, gravity's
 * and velocity's induced accelerations against M⁻¹(…) written out by hand (OpenSim's own
 * InducedAccelerations test uses such a pendulum with torques 0.75 and 0.5 N·m), and the elbow
 * reaction of the shoulder torque, m2 a_c2 (it does not cross the elbow). */
START_TEST(test_double_pendulum) {
  hl_model *m = fx_ground();
  double g = 9.81, l1 = 0.6, c1 = 0.25, c2 = 0.3, m1 = 2, m2 = 1.5, I1 = 0.08, I2 = 0.05;
  m->gravity[1] = -g;
  int j1 = fx_body(m, "link1", 0, NULL, NULL);
  fx_axis(m, j1, 0, 0, 0, 1, fx_coord(m, j1, "q1", 1), -1);
  double p2[3] = {0, -l1, 0};
  int j2 = fx_body(m, "link2", 1, p2, NULL);
  fx_axis(m, j2, 0, 0, 0, 1, fx_coord(m, j2, "q2", 1), -1);
  m->body_mass[1] = m1;
  m->body_mass[2] = m2;
  m->body_com[3 + 1] = -c1;
  m->body_com[6 + 1] = -c2;
  m->body_inertia[9 + 8] = I1;
  m->body_inertia[18 + 8] = I2;
  m->body_inertia[9] = m->body_inertia[9 + 4] = m->body_inertia[18] = m->body_inertia[18 + 4] = 0.01;
  for (int c = 0; c < 2; c++) {
    int a = hl__model_add_actuator(m, c ? "tau2" : "tau1");
    m->act_type[a] = HL_ACT_COORDINATE;
    m->act_coord[a] = c;
    m->act_optimal_force[a] = 1;
  }
  hl_data *d = NULL;
  ck_assert_int_eq(hl_kin_create(m, &d, NULL), HL_OK);
  hl_induced_joint jt = {1, 0, 0}; /* elbow, on link 2, in ground */
  hl_induced *w = NULL;
  ck_assert_int_eq(hl_induced_create(m, NULL, &jt, 1, &w, NULL), HL_OK);
  double th1 = 0.4, th2 = 0.9, w1 = 1.2, w2 = -0.8, q[2] = {th1, th2}, u[2] = {w1, w2}, z[2] = {0};
  ck_assert_int_eq(hl_kin_update(m, d, q, u, z, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  double act[2] = {0.75, 0.5};
  hl_induced_input in = {NULL, act, NULL, 0, 0, NULL};
  hl_induced_result res;
  ck_assert_int_eq(hl_induced_frame(m, w, d, &in, &res, NULL), HL_OK);
  ck_assert_int_eq(res.nrow, 0);
  /* by hand: link i's direction (sin θ, −cos θ) with θ its absolute angle */
  double C = cos(th2), S = sin(th2);
  double M11 = I1 + m1 * c1 * c1 + I2 + m2 * (l1 * l1 + c2 * c2 + 2 * l1 * c2 * C);
  double M12 = I2 + m2 * (c2 * c2 + l1 * c2 * C), M22 = I2 + m2 * c2 * c2, det = M11 * M22 - M12 * M12;
  double h = m2 * l1 * c2 * S;
  double rhs[4][2] = {{act[0], 0}, {0, act[1]},
                      {-g * (m1 * c1 * sin(th1) + m2 * (l1 * sin(th1) + c2 * sin(th1 + th2))), -g * m2 * c2 * sin(th1 + th2)},
                      {h * (2 * w1 * w2 + w2 * w2), -h * w1 * w1}};
  int kc[4] = {0, 1, 2, 3}; /* tau1, tau2, gravity, velocity */
  double x[2];
  for (int k = 0; k < 4; k++) {
    double a1 = (M22 * rhs[k][0] - M12 * rhs[k][1]) / det, a2 = (M11 * rhs[k][1] - M12 * rhs[k][0]) / det;
    ck_assert_int_eq(hl_induced_qdd(m, w, d, kc[k], x, NULL), HL_OK);
    ck_assert_double_eq_tol(x[0], a1, 1e-12 * (1 + fabs(a1)));
    ck_assert_double_eq_tol(x[1], a2, 1e-12 * (1 + fabs(a2)));
    if (k == 0) { /* elbow reaction on link 2 = m2 a_c2 (no gravity, no speeds) */
      double t1 = th1, t12 = th1 + th2;
      double ac2[2] = {l1 * a1 * cos(t1) + c2 * (a1 + a2) * cos(t12), l1 * a1 * sin(t1) + c2 * (a1 + a2) * sin(t12)};
      ck_assert_double_eq_tol(res.jr[0], m2 * ac2[0], 1e-12);
      ck_assert_double_eq_tol(res.jr[1], m2 * ac2[1], 1e-12);
      ck_assert_double_eq(res.jr_direct[0], 0);
    }
  }
  hl_induced_free(w);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* A two-segment leg standing straight up on its foot, pinned at the foot (point contact): the
 * thigh on a free joint (the hip is free), the shank on a knee pin. At rest and straight it is an
 * inverted double pendulum about the foot; in absolute angles φ (shank), ψ (thigh):
 *   [I2 + m2 b2² + m1 L2²   m1 L2 b1 ] [φ̈]   [ τ]
 *   [m1 L2 b1              I1 + m1 b1²] [ψ̈] = [−τ]      for a knee torque τ
 * with b2 the foot→shank-COM and b1 the knee→thigh-COM distances; the ground force is the
 * horizontal m2 a_c2 + m1 a_c1, the knee reaction on the shank m2 a_c2 − F, and a one-joint
 * muscle across the knee induces what a knee torque of its moment induces. */
START_TEST(test_leg_pinned_at_foot) {
  double L1 = 0.45, L2 = 0.42, a1 = 0.2, a2 = 0.24, m1 = 8, m2 = 3.5, I1 = 0.15, I2 = 0.05, tau = 40;
  hl_model *m = fx_ground();
  m->gravity[1] = -9.81;
  int jt = fx_body(m, "thigh", 0, NULL, NULL);
  const double ax[6][3] = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const char *cn[6] = {"rz", "rx", "ry", "tx", "ty", "tz"};
  for (int k = 0; k < 6; k++) fx_axis(m, jt, k, ax[k][0], ax[k][1], ax[k][2], fx_coord(m, jt, cn[k], k < 3), -1);
  double kp[3] = {0, -L1, 0};
  int jk = fx_body(m, "shank", 1, kp, NULL);
  int ck = fx_coord(m, jk, "knee", 1);
  fx_axis(m, jk, 0, 0, 0, 1, ck, -1);
  m->body_mass[1] = m1;
  m->body_mass[2] = m2;
  m->body_com[3 + 1] = -a1;
  m->body_com[6 + 1] = -a2;
  m->body_inertia[9 + 8] = I1;
  m->body_inertia[18 + 8] = I2;
  m->body_inertia[9] = m->body_inertia[9 + 4] = 0.1;
  m->body_inertia[18] = m->body_inertia[18 + 4] = 0.04;
  int a = hl__model_add_actuator(m, "knee_torque");
  m->act_type[a] = HL_ACT_COORDINATE;
  m->act_coord[a] = ck;
  m->act_optimal_force[a] = 1;
  int km = hl__model_add_muscle(m, "vas_int_r");
  m->mus_path_adr[km] = m->npathpt;
  fx_point(m, 1, 0, 0.04, -0.25, 0);
  fx_point(m, 2, 0, 0.05, -0.08, 0);
  hl_data *d = NULL;
  ck_assert_int_eq(hl_kin_create(m, &d, NULL), HL_OK);
  hl_induced_joint joints[2] = {{1, 0, 0}, {0, 0, 0}}; /* knee on the shank, hip on the thigh; ground */
  hl_induced_settings is;
  hl_induced_settings_defaults(&is);
  is.contact = HL_CONTACT_POINT;
  is.cop_max_distance = 1; /* the contact point is 0.42 m from the shank's origin (the knee) */
  hl_induced *w = NULL;
  ck_assert_int_eq(hl_induced_create(m, &is, joints, 2, &w, NULL), HL_OK);
  double q[7] = {0, 0, 0, 0, L1 + L2, 0, 0}, z[7] = {0};
  ck_assert_int_eq(hl_kin_update(m, d, q, z, z, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  double T = 300, act = tau;
  hl_induced_foot ft = {2, {0, 800, 0}, {0, 0, 0}, {0, 0, 0}};
  hl_induced_input in = {&T, &act, &ft, 1, 0, NULL};
  hl_induced_result res;
  ck_assert_int_eq(hl_induced_frame(m, w, d, &in, &res, NULL), HL_OK);
  double b1 = L1 - a1, b2 = L2 - a2;
  double A11 = I2 + m2 * b2 * b2 + m1 * L2 * L2, A12 = m1 * L2 * b1, A22 = I1 + m1 * b1 * b1;
  double det = A11 * A22 - A12 * A12, ph = (A22 * tau + A12 * tau) / det, ps = (-A11 * tau - A12 * tau) / det;
  /* at rest and straight, a link of angle θ up from its base: ë = (−θ̈, 0) */
  double ac2 = -b2 * ph, ac1 = -L2 * ph - b1 * ps, F = m2 * ac2 + m1 * ac1;
  int kt = 1; /* contributor: muscle 0, then the torque */
  const double *gr = res.grf + (size_t)kt * 6 * HL_INDUCED_MAX_FEET, *jr = res.jr + (size_t)kt * 12;
  ck_assert_double_eq_tol(gr[0], F, 1e-10);
  ck_assert_double_eq_tol(gr[1], 0, 1e-10);
  ck_assert_double_eq_tol(res.com_acc[3 * kt], F / (m1 + m2), 1e-10);
  /* knee reaction on the shank, about the knee: force m2 a_c2 − F; moment I2 φ̈ + (c2 − K) × m2 a_c2
   * − (foot − K) × F, with c2 − K = (0, −a2) and foot − K = (0, −L2) */
  ck_assert_double_eq_tol(jr[0], m2 * ac2 - F, 1e-10);
  ck_assert_double_eq_tol(jr[1], 0, 1e-10);
  ck_assert_double_eq_tol(jr[5], I2 * ph + a2 * m2 * ac2 - L2 * F, 1e-10);
  for (int i = 0; i < 6; i++) ck_assert_double_eq_tol(jr[6 + i], 0, 1e-10); /* the free hip carries nothing */
  /* the muscle: its moment arm about the knee times T is a knee torque; beyond its own pull
   * across the knee (direct) it induces what that torque induces */
  double rT = d->mus_ma[(size_t)km * m->ncoord + ck] * T;
  for (int i = 0; i < 12; i++) {
    double ind = res.jr[i] - res.jr_direct[i];
    ck_assert_double_eq_tol(ind, jr[i] * rT / tau, 1e-9 * (1 + fabs(ind)));
  }
  for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(res.grf[i], gr[i] * rT / tau, 1e-9);
  hl_induced_free(w);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* Walking: double support (a closed chain through both feet) and walk-jr's ExternalLoads quirk
 * (the left foot's torque applied to calcn_r: a load the contact rows do not carry). */
START_TEST(test_identities_walk_double_support) {
  identities("walk-jr", "walk-jr/subject01_simbody_adjusted_StaticOp.osim",
             "walk-jr/gait2392_SO_weak_Residual_Actuators.xml", "walk-jr/subject01_walk1_Kinematics.sto",
             "walk-jr/foot_floor_loads.xml", 0.6, 1.4, 1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("induced");
  TCase *tr = tcase_create("real");
  tcase_set_timeout(tr, 600);
  tcase_add_test(tr, test_identities_run4ms);
  tcase_add_test(tr, test_identities_hamner);
  tcase_add_test(tr, test_bad_input);
  tcase_add_test(tr, test_identities_walk_double_support);
  suite_add_tcase(s, tr);
  TCase *th = tcase_create("by_hand");
  tcase_add_test(th, test_block_point);
  tcase_add_test(th, test_block_weld);
  tcase_add_test(th, test_block_rolling);
  tcase_add_test(th, test_double_pendulum);
  tcase_add_test(th, test_leg_pinned_at_foot);
  suite_add_tcase(s, th);
  return tu_run(s);
}
