/* SPDX-License-Identifier: Apache-2.0 */
/* Storage reader/writer tests: every shared .sto/.mot file, analytic fixtures, every error path,
 * exact write/read round trip, and `hipload info` on storage files. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hipload/table.h"
#include "storage_internal.h"
#include "testutil.h"

/* Shapes read by eye / with awk from the files (rows after the labels, label count, first and
 * last time), not by hipload. walk-so-spring's kinematics repeats its last row verbatim
 * (2537 lines): the reader drops the exact duplicate, hence 2536. */
static const struct {
  const char *rel;
  int rows, cols;
  double t0, t1;
} shapes[] = {
    {"run-4ms/runningModel_GRF_data.mot", 691, 19, 0.86, 1.55},
    {"run-4ms/runningModel_Kinematics_q.sto", 684, 38, 0.86199999999999999000, 1.54499999999999990000},
    {"run-4ms/std_runningModel_CMC_Actuation_force.sto", 644, 122, 0.89200000, 1.53500000},
    {"run-4ms/std_runningModel_CMC_states.sto", 124, 259, 0.89200000, 0.94000000},
    {"run-hamner2010/opensim-4.6/hamner_r_JointReaction_ReactionLoads.sto", 48, 28, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_MuscleAnalysis_Length.sto", 50, 93, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_MuscleAnalysis_MomentArm_ankle_angle_r.sto", 50, 93, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_MuscleAnalysis_MomentArm_hip_adduction_r.sto", 50, 93, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_MuscleAnalysis_MomentArm_hip_flexion_r.sto", 50, 93, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_MuscleAnalysis_MomentArm_hip_rotation_r.sto", 50, 93, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_MuscleAnalysis_MomentArm_knee_angle_r.sto", 50, 93, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_StaticOptimization_activation.sto", 48, 122, 1.10500000, 1.34700000},
    {"run-hamner2010/opensim-4.6/hamner_r_StaticOptimization_force.sto", 48, 140, 1.10500000, 1.34700000},
    {"run-hamner2010/reference/rra_run_1_Kinematics_q.sto", 901, 38, 0.69999999999999996000, 1.59900000000000020000},
    {"run-hamner2010/reference/subject02_Actuation_force.sto", 348, 122, 0.73000000, 1.58900000},
    {"run-hamner2010/reference/subject02_running_ik.mot", 599, 38, 0.00000000, 9.96666667},
    {"run-hamner2010/subject02_grf_HiFreq.mot", 439, 19, 0.7, 1.43},
    {"run-hamner2010/subject02_running_arms_ik.mot", 600, 161, 0.00000000, 9.98300000},
    {"run-hamner2010/subject02_running_grf.mot", 601, 42, 0, 10},
    {"walk-gait2392-pipeline/reference/InverseDynamicsOutput.sto", 73, 24, 0.39999934, 1.59999886},
    {"walk-gait2392-pipeline/subject01_walk1_RRA_Kinematics_q.sto", 1500, 24, 0.50000000, 1.99900000},
    {"walk-gait2392-pipeline/subject01_walk1_grf.mot", 1501, 19, 0, 2.5},
    {"walk-gait2392-pipeline/subject01_walk1_ik.mot", 211, 24, 0.50000000, 4.00000000},
    {"walk-id/std_subject01_InverseDynamics.sto", 73, 24, 0.39999934, 1.59999886},
    {"walk-id/subject01_walk1_grf.mot", 9009, 19, 0, 15.0133},
    {"walk-id/subject01_walk1_ik.mot", 211, 24, 0.50000000, 4.00000000},
    {"walk-jr/reference/subject01_JointReaction_ReactionLoads.sto", 151, 28, 0.50000000000000000000, 1.99900000000000011013},
    {"walk-jr/reference/subject01_StaticOptimization_activation.sto", 151, 99, 0.50000000000000000000, 1.99900000000000011013},
    {"walk-jr/reference/subject01_StaticOptimization_force.sto", 151, 117, 0.50000000000000000000, 1.99900000000000011013},
    {"walk-jr/subject01_walk1_Kinematics.sto", 1500, 24, 0.50000000, 1.99900000},
    {"walk-jr/subject01_walk1_grf.mot", 9009, 19, 0.00000000, 15.01330000},
    {"walk-rajagopal-so/results_SO/results_JointReaction_JointRxn_ReactionLoads.sto", 41, 127, 10.90000000, 11.70000000},
    {"walk-rajagopal-so/results_SO/results_forces.sto", 41, 118, 10.90000000, 11.70000000},
    {"walk-rajagopal-so/results_SO/results_states.sto", 41, 211, 10.90000000, 11.70000000},
    {"walk-rajagopal-so/results_id.sto", 3028, 26, -0.00000000, 60.54000000},
    {"walk-rajagopal-so/results_ik.sto", 3028, 26, 0.00000000, 60.54000000},
    {"walk-rajagopal-so/walking_baseline1_forces.mot", 3028, 19, 0.000000, 60.540001},
    {"walk-so-spring/std_walk_subject01_ankle_spring_StaticOptimization_activation.sto", 84, 29, 0.50000000, 1.30000000},
    {"walk-so-spring/std_walk_subject01_ankle_spring_StaticOptimization_force.sto", 84, 49, 0.50000000, 1.30000000},
    {"walk-so-spring/subject01_walk1_grf.mot", 9009, 19, 0.00000000, 15.01330000},
    {"walk-so-spring/walk_subject01_Kinematics_q.sto", 2536, 11, 0.00000000, 2.49900000},
};

START_TEST(test_all_shared_files) {
  if (!tu_require_data()) return;
  char p[1024];
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    hl_table *t = NULL;
    hl_error e;
    hl_status st = hl_table_read(tu_data(p, sizeof p, shapes[i].rel), &t, &e);
    ck_assert_msg(st == HL_OK, "%s: %s", shapes[i].rel, e.message);
    ck_assert_msg(t->nrow == shapes[i].rows, "%s rows %d != %d", shapes[i].rel, t->nrow, shapes[i].rows);
    ck_assert_msg(t->ncol == shapes[i].cols, "%s cols %d != %d", shapes[i].rel, t->ncol, shapes[i].cols);
    ck_assert_double_eq_tol(hl_table_time(t, 0), shapes[i].t0, 1e-12);
    ck_assert_double_eq_tol(hl_table_time(t, t->nrow - 1), shapes[i].t1, 1e-12);
    ck_assert_str_eq(t->names[0], "time");
    hl_table_free(t);
  }
}
END_TEST

