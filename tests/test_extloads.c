/* SPDX-License-Identifier: Apache-2.0 */
/* ExternalLoads tests: every shared ExternalLoads XML (columns resolved, values by hand from the
 * data files), identifier variants, paths, and every error path. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extloads_internal.h"
#include "hipload/extloads.h"
#include "testutil.h"

/* Column indices (0 = time) counted by hand on each data file's label line, per force:
 * force x, point x, torque x (y and z follow). */
static const struct {
  const char *xml;
  const char *body[2];
  int f[2], p[2], q[2];
} files[] = {
    {"walk-jr/foot_floor_loads.xml", {"calcn_r", "calcn_l"}, {1, 7}, {4, 10}, {16, 16}},
    {"walk-id/subject01_walk1_grf.xml", {"calcn_r", "calcn_l"}, {1, 7}, {4, 10}, {13, 16}},
    {"walk-so-spring/externalForces.xml", {"calcn_r", "calcn_l"}, {1, 7}, {4, 10}, {13, 16}},
    {"run-hamner2010/subject02_grf_HiFreq.xml", {"calcn_r", "calcn_l"}, {1, 7}, {4, 10}, {13, 16}},
    {"run-hamner2010/External_Loads.xml", {"calcn_r", "calcn_l"}, {24, 30}, {27, 33}, {36, 39}},
    {"run-4ms/runningModel_GRF.xml", {"calcn_r", "calcn_l"}, {1, 7}, {4, 10}, {13, 16}},
    {"walk-gait2392-pipeline/subject01_walk1_grf.xml", {"calcn_r", "calcn_l"}, {1, 7}, {4, 10}, {13, 16}},
};

START_TEST(test_shared_files) {
  if (!tu_require_data()) return;
  char p[1024];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    hl_extloads *x = NULL;
    hl_error e;
    ck_assert_msg(hl_extloads_load(tu_data(p, sizeof p, files[i].xml), NULL, &x, &e) == HL_OK, "%s", e.message);
    ck_assert_int_eq(x->nforce, 2);
    ck_assert_double_eq(x->lowpass_cutoff, -1);
    for (int k = 0; k < 2; k++) {
      const hl_extforce *f = &x->force[k];
      ck_assert_str_eq(f->applied_to_body, files[i].body[k]);
      ck_assert_str_eq(f->force_expressed_in_body, "ground");
      ck_assert_str_eq(f->point_expressed_in_body, "ground");
      for (int a = 0; a < 3; a++) {
        ck_assert_int_eq(f->force_col[a], files[i].f[k] + a);
        ck_assert_int_eq(f->point_col[a], files[i].p[k] + a);
        ck_assert_int_eq(f->torque_col[a], files[i].q[k] + a);
      }
    }
    hl_extloads_free(x);
  }
}
END_TEST


/* The windowed loader (the rows of the frames' span and HL_EXTLOADS_PAD either side) gives the
 * forces, points and torques of the whole-file loader inside the window: on walk-jr (3.6 MB, 15 s
 * of GRF, a 1.5 s window) and run-hamner2010, every value at 1 kHz through the window, bit for bit
 * where |value| > 1e-20 (N, m, N*m; below that, on columns that are zero near
 * the window, the spline's ringing from loads far away may differ, by at most 1e-30). */
START_TEST(test_window_same_values) {
  if (!tu_require_data()) return;
  const char *xml[2] = {"walk-jr/foot_floor_loads.xml", "run-hamner2010/subject02_grf_HiFreq.xml"};
  const double win[2][2] = {{0.5, 1.999}, {1.105, 1.347}};
  char p[1024];
  for (int c = 0; c < 2; c++) {
    hl_extloads *a = NULL, *b = NULL;
    hl_error e;
    ck_assert_int_eq(hl_extloads_load(tu_data(p, sizeof p, xml[c]), NULL, &a, &e), HL_OK);
    ck_assert_int_eq(hl__extloads_load_window(p, NULL, win[c][0], win[c][1], HL_EXTLOADS_PAD, &b, &e), HL_OK);
    ck_assert_int_lt(b->data->nrow, a->data->nrow); /* really a window */
    long same = 0, all = 0;
    for (int i = 0; i < a->nforce; i++)
      for (double tm = win[c][0]; tm <= win[c][1]; tm += 0.001) {
        double fa[3], pa[3], ta[3], fb[3], pb[3], tb[3];
        hl_extloads_eval(a, i, tm, fa, pa, ta);
        hl_extloads_eval(b, i, tm, fb, pb, tb);
        const double *va[3] = {fa, pa, ta}, *vb[3] = {fb, pb, tb};
        for (int k = 0; k < 3; k++)
          for (int j = 0; j < 3; j++) {
            int eq = !memcmp(&va[k][j], &vb[k][j], sizeof(double));
            all += fabs(va[k][j]) > 1e-20;
            same += fabs(va[k][j]) > 1e-20 && eq;
            if (!eq && (fabs(va[k][j]) > 1e-20 || fabs(va[k][j] - vb[k][j]) > 1e-30))
              ck_abort_msg("%s force %d t %g: %a vs %a", xml[c], i, tm, va[k][j], vb[k][j]);
          }
      }
    ck_assert_int_eq(same, all);
    ck_assert_int_gt(all, 1000);
    hl_extloads_free(a);
    hl_extloads_free(b);
  }
}
END_TEST

