/* SPDX-License-Identifier: Apache-2.0 */
/* Muscle paths: lengths, speeds and moment arms on hand-built models (checked by hand), point
 * activity at OpenSim's range tolerance, moving points, error paths; cross-validation against
 * OpenSim 4.6's MuscleAnalysis and finite-difference checks on real models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/hipload.h"
#include "hipload/model.h"
#include "hipload/table.h"
#include "kin_fixture.h"
#include "testutil.h"

#define TOL 1e-12
#define DEG2RAD (3.14159265358979323846 / 180.0)

/* Pendulum: link hinged about z at the ground origin, body origin at the hinge. One muscle from
 * ground (A, 0, 0) to the link's local (0, -B, 0). */
static const double A = 0.1, B = 0.3;

static hl_model *pendulum_muscle(void) {
  hl_model *m = fx_ground();
  int j = fx_body(m, "link", 0, NULL, NULL);
  int c = fx_coord(m, j, "theta", 1);
  fx_axis(m, j, 0, 0, 0, 1, c, -1);
  int i = hl__model_add_muscle(m, "mus");
  ck_assert_int_eq(i, 0);
  fx_point(m, 0, 0, A, 0, 0);
  fx_point(m, 1, 0, 0, -B, 0);
  return m;
}

START_TEST(test_two_point_moment_arm) {
  hl_model *m = pendulum_muscle();
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_error err;
  for (double q = -1.2; q <= 1.2; q += 0.3) {
    double qd = 0.7;
    ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, NULL, NULL), HL_OK);
    ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_OK);
    /* insertion (B sin q, -B cos q): l² = A² + B² − 2AB sin q, r = −dl/dq = AB cos q / l */
    double l = sqrt(A * A + B * B - 2 * A * B * sin(q)), r = A * B * cos(q) / l;
    ck_assert_double_eq_tol(d->mus_len[0], l, TOL);
    ck_assert_double_eq_tol(d->mus_ma[0], r, TOL);
    ck_assert_double_eq_tol(d->mus_speed[0], -r * qd, TOL);
    ck_assert_int_eq(d->mus_npt[0], 2);
    ck_assert_int_eq(d->apt_body[1], 1);
    ck_assert_double_eq_tol(d->apt_pos[3], B * sin(q), TOL);
    ck_assert_double_eq_tol(d->apt_pos[4], -B * cos(q), TOL);
  }
  /* without qd the speed is that of a pose at rest */
  double q = 0.2;
  ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  ck_assert_double_eq(d->mus_speed[0], 0.0);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

START_TEST(test_conditional_point) {
  hl_model *m = pendulum_muscle();
  /* insert a ground via point (0, 0.3, 0) between origin and insertion, active for q in [0, 1] */
  ck_assert_int_eq(hl__model_add_pathpt(m), 2);
  m->mus_path_num[0]++;
  /* move the insertion to the last slot, the via point into the middle */
  m->pt_body[2] = m->pt_body[1];
  m->pt_type[2] = 0;
  memcpy(m->pt_pos + 6, m->pt_pos + 3, 3 * sizeof(double));
  m->pt_body[1] = 0;
  m->pt_type[1] = 1;
  m->pt_pos[3] = 0.0;
  m->pt_pos[4] = 0.3;
  m->pt_pos[5] = 0.0;
  m->pt_cond_coord[1] = 0;
  m->pt_cond_range[2] = 0.0;
  m->pt_cond_range[3] = 1.0;
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  /* OpenSim's ConditionalPathPoint::isActive: lo − 1e-5 <= q <= hi + 1e-5 */
  const struct { double q; int active; } cases[] = {
      {0.5, 1}, {-0.5, 0}, {1.0 + 0.9e-5, 1}, {1.0 + 1.1e-5, 0}, {-0.9e-5, 1}, {-1.1e-5, 0}, {1.0, 1}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    double q = cases[k].q, s = sin(q), c = cos(q);
    ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL, NULL), HL_OK);
    ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
    ck_assert_msg(d->mus_npt[0] == 2 + cases[k].active, "q=%g: %d active points", q, d->mus_npt[0]);
    double l, r;
    if (cases[k].active) {
      /* fixed first segment, second from (0, 0.3) to (B s, −B c) */
      double l2 = sqrt(B * B + 0.09 + 0.6 * B * c);
      l = sqrt(A * A + 0.09) + l2;
      r = 0.3 * B * s / l2;
      ck_assert_double_eq_tol(d->apt_pos[4], 0.3, TOL); /* slot 1 is the via point */
    } else {
      l = sqrt(A * A + B * B - 2 * A * B * s);
      r = A * B * c / l;
      ck_assert_int_eq(d->apt_body[1], 1); /* slot 1 is the insertion */
    }
    ck_assert_double_eq_tol(d->mus_len[0], l, TOL);
    ck_assert_double_eq_tol(d->mus_ma[0], r, TOL);
  }
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

