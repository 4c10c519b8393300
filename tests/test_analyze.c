/* SPDX-License-Identifier: Apache-2.0 */
/* `hipload analyze` on the user's own files (run-4ms, run-hamner2010) and on the embedded generic
 * model scaled to --mass/--height: summary.json against the .sto it sits next to, stance windows
 * against the data README, the hip peak against OpenSim 4.6, SVGs as XML; error cases leave no
 * output folder behind. */
#include <dirent.h>
#include <libxml/parser.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "hipload/table.h"
#include "testutil.h"

#define D4 "run-4ms/"
#define DH "run-hamner2010/"

/* Whole file as a NUL-terminated string (NULL when it cannot be read). */
static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *b = malloc(cap);
  for (size_t k; b && (k = fread(b + n, 1, cap - n - 1, f)) > 0;) {
    n += k;
    if (n + 1 == cap) b = realloc(b, cap *= 2);
  }
  fclose(f);
  if (b) b[n] = 0;
  return b;
}

/* Value of "key": found after the first occurrence of "section": (section NULL: from the top). */
static double jval(const char *js, const char *section, const char *key) {
  char pat[96];
  const char *p = js;
  if (section) {
    snprintf(pat, sizeof pat, "\"%s\":", section);
    p = strstr(js, pat);
    ck_assert_msg(p != NULL, "summary.json has no %s", section);
  }
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *v = strstr(p, pat);
  ck_assert_msg(v != NULL, "summary.json has no %s after %s", key, section ? section : "the top");
  return atof(v + strlen(pat));
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Run `hipload analyze ARGS --out DIR/out`, stderr to DIR/err.txt; returns the exit status. */
static int analyze(const char *dir, const char *args) {
  char cmd[8192];
  int n = snprintf(cmd, sizeof cmd, "%s analyze %s --out %s/out > %s/stdout.txt 2> %s/err.txt", tu_cli(), args, dir,
                   dir, dir);
  ck_assert(n > 0 && (size_t)n < sizeof cmd);
  int rc = system(cmd);
  ck_assert_msg(WIFEXITED(rc), "hipload did not exit normally: %s", cmd);
  return WEXITSTATUS(rc);
}

/* The data arguments of a case, with absolute paths. */
static void case_args(char *buf, size_t n, const char *model, const char *q, const char *xml, const char *res,
                      const char *extra) {
  char pm[1024] = "", pq[1024], px[1024], pr[1024] = "";
  char a[1100] = "", b[1100] = "";
  if (model) snprintf(a, sizeof a, "--model %s", tu_data(pm, sizeof pm, model));
  if (res) snprintf(b, sizeof b, "--reserves %s", tu_data(pr, sizeof pr, res));
  snprintf(buf, n, "%s --coordinates %s --external-loads %s %s %s", a, tu_data(pq, sizeof pq, q),
           tu_data(px, sizeof px, xml), b, extra);
}

/* Largest |hip_r_on_femur_r_in_femur_r_f| in the JointReaction file and its time. */
static double sto_hip_peak(const char *path, double *when) {
  hl_table *t = tu_read(path);
  int c = hl_table_col(t, "hip_r_on_femur_r_in_femur_r_fx");
  ck_assert_msg(c >= 1, "%s has no hip_r_on_femur_r_in_femur_r_fx", path);
  double best = -1;
  for (int r = 0; r < t->nrow; r++) {
    double s = 0;
    for (int k = 0; k < 3; k++) s += hl_table_get(t, r, c + k) * hl_table_get(t, r, c + k);
    if (sqrt(s) > best) best = sqrt(s), *when = hl_table_time(t, r);
  }
  hl_table_free(t);
  return best;
}

/* Checks every successful run must pass; returns the hip peak in N. */
static double check_outputs(const char *dir, double t0, double t1, double grf_dt, double mass) {
  char p[1200];
  snprintf(p, sizeof p, "%s/out/summary.json", dir);
  char *js = read_text(p);
  ck_assert_msg(js != NULL, "no summary.json in %s/out", dir);
  double bw = jval(js, NULL, "body_weight_n"), peak = jval(js, "hip", "peak_bw") * bw;
  ck_assert_double_eq_tol(jval(js, NULL, "body_mass_kg"), mass, 0.05);
  ck_assert_double_eq_tol(bw, jval(js, NULL, "body_mass_kg") * 9.80665, 0.01);
  /* the stance the data README gives, to one GRF sample */
  ck_assert_msg(fabs(jval(js, "stance", "t0") - t0) <= grf_dt + 1e-9, "t0 %g vs %g", jval(js, "stance", "t0"), t0);
  ck_assert_msg(fabs(jval(js, "stance", "t1") - t1) <= grf_dt + 1e-9, "t1 %g vs %g", jval(js, "stance", "t1"), t1);
  /* summary.json agrees with the JointReaction .sto next to it */
  double when = 0;
  snprintf(p, sizeof p, "%s/out/hipload_JointReaction_ReactionLoads.sto", dir);
  double sto = sto_hip_peak(p, &when);
  ck_assert_msg(fabs(sto - peak) <= 1e-7 * sto, "summary %.9g N vs .sto %.9g N", peak, sto);
  ck_assert_double_eq_tol(jval(js, "hip", "peak_time_s"), when, 1e-9);
  /* named muscle groups are there */
  ck_assert(jval(strstr(js, "\"muscle_forces\""), "gluteus_medius", "peak_n") > 0);
  free(js);
  /* the figures are XML */
  const char *svg[] = {"hip_contact.svg", "muscle_forces.svg"};
  for (int i = 0; i < 2; i++) {
    snprintf(p, sizeof p, "%s/out/%s", dir, svg[i]);
    xmlDoc *doc = xmlReadFile(p, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "%s does not parse as XML", p);
    ck_assert_str_eq((const char *)xmlDocGetRootElement(doc)->name, "svg");
    xmlFreeDoc(doc);
  }
  /* nothing half-written stays: no staging folder, no .tmp file */
  snprintf(p, sizeof p, "%s/out", dir);
  DIR *d = opendir(p);
  ck_assert_ptr_nonnull(d);
  for (struct dirent *e; (e = readdir(d));) {
    ck_assert_msg(e->d_name[0] != '.' || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."), "left over: %s", e->d_name);
    ck_assert_msg(!strstr(e->d_name, ".tmp"), "left over: %s", e->d_name);
  }
  closedir(d);
  return peak;
}

/* A run that must succeed: its outputs pass check_outputs; returns the hip peak, N. */
static double run_ok(char *dir, size_t n, const char *model, const char *q, const char *xml, const char *res,
                     const char *extra, double t0, double t1, double grf_dt, double mass) {
  char args[4096];
  tu_tmpdir(dir, n);
  case_args(args, sizeof args, model, q, xml, res, extra);
  ck_assert_int_eq(analyze(dir, args), 0);
  return check_outputs(dir, t0, t1, grf_dt, mass);
}

START_TEST(test_run4ms) {
  if (!tu_require_data()) return;
  char dir[512];
  /* README: right stance 0.868–1.105 s; GRF at 1 kHz */
  double peak = run_ok(dir, sizeof dir, D4 "runningModel_CMC_test.osim", D4 "runningModel_Kinematics_q.sto",
                       D4 "runningModel_GRF.xml", D4 "runningModel_CMC_Actuators.xml", "--leg r --stance auto", 0.868,
                       1.105, 0.001, 72.84);
  ck_assert(peak > 4 * 72.84 * 9.80665 && peak < 12 * 72.84 * 9.80665); /* running: 4–12 BW */
}
END_TEST

START_TEST(test_hamner_matches_opensim) {
  if (!tu_require_data()) return;
  char dir[512];
  /* README: right stance 1.105–1.347 s; GRF at 588.2 Hz */
  double peak = run_ok(dir, sizeof dir, DH "reference/subject02_RRA_Adjusted.osim",
                       DH "reference/rra_run_1_Kinematics_q.sto", DH "subject02_grf_HiFreq.xml", DH "Actuators_CMC.xml",
                       "--leg r --stance auto --step 5", 1.105, 1.347, 0.0017, 65.9);
  /* OpenSim 4.6 on the same stance, 200 Hz frames: 6168 N at 1.210 s */
  tu_bound("analyze hamner: |hip peak - OpenSim's 6168 N|, N", fabs(peak - 6168), 0.02 * 6168,
           1.5); /* measured 0.11 N */
}
END_TEST

/* The embedded generic model at its own size is the subject02 model with Actuators_CMC.xml, so
 * it must reproduce the --model run; scaled, the summary carries the new mass and the model
 * name says what was done. */
START_TEST(test_generic_model) {
  if (!tu_require_data()) return;
  char dir[512];
  const char *q = DH "reference/rra_run_1_Kinematics_q.sto", *xml = DH "subject02_grf_HiFreq.xml";
  double peak = run_ok(dir, sizeof dir, NULL, q, xml, NULL, "--mass 65.9 --height 1.80 --step 5", 1.105, 1.347,
                       0.0017, 65.9);
  tu_bound("analyze generic model at 65.9 kg: |hip peak - OpenSim's 6168 N|, N", fabs(peak - 6168),
           0.02 * 6168, 1.5); /* measured 0.11 N */
  double own = run_ok(dir, sizeof dir, DH "reference/subject02_RRA_Adjusted.osim", q, xml, DH "Actuators_CMC.xml",
                      "--step 5", 1.105, 1.347, 0.0017, 65.9);
  ck_assert_msg(fabs(peak - own) <= 1e-6 * own, "generic at 65.9 kg, 1.80 m: %.6f N; subject model: %.6f N", peak, own);

  /* --mass alone: height from the generic model's body-mass index, 1.80·sqrt(80/65.9) m */
  double peak80 = run_ok(dir, sizeof dir, NULL, q, xml, NULL, "--mass 80 --step 5", 1.105, 1.347, 0.0017, 80.0);
  char p[1200], want[128];
  snprintf(p, sizeof p, "%s/out/summary.json", dir);
  char *js = read_text(p);
  snprintf(want, sizeof want, "scaled to 80.0 kg, %.3f m", 1.80 * sqrt(80.0 / 65.9));
  ck_assert_msg(strstr(js, want) != NULL, "summary.json does not say '%s'", want);
  free(js);
  ck_assert(peak80 > peak); /* a heavier body on the same motion and ground forces */
}
END_TEST

/* Each error: exit status, a message naming what is wrong, and no output folder. */
static void expect_error(const char *args, int status, const char *must1, const char *must2) {
  char dir[512], p[1200];
  tu_tmpdir(dir, sizeof dir);
  ck_assert_int_eq(analyze(dir, args), status);
  snprintf(p, sizeof p, "%s/err.txt", dir);
  char *msg = read_text(p);
  ck_assert_ptr_nonnull(msg);
  ck_assert_msg(strstr(msg, must1) != NULL, "message lacks '%s': %s", must1, msg);
  if (must2) ck_assert_msg(strstr(msg, must2) != NULL, "message lacks '%s': %s", must2, msg);
  free(msg);
  snprintf(p, sizeof p, "%s/out", dir);
  ck_assert_msg(!exists(p), "an output folder was left after: %s", args);
}

START_TEST(test_errors) {
  if (!tu_require_data()) return;
  char args[4096], extra[1400], q[1024];
  const char *model = DH "reference/subject02_RRA_Adjusted.osim", *qs = DH "reference/rra_run_1_Kinematics_q.sto",
             *xml = DH "subject02_grf_HiFreq.xml";
  /* a coordinates file that is not there: the work fails (1) and the message names it */
  case_args(args, sizeof args, model, DH "no_such_kinematics.sto", xml, NULL, "");
  expect_error(args, 1, "no_such_kinematics.sto", NULL);
  /* usage errors (2) */
  case_args(args, sizeof args, model, qs, xml, NULL, "--leg x");
  expect_error(args, 2, "--leg", "'x'");
  case_args(args, sizeof args, model, qs, xml, NULL, "--t0 1.3 --t1 1.2");
  expect_error(args, 2, "--t0 1.3 s must be before --t1 1.2", NULL);
  case_args(args, sizeof args, NULL, qs, xml, NULL, "");
  expect_error(args, 2, "--mass", "--height");
  case_args(args, sizeof args, model, qs, xml, NULL, "--height 1.7");
  expect_error(args, 2, "--height", "--model");
  case_args(args, sizeof args, NULL, qs, xml, NULL, "--mass 70 --height 7");
  expect_error(args, 2, "--height 7", NULL);
  case_args(args, sizeof args, model, qs, xml, NULL, "--step 0");
  expect_error(args, 2, "--step", NULL);
  /* a window outside the data: the message says so and names the kinematics file */
  case_args(args, sizeof args, model, qs, xml, NULL, "--t0 5 --t1 6");
  expect_error(args, 1, "outside the kinematics", "rra_run_1_Kinematics_q.sto");
  /* a reserves file that is not there */
  snprintf(extra, sizeof extra, "--reserves %s", tu_data(q, sizeof q, DH "missing_actuators.xml"));
  case_args(args, sizeof args, model, qs, xml, NULL, extra);
  expect_error(args, 1, "missing_actuators.xml", NULL);
}
END_TEST

/* An error with an existing output folder leaves it exactly as it was. */
START_TEST(test_error_keeps_existing_folder) {
  if (!tu_require_data()) return;
  char dir[512], args[4096], p[1200];
  tu_tmpdir(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/out", dir);
  ck_assert_int_eq(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/out/keep.txt", dir);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs("mine\n", f);
  fclose(f);
  case_args(args, sizeof args, DH "reference/subject02_RRA_Adjusted.osim", DH "reference/rra_run_1_Kinematics_q.sto",
            DH "subject02_grf_HiFreq.xml", NULL, "--t0 5 --t1 6");
  ck_assert_int_eq(analyze(dir, args), 1);
  char *keep = read_text(p);
  ck_assert_str_eq(keep, "mine\n");
  free(keep);
  snprintf(p, sizeof p, "%s/out", dir);
  DIR *d = opendir(p);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  ck_assert_int_eq(n, 1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("analyze");
  TCase *tc = tcase_create("cli");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_run4ms);
  tcase_add_test(tc, test_hamner_matches_opensim);
  tcase_add_test(tc, test_generic_model);
  tcase_add_test(tc, test_errors);
  tcase_add_test(tc, test_error_keeps_existing_folder);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
