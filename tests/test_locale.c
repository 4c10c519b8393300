/* SPDX-License-Identifier: Apache-2.0 */
/* Locale: a host program that set a comma-decimal locale (setlocale(LC_ALL, "de_DE.UTF-8"), as
 * every GUI toolkit does) gets the same bytes as one in the C locale. Each job runs through the
 * library twice in this process, first in the C locale, then under de_DE.UTF-8, into two
 * folders; every file must be byte-identical, except summary.json's "seconds" (the wall time of
 * the run, different on every run in any locale), which is masked before the comparison.
 * Jobs: `hipload run` (embedded model, kinematics, GRF, ExternalLoads read from memory; .sto,
 * CSV, JSON, SVG written), `hipload setup` on walk-jr's StaticOptimization setup (setup XML,
 * model and force-set XML, .sto and .mot files read from disk) and on walk-id's
 * InverseDynamicsTool setup (its own reader). CI installs and generates de_DE.UTF-8 (.ci/run);
 * under CI=true a missing locale fails. */
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/analyze.h"
#include "hipload/extloads.h"
#include "hipload/idtool.h"
#include "hipload/model.h"
#include "hipload/sample.h"
#include "hipload/setup.h"
#include "hipload/table.h"
#include "hipload/trial.h"
#include "testutil.h"

/* Replace the value after every "seconds": (wall time of the run) by one '#'; returns the new
 * length. */
static size_t mask_seconds(char *s) {
  for (char *p = s; (p = strstr(p, "\"seconds\":")) != NULL;) {
    p += 10;
    while (*p == ' ') p++;
    char *q = p;
    while (*q && *q != ',' && *q != '}' && *q != '\n') q++;
    *p = '#';
    memmove(p + 1, q, strlen(q) + 1);
  }
  return strlen(s);
}

/* Every file of dir a has a byte-identical twin in dir b (and b has no other file). */
static int compare_dirs(const char *a, const char *b) {
  DIR *d = opendir(a);
  ck_assert_msg(d != NULL, "no folder %s", a);
  int nfiles = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue;
    char pa[1200], pb[1200];
    snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
    snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
    size_t na, nb;
    char *ta = tu_slurp(pa, &na), *tb = tu_slurp(pb, &nb);
    if (strstr(e->d_name, ".json")) na = mask_seconds(ta), nb = mask_seconds(tb);
    ck_assert_msg(na == nb && !memcmp(ta, tb, na), "%s differs between the C locale and de_DE", e->d_name);
    free(ta);
    free(tb);
    nfiles++;
  }
  closedir(d);
  int nb = 0;
  d = opendir(b);
  for (struct dirent *e; (e = readdir(d)) != NULL;) nb += e->d_name[0] != '.';
  closedir(d);
  ck_assert_int_eq(nb, nfiles);
  return nfiles;
}

/* The job of `hipload run` (tools/cmd_run.c), through the library. */
static void run_job(const char *out) {
  hl_sample smp;
  hl_sample_get(&smp);
  hl_error err;
  hl_error_clear(&err);
  hl_model *m = NULL;
  hl_table *q = NULL, *grf = NULL;
  hl_extloads *x = NULL;
  hl_trial *t = NULL;
  hl_trial_settings ts;
  hl_trial_settings_defaults(&ts);
  hl_status st = hl_model_load_memory(smp.model, smp.model_len, "embedded:hamner2010_s02.osim", &m, &err);
  if (!st) st = hl_table_read_memory(smp.coordinates, smp.coordinates_len, "embedded:q.sto", &q, &err);
  if (!st) st = hl_table_read_memory(smp.grf, smp.grf_len, "embedded:grf.mot", &grf, &err);
  if (!st) st = hl_extloads_load_memory(smp.loads, smp.loads_len, "embedded:grf.xml", grf, &x, &err);
  ts.leg = smp.leg;
  ts.t0 = smp.t0;
  ts.t1 = smp.t1;
  ts.name = "hamner2010_s02";
  ts.step_interval = 5;
  if (!st) st = hl_trial_run(m, q, x, &ts, &t, &err);
  if (!st) st = hl_trial_write(t, m, out, &ts, &err);
  ck_assert_msg(st == HL_OK, "run job in locale %s: %s", setlocale(LC_NUMERIC, NULL), err.message);
  hl_trial_free(t);
  hl_extloads_free(x);
  hl_table_free(q);
  hl_model_free(m);
}