START_TEST(test_moving_point) {
  hl_model *m = pendulum_muscle();
  /* the insertion slides along the link: local x = 0.1 q, y = −B (constant), z = 0 */
  double coef[2] = {0.1, 0.0};
  int f = fx_poly(m, 2, coef);
  m->pt_type[1] = 2;
  m->pt_move_coord[3] = 0;
  m->pt_move_func[3] = f;
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  double q = 0.6, qd = -1.4, s = sin(q), c = cos(q);
  ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, NULL, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  /* insertion Rz(q)·(0.1q, −B) = (0.1 q c + B s, 0.1 q s − B c); derivative by the product rule */
  double x = 0.1 * q * c + B * s, y = 0.1 * q * s - B * c;
  double dx = 0.1 * c - 0.1 * q * s + B * c, dy = 0.1 * s + 0.1 * q * c + B * s;
  double l = sqrt((x - A) * (x - A) + y * y);
  double r = -((x - A) * dx + y * dy) / l;
  ck_assert_double_eq_tol(d->mus_len[0], l, TOL);
  ck_assert_double_eq_tol(d->mus_ma[0], r, TOL);
  ck_assert_double_eq_tol(d->mus_speed[0], -r * qd, TOL);
  ck_assert_double_eq_tol(d->apt_local[3], 0.1 * q, TOL);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

START_TEST(test_wrap_and_bad_input) {
  hl_model *m = pendulum_muscle();
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  hl_error err;
  double q = 0.1;
  /* no state yet */
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "hl_kin_update"));
  ck_assert_int_eq(hl_muscle_update(NULL, d, 0, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "model is NULL"));
  ck_assert_int_eq(hl_muscle_update(m, NULL, 0, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "workspace is NULL"));
  /* a failed update leaves no usable state */
  double nan = NAN;
  ck_assert_int_eq(hl_kin_update(m, d, &nan, NULL, NULL, NULL), HL_ERR_BAD_VALUE);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_ERR_INVALID_ARG);

  ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL, NULL), HL_OK);
  m->mus_has_wrap[0] = 1;
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_ERR_UNSUPPORTED);
  ck_assert_int_eq(err.status, HL_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(err.message, "muscle 'mus'"));
  ck_assert_ptr_nonnull(strstr(err.message, "wrap"));
  ck_assert_int_eq(hl_muscle_update(m, d, 1, &err), HL_OK); /* wrap ignored on request */
  ck_assert_double_eq_tol(d->mus_len[0], sqrt(A * A + B * B - 2 * A * B * sin(q)), TOL);
  m->mus_has_wrap[0] = 0;

  /* path points beyond the model's */
  m->mus_path_num[0] = 5;
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "muscle 'mus': path points 0..4 outside the model's 2"));
  m->mus_path_num[0] = 2;

  /* a workspace of another model */
  hl_model *m2 = pendulum_muscle();
  hl__model_add_muscle(m2, "second");
  ck_assert_int_eq(hl_muscle_update(m2, d, 0, &err), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(err.message, "another model"));
  hl_model_free(m2);
  hl_kin_free(d);
  hl_model_free(m);
}
END_TEST

/* ------------------------------------------------------------ real models: OpenSim 4.6 */

static const char *HAMNER_DIR = "run-hamner2010";

/* q for every model coordinate: the file's value where it has the column (degrees converted for
 * rotational coordinates when the file says inDegrees=yes), the model default elsewhere. */
static void q_from_row(const hl_model *m, const hl_table *t, const int *col, int row, double *q) {
  for (int c = 0; c < m->ncoord; c++) {
    q[c] = m->coord_default[c];
    if (col[c] < 0) continue;
    double v = hl_table_get(t, row, col[c]);
    q[c] = t->in_degrees && m->coord_rotational[c] ? v * DEG2RAD : v;
  }
}

