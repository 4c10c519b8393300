/* SPDX-License-Identifier: Apache-2.0 */
/* Bad input end to end: each case checks the status and the words of the message (which file,
 * column, time, body, muscle), and that a failed command leaves no output behind.
 * docs/reliability.md lists every bad-input case of the test suites with what the user sees.
 * The first group are regressions of crashes found by the fuzz targets in fuzz/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "hipload/extloads.h"
#include "hipload/invdyn.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/sample.h"
#include "hipload/setup.h"
#include "hipload/table.h"
#include "hipload/trial.h"
#include "testutil.h"

#define HAS(msg, word) ck_assert_msg(strstr((msg), (word)) != NULL, "'%s' lacks '%s'", (msg), (word))

/* ------------------------------------------------------------------ helpers */

/* The embedded sample: model, coordinates (degrees) and loads, each freshly parsed. */
typedef struct {
  hl_model *m;
  hl_table *q;
  hl_extloads *x;
} fixture;

static hl_table *sample_grf(void) {
  hl_sample s;
  hl_sample_get(&s);
  hl_table *g = NULL;
  hl_error e;
  ck_assert_msg(hl_table_read_memory(s.grf, s.grf_len, "grf.mot", &g, &e) == HL_OK, "%s", e.message);
  return g;
}

/* Sample loads with `from` replaced by `to` in the XML (NULL: as shipped), over table g (owned). */
/* The embedded sample's ExternalLoads XML with the first `from` replaced by `to` (when given). */
static void sample_loads_xml(const char *from, const char *to, char *xml, size_t cap) {
  hl_sample s;
  hl_sample_get(&s);
  ck_assert_uint_lt(s.loads_len, cap);
  memcpy(xml, s.loads, s.loads_len);
  xml[s.loads_len] = 0;
  if (from) {
    char *p = strstr(xml, from);
    ck_assert_ptr_nonnull(p);
    char rest[8192];
    snprintf(rest, sizeof rest, "%s", p + strlen(from));
    snprintf(p, cap - (size_t)(p - xml), "%s%s", to, rest);
  }
}

static hl_status sample_loads(const char *from, const char *to, hl_table *g, hl_extloads **x,
                              hl_error *e) {
  char xml[8192];
  sample_loads_xml(from, to, xml, sizeof xml);
  return hl_extloads_load_memory(xml, strlen(xml), "loads.xml", g, x, e);
}

