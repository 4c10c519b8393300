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
#include "hipload/reaction.h"
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
  S->d = hl_data_create(S->m);
  S->id = hl_invdyn_create(S->m);
  S->so = hl_so_create(S->m, NULL);
  S->jr = hl_jr_create(S->m);
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
  S->ind = hl_induced_create(S->m, NULL, S->jt, 3);
  ck_assert_ptr_nonnull(S->ind);
}

static void stance_close(stance *S) {
  hl_induced_free(S->ind);
  hl_jr_free(S->jr);
  hl_so_free(S->so);
  hl_invdyn_free(S->id);
  hl_data_free(S->d);
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
  ck_assert_int_eq(hl_kin_update(m, S->d, q, qd, S->mo->qdd + (size_t)f * nq), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, S->d, 0, &err), HL_OK);
  hl_invdyn_ext_wrenches(m, S->d, S->x, S->map, tm, S->ext);
  ck_assert_int_eq(hl_invdyn_frame(m, S->d, S->id, S->ext, S->tau, NULL, NULL, &err), HL_OK);
  ck_assert_int_eq(hl_so_solve(S->so, m, S->d, S->tau, S->ctrl, S->frc, &info), HL_OK);
  ck_assert_int_eq(hl_jr_forward_accel(S->jr, m, S->d, S->ext, S->frc, S->frc + nm, S->qdd, &err), HL_OK);
  ck_assert_int_eq(hl_kin_update(m, S->d, q, qd, S->qdd), HL_OK);
  for (int j = 0; j < 3; j++)
    ck_assert_int_eq(hl_jr_compute(S->jr, m, S->d, S->ext, S->frc, S->frc + nm, S->jt[j].joint, 0,
                                   S->jt[j].frame, &S->total[j], NULL),
                     HL_OK);
  S->nfoot = hl_induced_feet(m, S->d, S->x, S->map, tm, S->feet, HL_INDUCED_MAX_FEET);
  hl_induced_input in = {S->frc, S->frc + nm, S->feet, S->nfoot, 1, S->ext};
  hl_error e2;
  hl_status st = hl_induced_frame(S->ind, m, S->d, &in, res, &e2);
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
  double closure, rows, newton, qdd_sum, grf_sum, route;
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
    ck_assert_int_eq(hl_induced_qdd(w, m, d, k, x), HL_OK);
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
      hl_actuator_line(m, d, idx, pg, dir);
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
    ck_assert_int_eq(hl_induced_qdd(S->ind, m, d, k, x), HL_OK);
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

static void identities(const char *label, const char *model, const char *forces, const char *coords,
                       const char *loads, double t0, double t1) {
  if (!tu_require_data()) return;
  stance S;
  stance_open(&S, model, forces, coords, loads, t0, t1, 1);
  worst W = {0, 0, 0, 0, 0, 0};
  double peak = 0;
  int nf = S.mo->nframe, contact = 0;
  for (int f = 0; f < nf; f++) {
    hl_induced_result r;
    stance_frame(&S, f, &r);
    for (int j = 0; j < 3; j++) peak = fmax(peak, sqrt(S.total[j].f[0] * S.total[j].f[0] + S.total[j].f[1] * S.total[j].f[1] +
                                                       S.total[j].f[2] * S.total[j].f[2]));
    frame_identities(&S, &r, &W);
    if (f % 10 == 0) route_check(&S, &r, &W);
    contact += r.nrow > 0;
    ck_assert_int_eq(r.rank_deficient, 0);
  }
  printf("%s: %d frames (%d with contact), peak reaction %.0f N: closure %.2e N, rows %.2e m/s^2, "
         "Newton %.2e N, sum qdd %.2e, sum GRF %.2e N, H route vs pass %.2e N\n",
         label, nf, contact, peak, W.closure, W.rows, W.newton, W.qdd_sum, W.grf_sum, W.route);
  /* bounds: the 1e-6 of the peak (closure) and 1e-6 N (Newton); measured ~1e-11 */
  ck_assert_double_le(W.closure, 1e-6 * peak);
  ck_assert_double_le(W.newton, 1e-6);
  ck_assert_double_le(W.rows, 1e-8);
  ck_assert_double_le(W.qdd_sum, 1e-8);
  ck_assert_double_le(W.grf_sum, 1e-6);
  ck_assert_double_le(W.route, 1e-6 * peak);
  ck_assert_int_gt(contact, nf / 2);
  stance_close(&S);
}

START_TEST(test_identities_run4ms) {
  identities("run-4ms", "run-4ms/runningModel_CMC_test.osim", "run-4ms/runningModel_CMC_Actuators.xml",
             "run-4ms/runningModel_Kinematics_q.sto", "run-4ms/runningModel_GRF.xml", 0.868, 1.105);
}
END_TEST

START_TEST(test_identities_hamner) {
  identities("run-hamner2010", "run-hamner2010/reference/subject02_RRA_Adjusted.osim",
             "run-hamner2010/Actuators_CMC.xml", "run-hamner2010/reference/rra_run_1_Kinematics_q.sto",
             "run-hamner2010/subject02_grf_HiFreq.xml", 1.105, 1.347);
}
END_TEST

int main(void) {
  Suite *s = suite_create("induced");
  TCase *tr = tcase_create("real");
  tcase_set_timeout(tr, 600);
  tcase_add_test(tr, test_identities_run4ms);
  tcase_add_test(tr, test_identities_hamner);
  suite_add_tcase(s, tr);
  return tu_run(s);
}
