/* SPDX-License-Identifier: Apache-2.0 */
/* Signal tests: OpenSim's padded forward-backward Butterworth, the natural quintic spline
 * (GCVSPL with zero error variance), and stance detection on a real GRF file. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "band.h"
#include "hipload/signal.h"
#include "hipload/table.h"
#include "testutil.h"
#ifdef HIPLOAD_TEST_LAPACKE
#include <lapacke.h>
#endif

#define PI 3.14159265358979323846

/* Zero-phase amplitude of the forward-backward 3rd-order digital Butterworth (bilinear
 * transform with prewarping): |H|² = 1 / (1 + (tan(pi f/fs) / tan(pi fc/fs))^6). */
static double filtfilt_gain(double f, double fc, double fs) {
  double r = tan(PI * f / fs) / tan(PI * fc / fs);
  return 1.0 / (1.0 + pow(r, 6));
}

/* Steady amplitude of a filtered sine in the middle half of the record. */
static double sine_gain(double f, double fc, double fs, int n) {
  double *x = malloc((size_t)n * sizeof *x);
  for (int i = 0; i < n; i++) x[i] = sin(2 * PI * f * i / fs);
  ck_assert_int_eq(hl_signal_lowpass(x, n, 1.0 / fs, fc, NULL), HL_OK);
  /* least-squares amplitude against sin/cos on the middle half (phase should be zero) */
  double ss = 0, sc = 0, s2 = 0, c2 = 0;
  for (int i = n / 4; i < 3 * n / 4; i++) {
    double s = sin(2 * PI * f * i / fs), c = cos(2 * PI * f * i / fs);
    ss += x[i] * s, sc += x[i] * c, s2 += s * s, c2 += c * c;
  }
  free(x);
  ck_assert_double_le(fabs(sc / c2), 1e-3); /* zero phase: no cosine part */
  return ss / s2;
}

START_TEST(test_filter_response) {
  /* 6 Hz at 1 kHz (walk-jr rate) and at 60 Hz (walk-id rate) */
  ck_assert_double_eq_tol(sine_gain(6, 6, 1000, 4000), 0.5, 2e-3); /* -6 dB at the cutoff */
  ck_assert_double_eq_tol(sine_gain(3, 6, 1000, 4000), filtfilt_gain(3, 6, 1000), 2e-3);
  ck_assert_double_eq_tol(sine_gain(12, 6, 1000, 4000), filtfilt_gain(12, 6, 1000), 2e-3);
  ck_assert_double_eq_tol(sine_gain(6, 6, 60, 600), 0.5, 5e-3);
  ck_assert_double_eq_tol(sine_gain(10, 6, 60, 600), filtfilt_gain(10, 6, 60), 5e-3);
}
END_TEST