static fixture load_sample(void) {
  hl_sample s;
  hl_sample_get(&s);
  fixture f = {0};
  hl_error e;
  ck_assert_msg(hl_model_load_memory(s.model, s.model_len, "sample.osim", &f.m, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(hl_table_read_memory(s.coordinates, s.coordinates_len, "q.sto", &f.q, &e) == HL_OK, "%s", e.message);
  ck_assert_msg(sample_loads(NULL, NULL, sample_grf(), &f.x, &e) == HL_OK, "%s", e.message);
  return f;
}

static void fixture_free(fixture *f) {
  hl_model_free(f->m);
  hl_table_free(f->q);
  hl_extloads_free(f->x);
}

/* Trial settings on the sample's stance. */
static hl_trial_settings stance(void) {
  hl_trial_settings s;
  hl_trial_settings_defaults(&s);
  s.t0 = 1.105;
  s.t1 = 1.347;
  return s;
}

/* hl_trial_run expected to fail with `want`; returns the message (static buffer). */
static const char *trial_fails(const hl_model *m, const hl_table *q, const hl_extloads *x,
                               const hl_trial_settings *s, hl_status want) {
  static hl_error e;
  hl_trial *t = NULL;
  hl_status st = hl_trial_run(m, q, x, s, &t, &e);
  ck_assert_msg(st == want, "status %d (%s), expected %d: %s", st, hl_strerror(st), want, e.message);
  ck_assert_ptr_null(t);
  return e.message;
}

/* A copy of table t without column `drop` (-1: none) and with an extra column `extra` (NULL: none). */
static hl_table *table_edit(const hl_table *t, int drop, const char *extra) {
  int nc = t->ncol - (drop >= 0) + (extra != NULL);
  const char **names = malloc(sizeof(char *) * (size_t)nc);
  int k = 0;
  for (int c = 0; c < t->ncol; c++)
    if (c != drop) names[k++] = t->names[c];
  if (extra) names[k++] = extra;
  hl_table *o = NULL;
  hl_table_create(t->nrow, nc, names, &o, NULL);
  free(names);
  ck_assert_ptr_nonnull(o);
  for (int r = 0; r < t->nrow; r++) {
    k = 0;
    for (int c = 0; c < t->ncol; c++)
      if (c != drop) o->data[(size_t)r * nc + k++] = hl_table_get(t, r, c);
    if (extra) o->data[(size_t)r * nc + k] = 0.25;
  }
  o->in_degrees = t->in_degrees;
  free(o->header);
  o->header = strdup(t->header ? t->header : "");
  return o;
}

/* Run a shell command, capture stdout+stderr into out; returns the exit status (-1 on signal). */
static int sh(const char *cmd, char *out, size_t n) {
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t k = fread(out, 1, n - 1, p);
  out[k] = 0;
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Number of entries of a folder besides . and .. (-1 when it cannot be read). */
static int count_entries(const char *dir) {
  char cmd[2048], out[64];
  snprintf(cmd, sizeof cmd, "ls -A '%s' 2>/dev/null | wc -l", dir);
  if (sh(cmd, out, sizeof out) != 0) return -1;
  return atoi(out);
}

static void put(const char *path, const char *text, size_t n) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, n, f), n);
  fclose(f);
}

/* ------------------------------------------------------------------ fuzz regressions */

/* fuzz_storage, crash 1: "version" as the last bytes of an unterminated buffer made atoi read
 * past its end. Exact-size heap copies let AddressSanitizer see any overread. */
START_TEST(fuzz_storage_version_at_end) {
  const char *cases[] = {"#()\to\n\vversion", "x\nversion=12", "x\nversion=", "x\nversion=1\nendheader"};
  const int line[] = {2, 2, 2, 3};
  const char *want[] = {"endheader", "endheader", "endheader", "no column labels"};
  for (int i = 0; i < 4; i++) {
    size_t n = strlen(cases[i]);
    char *buf = malloc(n);
    memcpy(buf, cases[i], n);
    hl_table *t = NULL;
    hl_error e;
    ck_assert_int_eq(hl_table_read_memory(buf, n, "f.sto", &t, &e), HL_ERR_PARSE);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(e.line, line[i]);
    HAS(e.message, "f.sto:");
    HAS(e.message, want[i]);
    free(buf);
  }
}
END_TEST

/* fuzz_setup, crash 1: after an earlier error in an analysis, a huge <step_interval> was still
 * cast to int (undefined behaviour; UBSan aborts the sanitizer build). The first error wins. */
START_TEST(fuzz_setup_huge_step_after_error) {
  char dir[1024], p[1100];
  tu_tmpdir(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/s.xml", dir);
  const char *xml = "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                    "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                    "<AnalysisSet><objects><StaticOptimization>\n<start_time>soon</start_time>\n"
                    "<step_interval>4.4e56</step_interval>\n"
                    "</StaticOptimization></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n";
  put(p, xml, strlen(xml));
  hl_analyze_setup *s = NULL;
  hl_error e;
  ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_PARSE);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(e.line, 4);
  HAS(e.message, "start_time");
}
END_TEST

/* fuzz_setup: an <optimizer_max_iterations> of 1e94 was cast to int (UBSan: outside the range of
 * int). It is now a BAD_VALUE naming the element and line, as is a convergence criterion that is
 * not in (0, 1) (it sets the barrier parameter of OpenSim's stopping point). */
