/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

const char *tu_data(char *buf, size_t n, const char *rel) {
  snprintf(buf, n, "%s/%s", HIPLOAD_DATA_DIR, rel);
  return buf;
}


int tu_require_data(void) {
  struct stat st;
  if (stat(HIPLOAD_DATA_DIR, &st) == 0 && S_ISDIR(st.st_mode)) return 1;
  const char *ci = getenv("CI");
  if (ci && !strcmp(ci, "true"))
    ck_abort_msg("reference data folder %s is missing (CI=true: this is a failure)", HIPLOAD_DATA_DIR);
  fprintf(stderr, "note: %s missing, data-driven test skipped locally\n", HIPLOAD_DATA_DIR);
  /* counted in a file: Check runs each test in a child process */
  const char *tally = getenv("HIPLOAD_TEST_SKIPS");
  FILE *f = tally ? fopen(tally, "a") : NULL;
  if (f) {
    fputs("skip\n", f);
    fclose(f);
  }
  return 0;
}

double tu_bound(const char *what, double err, double accept, double guard) {
  fprintf(stderr, "%s: %.4g (regression guard %.4g, acceptance %.4g)\n", what, err, guard, accept);
  ck_assert_msg(err >= 0 && err <= accept, "%s: %g exceeds the acceptance bound %g", what, err, accept);
  ck_assert_msg(err <= guard, "%s: %g exceeds the regression guard %g (acceptance %g): a regression "
                "against the error measured when the guard was set", what, err, guard, accept);
  return err;
}

const char *tu_tmpdir(char *buf, size_t n) {
  const char *base = getenv("TMPDIR");
  snprintf(buf, n, "%s/hipload-test-XXXXXX", base && base[0] ? base : "/tmp");
  if (!mkdtemp(buf)) ck_abort_msg("mkdtemp failed");
  return buf;
}

char *tu_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) ck_abort_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (!b || (long)fread(b, 1, (size_t)n, f) != n) ck_abort_msg("cannot read %s", path);
  b[n] = 0;
  fclose(f);
  if (len) *len = (size_t)n;
  return b;
}

const char *tu_cli(void) {
  const char *p = getenv("HIPLOAD_CLI");
  return p && p[0] ? p : HIPLOAD_BUILD_DIR "/hipload";
}

int tu_run(Suite *s) {
  char tally[64];
  snprintf(tally, sizeof tally, "/tmp/hipload-skips-%ld", (long)getpid());
  remove(tally);
  setenv("HIPLOAD_TEST_SKIPS", tally, 1);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  /* a local run without the reference data says how much it did not check */
  int skipped = 0;
  FILE *f = fopen(tally, "r");
  for (int c; f && (c = fgetc(f)) != EOF;) skipped += c == '\n';
  if (f) fclose(f);
  remove(tally);
  if (skipped)
    fprintf(stderr, "%d data-dependent test%s skipped: %s is missing (under CI=true they fail)\n", skipped,
            skipped == 1 ? "" : "s", HIPLOAD_DATA_DIR);
  return failed == 0 ? 0 : 1;
}

#include <math.h>

hl_table *tu_read(const char *path) {
  hl_table *t = NULL;
  hl_error e;
  hl_status st = hl_table_read(path, &t, &e);
  ck_assert_msg(st == HL_OK, "cannot read %s: %s", path, e.message);
  return t;
}

static double interp_col(const hl_table *t, int c, double tm) { return hl_table_interp(t, c, tm); }

double tu_col_err(const hl_table *ref, const hl_table *out, const char *name, double *peak) {
  int cr = hl_table_col(ref, name), co = hl_table_col(out, name);
  if (cr < 0 || co < 0) return -1;
  double t0 = hl_table_time(out, 0) - 1e-9, t1 = hl_table_time(out, out->nrow - 1) + 1e-9;
  double err = 0, pk = 0;
  for (int r = 0; r < ref->nrow; r++) {
    double tm = hl_table_time(ref, r), v = hl_table_get(ref, r, cr);
    if (fabs(v) > pk) pk = fabs(v);
    if (tm < t0 || tm > t1) continue;
    double e = fabs(interp_col(out, co, tm) - v);
    if (e > err) err = e;
  }
  if (peak) *peak = pk;
  return err;
}

double tu_vec_err(const hl_table *ref, const hl_table *out, const char *prefix, double *peak) {
  int cr[3], co[3];
  char nm[256];
  for (int k = 0; k < 3; k++) {
    snprintf(nm, sizeof nm, "%s%c", prefix, 'x' + k);
    cr[k] = hl_table_col(ref, nm);
    co[k] = hl_table_col(out, nm);
    if (cr[k] < 0 || co[k] < 0) return -1;
  }
  double t0 = hl_table_time(out, 0) - 1e-9, t1 = hl_table_time(out, out->nrow - 1) + 1e-9;
  double err = 0, pk = 0;
  for (int r = 0; r < ref->nrow; r++) {
    double tm = hl_table_time(ref, r), a = 0, b = 0;
    for (int k = 0; k < 3; k++) {
      double v = hl_table_get(ref, r, cr[k]), w = interp_col(out, co[k], tm);
      a += v * v;
      b += w * w;
    }
    a = sqrt(a);
    b = sqrt(b);
    if (a > pk) pk = a;
    if (tm < t0 || tm > t1) continue;
    if (fabs(a - b) > err) err = fabs(a - b);
  }
  if (peak) *peak = pk;
  return err;
}

double tu_col_rms(const hl_table *ref, const hl_table *out, const char *name) {
  int cr = hl_table_col(ref, name), co = hl_table_col(out, name);
  if (cr < 0 || co < 0) return -1;
  double t0 = hl_table_time(out, 0) - 1e-9, t1 = hl_table_time(out, out->nrow - 1) + 1e-9;
  double s = 0;
  int n = 0;
  for (int r = 0; r < ref->nrow; r++) {
    double tm = hl_table_time(ref, r);
    if (tm < t0 || tm > t1) continue;
    double e = interp_col(out, co, tm) - hl_table_get(ref, r, cr);
    s += e * e;
    n++;
  }
  return n ? sqrt(s / n) : -1;
}