/* Header quirks on real files: claimed row counts, inDegrees, both header styles. */
START_TEST(test_shared_headers) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_table *t;
  hl_error e;
  /* SIMM header claims 901 rows, has 601 */
  ck_assert_int_eq(hl_table_read(tu_data(p, sizeof p, "run-hamner2010/subject02_running_grf.mot"), &t, &e), HL_OK);
  ck_assert_int_eq(t->header_rows, 901);
  ck_assert_int_eq(t->nrow, 601);
  ck_assert_str_eq(t->name, "subject02_running.mot");
  hl_table_free(t);
  /* version=1 header claims 121120 rows, has 3028 */
  ck_assert_int_eq(hl_table_read(tu_data(p, sizeof p, "walk-rajagopal-so/walking_baseline1_forces.mot"), &t, &e), HL_OK);
  ck_assert_int_eq(t->header_rows, 121120);
  ck_assert_int_eq(t->in_degrees, 1);
  hl_table_free(t);
  /* both styles (nRows + SIMM block), "Angles are in degrees." in a version-0 header */
  ck_assert_int_eq(hl_table_read(tu_data(p, sizeof p, "run-4ms/runningModel_Kinematics_q.sto"), &t, &e), HL_OK);
  ck_assert_int_eq(t->header_rows, 684);
  ck_assert_int_eq(t->in_degrees, 1);
  ck_assert_int_eq(t->header_line_of_labels, 16);
  ck_assert_str_eq(t->names[7], "hip_flexion_r");
  hl_table_free(t);
  /* walk-jr GRF: first row's values as printed in the file */
  ck_assert_int_eq(hl_table_read(tu_data(p, sizeof p, "walk-jr/subject01_walk1_grf.mot"), &t, &e), HL_OK);
  int c = hl_table_col(t, "right_foot_force_vy");
  ck_assert_int_eq(c, 2);
  ck_assert_double_eq_tol(hl_table_get(t, 0, c), 745.46611415, 1e-12);
  ck_assert_double_eq_tol(hl_table_get(t, 1, c), 743.09734128, 1e-12);
  /* halfway between 0 and 0.0017 s */
  ck_assert_double_eq_tol(hl_table_interp(t, c, 0.00085), 0.5 * (745.46611415 + 743.09734128), 1e-9);
  ck_assert_int_eq(t->in_degrees, 0);
  hl_table_free(t);
}
END_TEST

