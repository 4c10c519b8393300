/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — signal processing as OpenSim's tools do it.
 *
 * Filter: OpenSim's InverseDynamicsTool/AnalyzeTool call Storage::pad(size/2) then
 * Storage::lowpassIIR(cutoff) (opensim-core OpenSim/Common/Storage.cpp, Signal.cpp). The pad
 * reflects the signal about each end point *and negates it* (odd reflection: x[-k] = 2 x[0] -
 * x[k]), which keeps value and slope continuous. The IIR is a 3rd-order Butterworth designed by
 * the bilinear transform with prewarping, run forward then backward; each pass starts by
 * copying the first three input samples to the output (OpenSim's initial conditions).
 * When the cutoff is at or above half the sample rate OpenSim lowers it to 0.49·fs; so do we.
 *
 * Spline: OpenSim's GCVSplineSet(5, storage) fits Woltring's GCVSPL with half order M = 3 and
 * error variance 0, which GCVSPL documents as "an interpolating spline is calculated": the
 * natural interpolating spline of order 2M = 6 (degree 5) with knots at the samples. Natural
 * means derivatives M..2M-2 (3rd and 4th) vanish at both end knots. We solve for it directly:
 * unknowns are s' and s'' at every knot, each interval is a quintic Hermite piece, and C3/C4
 * continuity plus the end conditions give a banded system (3 sub- and 3 superdiagonals), solved
 * by our own band LU with partial pivoting (hl__band_lu, hl__band_solve below; band.h).
 */
#include "hipload/signal.h"
#include "band.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HL_PI 3.14159265358979323846

/* ---- 3rd-order Butterworth, forward and backward -------------------------------------- */

/* One causal pass of the filter over in[0..n-1] into out (n >= 4), OpenSim's start-up: the
 * first three outputs equal the inputs. */
static void iir3_pass(const double a[4], const double b[4], const double *in, double *out, int n) {
  for (int i = 0; i < 3; i++) out[i] = in[i];
  for (int i = 3; i < n; i++)
    out[i] = a[0] * in[i] + a[1] * in[i - 1] + a[2] * in[i - 2] + a[3] * in[i - 3] -
             b[1] * out[i - 1] - b[2] * out[i - 2] - b[3] * out[i - 3];
}

static void reverse(double *x, int n) {
  for (int i = 0, j = n - 1; i < j; i++, j--) {
    double t = x[i];
    x[i] = x[j];
    x[j] = t;
  }
}

static hl_status lowpass(double *x, int n, double dt, double cutoff_hz) {
  if (cutoff_hz <= 0) return HL_OK;
  if (!x || n < 1 || !(dt > 0) || !isfinite(dt) || !isfinite(cutoff_hz)) return HL_ERR_INVALID_ARG;
  int pad = n / 2; /* Storage::pad(getSize()/2) */
  int np = n + 2 * pad;
  if (np < 4) return HL_ERR_INVALID_ARG; /* OpenSim: "too few data points to filter" */
  double *s = malloc((size_t)np * 2 * sizeof *s);
  if (!s) return HL_ERR_NOMEM;
  double *f = s + np;
  /* odd reflection about both end points */
  for (int i = 0; i < pad; i++) s[i] = 2.0 * x[0] - x[pad - i];
  memcpy(s + pad, x, (size_t)n * sizeof *x);
  for (int i = 0; i < pad; i++) s[pad + n + i] = 2.0 * x[n - 1] - x[n - 2 - i];

  double fs = 1.0 / dt, fc = cutoff_hz;
  if (fc >= 0.5 * fs) fc = 0.49 * fs;
  double wa = tan(2.0 * HL_PI * fc * dt / 2.0); /* prewarped analogue cutoff */
  double wa2 = wa * wa, wa3 = wa2 * wa;
  double den = (wa + 1.0) * (wa2 + wa + 1.0);
  double a[4] = {wa3 / den, 3.0 * wa3 / den, 3.0 * wa3 / den, wa3 / den};
  double b[4] = {1.0, (3.0 * wa3 + 2.0 * wa2 - 2.0 * wa - 3.0) / den,
                 (3.0 * wa3 - 2.0 * wa2 - 2.0 * wa + 3.0) / den, (wa - 1.0) * (wa2 - wa + 1.0) / den};
  iir3_pass(a, b, s, f, np);
  reverse(f, np);
  iir3_pass(a, b, f, s, np);
  reverse(s, np);
  memcpy(x, s + pad, (size_t)n * sizeof *x);
  free(s);
  return HL_OK;
}

/* ---- natural interpolating quintic spline --------------------------------------------- */

struct hl_spline {
  int n;       /* knots */
  double *t;   /* n knot times */
  double *c;   /* 6 (n-1) coefficients: piece i is sum_k c[6i+k] u^k, u = (tm - t[i]) / h_i */
  double d[6]; /* end extrapolation: value, slope, curvature at t[0] and t[n-1] */
};

/* Polynomial coefficients a[0..5] (in u ∈ [0,1]) of the quintic with value, scaled first and
 * second derivative (P1 = h s', P2 = h² s'') y0,P1_0,P2_0 at u = 0 and y1,P1_1,P2_1 at u = 1. */
static void hermite5(double y0, double p10, double p20, double y1, double p11, double p21, double a[6]) {
  a[0] = y0;
  a[1] = p10;
  a[2] = 0.5 * p20;
  double dl = y1 - y0 - p10 - 0.5 * p20; /* what a3+a4+a5 must add at u = 1 */
  double q1 = p11 - p10 - p20;           /* ... 3a3+4a4+5a5 */
  double q2 = p21 - p20;                 /* ... 6a3+12a4+20a5 */
  a[3] = 10.0 * dl - 4.0 * q1 + 0.5 * q2;
  a[4] = -15.0 * dl + 7.0 * q1 - q2;
  a[5] = 6.0 * dl - 3.0 * q1 + 0.5 * q2;
}

/* Third and fourth u-derivatives of a piece at u = 0 (end = 0) or u = 1 (end = 1). */
static void d34(const double a[6], int end, double *d3, double *d4) {
  if (!end) {
    *d3 = 6.0 * a[3];
    *d4 = 24.0 * a[4];
  } else {
    *d3 = 6.0 * a[3] + 24.0 * a[4] + 60.0 * a[5];
    *d4 = 24.0 * a[4] + 120.0 * a[5];
  }
}

/* The spline's 3rd and 4th derivatives (times H³, H⁴) on piece i at its end `end`, as a linear
 * function of the unknowns of its two knots: coef[r][k] for r = 0 (3rd), 1 (4th) and
 * k = 0..3 over (D1_i, D2_i, D1_i+1, D2_i+1), where D1 = H s', D2 = H² s'' (piece_coef); rhs[r]
 * is the part from the known values (piece_rhs). coef depends on r and end only: the last one of
 * each end is kept in cache[end] (evenly sampled files have few distinct r). */
typedef struct {
  double r, coef[2][4];
} piece_cache;

static void piece_rhs(double y0, double y1, double r, int end, double rhs[2]) {
  double a[6], d3, d4;
  double r3 = r * r * r, r4 = r3 * r;
  hermite5(y0, 0, 0, y1, 0, 0, a);
  d34(a, end, &d3, &d4);
  rhs[0] = d3 / r3;
  rhs[1] = d4 / r4;
}

static void piece_coef(double r, int end, piece_cache cache[2], double coef[2][4]) {
  if (cache[end].r == r) {
    memcpy(coef, cache[end].coef, sizeof cache[end].coef);
    return;
  }
  double a[6], d3, d4;
  double r3 = r * r * r, r4 = r3 * r;
  for (int k = 0; k < 4; k++) {
    double p[4] = {0, 0, 0, 0};
    p[k] = 1.0;
    /* D1 enters as P1 = r D1, D2 as P2 = r² D2 */
    hermite5(0, r * p[0], r * r * p[1], 0, r * p[2], r * r * p[3], a);
    d34(a, end, &d3, &d4);
    coef[0][k] = d3 / r3;
    coef[1][k] = d4 / r4;
  }
  cache[end].r = r;
  memcpy(cache[end].coef, coef, sizeof cache[end].coef);
}

/* ---- band LU with partial pivoting (band.h) -------------------------------------------------
 * The m × m matrix with kl sub- and ku superdiagonals is held by columns as LAPACK's band storage
 * for dgbtrf: A(i, j) at ab[kv + i − j + j·ldab], kv = kl + ku, ldab = 2 kl + ku + 1 (the top kl
 * rows hold the fill-in of the row interchanges). The steps are LAPACK's unblocked dgbtf2 (pivot:
 * the first largest |entry| of the column; the multipliers are scaled by the reciprocal of the
 * pivot) and dgbtrs (forward substitution with the interchanges, then the upper band by columns),
 * each update a − l·u with the product rounded before the subtraction (the library is built with
 * -ffp-contract=off: no FMA). The same operations in the same order as LAPACKE_dgbsv of OpenBLAS
 * 0.3.21: the same bits on all 12,107 spline systems of the shared data's .sto/.mot columns
 * (checked when this replaced the LAPACK call). No BLAS, so no BLAS thread pool: the library does
 * not link OpenBLAS at all. */
#define BAND_AXMY(a, l, u) ((a) - (l) * (u))

int hl__band_lu(int m, int kl, int ku, double *ab, int ldab, int *piv) {
  int kv = kl + ku, ju = 0, info = 0;
  size_t ld = (size_t)ldab, up = ld - 1; /* up: from A(i, c) to A(i, c + 1) */
  for (int j = 0; j < m; j++) {
    double *d = ab + (size_t)j * ld + kv; /* A(j, j); A(j + i, j) = d[i] */
    if (j + kv < m)
      for (int i = 0; i < kl; i++) ab[(size_t)i + (size_t)(j + kv) * ld] = 0;
    int km = kl < m - 1 - j ? kl : m - 1 - j, jp = 0;
    double big = fabs(d[0]);
    for (int i = 1; i <= km; i++)
      if (fabs(d[i]) > big) big = fabs(d[i]), jp = i;
    piv[j] = j + jp;
    if (d[jp] == 0) {
      if (!info) info = j + 1;
      continue;
    }
    int hi = j + ku + jp < m - 1 ? j + ku + jp : m - 1;
    if (hi > ju) ju = hi;
    if (jp)
      for (int c = j; c <= ju; c++) { /* rows j and j + jp, columns j..ju */
        double *a = d + (size_t)(c - j) * up, t = a[jp];
        a[jp] = a[0];
        a[0] = t;
      }
    if (km > 0) {
      double r = 1.0 / d[0];
      for (int i = 1; i <= km; i++) d[i] *= r;
      for (int c = j + 1; c <= ju; c++) {
        double *a = d + (size_t)(c - j) * up, u = a[0];
        for (int i = 1; i <= km; i++) a[i] = BAND_AXMY(a[i], d[i], u);
      }
    }
  }
  return info;
}

void hl__band_solve(int m, int kl, int ku, const double *ab, int ldab, const int *piv, double *b) {
  int kv = kl + ku;
  size_t ld = (size_t)ldab;
  for (int j = 0; j + 1 < m; j++) {
    const double *d = ab + (size_t)j * ld + kv; /* A(j + i, j) = d[i] */
    int lm = kl < m - 1 - j ? kl : m - 1 - j;
    if (piv[j] != j) {
      double t = b[piv[j]];
      b[piv[j]] = b[j];
      b[j] = t;
    }
    for (int i = 1; i <= lm; i++) b[j + i] = BAND_AXMY(b[j + i], d[i], b[j]);
  }
  for (int j = m - 1; j >= 0; j--) {
    const double *d = ab + (size_t)j * ld + kv; /* A(j − i, j) = d[−i] */
    b[j] /= d[0];
    int top = j - kv > 0 ? j - kv : 0;
    for (int i = top; i < j; i++) b[i] = BAND_AXMY(b[i], d[i - j], b[j]);
  }
}

/* The band matrix depends on the knots only: factored once, it serves every column sampled at
 * those times (hl__spline_knots, band.h), with the bits of a fit of its own. */
struct hl__spline_knots {
  int n, m;
  double H, *t, *ab; /* ab: the LU factors in LAPACK's band storage, ldab = SPL_LD */
  int *ipiv;
};

#define SPL_KL 3
#define SPL_KU 3
#define SPL_LD (2 * SPL_KL + SPL_KU + 1)

void hl__spline_knots_free(hl__spline_knots *k) {
  if (!k) return;
  free(k->t);
  free(k->ab);
  free(k->ipiv);
  free(k);
}

hl_status hl__spline_knots_create(const double *t, int n, hl__spline_knots **out) {
  *out = NULL;
  if (!t || n < 6) return HL_ERR_INVALID_ARG; /* GCVSPL needs N >= 2M */
  for (int i = 0; i < n; i++)
    if (!isfinite(t[i])) return HL_ERR_BAD_VALUE;
  for (int i = 1; i < n; i++)
    if (!(t[i] > t[i - 1])) return HL_ERR_INVALID_ARG;
  hl__spline_knots *k = calloc(1, sizeof *k);
  if (!k) return HL_ERR_NOMEM;
  k->n = n;
  k->m = 2 * n;
  k->H = (t[n - 1] - t[0]) / (n - 1);
  k->t = malloc((size_t)n * sizeof *k->t);
  k->ab = calloc((size_t)SPL_LD * (size_t)k->m, sizeof *k->ab);
  k->ipiv = malloc((size_t)k->m * sizeof *k->ipiv);
  if (!k->t || !k->ab || !k->ipiv) {
    hl__spline_knots_free(k);
    return HL_ERR_NOMEM;
  }
  memcpy(k->t, t, (size_t)n * sizeof *t);
  double *ab = k->ab, H = k->H;
  /* column-major band storage (band.h): A(i,j) at ab[kl + ku + i - j + j*ldab] */
#define AB(i, j) ab[(size_t)(SPL_KL + SPL_KU + (i) - (j)) + (size_t)(j) * SPL_LD]
  piece_cache cache[2] = {{NAN, {{0}}}, {NAN, {{0}}}};
  for (int knot = 0; knot < n; knot++) {
    int row = 2 * knot;
    double cf[2][4];
    if (knot > 0) { /* piece knot-1 ending at this knot: +left side */
      piece_coef((t[knot] - t[knot - 1]) / H, 1, cache, cf);
      for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) AB(row + r, 2 * (knot - 1) + c) += cf[r][c];
    }
    if (knot < n - 1) { /* piece knot starting here: -right side (continuity: left - right = 0) */
      piece_coef((t[knot + 1] - t[knot]) / H, 0, cache, cf);
      for (int r = 0; r < 2; r++)
        for (int c = 0; c < 4; c++) AB(row + r, 2 * knot + c) -= cf[r][c];
    }
    /* at the end knots only one piece contributes, so the rows say s''' = s'''' = 0 */
  }
#undef AB
  if (hl__band_lu(k->m, SPL_KL, SPL_KU, ab, SPL_LD, k->ipiv) != 0) {
    hl__spline_knots_free(k);
    return HL_ERR_SINGULAR;
  }
  *out = k;
  return HL_OK;
}