START_TEST(test_values_by_hand) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_extloads *x;
  hl_error e;
  ck_assert_int_eq(hl_extloads_load(tu_data(p, sizeof p, "run-hamner2010/subject02_grf_HiFreq.xml"), NULL, &x, &e), HL_OK);
  ck_assert_str_eq(x->force[0].name, "ExternalForce_1");
  ck_assert_str_eq(x->force[1].force_identifier, "1_ground_force_v");
  ck_assert_ptr_nonnull(strstr(x->datafile, "run-hamner2010/subject02_grf_HiFreq.mot"));
  double F[3], P[3], T[3];
  /* the row at t = 1.2 of subject02_grf_HiFreq.mot, columns 2-7 and 14-16 */
  hl_extloads_eval(x, 0, 1.2, F, P, T);
  ck_assert_double_eq_tol(F[0], -97.83714693, 1e-9);
  ck_assert_double_eq_tol(F[1], 1517.035031, 1e-9);
  ck_assert_double_eq_tol(F[2], -26.0807905, 1e-9);
  ck_assert_double_eq_tol(P[0], 0.80964849, 1e-12);
  ck_assert_double_eq_tol(P[1], -0.0075, 1e-12);
  ck_assert_double_eq_tol(P[2], -0.17545736, 1e-12);
  ck_assert_double_eq_tol(T[1], 6.20168601, 1e-12);
  /* halfway to the next row (t = 1.2017): OpenSim interpolates GRF with a natural cubic spline
   * (ExternalForce: GCVSpline of degree 3, error variance 0). The value from SciPy's
   * CubicSpline(bc_type='natural') over the whole column, an independent implementation; the
   * linear mean of the two rows would be 1521.5978635. */
  hl_extloads_eval(x, 0, 1.20085, F, NULL, NULL);
  ck_assert_double_eq_tol(F[1], 1521.7525360707434, 1e-6);
  hl_extloads_eval(x, 1, 1.2, F, P, T); /* left foot in swing */
  ck_assert_double_eq(F[1], 0);
  hl_extloads_eval(x, 7, 1.2, F, P, T); /* bad index: zeros, no crash */
  ck_assert_double_eq(F[0], 0);
  hl_extloads_free(x);
  /* walk-jr applies the left foot's torque to calcn_r, as written */
  ck_assert_int_eq(hl_extloads_load(tu_data(p, sizeof p, "walk-jr/foot_floor_loads.xml"), NULL, &x, &e), HL_OK);
  ck_assert_str_eq(x->force[0].torque_identifier, "left_foot_torque_");
  ck_assert_str_eq(x->data->names[x->force[0].torque_col[0]], "left_foot_torque_x");
  ck_assert_str_eq(x->data->names[x->force[0].force_col[1]], "right_foot_force_vy");
  hl_extloads_eval(x, 0, 1.2, F, NULL, NULL); /* row t = 1.2: 77.59060723 751.92414365 -44.62512451 */
  ck_assert_double_eq_tol(F[0], 77.59060723, 1e-9);
  ck_assert_double_eq_tol(F[1], 751.92414365, 1e-9);
  ck_assert_double_eq_tol(F[2], -44.62512451, 1e-9);
  hl_extloads_free(x);
}
END_TEST

/* ---- fixtures in a temporary folder --------------------------------------------------- */

static char dir[512];

static void put(const char *rel, const char *text) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, rel);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

#define GRF "grf\nversion=1\nendheader\ntime\tground_force_vx\tground_force_vy\tground_force_vz\t" \
            "ground_force_px\tground_force_py\tground_force_pz\tground_torque_x\tground_torque_y\tground_torque_z\n" \
            "0\t1\t2\t3\t0.1\t0.2\t0.3\t10\t20\t30\n1\t3\t4\t5\t0.3\t0.4\t0.5\t30\t40\t50\n"

static const char *xml_doc(char *buf, size_t n, const char *force_body, const char *datafile) {
  snprintf(buf, n,
           "<?xml version=\"1.0\"?>\n<OpenSimDocument Version=\"30000\">\n<ExternalLoads name=\"x\">\n"
           "<objects>\n%s</objects>\n<datafile>%s</datafile>\n"
           "<lowpass_cutoff_frequency_for_load_kinematics>6</lowpass_cutoff_frequency_for_load_kinematics>\n"
           "</ExternalLoads>\n</OpenSimDocument>\n",
           force_body, datafile);
  return buf;
}