static hl_table *read_str(const char *s, hl_error *e) {
  hl_table *t = NULL;
  hl_status st = hl_table_read_memory(s, strlen(s), "fixture.sto", &t, e);
  if (st) ck_assert_ptr_null(t);
  return t;
}

START_TEST(test_fixture_styles) {
  hl_error e;
  /* SIMM header, spaces, CRLF, blank trailing lines, uneven steps, wrong datarows */
  hl_table *t = read_str("name walk\r\ndatacolumns 3\r\ndatarows 10\r\nrange 0 0.3\r\nendheader\r\n"
                         "  time   a   b\r\n 0  1  2\r\n 0.1\t3\t4 \r\n0.3 5 6e-1\r\n\r\n\r\n", &e);
  ck_assert_msg(t != NULL, "%s", e.message);
  ck_assert_int_eq(t->nrow, 3);
  ck_assert_int_eq(t->ncol, 3);
  ck_assert_int_eq(t->header_rows, 10);
  ck_assert_str_eq(t->name, "walk");
  ck_assert_str_eq(t->names[2], "b");
  ck_assert_int_eq(t->header_line_of_labels, 6);
  ck_assert_double_eq(hl_table_get(t, 2, 2), 0.6);
  ck_assert_double_eq(hl_table_time(t, 2), 0.3);
  ck_assert_double_eq_tol(hl_table_interp(t, 1, 0.2), 4.0, 1e-15); /* between 3 @0.1 and 5 @0.3 */
  ck_assert_double_eq(hl_table_interp(t, 1, -5), 1.0);             /* clamped */
  ck_assert_double_eq(hl_table_interp(t, 1, 9), 5.0);
  ck_assert_int_eq(hl_table_col(t, "a"), 1);
  ck_assert_int_eq(hl_table_col(t, "zz"), -1);
  hl_table_free(t);
  /* version=1 header, inDegrees=yes, blank line before labels, no header rows claimed */
  t = read_str("Coordinates\nversion=1\ninDegrees=yes\nendheader\n\ntime\tq\n0\t90\n1\t45\n", &e);
  ck_assert_msg(t != NULL, "%s", e.message);
  ck_assert_int_eq(t->in_degrees, 1);
  ck_assert_int_eq(t->header_rows, -1);
  ck_assert_str_eq(t->name, "Coordinates");
  ck_assert_int_eq(t->nrow, 2);
  hl_table_free(t);
  /* old-style (version 0) sentence; lone CR line ends */
  t = read_str("Coordinates\rnRows=1\rAngles are in degrees.\rendheader\rtime q\r0.5 1\r", &e);
  ck_assert_msg(t != NULL, "%s", e.message);
  ck_assert_int_eq(t->in_degrees, 1);
  ck_assert_int_eq(t->nrow, 1);
  ck_assert_double_eq(hl_table_time(t, 0), 0.5);
  hl_table_free(t);
}
END_TEST