START_TEST(test_filter_dc_ramp_and_args) {
  double x[300], y[300];
  for (int i = 0; i < 300; i++) x[i] = 2.5;
  ck_assert_int_eq(hl_signal_lowpass(x, 300, 0.01, 6, NULL), HL_OK);
  for (int i = 0; i < 300; i++) ck_assert_double_eq_tol(x[i], 2.5, 1e-12); /* unity DC gain */
  /* odd reflection makes a ramp a ramp through the padding: it passes unchanged */
  for (int i = 0; i < 300; i++) x[i] = 1.0 + 0.3 * i;
  ck_assert_int_eq(hl_signal_lowpass(x, 300, 0.01, 6, NULL), HL_OK);
  for (int i = 0; i < 300; i++) ck_assert_double_eq_tol(x[i], 1.0 + 0.3 * i, 1e-8);
  /* cutoff <= 0: untouched */
  for (int i = 0; i < 300; i++) x[i] = y[i] = sin(i * 0.7);
  ck_assert_int_eq(hl_signal_lowpass(x, 300, 0.01, 0, NULL), HL_OK);
  ck_assert_int_eq(hl_signal_lowpass(x, 300, 0.01, -1, NULL), HL_OK);
  ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
  /* cutoff above Nyquist: OpenSim uses 0.49 fs instead */
  ck_assert_int_eq(hl_signal_lowpass(x, 300, 0.01, 80, NULL), HL_OK);
  ck_assert_int_eq(hl_signal_lowpass(y, 300, 0.01, 49, NULL), HL_OK);
  ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
  ck_assert_int_eq(hl_signal_lowpass(x, 1, 0.01, 6, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_signal_lowpass(x, 300, 0, 6, NULL), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_signal_lowpass(NULL, 300, 0.01, 6, NULL), HL_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_spline_knots_and_polynomials) {
  enum { N = 40 };
  double t[N], x[N];
  unsigned s = 12345;
  double tt = 0.3;
  for (int i = 0; i < N; i++) { /* uneven steps 5..15 ms */
    s = s * 1103515245u + 12345u;
    t[i] = tt;
    tt += 0.005 + 0.01 * ((s >> 8) & 1023) / 1023.0;
    x[i] = sin(3 * t[i]) + 0.1 * (((s >> 4) & 255) / 255.0);
  }
  hl_spline *sp;
  ck_assert_int_eq(hl_signal_spline_fit(t, x, N, &sp, NULL), HL_OK);
  for (int i = 0; i < N; i++) {
    double v;
    hl_signal_spline_eval(sp, t[i], &v, NULL, NULL);
    ck_assert_double_eq_tol(v, x[i], 1e-10); /* interpolates */
  }
  hl_signal_spline_free(sp);
  /* a natural spline of order 6 reproduces polynomials of degree < 3 exactly */
  for (int i = 0; i < N; i++) x[i] = 1.5 - 2.0 * t[i] + 4.0 * t[i] * t[i];
  ck_assert_int_eq(hl_signal_spline_fit(t, x, N, &sp, NULL), HL_OK);
  for (double tm = t[0]; tm <= t[N - 1]; tm += 0.00123) {
    double v, d, dd;
    hl_signal_spline_eval(sp, tm, &v, &d, &dd);
    ck_assert_double_eq_tol(v, 1.5 - 2.0 * tm + 4.0 * tm * tm, 1e-10);
    ck_assert_double_eq_tol(d, -2.0 + 8.0 * tm, 1e-7);
    ck_assert_double_eq_tol(dd, 8.0, 1e-4);
  }
  /* outside the knots: the natural quadratic continuation (same polynomial here) */
  double v, d, dd;
  hl_signal_spline_eval(sp, t[0] - 0.1, &v, &d, &dd);
  ck_assert_double_eq_tol(v, 1.5 - 2.0 * (t[0] - 0.1) + 4.0 * pow(t[0] - 0.1, 2), 1e-9);
  ck_assert_double_eq_tol(dd, 8.0, 1e-4);
  hl_signal_spline_free(sp);
  /* a cubic is not reproduced: the natural end conditions bend it near the ends */
  for (int i = 0; i < N; i++) x[i] = t[i] * t[i] * t[i];
  ck_assert_int_eq(hl_signal_spline_fit(t, x, N, &sp, NULL), HL_OK);
  hl_signal_spline_eval(sp, t[0], NULL, NULL, &dd);
  ck_assert_double_gt(fabs(dd - 6 * t[0]), 1e-3);
  hl_signal_spline_free(sp);
  /* arguments */
  ck_assert_int_eq(hl_signal_spline_fit(t, x, 5, &sp, NULL), HL_ERR_INVALID_ARG); /* GCVSPL: n >= 2M = 6 */
  ck_assert_ptr_null(sp);
  t[3] = t[2];
  ck_assert_int_eq(hl_signal_spline_fit(t, x, N, &sp, NULL), HL_ERR_INVALID_ARG);
  t[3] = t[2] + 0.001;
  x[7] = NAN;
  ck_assert_int_eq(hl_signal_spline_fit(t, x, N, &sp, NULL), HL_ERR_BAD_VALUE);
}
END_TEST

/* Derivatives of sin(2 pi f t) sampled at fs, checked on the interior [0.2 T, 0.8 T]. */
static void sine_derivs(double fs, double f, double dur, double tol0, double tol1, double tol2) {
  int n = (int)(dur * fs) + 1;
  double *t = malloc((size_t)n * sizeof *t), *x = malloc((size_t)n * sizeof *x);
  double w = 2 * PI * f;
  for (int i = 0; i < n; i++) t[i] = i / fs, x[i] = sin(w * t[i]);
  hl_spline *sp;
  ck_assert_int_eq(hl_signal_spline_fit(t, x, n, &sp, NULL), HL_OK);
  double e0 = 0, e1 = 0, e2 = 0;
  for (double tm = 0.2 * dur; tm <= 0.8 * dur; tm += 0.37e-3) {
    double v, d, dd;
    hl_signal_spline_eval(sp, tm, &v, &d, &dd);
    e0 = fmax(e0, fabs(v - sin(w * tm)));
    e1 = fmax(e1, fabs(d - w * cos(w * tm)) / w);
    e2 = fmax(e2, fabs(dd + w * w * sin(w * tm)) / (w * w));
  }
  ck_assert_msg(e0 < tol0 && e1 < tol1 && e2 < tol2, "fs %g f %g: errors %g %g %g", fs, f, e0, e1, e2);
  hl_signal_spline_free(sp);
  free(t);
  free(x);
}

START_TEST(test_spline_sine_derivatives) {
  /* relative errors (to the amplitude of x, x', x''); a quintic's error goes as (w h)^6 */
  sine_derivs(100, 2, 1.0, 1e-8, 1e-6, 1e-5);
  sine_derivs(60, 2, 1.0, 1e-7, 1e-5, 1e-4);
  sine_derivs(1000, 2, 1.0, 1e-11, 1e-9, 1e-6);
}
END_TEST


/* Dense Gaussian elimination with LAPACK's pivot rule (first largest |entry| of the column) and
 * the same update a - l*u per entry in the same order: on a band matrix the band LU must give
 * the same bits (the entries outside the band are zeros, and 0 - l*0 leaves them 0). */
static void dense_gepp(int m, double *A, double *b) {
  for (int j = 0; j < m; j++) {
    int p = j;
    for (int i = j + 1; i < m; i++)
      if (fabs(A[i * m + j]) > fabs(A[p * m + j])) p = i;
    if (p != j) {
      for (int c = 0; c < m; c++) {
        double t = A[p * m + c];
        A[p * m + c] = A[j * m + c];
        A[j * m + c] = t;
      }
      double t = b[p];
      b[p] = b[j];
      b[j] = t;
    }
    double r = 1.0 / A[j * m + j];
    for (int i = j + 1; i < m; i++) {
      A[i * m + j] *= r;
      for (int c = j + 1; c < m; c++) A[i * m + c] = A[i * m + c] - A[i * m + j] * A[j * m + c];
      b[i] = b[i] - A[i * m + j] * b[j];
    }
  }
  for (int j = m - 1; j >= 0; j--) {
    b[j] /= A[j * m + j];
    for (int i = 0; i < j; i++) b[i] = b[i] - A[i * m + j] * b[j];
  }
}

START_TEST(test_band_lu_exact) {
  enum { M = 60, KL = 3, KU = 3, LD = 2 * KL + KU + 1 };
  static double ab[LD * M], A[M * M], b[M], x[M];
  int piv[M];
  unsigned s = 777;
  for (int trial = 0; trial < 50; trial++) {
    memset(ab, 0, sizeof ab);
    memset(A, 0, sizeof A);
    for (int j = 0; j < M; j++)
      for (int i = j - KU; i <= j + KL; i++) {
        if (i < 0 || i >= M) continue;
        s = s * 1103515245u + 12345u;
        /* weak diagonals: the pivot search swaps rows on most columns */
        double v = (((s >> 8) & 0xffff) / 65535.0 - 0.5) * (i == j ? 0.1 : 2.0);
        ab[(KL + KU + i - j) + j * LD] = v;
        A[i * M + j] = v;
      }
    for (int i = 0; i < M; i++) b[i] = x[i] = sin(0.37 * i + trial);
    double A0[M * M];
    memcpy(A0, A, sizeof A);
    ck_assert_int_eq(hl__band_lu(M, KL, KU, ab, LD, piv), 0);
    hl__band_solve(M, KL, KU, ab, LD, piv, x);
    dense_gepp(M, A, b);
    ck_assert_int_eq(memcmp(x, b, sizeof x), 0);
    /* and it solves the system: residual at round-off of the solution's size */
    double res = 0, xs = 0;
    for (int i = 0; i < M; i++) {
      double r = -sin(0.37 * i + trial);
      for (int j = 0; j < M; j++) r += A0[i * M + j] * x[j];
      res = fmax(res, fabs(r));
      xs = fmax(xs, fabs(x[i]));
    }
    ck_assert_double_le(res, 1e-12 * fmax(1, xs));
  }
  /* a zero column: its pivot is reported (1-based), as dgbtrf's info */
  memset(ab, 0, sizeof ab);
  for (int j = 0; j < M; j++) ab[(KL + KU) + j * LD] = j == 17 ? 0 : 1;
  ck_assert_int_eq(hl__band_lu(M, KL, KU, ab, LD, piv), 18);
}
END_TEST

#ifdef HIPLOAD_TEST_LAPACKE
/* Band systems of the spline's shape filled from a real file's columns: the band LU against
 * LAPACKE_dgbsv, bit for bit (what makes the splines, and so every output, the same as when
 * LAPACK solved them). */
START_TEST(test_band_vs_lapacke) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_table *T = tu_read(tu_data(p, sizeof p, "walk-jr/subject01_walk1_Kinematics.sto"));
  int n = T->nrow, m = 2 * n, ld = 10, differ = 0, systems = 0;
  double *ab1 = calloc((size_t)ld * m, sizeof *ab1), *ab2 = calloc((size_t)ld * m, sizeof *ab2);
  double *r1 = calloc((size_t)m, sizeof *r1), *r2 = calloc((size_t)m, sizeof *r2);
  lapack_int *p1 = calloc((size_t)m, sizeof *p1);
  int *p2 = calloc((size_t)m, sizeof *p2);
  unsigned s = 99;
  for (int c = 1; c < T->ncol; c++, systems++) {
    /* the spline's band shape (3 sub-, 3 superdiagonals) with this column's values spread over
     * it, weak diagonal so that rows are interchanged */
    memset(ab1, 0, sizeof *ab1 * (size_t)ld * m);
    for (int j = 0; j < m; j++)
      for (int i = j - 3; i <= j + 3; i++) {
        if (i < 0 || i >= m) continue;
        s = s * 1103515245u + 12345u;
        double v = hl_table_get(T, (i / 2) % n, c) + ((s >> 9) & 1023) / 1023.0;
        ab1[(6 + i - j) + (size_t)j * ld] = i == j ? 0.1 * v : v;
      }
    for (int i = 0; i < m; i++) r1[i] = hl_table_get(T, i % n, c);
    memcpy(ab2, ab1, sizeof *ab1 * (size_t)ld * m);
    memcpy(r2, r1, sizeof *r1 * (size_t)m);
    ck_assert_int_eq(LAPACKE_dgbsv(LAPACK_COL_MAJOR, m, 3, 3, 1, ab1, ld, p1, r1, m), 0);
    ck_assert_int_eq(hl__band_lu(m, 3, 3, ab2, ld, p2), 0);
    hl__band_solve(m, 3, 3, ab2, ld, p2, r2);
    differ += memcmp(r1, r2, sizeof *r1 * (size_t)m) != 0;
  }
  ck_assert_int_gt(systems, 20);
  ck_assert_msg(differ == 0, "%d of %d systems differ from LAPACKE_dgbsv", differ, systems);
  free(ab1), free(ab2), free(r1), free(r2), free(p1), free(p2);
  hl_table_free(T);
}
END_TEST
#endif

START_TEST(test_stance_synthetic) {
  double t[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  double fz[10] = {0, 30, 30, 0, 25, 40, 50, 21, 10, 30};
  double a, b;
  ck_assert_int_eq(hl_signal_stance(t, fz, 10, 20, &a, &b, NULL), HL_OK);
  ck_assert_double_eq(a, 4);
  ck_assert_double_eq(b, 7);
  ck_assert_int_eq(hl_signal_stance(t, fz, 10, 60, &a, &b, NULL), HL_ERR_NOT_FOUND);
  ck_assert_int_eq(hl_signal_stance(t, fz, 0, 20, &a, &b, NULL), HL_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_stance_hamner) {
  if (!tu_require_data()) return;
  char p[1024];
  hl_table *g;
  hl_error e;
  ck_assert_int_eq(hl_table_read(tu_data(p, sizeof p, "run-hamner2010/subject02_grf_HiFreq.mot"), &g, &e), HL_OK);
  double *t = malloc((size_t)g->nrow * sizeof *t), *fz = malloc((size_t)g->nrow * sizeof *fz);
  const char *cols[2] = {"ground_force_vy", "1_ground_force_vy"}; /* right, left (XML) */
  const double want[2][2] = {{1.105, 1.347}, {0.753, 1.007}};  /* data README, 20 N */
  for (int k = 0; k < 2; k++) {
    int c = hl_table_col(g, cols[k]);
    ck_assert_int_ge(c, 1);
    for (int r = 0; r < g->nrow; r++) t[r] = hl_table_time(g, r), fz[r] = hl_table_get(g, r, c);
    double a, b;
    ck_assert_int_eq(hl_signal_stance(t, fz, g->nrow, 20.0, &a, &b, NULL), HL_OK);
    ck_assert_double_le(fabs(a - want[k][0]), 0.0017); /* one sample at 588 Hz */
    ck_assert_double_le(fabs(b - want[k][1]), 0.0017);
  }
  free(t);
  free(fz);
  hl_table_free(g);
}
END_TEST

int main(void) {
  Suite *s = suite_create("signal");
  TCase *tc = tcase_create("signal");
  tcase_add_test(tc, test_filter_response);
  tcase_add_test(tc, test_filter_dc_ramp_and_args);
  tcase_add_test(tc, test_spline_knots_and_polynomials);
  tcase_add_test(tc, test_spline_sine_derivatives);
  tcase_add_test(tc, test_band_lu_exact);
#ifdef HIPLOAD_TEST_LAPACKE
  tcase_add_test(tc, test_band_vs_lapacke);
#endif
  tcase_add_test(tc, test_stance_synthetic);
  tcase_add_test(tc, test_stance_hamner);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