#define FORCE(name, body, fid, tid)                                                                 \
  "<ExternalForce name=\"" name "\">\n<applied_to_body> " body " </applied_to_body>\n"              \
  "<force_expressed_in_body>ground</force_expressed_in_body>\n<force_identifier>" fid                \
  "</force_identifier>\n<point_identifier>ground_force_p</point_identifier>\n<torque_identifier>" tid \
  "</torque_identifier>\n</ExternalForce>\n"

static void setup(void) {
  tu_tmpdir(dir, sizeof dir);
  char p[1024];
  snprintf(p, sizeof p, "%s/sub", dir);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  put("sub/grf.mot", GRF);
}

static void teardown(void) {
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static hl_status load(const char *rel, hl_extloads **x, hl_error *e) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, rel);
  hl_error_clear(e);
  return hl_extloads_load(p, NULL, x, e);
}

START_TEST(test_fixture_variants) {
  char xml[4096];
  /* backslash path, blanks around values, torque identifier without the trailing '_', a
   * disabled force (3.x appliesForce and 2.x isDisabled) left out */
  put("a.xml", xml_doc(xml, sizeof xml,
                       FORCE("R", "calcn_r", " ground_force_v ", "ground_torque")
                       "<ExternalForce name=\"off\"><appliesForce>false</appliesForce>"
                       "<applied_to_body>x</applied_to_body><force_identifier>zz</force_identifier>"
                       "</ExternalForce>\n"
                       "<ExternalForce name=\"off2\"><isDisabled> true </isDisabled>"
                       "<applied_to_body>x</applied_to_body><force_identifier>zz</force_identifier>"
                       "</ExternalForce>\n",
                       " sub\\grf.mot "));
  hl_extloads *x;
  hl_error e;
  ck_assert_msg(load("a.xml", &x, &e) == HL_OK, "%s", e.message);
  ck_assert_int_eq(x->nforce, 1);
  ck_assert_str_eq(x->force[0].applied_to_body, "calcn_r");
  ck_assert_str_eq(x->force[0].point_expressed_in_body, "ground"); /* default */
  ck_assert_double_eq(x->lowpass_cutoff, 6);
  ck_assert_int_eq(x->force[0].torque_col[0], 7);
  double F[3], P[3], T[3];
  hl_extloads_eval(x, 0, 0.25, F, P, T); /* a quarter of the way from row 0 to row 1 (2 rows: linear) */
  ck_assert_double_eq_tol(F[0], 1.5, 1e-15);
  ck_assert_double_eq_tol(F[2], 3.5, 1e-15);
  ck_assert_double_eq_tol(P[1], 0.25, 1e-15);
  ck_assert_double_eq_tol(T[2], 35, 1e-13);
  hl_extloads_eval(x, 0, 7.0, F, NULL, NULL); /* clamped to the last row */
  ck_assert_double_eq(F[1], 4);
  hl_extloads_free(x);
  /* datafile override: the same data from another place */
  put("b.mot", GRF);
  char p[1024], d[1024];
  snprintf(p, sizeof p, "%s/a.xml", dir);
  snprintf(d, sizeof d, "%s/b.mot", dir);
  ck_assert_int_eq(hl_extloads_load(p, d, &x, &e), HL_OK);
  ck_assert_str_eq(x->datafile, d);
  hl_extloads_free(x);
  /* from memory, with a table already read */
  hl_table *t;
  ck_assert_int_eq(hl_table_read_memory(GRF, strlen(GRF), "mem.mot", &t, &e), HL_OK);
  xml_doc(xml, sizeof xml, FORCE("R", "calcn_r", "ground_force_v", ""), "");
  ck_assert_int_eq(hl_extloads_load_memory(xml, strlen(xml), "mem.xml", t, &x, &e), HL_OK);
  ck_assert_int_eq(x->force[0].torque_col[0], -1); /* no torque */
  hl_extloads_eval(x, 0, 1, F, P, T);
  ck_assert_double_eq(T[0], 0);
  ck_assert_double_eq(F[0], 3);
  hl_extloads_free(x);
}
END_TEST

static void expect(const char *rel, hl_status want, int line, const char *n1, const char *n2) {
  hl_extloads *x = (hl_extloads *)1;
  hl_error e;
  hl_status st = load(rel, &x, &e);
  ck_assert_msg(st == want, "%s: status %d (%s), want %d", rel, st, e.message, want);
  ck_assert_ptr_null(x);
  ck_assert_int_eq(e.line, line);
  ck_assert_msg(strstr(e.message, rel) != NULL, "file not named: %s", e.message);
  ck_assert_msg(strstr(e.message, n1) != NULL, "'%s' not in '%s'", n1, e.message);
  if (n2) ck_assert_msg(strstr(e.message, n2) != NULL, "'%s' not in '%s'", n2, e.message);
}