START_TEST(fuzz_setup_huge_max_iterations) {
  char dir[1024], p[1100];
  tu_tmpdir(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/s.xml", dir);
  const char *fmt = "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                    "<model_file>m.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                    "<AnalysisSet><objects><StaticOptimization>\n"
                    "<optimizer_convergence_criterion>%s</optimizer_convergence_criterion>\n"
                    "<optimizer_max_iterations>%s</optimizer_max_iterations>\n"
                    "</StaticOptimization></objects></AnalysisSet></AnalyzeTool></OpenSimDocument>\n";
  const struct { const char *crit, *maxit, *want; int line; } cases[] = {
      {"0.0001", "1e94", "optimizer_max_iterations", 5},
      {"0.0001", "2.5", "optimizer_max_iterations", 5},
      {"0", "100", "optimizer_convergence_criterion", 4},
      {"-1e-4", "100", "optimizer_convergence_criterion", 4},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char xml[1024];
    snprintf(xml, sizeof xml, fmt, cases[k].crit, cases[k].maxit);
    put(p, xml, strlen(xml));
    hl_analyze_setup *s = NULL;
    hl_error e;
    ck_assert_int_eq(hl_setup_read(p, &s, &e), HL_ERR_BAD_VALUE);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(e.line, cases[k].line);
    HAS(e.message, cases[k].want);
  }
}
END_TEST

/* fuzz_setup/fuzz_extloads: a document whose declared encoding cannot convert its bytes made
 * libxml2 print "encoding error : input conversion failed" to stderr. The library never prints:
 * stderr is captured around both readers and must stay empty; each reports a parse error. */
START_TEST(fuzz_xml_encoding_error_is_silent) {
  static const char xml[] = "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n"
                            "<OpenSimDocument><AnalyzeTool name=\"\x1b$B\0\0\0\0\">"
                            "</AnalyzeTool></OpenSimDocument>\n";
  char dir[1024], p[1100], cap[1100];
  tu_tmpdir(dir, sizeof dir);
  snprintf(p, sizeof p, "%s/enc.xml", dir);
  put(p, xml, sizeof xml - 1);
  snprintf(cap, sizeof cap, "%s/stderr.txt", dir);
  fflush(stderr);
  int saved = dup(2), fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge(fd, 0);
  dup2(fd, 2);
  hl_analyze_setup *s = NULL;
  hl_extloads *x = NULL;
  hl_error e1, e2;
  hl_status st1 = hl_setup_read(p, &s, &e1);
  hl_status st2 = hl_extloads_load_memory(xml, sizeof xml - 1, "enc.xml", sample_grf(), &x, &e2);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  ck_assert_int_eq(st1, HL_ERR_PARSE);
  ck_assert_int_eq(st2, HL_ERR_PARSE);
  HAS(e1.message, "not well-formed XML");
  HAS(e2.message, "enc.xml:");
  struct stat sb;
  ck_assert_int_eq(stat(cap, &sb), 0);
  ck_assert_msg(sb.st_size == 0, "the library printed %lld bytes to stderr", (long long)sb.st_size);
}
END_TEST

/* ------------------------------------------------------------------ ExternalLoads vs the model */

/* The sample loads with one element edited must fail to bind to the model with `want`. */
static void expect_extmap_error(const fixture *f, const char *from, const char *to, const char *want,
                                int through_trial) {
  hl_extloads *x = NULL;
  hl_error e;
  ck_assert_int_eq(sample_loads(from, to, sample_grf(), &x, &e), HL_OK);
  hl_invdyn_extmap *map = NULL;
  ck_assert_int_eq(hl_invdyn_extmap_create(f->m, x, &map, &e), HL_ERR_NOT_FOUND);
  ck_assert_ptr_null(map);
  HAS(e.message, want);
  /* reported against the XML that names the body, at the line of the edited element */
  char xml[8192];
  sample_loads_xml(from, to, xml, sizeof xml);
  int line = 1;
  for (const char *p = xml; p < strstr(xml, to); p++) line += *p == '\n';
  ck_assert_str_eq(e.file, "loads.xml");
  ck_assert_int_eq(e.line, line);
  char head[64];
  snprintf(head, sizeof head, "loads.xml:%d: ", line);
  ck_assert_msg(!strncmp(e.message, head, strlen(head)), "%s", e.message);
  if (through_trial) { /* the same through a whole trial */
    hl_trial_settings s = stance();
    HAS(trial_fails(f->m, f->q, x, &s, HL_ERR_NOT_FOUND), want);
  }
  hl_extloads_free(x);
}

START_TEST(extloads_unknown_body) {
  fixture f = load_sample();
  expect_extmap_error(&f, "<applied_to_body>calcn_l<", "<applied_to_body>calcn_left<",
                      "ExternalForce 'ExternalForce_2': applied_to_body 'calcn_left' is not a body", 1);
  expect_extmap_error(&f, "<force_expressed_in_body>ground<", "<force_expressed_in_body>lab<",
                      "force_expressed_in_body 'lab' is not a body", 0);
  fixture_free(&f);
}
END_TEST

/* GRF rows from 1.2 s only: the stance window 1.105..1.347 s is not covered. */
START_TEST(grf_does_not_cover_window) {
  fixture f = load_sample();
  hl_table *g = sample_grf();
  int r0 = 0;
  while (r0 < g->nrow && hl_table_time(g, r0) < 1.2) r0++;
  hl_table *h = NULL;
  hl_table_create(g->nrow - r0, g->ncol, (const char *const *)g->names, &h, NULL);
  memcpy(h->data, g->data + (size_t)r0 * g->ncol, sizeof(double) * (size_t)h->nrow * g->ncol);
  hl_table_free(g);
  hl_extloads *x = NULL;
  hl_error e;
  ck_assert_int_eq(sample_loads(NULL, NULL, h, &x, &e), HL_OK);
  hl_trial_settings s = stance();
  const char *msg = trial_fails(f.m, f.q, x, &s, HL_ERR_RANGE);
  HAS(msg, "do not cover the window 1.105..1.347 s");
  /* the library check hipload setup makes: names the loads XML; a covered window passes */
  ck_assert_int_eq(hl_extloads_check_window(x, 1.105, 1.347, &e), HL_ERR_RANGE);
  HAS(e.message, "the ground reaction forces (1.2..");
  HAS(e.message, "(data file of loads.xml)");
  ck_assert_int_eq(hl_extloads_check_window(x, 1.2, 1.3, &e), HL_OK);
  ck_assert_int_eq(hl_extloads_check_window(f.x, 1.105, 1.347, &e), HL_OK);
  hl_extloads_free(x);
  fixture_free(&f);
}
END_TEST

/* One vertical force sample at 1.2 s multiplied by 1000 (kN read as N): refused, naming the
 * force, the column and the time. */
START_TEST(grf_absurd_magnitude) {
  fixture f = load_sample();
  hl_table *g = sample_grf();
  int fy = hl_table_col(g, "ground_force_vy"), r = 0;
  while (hl_table_time(g, r) < 1.2) r++;
  double t_bad = hl_table_time(g, r);
  g->data[(size_t)r * g->ncol + fy] *= 1000;
  hl_extloads *x = NULL;
  hl_error e;
  ck_assert_int_eq(sample_loads(NULL, NULL, g, &x, &e), HL_OK);
  hl_trial_settings s = stance();
  const char *msg = trial_fails(f.m, f.q, x, &s, HL_ERR_BAD_VALUE);
  char want[128];
  snprintf(want, sizeof want, "at time %g s", t_bad);
  HAS(msg, "ExternalForce 'ExternalForce_1'");
  HAS(msg, "columns ground_force_vx, ground_force_vy, ground_force_vz");
  HAS(msg, want);
  HAS(msg, "limit 50");
  hl_extloads_free(x);
  fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ coordinates vs the model */

START_TEST(coordinate_nan_names_column_and_time) {
  fixture f = load_sample();
  int c = hl_table_col(f.q, "hip_flexion_r");
  ck_assert_int_ge(c, 1);
  double t = hl_table_time(f.q, 7);
  f.q->data[(size_t)7 * f.q->ncol + c] = NAN;
  f.q->data[(size_t)9 * f.q->ncol + c] = INFINITY; /* a later one: the first is reported */
  hl_motion *mo = NULL;
  hl_error e;
  ck_assert_int_eq(hl_motion_create(f.m, f.q, NULL, &mo, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_null(mo);
  char want[128];
  snprintf(want, sizeof want, "at time %.17g s", t);
  HAS(e.message, "column 'hip_flexion_r' is nan");
  HAS(e.message, want);
  fixture_free(&f);
}
END_TEST

START_TEST(coordinate_time_decreasing) {
  fixture f = load_sample();
  f.q->data[(size_t)5 * f.q->ncol] = hl_table_time(f.q, 3); /* row 6 goes back to row 4's time */
  hl_motion *mo = NULL;
  hl_error e;
  ck_assert_int_eq(hl_motion_create(f.m, f.q, NULL, &mo, &e), HL_ERR_BAD_VALUE);
  HAS(e.message, "time decreases at data row 6");
  fixture_free(&f);
}
END_TEST

/* The policy (docs/reliability.md): a model coordinate missing from the file keeps its default
 * (as OpenSim), unless it belongs to the analysed hip, knee or ankle: then the run is refused.
 * File columns the model lacks are ignored. */
START_TEST(coordinate_missing_policy) {
  fixture f = load_sample();
  int arm = hl_table_col(f.q, "arm_flex_r"), knee = hl_table_col(f.q, "knee_angle_r");
  ck_assert_int_ge(arm, 1);
  ck_assert_int_ge(knee, 1);
  hl_table *noarm = table_edit(f.q, arm, "not_in_model");
  hl_motion *mo = NULL;
  hl_error e;
  ck_assert_msg(hl_motion_create(f.m, noarm, NULL, &mo, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(mo->nmissing, 1);
  ck_assert_str_eq(f.m->coord_name[mo->missing[0]], "arm_flex_r");
  hl_motion_free(mo);
  hl_table *noknee = table_edit(f.q, knee, NULL);
  free(noknee->name);
  noknee->name = strdup("q.sto");
  hl_trial_settings s = stance();
  const char *msg = trial_fails(f.m, noknee, f.x, &s, HL_ERR_NOT_FOUND);
  HAS(msg, "q.sto: no column for coordinate 'knee_angle_r'");
  HAS(msg, "(the analysed knee)");
  /* the check hipload setup makes: every unlocked coordinate, each named, the file named */
  ck_assert_int_eq(hl_motion_check_coordinates(f.m, f.q, "q.sto", &e), HL_OK);
  ck_assert_int_eq(hl_motion_check_coordinates(f.m, noarm, "q.sto", &e), HL_ERR_NOT_FOUND);
  HAS(e.message, "q.sto: no column for 1 unlocked coordinate of model");
  HAS(e.message, "'arm_flex_r' (OpenSim would hold it at the default value)");
  hl_table *neither = table_edit(noarm, hl_table_col(noarm, "knee_angle_r"), NULL);
  ck_assert_int_eq(hl_motion_check_coordinates(f.m, neither, "q.sto", &e), HL_ERR_NOT_FOUND);
  HAS(e.message, "2 unlocked coordinates");
  HAS(e.message, "'knee_angle_r', 'arm_flex_r'");
  /* a locked coordinate may be missing */
  int q = hl_model_coord(f.m, "arm_flex_r");
  f.m->coord_locked[q] = 1;
  ck_assert_int_eq(hl_motion_check_coordinates(f.m, noarm, "q.sto", &e), HL_OK);
  hl_table_free(neither);
  hl_table_free(noarm);
  hl_table_free(noknee);
  fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ absurd models and settings */

START_TEST(body_mass_negative) {
  fixture f = load_sample();
  int b = hl_model_body(f.m, "tibia_l");
  ck_assert_int_gt(b, 0);
  f.m->body_mass[b] = -3.5;
  hl_trial_settings s = stance();
  const char *msg = trial_fails(f.m, f.q, f.x, &s, HL_ERR_BAD_VALUE);
  HAS(msg, "body 'tibia_l' has mass -3.5 kg");
  fixture_free(&f);
}
END_TEST

START_TEST(body_mass_zero_total) {
  fixture f = load_sample();
  for (int b = 0; b < f.m->nbody; b++) f.m->body_mass[b] = 0;
  hl_trial_settings s = stance();
  const char *msg = trial_fails(f.m, f.q, f.x, &s, HL_ERR_BAD_VALUE);
  HAS(msg, "body weight is 0 N");
  fixture_free(&f);
}
END_TEST

START_TEST(mass_setting_not_finite) {
  fixture f = load_sample();
  hl_trial_settings s = stance();
  s.body_mass = INFINITY;
  const char *msg = trial_fails(f.m, f.q, f.x, &s, HL_ERR_BAD_VALUE);
  HAS(msg, "body mass inf kg");
  fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ no partial output */

/* The staging folder itself: abort removes what was staged and the folder it created, and
 * leaves a folder that existed before as it was. */
START_TEST(stage_abort_leaves_nothing) {
  char tmp[1024], dir[1100], f1[2200];
  tu_tmpdir(tmp, sizeof tmp);
  snprintf(dir, sizeof dir, "%s/new/out", tmp);
  hl__stage s;
  hl_error e;
  ck_assert_int_eq(hl__stage_begin(&s, dir, &e), HL_OK);
  snprintf(f1, sizeof f1, "%s/a.sto", s.path);
  put(f1, "x", 1);
  hl__stage_abort(&s);
  ck_assert(!exists(dir));
  /* an existing folder with a file of the user's */
  snprintf(f1, sizeof f1, "%s/mine.txt", tmp);
  put(f1, "keep", 4);
  ck_assert_int_eq(hl__stage_begin(&s, tmp, &e), HL_OK);
  snprintf(f1, sizeof f1, "%s/b.sto", s.path);
  put(f1, "y", 1);
  hl__stage_abort(&s);
  ck_assert_int_eq(count_entries(tmp), 1); /* mine.txt only: the parent new/ made for the first
                                              stage went with it */
}
END_TEST

/* `hipload run` whose write fails mid-way (file size limit of 120 KiB: the 119 KB force file
 * passes, the 125 KB hip contributions file written after it does not): exit 1 naming the
 * error, no output folder; an existing folder keeps exactly what it had. */
START_TEST(cli_run_write_fails_no_partial_output) {
  char tmp[1024], cmd[4096], out[8192], dir[1200], keep[1300];
  tu_tmpdir(tmp, sizeof tmp);
  snprintf(dir, sizeof dir, "%s/out", tmp);
  snprintf(cmd, sizeof cmd, "sh -c 'trap \"\" XFSZ; ulimit -f 120; exec \"$0\" run --out \"$1\"' '%s' '%s' 2>&1",
           tu_cli(), dir);
  ck_assert_int_eq(sh(cmd, out, sizeof out), 1);
  HAS(out, "File too large");
  ck_assert_msg(!exists(dir), "output folder left behind");
  snprintf(keep, sizeof keep, "%s/notes.txt", dir);
  mkdir(dir, 0777);
  put(keep, "mine", 4);
  ck_assert_int_eq(sh(cmd, out, sizeof out), 1);
  ck_assert_int_eq(count_entries(dir), 1);
  /* and with no limit the same command writes its files (the limit was the only problem) */
  snprintf(cmd, sizeof cmd, "'%s' run --out '%s' >/dev/null 2>&1", tu_cli(), dir);
  ck_assert_int_eq(sh(cmd, out, sizeof out), 0);
  ck_assert_int_gt(count_entries(dir), 5);
}
END_TEST

/* `hipload analyze` on the sample written to files, with one absurd GRF sample: exit 1, the
 * message names the force, the time and the limit, and no output folder is made. */
START_TEST(cli_analyze_bad_grf_no_output) {
  char tmp[1024], p[1300], cmd[8192], out[8192];
  tu_tmpdir(tmp, sizeof tmp);
  hl_sample s;
  hl_sample_get(&s);
  snprintf(p, sizeof p, "%s/m.osim", tmp);
  put(p, s.model, s.model_len);
  snprintf(p, sizeof p, "%s/q.sto", tmp);
  put(p, s.coordinates, s.coordinates_len);
  snprintf(p, sizeof p, "%s/loads.xml", tmp);
  put(p, s.loads, s.loads_len);
  hl_table *g = sample_grf();
  int fy = hl_table_col(g, "ground_force_vy"), r = 0;
  while (hl_table_time(g, r) < 1.25) r++;
  g->data[(size_t)r * g->ncol + fy] = 1e6;
  hl_error e;
  snprintf(p, sizeof p, "%s/hamner2010_s02_grf.mot", tmp);
  ck_assert_int_eq(hl_table_write_sto(g, p, NULL, &e), HL_OK);
  hl_table_free(g);
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' analyze --model m.osim --coordinates q.sto "
           "--external-loads loads.xml --out res 2>&1", tmp, tu_cli());
  ck_assert_int_eq(sh(cmd, out, sizeof out), 1);
  HAS(out, "ExternalForce 'ExternalForce_1'");
  HAS(out, "body weights (limit 50;");
  snprintf(p, sizeof p, "%s/res", tmp);
  ck_assert(!exists(p));
}
END_TEST

/* `hipload setup` whose model file is missing: exit 1 naming it, and its results folder is not
 * created. */
START_TEST(cli_setup_missing_model_no_output) {
  char tmp[1024], p[1100], cmd[4096], out[8192];
  tu_tmpdir(tmp, sizeof tmp);
  snprintf(p, sizeof p, "%s/s.xml", tmp);
  const char *xml = "<OpenSimDocument Version=\"40000\"><AnalyzeTool name=\"x\">\n"
                    "<model_file>gone.osim</model_file><coordinates_file>q.mot</coordinates_file>\n"
                    "<results_directory>res</results_directory>\n"
                    "<AnalysisSet><objects><StaticOptimization/></objects></AnalysisSet>"
                    "</AnalyzeTool></OpenSimDocument>\n";
  put(p, xml, strlen(xml));
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' setup s.xml 2>&1", tmp, tu_cli());
  ck_assert_int_eq(sh(cmd, out, sizeof out), 1);
  HAS(out, "gone.osim");
  snprintf(p, sizeof p, "%s/res", tmp);
  ck_assert_msg(!exists(p), "results folder left behind: %s", out);
  ck_assert_int_eq(count_entries(tmp), 1); /* only s.xml */
}
END_TEST

int main(void) {
  Suite *s = suite_create("badinput");
  TCase *tc = tcase_create("badinput");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, fuzz_storage_version_at_end);
  tcase_add_test(tc, fuzz_setup_huge_step_after_error);
  tcase_add_test(tc, fuzz_setup_huge_max_iterations);
  tcase_add_test(tc, fuzz_xml_encoding_error_is_silent);
  tcase_add_test(tc, extloads_unknown_body);
  tcase_add_test(tc, grf_does_not_cover_window);
  tcase_add_test(tc, grf_absurd_magnitude);
  tcase_add_test(tc, coordinate_nan_names_column_and_time);
  tcase_add_test(tc, coordinate_time_decreasing);
  tcase_add_test(tc, coordinate_missing_policy);
  tcase_add_test(tc, body_mass_negative);
  tcase_add_test(tc, body_mass_zero_total);
  tcase_add_test(tc, mass_setting_not_finite);
  tcase_add_test(tc, stage_abort_leaves_nothing);
  tcase_add_test(tc, cli_run_write_fails_no_partial_output);
  tcase_add_test(tc, cli_analyze_bad_grf_no_output);
  tcase_add_test(tc, cli_setup_missing_model_no_output);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
