/* SPDX-License-Identifier: Apache-2.0 */
/* AnalyzeTool setup reading, on the real setup files and on broken ones. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "hipload/analyze.h"
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
  ck_assert_int_eq(s->ma_compute_moments, 1); /* refused by hl_analyze_run without allow_unsupported */
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
  char *out = hl_setup_resolve_path("/a/b", "c\\d.sto");
  ck_assert_str_eq(out, "/a/b/c/d.sto");
  free(out);
  out = hl_setup_resolve_path("/a/b", "/abs/x.sto");
  ck_assert_str_eq(out, "/abs/x.sto");
  free(out);
  out = hl_setup_resolve_path("/a/b", "");
  ck_assert_str_eq(out, "");
  free(out);
  /* no length limit: a path of 5000 characters is kept whole */
  char longrel[5001];
  memset(longrel, 'x', 5000);
  longrel[5000] = 0;
  out = hl_setup_resolve_path("/a", longrel);
  ck_assert_uint_eq(strlen(out), 5003);
  free(out);
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

/* Hamner's SO + MuscleAnalysis setup with the given <on> values, absolute paths, in dir. */
static void hamner_on(const char *dir, const char *so_on, const char *ma_on, char *path, size_t n) {
  char d[1024], text[8192];
  tu_data(d, sizeof d, "run-hamner2010");
  snprintf(text, sizeof text,
           "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"h\">"
           "<model_file>%s/reference/subject02_RRA_Adjusted.osim</model_file>"
           "<force_set_files>%s/Actuators_CMC.xml</force_set_files>"
           "<results_directory>%s/out</results_directory><initial_time>1.105</initial_time>"
           "<final_time>1.2</final_time><AnalysisSet><objects>"
           "<StaticOptimization name=\"so\"><on>%s</on><step_interval>5</step_interval></StaticOptimization>"
           "<MuscleAnalysis name=\"ma\"><on>%s</on><step_interval>5</step_interval>"
           "<muscle_list>glut_med1_r</muscle_list><moment_arm_coordinate_list>hip_flexion_r</moment_arm_coordinate_list>"
           "</MuscleAnalysis></objects></AnalysisSet>"
           "<external_loads_file>%s/subject02_grf_HiFreq.xml</external_loads_file>"
           "<coordinates_file>%s/reference/rra_run_1_Kinematics_q.sto</coordinates_file>"
           "</AnalyzeTool></OpenSimDocument>\n",
           d, d, dir, so_on, ma_on, d, d);
  snprintf(path, n, "%s/setup_%s_%s.xml", dir, so_on, ma_on);
  write_file(path, text);
}

