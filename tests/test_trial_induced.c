/* SPDX-License-Identifier: Apache-2.0 */
/* Induced contributions through the frame module and the trial (frame.h, trial.h): on every frame
 * of run-4ms's and run-hamner2010's right stance, at hip, knee and ankle, the contributors add up
 * to the JointReaction total (in memory and in the written .sto files), the groups to their
 * muscles, each muscle's direct part to its direct contribution, and the whole body obeys Newton
 * under each contributor's induced ground reaction; bad ground-reaction input gives flags and
 * finite numbers. (test_induced checks the engine itself: constraint rows and one solve with
 * every force against the sum of the solves, on the same stances.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/extloads.h"
#include "hipload/frame.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/table.h"
#include "hipload/trial.h"
#include "testutil.h"

typedef struct {
  hl_model *m;
  hl_table *q;
  hl_extloads *x;
} inputs;

static void open_inputs(inputs *I, const char *model, const char *forces, const char *coords, const char *loads) {
  char p[1024];
  hl_error err;
  ck_assert_msg(hl_model_load(tu_data(p, sizeof p, model), &I->m, &err) == HL_OK, "%s", err.message);
  ck_assert_msg(hl_model_add_force_set(I->m, tu_data(p, sizeof p, forces), 0, &err) == HL_OK, "%s", err.message);
  I->q = tu_read(tu_data(p, sizeof p, coords));
  ck_assert_msg(hl_extloads_load(tu_data(p, sizeof p, loads), NULL, &I->x, &err) == HL_OK, "%s", err.message);
}

static void close_inputs(inputs *I) {
  hl_extloads_free(I->x);
  hl_table_free(I->q);
  hl_model_free(I->m);
}

/* Does actuator a act from the ground (a mobility force of a joint whose parent is ground, or a
 * point/torque actuator)? Then the whole body's Newton equation has it as an external force. */
static int from_ground(const hl_model *m, int a) {
  if (m->act_type[a] != HL_ACT_COORDINATE) return 1;
  return m->jnt_parent[m->coord_joint[m->act_coord[a]]] == 0;
}

typedef struct {
  double closure, groups, direct, newton, file;
} worst;

static void frame_checks(const hl_model *m, const hl_trial *t, int r, double mass, worst *W) {
  const hl_trial_series *T = &t->series;
  size_t K = (size_t)T->ncontributor, G = (size_t)T->ngroup, nm = (size_t)m->nmuscle, R = (size_t)r;
  for (int j = 0; j < 3; j++) {
    const double *ind = T->induced + (R * 3 + (size_t)j) * K * 6, *dir = T->induced_direct + (R * 3 + (size_t)j) * K * 6;
    const double *grp = T->induced_group + (R * 3 + (size_t)j) * G * 6;
    const double *mc = T->muscle_contrib + (R * 3 + (size_t)j) * nm * 6;
    const hl_jr_result *Rj = &T->reaction[R * 3 + (size_t)j];
    for (int i = 0; i < 6; i++) {
      double s = 0, sg = 0, sm = 0;
      for (size_t k = 0; k < K; k++) s += ind[6 * k + (size_t)i];
      for (size_t g = 0; g < G; g++) sg += grp[6 * g + (size_t)i];
      for (size_t k = 0; k < nm; k++) {
        sm += ind[6 * k + (size_t)i];
        W->direct = fmax(W->direct, fabs(dir[6 * k + (size_t)i] - mc[6 * k + (size_t)i]));
      }
      W->closure = fmax(W->closure, fabs(s - (i < 3 ? Rj->f[i] : Rj->m[i - 3])));
      W->groups = fmax(W->groups, fabs(sg - sm));
    }
  }
  /* Newton: total mass × induced COM acceleration = induced ground reaction (+ weight) */
  for (size_t k = 0; k < K; k++) {
    int kind = T->contributor_kind[k];
    if (kind == HL_IC_RESIDUAL || kind == HL_IC_UNMODELLED) continue;
    if (kind == HL_IC_ACTUATOR && from_ground(m, (int)k - m->nmuscle)) continue;
    for (int i = 0; i < 3; i++) {
      double F = kind == HL_IC_GRAVITY ? mass * m->gravity[i] : 0;
      for (int f = 0; f < T->nfoot; f++) F += T->induced_grf[((R * K + k) * HL_INDUCED_MAX_FEET + (size_t)f) * 6 + (size_t)i];
      W->newton = fmax(W->newton, fabs(mass * T->induced_com[(R * K + k) * 3 + (size_t)i] - F));
    }
  }
}