hl_status hl__spline_fit_knots(const hl__spline_knots *k, const double *x, hl_spline **out) {
  *out = NULL;
  int n = k->n;
  const double *t = k->t;
  double H = k->H;
  for (int i = 0; i < n; i++)
    if (!isfinite(x[i])) return HL_ERR_BAD_VALUE;
  double *rhs = calloc((size_t)k->m, sizeof *rhs);
  hl_spline *s = calloc(1, sizeof *s);
  if (s) {
    s->t = malloc((size_t)n * sizeof *s->t);
    s->c = malloc((size_t)6 * (n - 1) * sizeof *s->c);
  }
  if (!rhs || !s || !s->t || !s->c) {
    free(rhs);
    hl_signal_spline_free(s);
    return HL_ERR_NOMEM;
  }
  for (int knot = 0; knot < n; knot++) { /* the rows' known parts, in the order of the rows */
    int row = 2 * knot;
    double rh[2];
    if (knot > 0) {
      piece_rhs(x[knot - 1], x[knot], (t[knot] - t[knot - 1]) / H, 1, rh);
      for (int r = 0; r < 2; r++) rhs[row + r] -= rh[r];
    }
    if (knot < n - 1) {
      piece_rhs(x[knot], x[knot + 1], (t[knot + 1] - t[knot]) / H, 0, rh);
      for (int r = 0; r < 2; r++) rhs[row + r] += rh[r];
    }
  }
  hl__band_solve(k->m, SPL_KL, SPL_KU, k->ab, SPL_LD, k->ipiv, rhs);
  s->n = n;
  memcpy(s->t, t, (size_t)n * sizeof *t);
  for (int i = 0; i + 1 < n; i++) {
    double r = (t[i + 1] - t[i]) / H;
    hermite5(x[i], r * rhs[2 * i], r * r * rhs[2 * i + 1], x[i + 1], r * rhs[2 * i + 2],
             r * r * rhs[2 * i + 3], s->c + 6 * i);
  }
  s->d[0] = x[0];
  s->d[1] = rhs[0] / H;
  s->d[2] = rhs[1] / (H * H);
  s->d[3] = x[n - 1];
  s->d[4] = rhs[2 * n - 2] / H;
  s->d[5] = rhs[2 * n - 1] / (H * H);
  free(rhs);
  *out = s;
  return HL_OK;
}