/* An analysis with <on>false</on> does not run and writes nothing; none on is an error. */
START_TEST(test_analysis_off) {
  if (!tu_require_data()) return;
  char dir[512], path[1200], out[1200];
  tu_tmpdir(dir, sizeof dir);
  hl_analyze_setup *s = NULL;
  hl_analyze_report rep;
  hl_error e;
  hamner_on(dir, "false", "true", path, sizeof path);
  ck_assert_msg(hl_setup_read(path, &s, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_analyze_run(s, NULL, &rep, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(rep.nfiles, 2); /* Length and MomentArm_hip_flexion_r */
  for (int i = 0; i < rep.nfiles; i++) ck_assert_ptr_nonnull(strstr(rep.files[i], "h_MuscleAnalysis_"));
  snprintf(out, sizeof out, "%s/out/h_StaticOptimization_force.sto", dir);
  ck_assert_ptr_null(fopen(out, "r"));
  hl_analyze_report_clear(&rep);
  hl_setup_free(s);
  hamner_on(dir, "true", "false", path, sizeof path);
  ck_assert_msg(hl_setup_read(path, &s, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_analyze_run(s, NULL, &rep, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(rep.nfiles, 3); /* force, solver report, activation */
  for (int i = 0; i < rep.nfiles; i++) ck_assert_ptr_nonnull(strstr(rep.files[i], "h_StaticOptimization_"));
  hl_analyze_report_clear(&rep);
  hl_setup_free(s);
  hamner_on(dir, "false", "false", path, sizeof path);
  ck_assert_msg(hl_setup_read(path, &s, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(hl_analyze_run(s, NULL, &rep, &e), HL_ERR_NOT_FOUND);
  ck_assert_ptr_nonnull(strstr(e.message, "no analysis"));
  ck_assert_int_eq(rep.nfiles, 0);
  hl_setup_free(s);
}
END_TEST

/* Every element is honoured or refused: each refusal names the file, the line and the element. */
START_TEST(test_fields_refused) {
  char dir[512], p[1024];
  tu_tmpdir(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/s.xml", dir);
  const char *head = "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"t\">\n<model_file>m.osim</model_file>\n"
                     "<coordinates_file>q.sto</coordinates_file>\n";
  const char *so = "<AnalysisSet><objects><StaticOptimization name=\"so\">\n";
  const char *tail = "</StaticOptimization></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n";
  const struct {
    const char *tool, *analysis, *want;
  } cases[] = {
      {"<states_file>s.sto</states_file>\n", "", "s.xml:4: <states_file> of the AnalyzeTool: hipload does not support a states file"},
      {"<speeds_file>u.sto</speeds_file>\n", "", "s.xml:4: <speeds_file>"},
      {"<ControllerSet><objects><PrescribedController/></objects></ControllerSet>\n", "", "s.xml:4: <ControllerSet>"},
      {"<no_such_field>1</no_such_field>\n", "", "s.xml:4: <no_such_field> of the AnalyzeTool is not an element hipload knows"},
      {"<output_precision>-3</output_precision>\n", "", "<output_precision> must be a positive integer"},
      {"", "<use_model_force_set>false</use_model_force_set>\n", "s.xml:5: <use_model_force_set>false"},
      {"", "<optimizer_algorithm>ipopt</optimizer_algorithm>\n", "s.xml:5: <optimizer_algorithm> of StaticOptimization"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s%s%s", head, cases[k].tool, so, cases[k].analysis, tail);
    write_file(p, text);
    hl_analyze_setup *s = NULL;
    hl_error e;
    hl_status st = hl_setup_read(p, &s, &e);
    ck_assert_msg(st == HL_ERR_UNSUPPORTED || st == HL_ERR_BAD_VALUE, "case %zu: status %d", k, (int)st);
    ck_assert_msg(strstr(e.message, cases[k].want) != NULL, "case %zu: %s", k, e.message);
    ck_assert_ptr_null(s);
  }
  /* accepted: the integrator settings and in_degrees (they change nothing hipload computes) */
  char text[2048];
  snprintf(text, sizeof text, "%s<integrator_error_tolerance>1e-5</integrator_error_tolerance>\n%s"
           "<in_degrees>false</in_degrees>\n%s", head, so, tail);
  write_file(p, text);
  hl_analyze_setup *s = NULL;
  hl_error e;
  ck_assert_msg(hl_setup_read(p, &s, &e) == HL_OK, "%s", e.message);
  hl_setup_free(s);
  /* analyses on different frames */
  snprintf(text, sizeof text, "%s<AnalysisSet><objects><StaticOptimization name=\"so\"><step_interval>2</step_interval>"
           "</StaticOptimization>\n<MuscleAnalysis name=\"ma\"><step_interval>3</step_interval></MuscleAnalysis>"
           "</objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n", head);
  write_file(p, text);
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(e.message, "StaticOptimization and MuscleAnalysis ask for different frames"));
  /* compute_moments: refused by the run (before reading any file) unless allowed */
  snprintf(text, sizeof text, "%s<AnalysisSet><objects><MuscleAnalysis name=\"ma\">\n<compute_moments>true</compute_moments>"
           "</MuscleAnalysis></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n", head);
  write_file(p, text);
  ck_assert_msg(hl_setup_read(p, &s, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(hl_analyze_run(s, NULL, NULL, &e), HL_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(e.message, "s.xml:5: <compute_moments>true"));
  hl_analyze_options o;
  hl_analyze_options_defaults(&o);
  o.allow_unsupported = 1;
  ck_assert_int_eq(hl_analyze_run(s, &o, NULL, &e), HL_ERR_IO); /* goes on: m.osim is not there */
  hl_setup_free(s);
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
  tcase_add_test(tc, test_analysis_off);
  tcase_add_test(tc, test_fields_refused);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