/* Each malformed input: its status, and a message naming the file, the line and the column. */
static void expect_err(const char *text, size_t len, hl_status want, int line, const char *needle) {
  hl_table *t = (hl_table *)1;
  hl_error e;
  hl_error_clear(&e);
  hl_status st = hl_table_read_memory(text, len, "bad.sto", &t, &e);
  ck_assert_msg(st == want, "status %d (%s) != %d for: %.60s", st, e.message, want, text);
  ck_assert_ptr_null(t);
  ck_assert_int_eq(e.status, want);
  ck_assert_int_eq(e.line, line);
  ck_assert_msg(strstr(e.message, "bad.sto") != NULL, "no file in '%s'", e.message);
  ck_assert_msg(strstr(e.message, needle) != NULL, "'%s' not in '%s'", needle, e.message);
  if (line > 0) {
    char tag[32];
    snprintf(tag, sizeof tag, "bad.sto:%d:", line);
    ck_assert_msg(strstr(e.message, tag) != NULL, "no line in '%s'", e.message);
  }
}
#define EXPECT_ERR(s, st, line, needle) expect_err(s, strlen(s), st, line, needle)

#define HDR "x\nversion=1\nendheader\ntime\ta\tb\n" /* labels on line 4 */

START_TEST(test_errors) {
  EXPECT_ERR("", HL_ERR_PARSE, 0, "empty file");
  EXPECT_ERR("  \n\t\n", HL_ERR_PARSE, 0, "empty file");
  EXPECT_ERR("x\nversion=1\ntime a\n0 1\n", HL_ERR_PARSE, 4, "endheader");
  EXPECT_ERR("x\nendheader\n\n", HL_ERR_PARSE, 2, "no column labels");
  EXPECT_ERR("x\nendheader\nt a b\n0 1 2\n", HL_ERR_PARSE, 3, "no time column");
  EXPECT_ERR("x\nendheader\na time\n0 1\n", HL_ERR_UNSUPPORTED, 3, "column 2 is 'time'");
  EXPECT_ERR(HDR, HL_ERR_PARSE, 4, "no data rows");
  EXPECT_ERR(HDR "0\t1\t2\n0.1\t1\tabc\n", HL_ERR_PARSE, 6, "column 3 (b): 'abc' is not a number");
  EXPECT_ERR(HDR "0\t1\t2\n0.1\t1\n", HL_ERR_PARSE, 6, "row has 2 values but there are 3");
  EXPECT_ERR(HDR "0\t1\t2\t3\t4\n", HL_ERR_PARSE, 5, "row has 5 values but there are 3");
  /* truncated mid-row: the last line stops after one value */
  EXPECT_ERR(HDR "0\t1\t2\n0.1\t", HL_ERR_PARSE, 6, "missing column 2, a");
  EXPECT_ERR(HDR "0\t1\t2\n0.1\tnan\t2\n", HL_ERR_BAD_VALUE, 6, "column 2 (a) at time 0.10000000000000001");
  EXPECT_ERR(HDR "0\t1\t2\n0.1\t1\t-Inf\n", HL_ERR_BAD_VALUE, 6, "column 3 (b) at time");
  EXPECT_ERR(HDR "inf\t1\t2\n", HL_ERR_BAD_VALUE, 5, "time is 'inf'");
  EXPECT_ERR(HDR "0\t1\t2\n0.2\t1\t2\n0.1\t1\t2\n", HL_ERR_BAD_VALUE, 7,
             "time 0.10000000000000001 is not after the previous row's time 0.20000000000000001");
  EXPECT_ERR(HDR "0\t1\t2\n0\t1\t3\n", HL_ERR_BAD_VALUE, 6, "time 0 is not after");
  EXPECT_ERR("x\nnRows=ten\nendheader\ntime\n0\n", HL_ERR_PARSE, 2, "nRows is not");
  /* binary garbage */
  static const char bin[] = {'x', '\n', 'e', 'n', 'd', '\0', (char)0xff, (char)0x80, '\n'};
  expect_err(bin, sizeof bin, HL_ERR_PARSE, 2, "binary data");
  /* a 1 MB line: one enormous cell */
  size_t n = strlen(HDR) + (1u << 20) + 16;
  char *big = malloc(n);
  ck_assert_ptr_nonnull(big);
  strcpy(big, HDR "0\t1\t");
  size_t k = strlen(big);
  memset(big + k, '7', (1u << 20));
  strcpy(big + k + (1u << 20), "\n");
  expect_err(big, strlen(big), HL_ERR_PARSE, 5, "value of 1048576 characters is not a number");
  free(big);
  /* a file that does not exist */
  hl_table *t = (hl_table *)1;
  hl_error e;
  ck_assert_int_eq(hl_table_read("/nonexistent/dir/x.sto", &t, &e), HL_ERR_IO);
  ck_assert_ptr_null(t);
  ck_assert_ptr_nonnull(strstr(e.message, "/nonexistent/dir/x.sto"));
  ck_assert_int_eq(hl_table_read(NULL, &t, &e), HL_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_roundtrip) {
  char dir[512], path[600], tmp[620];
  tu_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/out.sto", dir);
  const char *names[] = {"time", "hip_flexion_r", "knee_angle_r", "f"};
  hl_table *t = NULL;
  hl_table_create(50, 4, names, &t, NULL);
  ck_assert_ptr_nonnull(t);
  uint64_t s = 88172645463325252ull; /* xorshift: awkward doubles of every magnitude */
  for (int r = 0; r < 50; r++) {
    t->data[r * 4] = r * 0.01 + 1e-13 * r;
    for (int c = 1; c < 4; c++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17;
      double v = (double)(s >> 11) / 9007199254740992.0 - 0.5;
      t->data[r * 4 + c] = ldexp(v, (int)(s % 80) - 40);
    }
  }
  t->data[5] = -0.0;
  t->data[6] = 4.9406564584124654e-324; /* smallest subnormal */
  t->data[7] = 1.7976931348623157e308;
  t->in_degrees = 1;
  hl_error e;
  ck_assert_int_eq(hl_table_write_sto(t, path, "written by test_storage\nsecond line", &e), HL_OK);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  ck_assert_int_ne(access(tmp, F_OK), 0); /* renamed away */
  hl_table *u = NULL;
  ck_assert_msg(hl_table_read(path, &u, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(u->nrow, 50);
  ck_assert_int_eq(u->ncol, 4);
  ck_assert_int_eq(u->header_rows, 50);
  ck_assert_int_eq(u->in_degrees, 1);
  ck_assert_ptr_nonnull(strstr(u->header, "second line\nendheader"));
  for (int c = 0; c < 4; c++) ck_assert_str_eq(u->names[c], names[c]);
  ck_assert_int_eq(memcmp(t->data, u->data, sizeof(double) * 200), 0); /* bit-identical */
  hl_table_free(u);
  remove(path);
  /* CSV: header row and the first line as text */
  snprintf(path, sizeof path, "%s/out.csv", dir);
  t->data[5] = 0.25;
  t->data[6] = -2;
  t->data[7] = 1e-300;
  ck_assert_int_eq(hl_table_write_csv(t, path, &e), HL_OK);
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  char line[4096];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  ck_assert_str_eq(line, "time,hip_flexion_r,knee_angle_r,f\n");
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  char want[256];
  snprintf(want, sizeof want, "0,%.17g,%.17g,%.17g\n", t->data[1], t->data[2], t->data[3]);
  ck_assert_str_eq(line, want);
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  ck_assert_str_eq(strchr(line, ',') + 1, "0.25,-2,1e-300\n");
  fclose(f);
  remove(path);
  /* errors: a folder that does not exist leaves nothing behind; labels with blanks; comments */
  snprintf(path, sizeof path, "%s/no/such/dir/out.sto", dir);
  ck_assert_int_eq(hl_table_write_sto(t, path, NULL, &e), HL_ERR_IO);
  ck_assert_ptr_nonnull(strstr(e.message, "out.sto.tmp"));
  snprintf(path, sizeof path, "%s/out.sto", dir);
  ck_assert_int_eq(hl_table_write_sto(t, path, "ok\nendheader\n", &e), HL_ERR_INVALID_ARG);
  ck_assert_int_ne(access(path, F_OK), 0); /* nothing written */
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  ck_assert_int_ne(access(tmp, F_OK), 0); /* and no tmp is left */
  free(t->names[2]);
  t->names[2] = strdup("knee angle");
  ck_assert_int_eq(hl_table_write_sto(t, path, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "column 3 label 'knee angle'"));
  hl_table_free(t);
  rmdir(dir);
}
END_TEST

/* ---- hipload info --------------------------------------------------------------------- */

/* Run `hipload info FILE`; stdout into out, returns the exit status. */
static int run_info(const char *file, char *out, size_t n) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' info '%s' 2>/dev/null", tu_cli(), file);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t k = fread(out, 1, n - 1, p);
  out[k] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double json_num(const char *js, const char *key) {
  char k[128];
  snprintf(k, sizeof k, "\"%s\":", key);
  const char *p = strstr(js, k);
  ck_assert_msg(p != NULL, "key %s not in %s", key, js);
  return strtod(p + strlen(k), NULL);
}


/* Rows of `win` are the rows of `full` around [lo, hi] with pad on each side, bit for bit. */
static void check_window(const hl_table *full, const hl_table *win, double lo, double hi, int pad) {
  int i0 = 0, i1 = full->nrow - 1;
  while (i0 < full->nrow && hl_table_time(full, i0) < lo) i0++;
  while (i1 >= 0 && hl_table_time(full, i1) > hi) i1--;
  int a = i0 - pad < 0 ? 0 : i0 - pad, b = i1 + pad >= full->nrow ? full->nrow - 1 : i1 + pad;
  ck_assert_int_eq(win->ncol, full->ncol);
  ck_assert_int_eq(win->nrow, b - a + 1);
  ck_assert_int_eq(memcmp(win->data, full->data + (size_t)a * full->ncol,
                          sizeof(double) * (size_t)win->nrow * (size_t)win->ncol), 0);
  ck_assert_str_eq(win->header, full->header);
  ck_assert_int_eq(win->header_line_of_labels, full->header_line_of_labels);
}

/* A 3.6 MB GRF file (read in chunks) and a small one (read whole), several windows. */
START_TEST(test_window_rows) {
  if (!tu_require_data()) return;
  const char *files[] = {"walk-jr/subject01_walk1_grf.mot", "run-hamner2010/subject02_grf_HiFreq.mot",
                         "walk-so-spring/walk_subject01_Kinematics_q.sto"};
  const double win[][2] = {{0.5, 2.0}, {1.0, 1.0}, {-5, 0.01}, {14.0, 99}, {-1, 99}, {1.2, 1.3}};
  char p[1024];
  for (size_t f = 0; f < 3; f++) {
    hl_table *full = tu_read(tu_data(p, sizeof p, files[f]));
    for (size_t w = 0; w < sizeof win / sizeof win[0]; w++)
      for (int pad = 1; pad <= 64; pad *= 8) {
        hl_table *t = NULL;
        hl_error e;
        ck_assert_msg(hl__table_read_window(p, win[w][0], win[w][1], pad, &t, &e) == HL_OK, "%s", e.message);
        check_window(full, t, win[w][0], win[w][1], pad);
        hl_table_free(t);
      }
    hl_table *t = NULL; /* no window: every row */
    ck_assert_int_eq(hl__table_read_window(p, 2, 1, 64, &t, NULL), HL_OK);
    ck_assert_int_eq(t->nrow, full->nrow);
    hl_table_free(t);
    hl_table_free(full);
  }
}
END_TEST

/* Rows outside the window are checked all the same: a bad value, a short row, a time going
 * back, far from the window, in a file large enough to be read in chunks, give the message of
 * the whole-file read. */
START_TEST(test_window_checks_every_row) {
  char dir[512], path[600];
  tu_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/big.mot", dir);
  const char *bad[] = {"1e999", "abc", NULL, "back"};
  for (int k = 0; k < 4; k++) {
    FILE *f = fopen(path, "w");
    fprintf(f, "big\nversion=1\nnRows=60000\nnColumns=3\nendheader\ntime\ta\tb\n");
    for (int r = 0; r < 60000; r++) {
      double t = r * 0.001;
      if (r == 55000 && k == 0) fprintf(f, "%.3f\t1.5\t%s\n", t, bad[k]);
      else if (r == 55000 && k == 1) fprintf(f, "%.3f\t%s\t2\n", t, bad[k]);
      else if (r == 55000 && k == 2) fprintf(f, "%.3f\t1.5\n", t);
      else if (r == 55000 && k == 3) fprintf(f, "%.3f\t1.5\t2\n", t - 0.5);
      else fprintf(f, "%.3f\t%.6f\t%.6f\n", t, sin(t), cos(t));
    }
    fclose(f);
    hl_table *t = NULL;
    hl_error e1, e2;
    hl_status s1 = hl_table_read(path, &t, &e1);
    ck_assert_int_ne(s1, HL_OK);
    hl_status s2 = hl__table_read_window(path, 1.0, 2.0, 64, &t, &e2);
    ck_assert_int_eq(s2, s1);
    ck_assert_str_eq(e2.message, e1.message);
    ck_assert_int_eq(e1.line, 7 + 55000);
    ck_assert_ptr_null(t);
  }
  /* and the good file: 1001 rows of the window + 2 x 64 */
  FILE *f = fopen(path, "w");
  fprintf(f, "big\nversion=1\nnRows=60000\nnColumns=3\nendheader\ntime\ta\tb\n");
  for (int r = 0; r < 60000; r++) fprintf(f, "%.3f\t%.6f\t%.6f\n", r * 0.001, sin(r * 0.001), cos(r * 0.001));
  fclose(f);
  hl_table *full = tu_read(path), *t = NULL;
  ck_assert_int_eq(hl__table_read_window(path, 1.0, 2.0, 64, &t, NULL), HL_OK);
  ck_assert_int_eq(t->nrow, 1001 + 128);
  check_window(full, t, 1.0, 2.0, 64);
  hl_table_free(t);
  hl_table_free(full);
  remove(path);
  rmdir(dir);
}
END_TEST

START_TEST(test_cli_info_storage) {
  if (!tu_require_data()) return;
  static char out[1 << 16];
  char p[1024];
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    ck_assert_int_eq(run_info(tu_data(p, sizeof p, shapes[i].rel), out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "\"kind\":\"storage\""));
    ck_assert_int_eq((int)json_num(out, "rows"), shapes[i].rows);
    ck_assert_int_eq((int)json_num(out, "columns"), shapes[i].cols);
    ck_assert_double_eq_tol(json_num(out, "t0"), shapes[i].t0, 1e-12);
    ck_assert_double_eq_tol(json_num(out, "t1"), shapes[i].t1, 1e-12);
  }
  /* the 60 Hz GRF whose header claims 901 rows */
  ck_assert_int_eq(run_info(tu_data(p, sizeof p, "run-hamner2010/subject02_running_grf.mot"), out, sizeof out), 0);
  ck_assert_int_eq((int)json_num(out, "header_rows"), 901);
  ck_assert_ptr_nonnull(strstr(out, "\"in_degrees\":false"));
  ck_assert_double_eq_tol(json_num(out, "sample_rate_hz"), 1.0 / 0.017, 1e-9); /* times 0, 0.017, 0.033, ... */
  ck_assert_ptr_nonnull(strstr(out, "\"uniform\":false"));
  ck_assert_ptr_nonnull(strstr(out, "\"labels\":[\"time\",\"pelvis_tx\""));
  ck_assert_int_eq(run_info(tu_data(p, sizeof p, "walk-jr/subject01_walk1_Kinematics.sto"), out, sizeof out), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"in_degrees\":true"));
  ck_assert_ptr_nonnull(strstr(out, "\"uniform\":true"));
  ck_assert_double_eq_tol(json_num(out, "sample_rate_hz"), 1000.0, 1e-6);
}
END_TEST

/* .osim: figures from the data README (gait2392, 4.0 format, 72.6 kg, 92 muscles, 23 dof) */
START_TEST(test_cli_info_model) {
  if (!tu_require_data()) return;
  static char out[1 << 16];
  char p[1024];
  ck_assert_int_eq(run_info(tu_data(p, sizeof p, "walk-jr/subject01_simbody_adjusted_StaticOp.osim"), out, sizeof out), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"kind\":\"model\""));
  ck_assert_int_eq((int)json_num(out, "format_version"), 40000);
  ck_assert_double_eq_tol(json_num(out, "mass_kg"), 72.6, 1e-6);
  ck_assert_int_eq((int)json_num(out, "muscles"), 92);
  ck_assert_int_eq((int)json_num(out, "coordinates"), 23);
  ck_assert_ptr_nonnull(strstr(out, "\"coordinate_names\":[\"pelvis_tilt\""));
  /* ExternalLoads: forces, bodies, resolved columns (walk-jr's torque quirk as written) */
  ck_assert_int_eq(run_info(tu_data(p, sizeof p, "walk-jr/foot_floor_loads.xml"), out, sizeof out), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"kind\":\"external_loads\""));
  ck_assert_ptr_nonnull(strstr(out, "{\"name\":\"right_foot\",\"applied_to_body\":\"calcn_r\""));
  ck_assert_ptr_nonnull(strstr(out, "\"torque_identifier\":\"left_foot_torque_\",\"force_columns\":[\"right_foot_force_vx\""));
  ck_assert_int_eq((int)json_num(out, "rows"), 9009);
  ck_assert_int_eq(run_info(tu_data(p, sizeof p, "run-hamner2010/subject02_running_RRA_cycle02_sim02_07_v232.osim"), out, sizeof out), 0);
  ck_assert_int_eq((int)json_num(out, "format_version"), 20302);
  ck_assert_double_eq_tol(json_num(out, "mass_kg"), 66.6, 0.05);
}
END_TEST

