/* SPDX-License-Identifier: Apache-2.0 */
/* AnalyzeTool setup reading, on the real setup files and on broken ones. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "hipload/setup.h"
#include "testutil.h"

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

START_TEST(test_walk_jr_so) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_analyze_setup *s = NULL;
  hl_error e;
  ck_assert_int_eq(hl_setup_read(tu_data(p, sizeof p, "walk-jr/setup_static_optimization.xml"), &s, &e), HL_OK);
  ck_assert_str_eq(s->name, "subject01");
  ck_assert_int_eq(s->has_so, 1);
  ck_assert_int_eq(s->so.step_interval, 10);
  ck_assert_double_eq_tol(s->so.start_time, 0.5, 1e-12);
  ck_assert_double_eq_tol(s->final_time, 1.999, 1e-12);
  ck_assert_double_eq(s->so_activation_exponent, 2);
  ck_assert_int_eq(s->so_use_muscle_physiology, 1);
  ck_assert_int_eq(s->nforce_set_files, 1);
  ck_assert_ptr_nonnull(strstr(s->force_set_files[0], "walk-jr/gait2392_SO_weak_Residual_Actuators.xml"));
  ck_assert_ptr_nonnull(strstr(s->model_file, "walk-jr/subject01_simbody_adjusted.osim"));
  ck_assert_ptr_nonnull(strstr(s->coordinates_file, "walk-jr/subject01_walk1_Kinematics.sto"));
  ck_assert_ptr_nonnull(strstr(s->external_loads_file, "walk-jr/foot_floor_loads.xml"));
  ck_assert_double_eq(s->lowpass_cutoff, -1);
  hl_setup_free(s);
}
END_TEST

START_TEST(test_walk_jr_jr_backslash) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_analyze_setup *s = NULL;
  hl_error e;
  ck_assert_int_eq(hl_setup_read(tu_data(p, sizeof p, "walk-jr/setup_JointReaction.xml"), &s, &e), HL_OK);
  ck_assert_int_eq(s->has_jr, 1);
  ck_assert_int_eq(s->jr_njoint, 3);
  ck_assert_str_eq(s->jr_joint[0], "ground_pelvis");
  ck_assert_str_eq(s->jr_joint[2], "hip_r");
  ck_assert_str_eq(s->jr_on[2], "parent");
  ck_assert_str_eq(s->jr_frame[0], "ground");
  ck_assert_str_eq(s->jr_frame[1], "child");
  /* the backslash in ResultsStaticOptimization\subject01_... becomes a separator */
  ck_assert_ptr_nonnull(strstr(s->jr_forces_file, "walk-jr/ResultsStaticOptimization/subject01_StaticOptimization_force.sto"));
  hl_setup_free(s);
}
END_TEST

START_TEST(test_hamner_ma) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_analyze_setup *s = NULL;
  hl_error e;
  ck_assert_int_eq(hl_setup_read(tu_data(p, sizeof p, "run-hamner2010/opensim-4.6/setup_ma.xml"), &s, &e), HL_OK);
  ck_assert_int_eq(s->has_ma, 1);
  ck_assert_int_eq(s->ma.step_interval, 5);
  ck_assert_int_eq(s->ma_nmuscle, 0); /* "all" */
  ck_assert_int_eq(s->ma_ncoord, 5);
  ck_assert_str_eq(s->ma_coords[3], "knee_angle_r");
  ck_assert_int_eq(s->ma_compute_moments, 1);
  /* paths are relative to the setup file's folder */
  ck_assert_ptr_nonnull(strstr(s->model_file, "opensim-4.6/reference/subject02_RRA_Adjusted.osim"));
  hl_setup_free(s);
}
END_TEST

