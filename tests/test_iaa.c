/* SPDX-License-Identifier: Apache-2.0 */
/* hipload setup on OpenSim's InducedAccelerations setups against OpenSim 4.6's own files
 * (../shared/data/run-4ms/opensim-4.6-iaa): per-newton potentials and total mode (with OpenSim's
 * friction switching), every column of every file, and the in_degrees quirk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/analyze.h"
#include "hipload/setup.h"
#include "hipload/table.h"
#include "testutil.h"

#define IAA "run-4ms/opensim-4.6-iaa/"

static void run_setup(const char *setup, const char *out) {
  hl_analyze_setup *s = NULL;
  hl_error err;
  ck_assert_msg(hl_setup_read(setup, &s, &err) == HL_OK, "%s", err.message);
  ck_assert_int_eq(s->has_ia, 1);
  hl_analyze_options o;
  hl_analyze_options_defaults(&o);
  o.out_dir = out;
  hl_analyze_report rep;
  ck_assert_msg(hl_analyze_run(s, &o, &rep, &err) == HL_OK, "%s", err.message);
  ck_assert_int_eq(rep.nframe, 124);
  ck_assert_int_ge(rep.nfiles, 4);
  hl_analyze_report_clear(&rep);
  hl_setup_free(s);
}

/* Largest error of every column of ref in out (same rows), relative to the column's peak, and
 * absolute; the worst of each into *rel, *abs_err (with the column's name). */
static void compare(const char *ref_path, const char *out_path, double *rel, double *abs_err,
                    char *worst, size_t nw) {
  hl_table *ref = tu_read(ref_path), *out = tu_read(out_path);
  ck_assert_int_eq(ref->nrow, out->nrow);
  for (int c = 1; c < ref->ncol; c++) {
    int oc = hl_table_col(out, ref->names[c]);
    ck_assert_msg(oc > 0, "%s has no column %s", out_path, ref->names[c]);
    double peak = 0, e = 0;
    for (int r = 0; r < ref->nrow; r++) {
      ck_assert_double_eq_tol(hl_table_time(out, r), hl_table_time(ref, r), 1e-9);
      peak = fmax(peak, fabs(hl_table_get(ref, r, c)));
      e = fmax(e, fabs(hl_table_get(ref, r, c) - hl_table_get(out, r, oc)));
    }
    /* the reference is printed with 8 significant digits */
    double re = e / fmax(peak, 1e-300);
    if (peak > 0 && re > *rel) {
      *rel = re;
      snprintf(worst, nw, "%s", ref->names[c]);
    }
    *abs_err = fmax(*abs_err, (e - 1e-8) / fmax(peak, 1e-300));
  }
  ck_assert_int_eq(out->ncol, ref->ncol);
  hl_table_free(ref);
  hl_table_free(out);
}

static void compare_all(const char *mode, const char *name, const char *out, double *rel,
                        double *excess) {
  const char *files[] = {"center_of_mass", "hip_flexion_r", "knee_angle_r", "ankle_angle_r",
                         "pelvis_ty", "calcn_r", "induced_constraint_reactions"};
  char worst[256] = "", rp[1024], rel_path[512], op[1024];
  for (int i = 0; i < 7; i++) {
    snprintf(rel_path, sizeof rel_path, IAA "%s/%s_InducedAccelerations_%s.sto", mode, name, files[i]);
    snprintf(op, sizeof op, "%s/%s_InducedAccelerations_%s.sto", out, name, files[i]);
    compare(tu_data(rp, sizeof rp, rel_path), op, rel, excess, worst, sizeof worst);
  }
  printf("InducedAccelerations %s: every column within %.3g of its peak (worst %s); beyond the "
         "reference's last printed digit (1e-8): %.3g of the peak\n", mode, *rel, worst, *excess);
}

START_TEST(test_potentials) {
  if (!tu_require_data()) return;
  char dir[512], setup[1024];
  tu_tmpdir(dir, sizeof dir);
  run_setup(tu_data(setup, sizeof setup, IAA "setup_iaa_potentials.xml"), dir);
  double rel = 0, excess = 0;
  compare_all("potentials", "run4_iaa_pot", dir, &rel, &excess);
  /* acceptance (issue 15): 1 % of each column's peak; regression guard: today the errors are the
   * reference's printed precision (worst 0.34 % of a 1.5e-6 m/s² column, 5e-9 absolute): beyond
   * 1e-8 absolute, at most 1e-4 of the peak */
  ck_assert_double_le(rel, 0.01);
  ck_assert_double_le(excess, 1e-4);
}
END_TEST

