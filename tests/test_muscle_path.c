/* Muscle paths: lengths, speeds and moment arms on hand-built models (checked by hand), point
 * activity at OpenSim's range tolerance, moving points, error paths; cross-validation against
 * OpenSim 4.6's MuscleAnalysis and finite-difference checks on real models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/hipload.h"
#include "hipload/model.h"
#include "kin_fixture.h"
#include "testutil.h"

#define TOL 1e-12

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
  hl_data *d = hl_data_create(m);
  hl_error err;
  for (double q = -1.2; q <= 1.2; q += 0.3) {
    double qd = 0.7;
    ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, NULL), HL_OK);
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
  ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL), HL_OK);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, NULL), HL_OK);
  ck_assert_double_eq(d->mus_speed[0], 0.0);
  hl_data_free(d);
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
  hl_data *d = hl_data_create(m);
  /* OpenSim's ConditionalPathPoint::isActive: lo − 1e-5 <= q <= hi + 1e-5 */
  const struct { double q; int active; } cases[] = {
      {0.5, 1}, {-0.5, 0}, {1.0 + 0.9e-5, 1}, {1.0 + 1.1e-5, 0}, {-0.9e-5, 1}, {-1.1e-5, 0}, {1.0, 1}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    double q = cases[k].q, s = sin(q), c = cos(q);
    ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL), HL_OK);
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
  hl_data_free(d);
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
  hl_data *d = hl_data_create(m);
  double q = 0.6, qd = -1.4, s = sin(q), c = cos(q);
  ck_assert_int_eq(hl_kin_update(m, d, &q, &qd, NULL), HL_OK);
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
  hl_data_free(d);
  hl_model_free(m);
}
END_TEST

START_TEST(test_wrap_and_bad_input) {
  hl_model *m = pendulum_muscle();
  hl_data *d = hl_data_create(m);
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
  ck_assert_int_eq(hl_kin_update(m, d, &nan, NULL, NULL), HL_ERR_BAD_VALUE);
  ck_assert_int_eq(hl_muscle_update(m, d, 0, &err), HL_ERR_INVALID_ARG);

  ck_assert_int_eq(hl_kin_update(m, d, &q, NULL, NULL), HL_OK);
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
  hl_data_free(d);
  hl_model_free(m);
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
  return tu_run(s);
}