static int row_at(const hl_table *t, double time) {
  for (int r = 0; r < t->nrow; r++)
    if (fabs(hl_table_time(t, r) - time) < 1e-6) return r;
  return -1;
}

static hl_table *read_table(const char *rel) {
  char path[1024];
  hl_table *t = NULL;
  hl_error err;
  tu_data(path, sizeof path, rel);
  hl_status st = hl_table_read(path, &t, &err);
  ck_assert_msg(st == HL_OK, "%s", err.message);
  return t;
}

/* Compare every muscle column of one MuscleAnalysis output (length when coord < 0, else the
 * moment arm about that coordinate) at every row; returns the largest absolute error. */
static double compare_ma_file(const hl_model *m, hl_data *d, const hl_table *kin, const int *kcol,
                              const char *rel, int coord, double tol, char *worst_name) {
  hl_table *ref = read_table(rel);
  double *q = malloc(sizeof(double) * (size_t)m->ncoord), worst = 0.0;
  int *mus = malloc(sizeof(int) * (size_t)ref->ncol), nmatched = 0;
  for (int k = 1; k < ref->ncol; k++) {
    mus[k] = hl_model_muscle(m, ref->names[k]);
    ck_assert_msg(mus[k] >= 0, "%s: column '%s' is not a muscle of the model", rel, ref->names[k]);
    nmatched++;
  }
  ck_assert_int_eq(nmatched, m->nmuscle);
  for (int r = 0; r < ref->nrow; r++) {
    double t = hl_table_time(ref, r);
    int kr = row_at(kin, t);
    ck_assert_msg(kr >= 0, "%s: time %.6f not in the coordinates file", rel, t);
    q_from_row(m, kin, kcol, kr, q);
    ck_assert_int_eq(hl_kin_update(m, d, q, NULL, NULL, NULL), HL_OK);
    hl_error err;
    ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_OK);
    for (int k = 1; k < ref->ncol; k++) {
      int i = mus[k];
      double got = coord < 0 ? d->mus_len[i] : d->mus_ma[(size_t)m->ncoord * i + coord];
      double e = fabs(got - hl_table_get(ref, r, k));
      if (e > worst) {
        worst = e;
        snprintf(worst_name, HL_NAME_MAX, "%s", m->mus_name[i]);
      }
      ck_assert_msg(e <= tol, "%s t=%.3f %s: hipload %.9f OpenSim %.9f", rel, t, m->mus_name[i],
                    got, hl_table_get(ref, r, k));
    }
  }
  free(q);
  free(mus);
  hl_table_free(ref);
  return worst;
}

START_TEST(test_hamner_vs_opensim_muscle_analysis) {
  if (!tu_require_data()) return;
  hl_model *m = fx_load("run-hamner2010/reference/subject02_RRA_Adjusted.osim");
  hl_table *kin = read_table("run-hamner2010/reference/rra_run_1_Kinematics_q.sto");
  ck_assert_int_eq(kin->in_degrees, 1);
  int *kcol = malloc(sizeof(int) * (size_t)m->ncoord);
  for (int c = 0; c < m->ncoord; c++) kcol[c] = hl_table_col(kin, m->coord_name[c]);
  hl_data *d = NULL;
  hl_kin_create(m, &d, NULL);
  ck_assert_ptr_nonnull(d);
  char rel[256], worst[HL_NAME_MAX];
  snprintf(rel, sizeof rel, "%s/opensim-4.6/hamner_r_MuscleAnalysis_Length.sto", HAMNER_DIR);
  double e = compare_ma_file(m, d, kin, kcol, rel, -1, 1e-8, worst);
  printf("hamner MuscleAnalysis Length: max |error| %.3g m (%s)\n", e, worst);
  static const char *coords[] = {"hip_flexion_r", "hip_adduction_r", "hip_rotation_r",
                                 "knee_angle_r", "ankle_angle_r"};
  for (int k = 0; k < 5; k++) {
    int c = hl_model_coord(m, coords[k]);
    ck_assert_int_ge(c, 0);
    snprintf(rel, sizeof rel, "%s/opensim-4.6/hamner_r_MuscleAnalysis_MomentArm_%s.sto", HAMNER_DIR,
             coords[k]);
    e = compare_ma_file(m, d, kin, kcol, rel, c, 1e-8, worst);
    printf("hamner MuscleAnalysis MomentArm_%s: max |error| %.3g m (%s)\n", coords[k], e, worst);
  }
  free(kcol);
  hl_kin_free(d);
  hl_table_free(kin);
  hl_model_free(m);
}
END_TEST