/* The written InducedContributions files add up to the JointReaction file's force columns. */
static double file_closure(const hl_model *m, const hl_trial *t, const char *dir) {
  char p[2048];
  snprintf(p, sizeof p, "%s/t_JointReaction_ReactionLoads.sto", dir);
  hl_table *jr = tu_read(p);
  double worst = 0;
  for (int j = 0; j < 3; j++) {
    const char *jn = m->jnt_name[t->joint[j]], *bn = m->body_name[m->jnt_child[t->joint[j]]];
    snprintf(p, sizeof p, "%s/t_InducedContributions_%s.sto", dir, jn);
    hl_table *ic = tu_read(p);
    ck_assert_int_eq(ic->nrow, jr->nrow);
    for (int a = 0; a < 3; a++) {
      char col[256];
      snprintf(col, sizeof col, "%s_on_%s_in_%s_f%c", jn, bn, bn, "xyz"[a]);
      int cj = hl_table_col(jr, col);
      ck_assert_int_gt(cj, 0);
      for (int r = 0; r < ic->nrow; r++) {
        double s = 0;
        for (int k = 0; k < t->series.ncontributor; k++) {
          snprintf(col, sizeof col, "%s_f%c", t->series.contributor_name[k], "xyz"[a]);
          s += hl_table_get(ic, r, hl_table_col(ic, col));
        }
        worst = fmax(worst, fabs(s - hl_table_get(jr, r, cj)));
      }
    }
    hl_table_free(ic);
  }
  hl_table_free(jr);
  return worst;
}

static void stance(const char *label, const char *model, const char *forces, const char *coords, const char *loads,
                   double t0, double t1) {
  if (!tu_require_data()) return;
  inputs I;
  open_inputs(&I, model, forces, coords, loads);
  hl_trial_settings s;
  hl_trial_settings_defaults(&s);
  s.t0 = t0, s.t1 = t1, s.name = "t";
  hl_trial *t = NULL;
  hl_error err;
  ck_assert_msg(hl_trial_run(I.m, I.q, I.x, &s, &t, &err) == HL_OK, "%s", err.message);
  const hl_trial_series *T = &t->series;
  ck_assert_int_eq(T->ncontributor, I.m->nmuscle + I.m->nactuator + 2 + I.m->nlimit + 3);
  double peak[3] = {0, 0, 0}, mass = hl_model_mass(I.m), maxpeak = 0;
  worst W = {0, 0, 0, 0, 0};
  for (int r = 0; r < T->nframe; r++) {
    for (int j = 0; j < 3; j++) {
      const double *f = T->reaction[3 * (size_t)r + (size_t)j].f;
      peak[j] = fmax(peak[j], sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]));
      maxpeak = fmax(maxpeak, peak[j]);
    }
    frame_checks(I.m, t, r, mass, &W);
    for (size_t i = 0; i < (size_t)T->ncontributor * 18; i++)
      ck_assert(isfinite(T->induced[(size_t)r * T->ncontributor * 18 + i]));
  }
  char dir[1024];
  tu_tmpdir(dir, sizeof dir);
  ck_assert_msg(hl_trial_write(t, I.m, dir, &s, &err) == HL_OK, "%s", err.message);
  W.file = file_closure(I.m, t, dir);
  { /* the per-frame CSV's induced columns */
    char p[1200], head[16384];
    snprintf(p, sizeof p, "%s/t_summary.csv", dir);
    FILE *fc = fopen(p, "r");
    ck_assert_ptr_nonnull(fc);
    ck_assert_ptr_nonnull(fgets(head, sizeof head, fc));
    fclose(fc);
    ck_assert_ptr_nonnull(strstr(head, "ankle_gluteus_medius_induced_bw"));
    ck_assert_ptr_nonnull(strstr(head, "knee_contact_mismatch_bw"));
    ck_assert_ptr_nonnull(strstr(head, "induced_flags"));
  }
  for (int j = 0; j < 3; j++) { /* the stacked figures, with the named groups in their legends */
    static const char *const fig[3] = {"hip", "knee", "ankle"};
    char p[1200];
    snprintf(p, sizeof p, "%s/induced_%s.svg", dir, fig[j]);
    FILE *fs = fopen(p, "r");
    ck_assert_ptr_nonnull(fs);
    static char svg[1 << 20];
    size_t len = fread(svg, 1, sizeof svg - 1, fs);
    fclose(fs);
    svg[len] = 0;
    ck_assert_ptr_nonnull(strstr(svg, "Gluteus medius"));
    ck_assert_ptr_nonnull(strstr(svg, "Contact mismatch"));
  }
  const hl_trial_summary *S = &t->summary;
  printf("%s: %d frames, peaks %.0f/%.0f/%.0f N: closure %.2e N, groups %.2e N, direct %.2e N, Newton %.2e N, "
         "files %.2e N; hip: gluteus medius %.2f BW induced (%.2f direct), knee: top other (%s) %.2f BW, ankle: gluteus "
         "medius %.3f BW at the peaks\n",
         label, T->nframe, peak[0], peak[1], peak[2], W.closure, W.groups, W.direct, W.newton, W.file,
         S->induced[0].named[2].induced_at_peak_bw, S->induced[0].named[2].direct_at_peak_bw,
         S->induced[1].other[0].name, S->induced[1].other[0].induced_at_peak_bw, S->induced[2].named[2].induced_at_peak_bw);
  /* the issue's bounds: 1e-6 of the peak, 1e-6 N; measured ~1e-11 */
  ck_assert_double_le(W.closure, 1e-6 * fmin(peak[0], fmin(peak[1], peak[2])));
  ck_assert_double_le(W.groups, 1e-6 * maxpeak);
  ck_assert_double_le(W.direct, 1e-9 * maxpeak);
  ck_assert_double_le(W.newton, 1e-6);
  ck_assert_double_le(W.file, 1e-6 * maxpeak);
  /* the summary: named groups found, indirect effects where a muscle does not cross */
  ck_assert_int_eq(S->has_induced, 1);
  ck_assert_str_eq(S->induced[2].named[2].name, "gluteus_medius");
  ck_assert_double_eq(S->induced[2].named[2].direct_at_peak_bw, 0);     /* gmed does not cross the ankle */
  ck_assert_double_ne(S->induced[2].named[2].induced_at_peak_bw, 0);    /* ... but loads it */
  ck_assert_double_gt(S->induced[0].named[2].direct_at_peak_bw, 0.5);   /* and the hip directly */
  hl_trial_free(t);
  close_inputs(&I);
}