START_TEST(test_cli_info_errors) {
  char dir[512], path[600];
  static char out[4096];
  tu_tmpdir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/bad.sto", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("x\nendheader\ntime a\n0 1\n0.1 oops\n", f);
  fclose(f);
  ck_assert_int_eq(run_info(path, out, sizeof out), 1);
  ck_assert_str_eq(out, "");
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' info '%s' 2>&1 >/dev/null", tu_cli(), path);
  FILE *p = popen(cmd, "r");
  size_t k = fread(out, 1, sizeof out - 1, p);
  out[k] = '\0';
  pclose(p);
  ck_assert_msg(strstr(out, "bad.sto:5:") != NULL, "stderr: %s", out);
  remove(path);
  rmdir(dir);
  snprintf(cmd, sizeof cmd, "'%s' info >/dev/null 2>&1", tu_cli());
  int st = system(cmd);
  ck_assert_int_eq(WEXITSTATUS(st), 2); /* usage */
  snprintf(cmd, sizeof cmd, "'%s' info /nonexistent.sto >/dev/null 2>&1", tu_cli());
  st = system(cmd);
  ck_assert_int_eq(WEXITSTATUS(st), 1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("storage");
  TCase *tc = tcase_create("storage");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_all_shared_files);
  tcase_add_test(tc, test_shared_headers);
  tcase_add_test(tc, test_fixture_styles);
  tcase_add_test(tc, test_errors);
  tcase_add_test(tc, test_roundtrip);
  tcase_add_test(tc, test_window_rows);
  tcase_add_test(tc, test_window_checks_every_row);
  tcase_add_test(tc, test_cli_info_storage);
  tcase_add_test(tc, test_cli_info_model);
  tcase_add_test(tc, test_cli_info_errors);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