static hl_status spline_fit(const double *t, const double *x, int n, hl_spline **out) {
  if (out) *out = NULL;
  if (!t || !x || !out || n < 6) return HL_ERR_INVALID_ARG; /* GCVSPL needs N >= 2M */
  for (int i = 0; i < n; i++)
    if (!isfinite(t[i]) || !isfinite(x[i])) return HL_ERR_BAD_VALUE;
  hl__spline_knots *k;
  hl_status st = hl__spline_knots_create(t, n, &k);
  if (st) return st;
  st = hl__spline_fit_knots(k, x, out);
  hl__spline_knots_free(k);
  return st;
}

void hl_signal_spline_eval(const hl_spline *s, double tm, double *x, double *dx, double *ddx) {
  double v = NAN, v1 = NAN, v2 = NAN;
  if (s && s->n >= 2 && !isnan(tm)) {
    int n = s->n;
    if (tm < s->t[0] || tm > s->t[n - 1]) {
      /* outside the knots a natural spline of order 6 continues as a quadratic */
      const double *d = tm < s->t[0] ? s->d : s->d + 3;
      double h = tm - (tm < s->t[0] ? s->t[0] : s->t[n - 1]);
      v = d[0] + h * (d[1] + 0.5 * h * d[2]);
      v1 = d[1] + h * d[2];
      v2 = d[2];
    } else {
      int lo = 0, hi = n - 1; /* find piece lo with t[lo] <= tm <= t[lo+1] */
      while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        if (s->t[mid] <= tm) lo = mid;
        else hi = mid;
      }
      double h = s->t[lo + 1] - s->t[lo], u = (tm - s->t[lo]) / h;
      const double *a = s->c + 6 * lo;
      v = a[0] + u * (a[1] + u * (a[2] + u * (a[3] + u * (a[4] + u * a[5]))));
      v1 = (a[1] + u * (2 * a[2] + u * (3 * a[3] + u * (4 * a[4] + u * 5 * a[5])))) / h;
      v2 = (2 * a[2] + u * (6 * a[3] + u * (12 * a[4] + u * 20 * a[5]))) / (h * h);
    }
  }
  if (x) *x = v;
  if (dx) *dx = v1;
  if (ddx) *ddx = v2;
}

