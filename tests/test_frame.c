/* SPDX-License-Identifier: Apache-2.0 */
/* The frame module (frame.h): one call gives, bit for bit, what the stages give called one by
 * one; the forces may come from static optimization, the caller or a table with the same
 * reactions; custom groups reach the group sums; bad settings and inputs are errors that name
 * what is wrong; a least-squares frame is an answer with its flag, not an error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/hipload.h"
#include "kin_fixture.h"
#include "model_internal.h"
#include "testutil.h"

/* ------------------------------------------------------------------ run-hamner2010, 3 joints */

typedef struct {
  hl_model *m;
  hl_extloads *x;
  hl_motion *mo;
  hl_frame_joint joint[3];
} trial;

static void trial_load(trial *T, int reserves) {
  char p[1024];
  hl_error e;
  hl_table *q = NULL;
  memset(T, 0, sizeof *T);
  ck_assert_msg(hl_model_load(tu_data(p, sizeof p, "run-hamner2010/reference/subject02_RRA_Adjusted.osim"), &T->m, &e) == HL_OK, "%s", e.message);
  if (reserves)
    ck_assert_msg(hl_model_add_force_set(T->m, tu_data(p, sizeof p, "run-hamner2010/Actuators_CMC.xml"), 0, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_table_read(tu_data(p, sizeof p, "run-hamner2010/reference/rra_run_1_Kinematics_q.sto"), &q, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_extloads_load(tu_data(p, sizeof p, "run-hamner2010/subject02_grf_HiFreq.xml"), NULL, &T->x, &e) == HL_OK, "%s", e.message);
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = 1.105;
  ms.t1 = 1.347;
  ms.step_interval = 5;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  ck_assert_msg(hl_motion_create(T->m, q, &ms, &T->mo, &e) == HL_OK, "%s", e.message);
  hl_table_free(q);
  const char *jn[3] = {"hip_r", "knee_r", "ankle_r"};
  for (int j = 0; j < 3; j++) {
    int jj = hl_model_joint(T->m, jn[j]);
    ck_assert_int_ge(jj, 0);
    T->joint[j] = (hl_frame_joint){jj, 0, T->m->jnt_child[jj]};
  }
}

static void trial_free(trial *T) {
  hl_motion_free(T->mo);
  hl_extloads_free(T->x);
  hl_model_free(T->m);
}

static hl_frame_input input(const trial *T, int f) {
  size_t o = (size_t)f * T->m->ncoord;
  hl_frame_input in = {T->mo->t[f], T->mo->q + o, T->mo->qd + o, T->mo->qdd + o, NULL, NULL};
  return in;
}

static hl_frame *make(const trial *T, hl_frame_forces src, const hl_table *tab, const hl_groups *g) {
  hl_frame_settings s;
  hl_frame_settings_defaults(&s);
  s.forces = src;
  s.forces_table = tab;
  s.loads = T->x;
  s.njoint = 3;
  s.joint = T->joint;
  s.groups = g;
  s.allow_unsupported = 0;
  hl_frame *w = NULL;
  hl_error e;
  ck_assert_msg(hl_frame_create(T->m, &s, &w, &e) == HL_OK, "%s", e.message);
  return w;
}

/* The frame equals the stages called one by one, bit for bit; the parts add up. */
START_TEST(test_step_equals_stages) {
  if (!tu_require_data()) return;
  trial T;
  trial_load(&T, 1);
  const hl_model *m = T.m;
  int nq = m->ncoord, nm = m->nmuscle, nact = nm + m->nactuator;
  hl_frame *w = make(&T, HL_FRAME_FORCES_SO, NULL, NULL);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_invdyn *id = NULL;
  hl_invdyn_create(m, &id, NULL);
  hl_so_settings ss;
  hl_so_settings_defaults(&ss);
  hl_so *so = NULL;
  hl_so_create(m, &ss, &so, NULL);
  hl_jr *jr = NULL;
  hl_jr_create(m, &jr, NULL);
  hl_invdyn_extmap *map = NULL;
  hl_error e;
  ck_assert_int_eq(hl_invdyn_extmap_create(m, T.x, &map, &e), HL_OK);
  double *ext = calloc((size_t)6 * m->nbody, sizeof(double)), *tau = calloc((size_t)nq, sizeof(double));
  double *ctrl = calloc((size_t)nact, sizeof(double)), *frc = calloc((size_t)nact, sizeof(double));
  double *qdd = calloc((size_t)nq, sizeof(double)), *con = calloc((size_t)6 * nm, sizeof(double));
  double worst = 0;
  for (int f = 0; f < T.mo->nframe; f++) {
    hl_frame_input in = input(&T, f);
    hl_frame_result r;
    ck_assert_msg(hl_frame_step(m, w, &in, &r, &e) == HL_OK, "%s", e.message);
    ck_assert_int_eq(hl_kin_update(m, d, in.q, in.qd, in.qdd, NULL), HL_OK);
    ck_assert_int_eq(hl_muscle_update(m, d, 0, &e), HL_OK);
    hl_invdyn_ext_wrenches(m, d, T.x, map, in.time, ext);
    ck_assert_int_eq(hl_invdyn_frame(m, id, d, ext, tau, NULL, NULL, &e), HL_OK);
    hl_so_info info;
    ck_assert_int_eq(hl_so_solve(m, so, d, tau, ctrl, frc, &info, NULL), HL_OK);
    ck_assert_mem_eq(r.tau, tau, sizeof(double) * (size_t)nq);
    ck_assert_mem_eq(r.control, ctrl, sizeof(double) * (size_t)nact);
    ck_assert_mem_eq(r.force, frc, sizeof(double) * (size_t)nact);
    ck_assert_int_eq(r.so.outcome, HL_QP_OPTIMAL);
    ck_assert_int_eq(r.flags, 0);
    ck_assert_int_eq(hl_jr_forward_accel(m, jr, d, ext, frc, frc + nm, qdd, &e), HL_OK);
    ck_assert_mem_eq(r.qdd, qdd, sizeof(double) * (size_t)nq);
    for (int j = 0; j < 3; j++) {
      hl_jr_result R;
      ck_assert_int_eq(hl_jr_compute(m, jr, d, ext, frc, frc + nm, T.joint[j].joint, 0, T.joint[j].frame, &R, con, NULL), HL_OK);
      ck_assert_mem_eq(&r.reaction[j], &R, sizeof R);
      ck_assert_mem_eq(r.muscle_contrib + (size_t)j * nm * 6, con, sizeof(double) * 6 * (size_t)nm);
      /* the groups hold every muscle once: their sums add up to the muscles' part */
      for (int i = 0; i < 6; i++) {
        double sum = 0, want = i < 3 ? R.muscle_f[i] : R.muscle_m[i - 3];
        for (int g = 0; g < r.ngroup; g++) sum += r.group_contrib[((size_t)j * r.ngroup + g) * 6 + i];
        worst = fmax(worst, fabs(sum - want) / fmax(1, fabs(R.f[i % 3])));
      }
      for (int i = 0; i < 3; i++) ck_assert_double_eq_tol(R.inter_f[i] + R.muscle_f[i] + R.act_f[i], R.f[i], 1e-9 * (1 + fabs(R.f[i])));
    }
  }
  ck_assert_msg(worst < 1e-12, "groups vs muscles: %g", worst);
  ck_assert_int_eq(T.mo->nframe, 50);
  free(ext), free(tau), free(ctrl), free(frc), free(qdd), free(con);
  hl_invdyn_extmap_free(map);
  hl_jr_free(jr);
  hl_so_free(so);
  hl_invdyn_free(id);
  hl_kin_free(d);
  hl_frame_free(w);
  trial_free(&T);
}
END_TEST

/* Forces from the caller or from a table give the reactions of the same forces from SO. */
START_TEST(test_forces_given_and_table) {
  if (!tu_require_data()) return;
  trial T;
  trial_load(&T, 1);
  const hl_model *m = T.m;
  int nf = T.mo->nframe, nact = m->nmuscle + m->nactuator;
  hl_frame *wso = make(&T, HL_FRAME_FORCES_SO, NULL, NULL), *wgiven = make(&T, HL_FRAME_FORCES_GIVEN, NULL, NULL);
  const char **names = malloc(sizeof(char *) * (size_t)(nact + 2));
  names[0] = "time";
  for (int k = 0; k < nact; k++) names[k + 1] = k < m->nmuscle ? m->mus_name[k] : m->act_name[k - m->nmuscle];
  names[nact + 1] = "unrelated"; /* other columns are not read */
  hl_table *tab = NULL;
  hl_table_create(nf, nact + 2, names, &tab, NULL);
  free(names);
  hl_jr_result *ref = malloc(sizeof *ref * 3 * (size_t)nf);
  hl_error e;
  for (int f = 0; f < nf; f++) {
    hl_frame_input in = input(&T, f);
    hl_frame_result a, b;
    ck_assert_int_eq(hl_frame_step(m, wso, &in, &a, &e), HL_OK);
    memcpy(ref + 3 * f, a.reaction, 3 * sizeof *ref);
    double *row = tab->data + (size_t)f * tab->ncol;
    row[0] = in.time;
    memcpy(row + 1, a.force, sizeof(double) * (size_t)nact);
    in.force = a.force;
    ck_assert_int_eq(hl_frame_step(m, wgiven, &in, &b, &e), HL_OK);
    ck_assert_ptr_null(b.control);
    ck_assert_ptr_null(b.tau);
    ck_assert_mem_eq(b.reaction, ref + 3 * f, 3 * sizeof *ref);
  }
  hl_frame *wtab = make(&T, HL_FRAME_FORCES_TABLE, tab, NULL);
  for (int f = 0; f < nf; f++) {
    hl_frame_input in = input(&T, f);
    hl_frame_result c;
    ck_assert_int_eq(hl_frame_step(m, wtab, &in, &c, &e), HL_OK);
    ck_assert_mem_eq(c.reaction, ref + 3 * f, 3 * sizeof *ref);
  }
  /* a given force that is not finite is named */
  hl_frame_input in = input(&T, 0);
  double *bad = calloc((size_t)nact, sizeof(double));
  bad[3] = NAN;
  in.force = bad;
  hl_frame_result c;
  ck_assert_int_eq(hl_frame_step(m, wgiven, &in, &c, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, m->mus_name[3]));
  in.force = NULL;
  ck_assert_int_eq(hl_frame_step(m, wgiven, &in, &c, &e), HL_ERR_INVALID_ARG);
  free(bad);
  /* a table without a column for an actuator is refused, naming it and the table */
  hl_table_free(tab);
  const char *few[] = {"time", "x"};
  hl_table_create(2, 2, few, &tab, NULL);
  hl_frame_settings s;
  hl_frame_settings_defaults(&s);
  s.forces = HL_FRAME_FORCES_TABLE;
  s.forces_table = tab;
  s.forces_table_name = "forces.sto";
  hl_frame *w = NULL;
  ck_assert_int_eq(hl_frame_create(m, &s, &w, &e), HL_ERR_NOT_FOUND);
  ck_assert_ptr_null(w);
  ck_assert_ptr_nonnull(strstr(e.message, "forces.sto"));
  ck_assert_ptr_nonnull(strstr(e.message, m->mus_name[0]));
  hl_table_free(tab);
  free(ref);
  hl_frame_free(wtab);
  hl_frame_free(wgiven);
  hl_frame_free(wso);
  trial_free(&T);
}
END_TEST

/* A custom group reaches the sums: its one muscle's contribution, bit for bit. */
START_TEST(test_custom_groups) {
  if (!tu_require_data()) return;
  trial T;
  trial_load(&T, 1);
  const hl_model *m = T.m;
  hl_groups *g = NULL;
  hl_error e;
  ck_assert_int_eq(hl_groups_default(m, &g, &e), HL_OK);
  ck_assert_int_eq(hl_groups_assign(m, g, "my_glut_med1", "glut_med1_r", &e), HL_OK);
  ck_assert_int_eq(hl_groups_assign(m, g, "x", "no_such_muscle", &e), HL_ERR_NOT_FOUND);
  char longname[80];
  memset(longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  ck_assert_int_eq(hl_groups_assign(m, g, longname, "glut_med1_r", &e), HL_ERR_BAD_VALUE);
  int mine = hl_groups_find(g, "my_glut_med1"), k = hl_model_muscle(m, "glut_med1_r");
  hl_frame *w = make(&T, HL_FRAME_FORCES_SO, NULL, g);
  hl_groups_free(g); /* copied by hl_frame_create */
  hl_frame_input in = input(&T, 20);
  hl_frame_result r;
  ck_assert_int_eq(hl_frame_step(m, w, &in, &r, &e), HL_OK);
  ck_assert_str_eq(r.group_name[mine], "my_glut_med1");
  ck_assert_int_eq(r.muscle_group[k], mine);
  ck_assert_int_eq(r.group_crosses[mine], 1); /* hip_r, the first joint */
  ck_assert_mem_eq(r.group_contrib + 6 * (size_t)mine, r.muscle_contrib + 6 * (size_t)k, 6 * sizeof(double));
  ck_assert(r.muscle_contrib[6 * (size_t)k] != 0);
  hl_frame_free(w);
  trial_free(&T);
}
END_TEST

/* Without reserves the actuators cannot meet the inverse dynamics: the frames are answered in
 * least squares and flagged, not refused. */
START_TEST(test_least_squares_is_an_answer) {
  if (!tu_require_data()) return;
  trial T;
  trial_load(&T, 0);
  hl_frame *w = make(&T, HL_FRAME_FORCES_SO, NULL, NULL);
  int flagged = 0;
  hl_error e;
  for (int f = 0; f < T.mo->nframe; f++) {
    hl_frame_input in = input(&T, f);
    hl_frame_result r;
    ck_assert_msg(hl_frame_step(T.m, w, &in, &r, &e) == HL_OK, "%s", e.message);
    ck_assert_int_eq(!!(r.flags & HL_FRAME_SO_LEAST_SQUARES), r.so.outcome == HL_QP_LEAST_SQUARES);
    flagged += r.so.outcome == HL_QP_LEAST_SQUARES;
    ck_assert(isfinite(r.reaction[0].f[0]));
  }
  ck_assert_int_eq(flagged, T.mo->nframe); /* the pelvis' six coordinates have no actuator */
  hl_frame_free(w);
  trial_free(&T);
}
END_TEST

/* ------------------------------------------------------------------ settings and bad input */

static hl_model *pendulum(void) {
  hl_model *m = fx_ground();
  int j = fx_body(m, "femur_r", 0, NULL, NULL);
  snprintf(m->jnt_name[j], HL_NAME_MAX, "hip");
  int c = fx_coord(m, j, "hip_flexion", 1);
  fx_axis(m, j, 0, 0, 0, 1, c, -1);
  m->body_mass[1] = 8;
  m->body_com[3 * 1 + 1] = -0.2;
  for (int i = 0; i < 3; i++) m->body_inertia[9 * 1 + 4 * i] = 0.1;
  int k = hl__model_add_muscle(m, "iliacus_r");
  m->mus_f0[k] = 1000;
  m->mus_max_control[k] = 1;
  m->mus_path_adr[k] = m->npathpt;
  fx_point(m, 0, 0, 0.1, 0.05, 0);
  fx_point(m, 1, 0, 0.02, -0.15, 0);
  return m;
}

START_TEST(test_bad_settings_and_input) {
  hl_model *m = pendulum(), *m2 = pendulum();
  hl_frame_settings s;
  hl_frame_settings_defaults(&s);
  hl_frame *w = NULL;
  hl_error e;
  ck_assert_int_eq(hl_frame_create(NULL, &s, &w, &e), HL_ERR_INVALID_ARG);
  s.induced = 0;
  hl_frame_joint bad = {3, 0, 1};
  s.njoint = 1;
  s.joint = &bad;
  ck_assert_int_eq(hl_frame_create(m, &s, &w, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "joint 3"));
  s.forces = HL_FRAME_FORCES_NONE;
  hl_frame_joint hip = {0, 0, 1};
  s.joint = &hip;
  ck_assert_int_eq(hl_frame_create(m, &s, &w, &e), HL_ERR_INVALID_ARG); /* joints need forces */
  s.forces = HL_FRAME_FORCES_TABLE;
  ck_assert_int_eq(hl_frame_create(m, &s, &w, &e), HL_ERR_INVALID_ARG);  /* no table */
  s.forces = HL_FRAME_FORCES_SO;
  ck_assert_msg(hl_frame_create(m, &s, &w, &e) == HL_OK, "%s", e.message);
  ck_assert_ptr_nonnull(w);
  double q[1] = {0.3}, qd[1] = {1}, qdd[1] = {0}, nan1[1] = {NAN};
  hl_frame_input in = {0.5, q, qd, qdd, NULL, NULL};
  hl_frame_result r;
  ck_assert_int_eq(hl_frame_step(m, w, &in, &r, &e), HL_OK);
  ck_assert_int_eq(r.njoint, 1);
  ck_assert_int_eq(r.nwarning, 0);
  ck_assert_int_eq(r.ncontributor, 0);
  ck_assert_ptr_null(r.induced);
  ck_assert_int_eq(hl_frame_step(m2, w, &in, &r, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "another model"));
  in.qd = nan1;
  ck_assert_int_eq(hl_frame_step(m, w, &in, &r, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "hip_flexion"));
  ck_assert_ptr_nonnull(strstr(e.message, "speed"));
  in.qd = NULL;
  ck_assert_int_eq(hl_frame_step(m, w, &in, &r, &e), HL_ERR_INVALID_ARG);
  hl_frame_free(w);
  hl_frame_free(NULL);
  /* kinematics only */
  s.forces = HL_FRAME_FORCES_NONE;
  s.njoint = 0;
  ck_assert_int_eq(hl_frame_create(m, &s, &w, &e), HL_OK);
  in.qd = qd;
  ck_assert_int_eq(hl_frame_step(m, w, &in, &r, &e), HL_OK);
  ck_assert_ptr_null(r.force);
  ck_assert(r.data->mus_len[0] > 0);
  hl_frame_free(w);
  hl_model_free(m);
  hl_model_free(m2);
}
END_TEST

int main(void) {
  Suite *s = suite_create("frame");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_bad_settings_and_input);
  tcase_add_test(tc, test_step_equals_stages);
  tcase_add_test(tc, test_forces_given_and_table);
  tcase_add_test(tc, test_custom_groups);
  tcase_add_test(tc, test_least_squares_is_an_answer);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