/* hipload setup SETUP --out out [--model model] through the library. */
static void setup_job(const char *setup, const char *model, const char *out) {
  hl_error err;
  hl_error_clear(&err);
  hl_tool_kind kind = HL_TOOL_UNKNOWN;
  ck_assert_msg(hl_setup_kind(setup, &kind, &err) == HL_OK, "%s", err.message);
  if (kind == HL_TOOL_INVERSE_DYNAMICS) {
    ck_assert_msg(hl_idtool_run(setup, out, &err) == HL_OK, "%s", err.message);
    return;
  }
  hl_analyze_setup *s = NULL;
  ck_assert_msg(hl_setup_read(setup, &s, &err) == HL_OK, "%s", err.message);
  hl_analyze_options o;
  hl_analyze_options_defaults(&o);
  o.out_dir = out;
  o.model_file = model;
  hl_analyze_report rep;
  ck_assert_msg(hl_analyze_run(s, &o, &rep, &err) == HL_OK, "%s", err.message);
  hl_analyze_report_clear(&rep);
  hl_setup_free(s);
}

/* Run job() in the C locale into <tmp>/c and under de_DE into <tmp>/de; compare. */
static int both_locales(void (*job)(const char *, const void *), const void *arg) {
  char dir[512], c[600], de[600];
  tu_tmpdir(dir, sizeof dir);
  snprintf(c, sizeof c, "%s/c", dir);
  snprintf(de, sizeof de, "%s/de", dir);
  ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
  job(c, arg);
  if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
    const char *ci = getenv("CI");
    ck_assert_msg(!ci || strcmp(ci, "true"), "CI: locale de_DE.UTF-8 is missing (.ci/run generates it)");
    fprintf(stderr, "test_locale: de_DE.UTF-8 not installed here, skipped\n");
    return -1;
  }
  char probe[16];
  snprintf(probe, sizeof probe, "%.1f", 0.5);
  ck_assert_str_eq(probe, "0,5"); /* the comma locale is really in force */
  job(de, arg);
  setlocale(LC_ALL, "C");
  return compare_dirs(c, de);
}

static void job_run(const char *out, const void *arg) {
  (void)arg;
  run_job(out);
}

START_TEST(test_run_job_any_locale) {
  int n = both_locales(job_run, NULL);
  if (n >= 0) ck_assert_int_ge(n, 8); /* .sto x4+, CSV, JSON, two SVG */
}
END_TEST

typedef struct {
  const char *setup, *model;
} setup_arg;

static void job_setup(const char *out, const void *arg) {
  const setup_arg *a = arg;
  char s[1024], m[1024];
  setup_job(tu_data(s, sizeof s, a->setup), a->model ? tu_data(m, sizeof m, a->model) : NULL, out);
}

START_TEST(test_setup_jobs_any_locale) {
  if (!tu_require_data()) return;
  setup_arg so = {"walk-jr/setup_static_optimization.xml", "walk-jr/subject01_simbody_adjusted_StaticOp.osim"};
  int n = both_locales(job_setup, &so);
  if (n < 0) return;
  ck_assert_int_eq(n, 3); /* force, activation, solver report */
  setup_arg id = {"walk-id/subject01_Setup_InverseDynamics.xml", NULL};
  ck_assert_int_eq(both_locales(job_setup, &id), 1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("locale");
  TCase *tc = tcase_create("locale");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_run_job_any_locale);
  tcase_add_test(tc, test_setup_jobs_any_locale);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