START_TEST(test_run4ms) {
  stance("run-4ms", "run-4ms/runningModel_CMC_test.osim", "run-4ms/runningModel_CMC_Actuators.xml",
         "run-4ms/runningModel_Kinematics_q.sto", "run-4ms/runningModel_GRF.xml", 0.868, 1.105);
}
END_TEST

START_TEST(test_hamner) {
  stance("run-hamner2010", "run-hamner2010/reference/subject02_RRA_Adjusted.osim", "run-hamner2010/Actuators_CMC.xml",
         "run-hamner2010/reference/rra_run_1_Kinematics_q.sto", "run-hamner2010/subject02_grf_HiFreq.xml", 1.105, 1.347);
}
END_TEST


/* ------------------------------------------------------------------ bad ground-reaction input */

static const char *const xml_head = "<OpenSimDocument Version=\"40000\"><ExternalLoads name=\"x\"><objects>\n";
static const char *const xml_foot = "</objects><datafile>in-memory.mot</datafile></ExternalLoads></OpenSimDocument>\n";

/* An ExternalForce on calcn_<side> from the run-4ms columns of prefix P ("R" or "L"). */
static void xml_force(char *buf, size_t n, const char *name, char side, char P) {
  size_t L = strlen(buf);
  snprintf(buf + L, n - L,
           "<ExternalForce name=\"%s\"><applied_to_body>calcn_%c</applied_to_body>"
           "<force_expressed_in_body>ground</force_expressed_in_body><point_expressed_in_body>ground</point_expressed_in_body>"
           "<force_identifier>%c_ground_force_v</force_identifier><point_identifier>%c_ground_force_p</point_identifier>"
           "<torque_identifier>%c_ground_torque_</torque_identifier></ExternalForce>\n",
           name, side, P, P, P);
}