/* Moment arms against central differences of the length at random poses inside the coordinate
 * ranges, for every muscle and coordinate (poses where a conditional point switches inside the
 * difference step are skipped). */
static void fd_moment_arms(const char *rel, int nposes, double tol) {
  hl_model *m = fx_load(rel);
  const int nq = m->ncoord;
  hl_data *d = NULL, *dp = NULL, *dm = NULL;
  hl_kin_create(m, &d, NULL);
  hl_kin_create(m, &dp, NULL);
  hl_kin_create(m, &dm, NULL);
  double *q = malloc(sizeof(double) * (size_t)nq), *qq = malloc(sizeof(double) * (size_t)nq);
  unsigned long long seed = 0x2545F4914F6CDD1Dull;
  const double h = 1e-6;
  double worst = 0.0;
  long checked = 0;
  for (int pose = 0; pose < nposes; pose++) {
    for (int c = 0; c < nq; c++) q[c] = fx_rand(&seed, m->coord_range[2 * c], m->coord_range[2 * c + 1]);
    ck_assert_int_eq(hl_kin_update(m, d, q, NULL, NULL, NULL), HL_OK);
    ck_assert_int_eq(hl_muscle_update(m, d, 1, NULL), HL_OK);
    for (int c = 0; c < nq; c++) {
      memcpy(qq, q, sizeof(double) * (size_t)nq);
      qq[c] = q[c] + h;
      ck_assert_int_eq(hl_kin_update(m, dp, qq, NULL, NULL, NULL), HL_OK);
      ck_assert_int_eq(hl_muscle_update(m, dp, 1, NULL), HL_OK);
      qq[c] = q[c] - h;
      ck_assert_int_eq(hl_kin_update(m, dm, qq, NULL, NULL, NULL), HL_OK);
      ck_assert_int_eq(hl_muscle_update(m, dm, 1, NULL), HL_OK);
      for (int i = 0; i < m->nmuscle; i++) {
        if (dp->mus_npt[i] != d->mus_npt[i] || dm->mus_npt[i] != d->mus_npt[i]) continue;
        double fd = -(dp->mus_len[i] - dm->mus_len[i]) / (2 * h);
        double e = fabs(d->mus_ma[(size_t)nq * i + c] - fd);
        if (e > worst) worst = e;
        checked++;
        ck_assert_msg(e <= tol, "%s pose %d %s about %s: analytic %.10f fd %.10f", rel, pose,
                      m->mus_name[i], m->coord_name[c], d->mus_ma[(size_t)nq * i + c], fd);
      }
    }
  }
  printf("%s: moment arm vs central difference, %d poses, %ld checks: max |error| %.3g m\n", rel,
         nposes, checked, worst);
  free(q);
  free(qq);
  hl_kin_free(d);
  hl_kin_free(dp);
  hl_kin_free(dm);
  hl_model_free(m);
}

START_TEST(test_fd_moment_arms_gait2392) {
  if (!tu_require_data()) return;
  fd_moment_arms("walk-jr/subject01_simbody_adjusted_StaticOp.osim", 100, 1e-6);
}
END_TEST

START_TEST(test_fd_moment_arms_hamner) {
  if (!tu_require_data()) return;
  fd_moment_arms("run-hamner2010/reference/subject02_RRA_Adjusted.osim", 100, 1e-6);
}
END_TEST

int main(void) {
  Suite *s = suite_create("muscle_path");
  TCase *tc = tcase_create("analytic");
  tcase_add_test(tc, test_two_point_moment_arm);
  tcase_add_test(tc, test_conditional_point);
  tcase_add_test(tc, test_moving_point);
  tcase_add_test(tc, test_wrap_and_bad_input);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("opensim");
  tcase_set_timeout(tr, 600);
  tcase_add_test(tr, test_hamner_vs_opensim_muscle_analysis);
  tcase_add_test(tr, test_fd_moment_arms_gait2392);
  tcase_add_test(tr, test_fd_moment_arms_hamner);
  suite_add_tcase(s, tr);
  return tu_run(s);
}