void hl_signal_spline_free(hl_spline *s) {
  if (!s) return;
  free(s->t);
  free(s->c);
  free(s);
}

/* ---- stance detection ----------------------------------------------------------------- */

static hl_status stance(const double *t, const double *fz, int n, double threshold, double *t0,
                           double *t1) {
  if (!t || !fz || n < 1 || !t0 || !t1) return HL_ERR_INVALID_ARG;
  int best = -1, best_len = 0, start = -1;
  for (int i = 0; i <= n; i++) {
    int above = i < n && fz[i] > threshold;
    if (above && start < 0) start = i;
    if (!above && start >= 0) {
      if (i - start > best_len) {
        best_len = i - start;
        best = start;
      }
      start = -1;
    }
  }
  if (best < 0) return HL_ERR_NOT_FOUND;
  *t0 = t[best];
  *t1 = t[best + best_len - 1];
  return HL_OK;
}

hl_status hl_signal_lowpass(double *x, int n, double dt, double cutoff_hz, hl_error *err) {
  hl_status st = lowpass(x, n, dt, cutoff_hz);
  if (st == HL_ERR_NOMEM) return hl_error_set(err, st, NULL, 0, "out of memory (low-pass filter)");
  if (st)
    return hl_error_set(err, st, NULL, 0, "low-pass filter: %d samples at dt %g s, cutoff %g Hz (needs data, dt > 0, "
                        "at least 4 samples after padding)", n, dt, cutoff_hz);
  return HL_OK;
}

hl_status hl_signal_spline_fit(const double *t, const double *x, int n, hl_spline **out, hl_error *err) {
  hl_status st = spline_fit(t, x, n, out);
  if (!st) return HL_OK;
  const char *why = st == HL_ERR_NOMEM      ? "out of memory"
                    : st == HL_ERR_BAD_VALUE ? "a time or value is not finite"
                    : st == HL_ERR_SINGULAR  ? "the spline system is singular"
                                             : "it needs at least 6 points with strictly increasing times";
  return hl_error_set(err, st, NULL, 0, "quintic spline through %d points: %s", n, why);
}

hl_status hl_signal_stance(const double *t, const double *fz, int n, double threshold, double *t0,
                           double *t1, hl_error *err) {
  hl_status st = stance(t, fz, n, threshold, t0, t1);
  if (st == HL_ERR_NOT_FOUND)
    return hl_error_set(err, st, NULL, 0, "no sample of the force exceeds %g N", threshold);
  if (st) return hl_error_set(err, st, NULL, 0, "stance detection: NULL argument or no samples");
  return HL_OK;
}