typedef struct {
  int frames, unused, rank_def, right_contact, right_far, right_below, left_below, nonfinite;
  double closure, peak;
} badrun;

/* Every frame of run-4ms's right stance through hl_frame_step with the loads made of xml and the
 * GRF data edited by edit (may be NULL). */
static hl_status bad_run(const char *xml, void (*edit)(hl_table *), badrun *B, hl_error *err) {
  char p[1024];
  memset(B, 0, sizeof *B);
  inputs I;
  open_inputs(&I, "run-4ms/runningModel_CMC_test.osim", "run-4ms/runningModel_CMC_Actuators.xml",
              "run-4ms/runningModel_Kinematics_q.sto", "run-4ms/runningModel_GRF.xml");
  hl_extloads_free(I.x);
  I.x = NULL;
  hl_table *g = tu_read(tu_data(p, sizeof p, "run-4ms/runningModel_GRF_data.mot"));
  if (edit) edit(g);
  ck_assert_msg(hl_extloads_load_memory(xml, strlen(xml), "bad.xml", g, &I.x, err) == HL_OK, "%s", err->message);
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = 0.868, ms.t1 = 1.105, ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  hl_motion *mo = NULL;
  ck_assert_int_eq(hl_motion_create(I.m, I.q, &ms, &mo, err), HL_OK);
  const char *jn[3] = {"hip_r", "knee_r", "ankle_r"};
  hl_frame_joint jt[3];
  for (int j = 0; j < 3; j++) {
    int k = hl_model_joint(I.m, jn[j]);
    jt[j] = (hl_frame_joint){k, 0, I.m->jnt_child[k]};
  }
  hl_frame_settings fs;
  hl_frame_settings_defaults(&fs);
  fs.loads = I.x, fs.njoint = 3, fs.joint = jt;
  hl_frame *w = NULL;
  hl_status st = hl_frame_create(I.m, &fs, &w, err);
  for (int f = 0; !st && f < mo->nframe; f++) {
    size_t o = (size_t)f * I.m->ncoord;
    hl_frame_input in = {mo->t[f], mo->q + o, mo->qd + o, mo->qdd + o, NULL, NULL};
    hl_frame_result r;
    if ((st = hl_frame_step(I.m, w, &in, &r, err))) break;
    B->frames++;
    B->unused += (r.flags & HL_FRAME_INDUCED_FOOT_UNUSED) != 0;
    B->rank_def += (r.flags & HL_FRAME_INDUCED_RANK_DEFICIENT) != 0;
    B->right_contact += (r.induced_foot_flags[0] & HL_FOOT_CONTACT) != 0;
    B->right_far += (r.induced_foot_flags[0] & HL_FOOT_COP_FAR) != 0;
    B->right_below += (r.induced_foot_flags[0] & HL_FOOT_BELOW_THRESHOLD) != 0;
    B->left_below += (r.induced_foot_flags[r.nfoot - 1] & HL_FOOT_BELOW_THRESHOLD) != 0;
    size_t K = (size_t)r.ncontributor;
    for (size_t i = 0; i < 3 * K * 6; i++) B->nonfinite += !isfinite(r.induced[i]);
    for (size_t i = 0; i < K * HL_INDUCED_MAX_FEET * 6; i++) B->nonfinite += !isfinite(r.induced_grf[i]);
    for (int j = 0; j < 3; j++) {
      const double *F = r.reaction[j].f;
      B->peak = fmax(B->peak, sqrt(F[0] * F[0] + F[1] * F[1] + F[2] * F[2]));
      for (int i = 0; i < 3; i++) {
        double sum = 0;
        for (size_t k = 0; k < K; k++) sum += r.induced[((size_t)j * K + k) * 6 + (size_t)i];
        B->closure = fmax(B->closure, fabs(sum - F[i]));
      }
    }
  }
  hl_frame_free(w);
  hl_motion_free(mo);
  close_inputs(&I);
  return st;
}

/* The right foot's centre of pressure 1 m off while its force is under 300 N (the first frames
 * after heel strike, near the force threshold, where a COP is the quotient of two small numbers). */
static void cop_off(hl_table *g) {
  int fx = hl_table_col(g, "R_ground_force_vx"), fy = fx + 1, fz = fx + 2, px = hl_table_col(g, "R_ground_force_px");
  for (int r = 0; r < g->nrow; r++) {
    double *row = g->data + (size_t)r * g->ncol;
    if (sqrt(row[fx] * row[fx] + row[fy] * row[fy] + row[fz] * row[fz]) < 300) row[px] += 1.0;
  }
}