START_TEST(test_errors) {
  char xml[4096];
  /* a missing column names the XML, the ExternalForce, the column; line of the identifier */
  put("m.xml", xml_doc(xml, sizeof xml, FORCE("RightFoot", "calcn_r", "r_ground_force_v", "ground_torque_"), "sub/grf.mot"));
  expect("m.xml", HL_ERR_NOT_FOUND, 8, "ExternalForce 'RightFoot'", "'r_ground_force_vx'");
  put("t.xml", xml_doc(xml, sizeof xml, FORCE("L", "calcn_l", "ground_force_v", "1_ground_torque_"), "sub/grf.mot"));
  expect("t.xml", HL_ERR_NOT_FOUND, 10, "torque_identifier '1_ground_torque_'", "1_ground_torque_x");
  /* broken XML: unclosed element */
  put("b.xml", "<?xml version=\"1.0\"?>\n<OpenSimDocument>\n<ExternalLoads>\n<objects>\n</ExternalLoads>\n");
  expect("b.xml", HL_ERR_PARSE, 6, "malformed XML", "Premature end of data"); /* libxml2 reports at EOF */
  put("e.xml", "");
  expect("e.xml", HL_ERR_PARSE, 1, "malformed XML", NULL);
  /* not an ExternalLoads document */
  put("n.xml", "<?xml version=\"1.0\"?>\n<OpenSimDocument>\n<Model name=\"m\"/>\n</OpenSimDocument>\n");
  expect("n.xml", HL_ERR_PARSE, 2, "no <ExternalLoads>", NULL);
  /* no datafile element */
  put("d.xml", "<OpenSimDocument><ExternalLoads><objects/></ExternalLoads></OpenSimDocument>");
  expect("d.xml", HL_ERR_NOT_FOUND, 0, "no <datafile>", NULL);
  /* datafile that does not exist: the data file's path and the XML are named */
  put("f.xml", xml_doc(xml, sizeof xml, FORCE("R", "calcn_r", "ground_force_v", ""), "missing.mot"));
  expect("f.xml", HL_ERR_IO, 0, "missing.mot", "data file of");
  /* a broken data file: its own line, and the XML */
  put("bad.mot", "x\nendheader\ntime ground_force_vx\n0 nan\n");
  put("g.xml", xml_doc(xml, sizeof xml, FORCE("R", "calcn_r", "ground_force_v", ""), "bad.mot"));
  hl_extloads *x;
  hl_error e;
  ck_assert_int_eq(load("g.xml", &x, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "bad.mot:4:"));
  ck_assert_ptr_nonnull(strstr(e.message, "g.xml"));
  /* no applied_to_body; no force_identifier; bad cutoff */
  put("h.xml", xml_doc(xml, sizeof xml, "<ExternalForce name=\"Q\"><force_identifier>ground_force_v</force_identifier></ExternalForce>\n", "sub/grf.mot"));
  expect("h.xml", HL_ERR_PARSE, 5, "ExternalForce 'Q' has no applied_to_body", NULL);
  put("i.xml", xml_doc(xml, sizeof xml, "<ExternalForce name=\"Q\"><applied_to_body>b</applied_to_body></ExternalForce>\n", "sub/grf.mot"));
  expect("i.xml", HL_ERR_PARSE, 5, "ExternalForce 'Q' has no force_identifier", NULL);
  put("j.xml", "<OpenSimDocument><ExternalLoads><datafile>sub/grf.mot</datafile>\n"
               "<lowpass_cutoff_frequency_for_load_kinematics>six</lowpass_cutoff_frequency_for_load_kinematics>"
               "</ExternalLoads></OpenSimDocument>");
  expect("j.xml", HL_ERR_PARSE, 2, "lowpass_cutoff_frequency_for_load_kinematics is not a number", NULL);
  ck_assert_int_eq(load("nonexistent.xml", &x, &e), HL_ERR_IO);
  ck_assert_int_eq(hl_extloads_load_memory(NULL, 0, "m", NULL, &x, &e), HL_ERR_INVALID_ARG);
}
END_TEST

int main(void) {
  Suite *s = suite_create("extloads");
  TCase *tc = tcase_create("extloads");
  tcase_add_test(tc, test_shared_files);
  tcase_add_test(tc, test_values_by_hand);
  tcase_add_test(tc, test_window_same_values);
  suite_add_tcase(s, tc);
  TCase *tf = tcase_create("fixtures");
  tcase_add_checked_fixture(tf, setup, teardown);
  tcase_add_test(tf, test_fixture_variants);
  tcase_add_test(tf, test_errors);
  suite_add_tcase(s, tf);
  return tu_run(s);
}