/* Rows where the right foot is constrained but its no-slip rows are off: the total's fore-aft
 * force is exactly zero while its vertical force is not. */
static int slip_rows(const char *path) {
  hl_table *t = tu_read(path);
  int cx = hl_table_col(t, "total_right_foot_contact_calcn_r_Fx");
  int cy = hl_table_col(t, "total_right_foot_contact_calcn_r_Fy");
  ck_assert(cx > 0 && cy > 0);
  int n = 0;
  for (int r = 0; r < t->nrow; r++) n += hl_table_get(t, r, cx) == 0 && hl_table_get(t, r, cy) != 0;
  hl_table_free(t);
  return n;
}

START_TEST(test_total) {
  if (!tu_require_data()) return;
  char dir[512], setup[1024], p[1200];
  tu_tmpdir(dir, sizeof dir);
  run_setup(tu_data(setup, sizeof setup, IAA "setup_iaa_total.xml"), dir);
  double rel = 0, excess = 0;
  compare_all("total", "run4_iaa_total", dir, &rel, &excess);
  /* muscle forces from the CMC states' fibre lengths (Thelen 2003 tendon), OpenSim's friction
   * switching: 1 % acceptance; guard near today's 0.074 % (peroneus tertius) */
  ck_assert_double_le(rel, 0.002);
  snprintf(p, sizeof p, "%s/run4_iaa_total_InducedAccelerations_induced_constraint_reactions.sto", dir);
  int ours = slip_rows(p);
  ck_assert_int_eq(ours, slip_rows(tu_data(setup, sizeof setup,
                                           IAA "total/run4_iaa_total_InducedAccelerations_induced_constraint_reactions.sto")));
  ck_assert_int_eq(ours, 22);
}
END_TEST

/* in_degrees: OpenSim multiplies every coordinate's column by 180/π, translations too, and the
 * bodies' angular accelerations; the linear ones and the COM stay in m/s². */
START_TEST(test_in_degrees) {
  if (!tu_require_data()) return;
  char dir[512], src[1024], dst[1200], d2[1200];
  tu_tmpdir(dir, sizeof dir);
  FILE *f = fopen(tu_data(src, sizeof src, IAA "setup_iaa_potentials.xml"), "r");
  ck_assert_ptr_nonnull(f);
  char *text = calloc(1 << 16, 1);
  size_t n = fread(text, 1, (1 << 16) - 1, f);
  fclose(f);
  text[n] = 0;
  snprintf(dst, sizeof dst, "%s/deg.xml", dir);
  FILE *o = fopen(dst, "w");
  char base[1024];
  tu_data(base, sizeof base, "run-4ms");
  for (char *p = text; *p;) { /* paths made absolute, in_degrees turned on */
    if (!strncmp(p, "../", 3)) {
      fprintf(o, "%s/", base);
      p += 3;
    } else if (!strncmp(p, "<in_degrees>false", 17)) {
      fputs("<in_degrees>true", o);
      p += 17;
    } else {
      fputc(*p++, o);
    }
  }
  fclose(o);
  free(text);
  snprintf(d2, sizeof d2, "%s/out", dir);
  run_setup(dst, d2);
  char d3[1200];
  snprintf(d3, sizeof d3, "%s/rad", dir);
  run_setup(tu_data(src, sizeof src, IAA "setup_iaa_potentials.xml"), d3);
  const char *files[3] = {"pelvis_ty", "calcn_r", "center_of_mass"};
  for (int i = 0; i < 3; i++) {
    char rp[1300], op[1300];
    snprintf(rp, sizeof rp, "%s/run4_iaa_pot_InducedAccelerations_%s.sto", d3, files[i]);
    snprintf(op, sizeof op, "%s/run4_iaa_pot_InducedAccelerations_%s.sto", d2, files[i]);
    hl_table *ref = tu_read(rp), *out = tu_read(op);
    ck_assert_int_eq(out->in_degrees, i < 2);
    for (int c = 1; c < ref->ncol; c++) {
      int ang = i == 0 || (i == 1 && strstr(ref->names[c], "_O") != NULL);
      double k = ang ? 180 / 3.14159265358979323846 : 1;
      for (int r = 0; r < ref->nrow; r++)
        ck_assert_double_eq_tol(hl_table_get(out, r, c), k * hl_table_get(ref, r, c),
                                1e-9 * (1e-6 + fabs(k * hl_table_get(ref, r, c))));
    }
    hl_table_free(ref);
    hl_table_free(out);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("iaa");
  TCase *tc = tcase_create("opensim");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_potentials);
  tcase_add_test(tc, test_total);
  tcase_add_test(tc, test_in_degrees);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