START_TEST(test_bad_setups) {
  char dir[512], p[1024];
  tu_tmpdir(dir, sizeof dir);
  hl_analyze_setup *s = NULL;
  hl_error e;

  snprintf(p, sizeof p, "%s/missing.xml", dir);
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_IO);
  ck_assert_ptr_null(s);
  ck_assert_ptr_nonnull(strstr(e.message, "missing.xml"));

  snprintf(p, sizeof p, "%s/broken.xml", dir);
  write_file(p, "<OpenSimDocument><AnalyzeTool name=\"x\">\n<model_file>m.osim</model_file>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_PARSE);
  ck_assert_ptr_nonnull(strstr(e.message, "not well-formed XML"));

  snprintf(p, sizeof p, "%s/cmc.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\">\n<CMCTool name=\"x\"/>\n</OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_UNSUPPORTED);
  ck_assert_int_eq(e.line, 2);
  ck_assert_ptr_nonnull(strstr(e.message, "CMCTool"));

  snprintf(p, sizeof p, "%s/step.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                "<AnalysisSet><objects><StaticOptimization>\n<step_interval>0</step_interval>\n"
                "</StaticOptimization></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_BAD_VALUE);
  ck_assert_int_eq(e.line, 4);
  ck_assert_ptr_nonnull(strstr(e.message, "step_interval"));

  snprintf(p, sizeof p, "%s/cmc2.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                "<AnalysisSet><objects>\n<BodyKinematics/>\n"
                "</objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_UNSUPPORTED);
  ck_assert_int_eq(e.line, 4);
  ck_assert_ptr_nonnull(strstr(e.message, "BodyKinematics"));

  /* InducedAccelerations: a contact constraint other than RollingOnSurfaceConstraint, and the
   * analysis together with another one */
  snprintf(p, sizeof p, "%s/iaa_point.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><states_file>s.sto</states_file>\n"
                "<AnalysisSet><objects><InducedAccelerations><ConstraintSet><objects>\n"
                "<PointConstraint name=\"p\"/>\n</objects></ConstraintSet>"
                "</InducedAccelerations></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_UNSUPPORTED);
  ck_assert_int_eq(e.line, 4);
  ck_assert_ptr_nonnull(strstr(e.message, "PointConstraint"));
  snprintf(p, sizeof p, "%s/iaa_two.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                "<AnalysisSet><objects><InducedAccelerations/><StaticOptimization/></objects></AnalysisSet>"
                "</AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(e.message, "runs alone"));

  snprintf(p, sizeof p, "%s/num.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                "<initial_time>zero</initial_time>\n"
                "<AnalysisSet><objects><StaticOptimization/></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_PARSE);
  ck_assert_int_eq(e.line, 3);
  ck_assert_ptr_nonnull(strstr(e.message, "initial_time"));

  snprintf(p, sizeof p, "%s/none.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                "</AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_NOT_FOUND);
  ck_assert_ptr_nonnull(strstr(e.message, "no analyses"));

  snprintf(p, sizeof p, "%s/jr.xml", dir);
  write_file(p, "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                "<AnalysisSet><objects><JointReaction>\n<joint_names>hip_r knee_r</joint_names>\n"
                "<apply_on_bodies>child sideways</apply_on_bodies>\n"
                "</JointReaction></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n");
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_PARSE);
  ck_assert_ptr_nonnull(strstr(e.message, "sideways"));
}
END_TEST

START_TEST(test_path_resolve) {
  char out[256];
  hl_path_resolve("/a/b", "c\\d.sto", out, sizeof out);
  ck_assert_str_eq(out, "/a/b/c/d.sto");
  hl_path_resolve("/a/b", "/abs/x.sto", out, sizeof out);
  ck_assert_str_eq(out, "/abs/x.sto");
  hl_path_resolve("/a/b", "", out, sizeof out);
  ck_assert_str_eq(out, "");
}
END_TEST

/* hipload setup: by default SO reports OpenSim's interior-point stopping point and says so in the
 * header; --exact reports the exact optimum, which puts muscles on their lower bound where the
 * barrier point keeps them strictly inside. */
/* `hipload setup` on walk-so-spring with the extra options into dir/sub; returns the exit status
 * (0 on success) and, on success, the smallest muscle activation of any frame and the start of
 * the force file (its header) in header. */
static int run_spring(const char *dir, const char *sub, const char *opts, double *min_act,
                      char *header, size_t n) {
  char setup[1024], cmd[4096], p[1200];
  tu_data(setup, sizeof setup, "walk-so-spring/staticoptimization_spring_Setup.xml");
  snprintf(cmd, sizeof cmd, "'%s' setup '%s' %s --out '%s/%s' >/dev/null 2>&1", tu_cli(), setup, opts,
           dir, sub);
  int rc = system(cmd);
  if (rc != 0) return rc;
  snprintf(p, sizeof p, "%s/%s/walk_subject01_ankle_spring_StaticOptimization_activation.sto", dir, sub);
  hl_table *t = tu_read(p);
  double mn = INFINITY;
  for (int r = 0; r < t->nrow; r++)
    for (int c = 1; c <= 18; c++) mn = fmin(mn, hl_table_get(t, r, c)); /* the 18 muscles */
  hl_table_free(t);
  *min_act = mn;
  snprintf(p, sizeof p, "%s/%s/walk_subject01_ankle_spring_StaticOptimization_force.sto", dir, sub);
  FILE *f = fopen(p, "r");
  ck_assert_ptr_nonnull(f);
  size_t k = fread(header, 1, n - 1, f);
  header[k] = 0;
  fclose(f);
  return 0;
}

START_TEST(test_cli_so_exact) {
  if (!tu_require_data()) return;
  char dir[512], h1[800], h2[800], h3[800];
  double ma, mb, mc;
  tu_tmpdir(dir, sizeof dir);
  ck_assert_int_eq(run_spring(dir, "a", "", &ma, h1, sizeof h1), 0);
  ck_assert_int_eq(run_spring(dir, "b", "--exact", &mb, h2, sizeof h2), 0);
  ck_assert_ptr_nonnull(strstr(h1, "log-barrier point at mu=3e-05"));
  ck_assert_ptr_nonnull(strstr(h2, "Answer: the exact optimum."));
  /* the model's muscles have min_control 0.0001: the exact optimum sits on it, the barrier point
   * above it */
  ck_assert_double_eq_tol(mb, 0.0001, 1e-12);
  ck_assert_double_gt(ma, 0.0001 + 1e-6);
  /* --so-mu: a smaller barrier parameter lies between the two; a bad one is a usage error */
  ck_assert_int_eq(run_spring(dir, "c", "--so-mu 3e-6", &mc, h3, sizeof h3), 0);
  ck_assert_ptr_nonnull(strstr(h3, "mu=3e-06"));
  ck_assert_ptr_nonnull(strstr(h3, "given with --so-mu"));
  ck_assert_double_gt(mc, mb);
  ck_assert_double_lt(mc, ma);
  int rc = run_spring(dir, "d", "--so-mu 0", &mc, h3, sizeof h3);
  ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
}
END_TEST

int main(void) {
  Suite *s = suite_create("setup");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_walk_jr_so);
  tcase_add_test(tc, test_walk_jr_jr_backslash);
  tcase_add_test(tc, test_hamner_ma);
  tcase_add_test(tc, test_bad_setups);
  tcase_add_test(tc, test_path_resolve);
  tcase_add_test(tc, test_cli_so_exact);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