/* No force on the right foot in the whole stance. */
static void right_zero(hl_table *g) {
  int fx = hl_table_col(g, "R_ground_force_vx");
  for (int r = 0; r < g->nrow; r++)
    for (int i = 0; i < 3; i++) g->data[(size_t)r * g->ncol + fx + i] = 0;
}

START_TEST(test_bad_grf) {
  if (!tu_require_data()) return;
  char xml[8192];
  hl_error err;
  badrun B;
  snprintf(xml, sizeof xml, "%s", xml_head);
  xml_force(xml, sizeof xml, "right", 'r', 'R');
  xml_force(xml, sizeof xml, "left", 'l', 'L');
  strcat(xml, xml_foot);
  /* as measured: the right foot constrained in every frame, the left below the threshold in every
   * frame (a foot without contact all stance), nothing flagged */
  ck_assert_int_eq(bad_run(xml, NULL, &B, &err), HL_OK);
  printf("as measured: %d frames, right in contact %d, left below threshold %d, closure %.2e N\n", B.frames,
         B.right_contact, B.left_below, B.closure);
  ck_assert_int_eq(B.right_contact, B.frames);
  ck_assert_int_eq(B.left_below, B.frames);
  ck_assert_int_eq(B.unused + B.rank_def + B.nonfinite, 0);
  ck_assert_double_le(B.closure, 1e-6 * B.peak);
  /* COP 1 m off near the threshold: those frames flagged, the foot left unconstrained, finite */
  ck_assert_int_eq(bad_run(xml, cop_off, &B, &err), HL_OK);
  printf("COP off under 300 N: %d frames flagged (COP far %d), closure %.2e N\n", B.unused, B.right_far, B.closure);
  ck_assert_int_gt(B.unused, 0);
  ck_assert_int_eq(B.unused, B.right_far);
  ck_assert_int_lt(B.unused, B.frames / 3);
  ck_assert_int_eq(B.nonfinite, 0);
  ck_assert_double_le(B.closure, 1e-6 * B.peak);
  /* the right foot without force all stance: flight in every frame, no flag needed, finite */
  ck_assert_int_eq(bad_run(xml, right_zero, &B, &err), HL_OK);
  printf("right foot without force: below threshold %d of %d frames, closure %.2e N\n", B.right_below, B.frames, B.closure);
  ck_assert_int_eq(B.right_below, B.frames);
  ck_assert_int_eq(B.right_contact + B.nonfinite, 0);
  ck_assert_double_le(B.closure, 1e-6 * B.peak);
  /* the right foot named twice (over-constrained): dependent rows solved in minimum norm, flagged */
  snprintf(xml, sizeof xml, "%s", xml_head);
  xml_force(xml, sizeof xml, "right", 'r', 'R');
  xml_force(xml, sizeof xml, "right_again", 'r', 'R');
  xml_force(xml, sizeof xml, "left", 'l', 'L');
  strcat(xml, xml_foot);
  ck_assert_int_eq(bad_run(xml, NULL, &B, &err), HL_OK);
  printf("right foot twice: %d of %d frames rank deficient, closure %.2e N\n", B.rank_def, B.frames, B.closure);
  ck_assert_int_eq(B.rank_def, B.frames);
  ck_assert_int_eq(B.nonfinite, 0);
  ck_assert_double_le(B.closure, 1e-6 * B.peak);
  /* more ExternalForces than contact candidates: a clear error when the workspace is made */
  snprintf(xml, sizeof xml, "%s", xml_head);
  for (int i = 0; i < HL_INDUCED_MAX_FEET + 1; i++) xml_force(xml, sizeof xml, i % 2 ? "l" : "r", i % 2 ? 'l' : 'r', i % 2 ? 'L' : 'R');
  strcat(xml, xml_foot);
  ck_assert_int_eq(bad_run(xml, NULL, &B, &err), HL_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(err.message, "--no-induced"));
}
END_TEST

int main(void) {
  Suite *s = suite_create("trial_induced");
  TCase *tc = tcase_create("stances");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_run4ms);
  tcase_add_test(tc, test_hamner);
  tcase_add_test(tc, test_bad_grf);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
