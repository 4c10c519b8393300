/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — functions of one coordinate (OpenSim's Constant, LinearFunction, SimmSpline,
 * NaturalCubicSpline, PolynomialFunction, PiecewiseLinearFunction, MultiplierFunction).
 * The layout of each type's numbers in model->func_data is documented in hipload/model.h. */
#include <math.h>
#include <stddef.h>

#include "hipload/model.h"
#include "model_internal.h"

/* OpenSim guards knot spacings with TINY_NUMBER (1e-7) and treats an abscissa as lying on an end
 * knot when within ROUNDOFF_ERROR (2e-13) of it (SimmMacros.h / rdMath.h figures). */
#define HL_SPLINE_TINY 1.0e-7
#define HL_SPLINE_ROUNDOFF 2.0e-13

static double max_tiny(double h) { return h > HL_SPLINE_TINY ? h : HL_SPLINE_TINY; }

/* Forsythe, Malcolm & Moler's cubic spline as implemented in SIMM and kept in OpenSim: a
 * tridiagonal system for the second-derivative-like unknowns c (diagonal in b, off-diagonal in d,
 * right-hand side in c), solved in place, then converted to polynomial coefficients. */
void hl__spline_coeffs(int n, const double *x, const double *y, double *b, double *c, double *d) {
  if (n < 2) return;
  if (n == 2) {
    double s = (y[1] - y[0]) / max_tiny(x[1] - x[0]);
    b[0] = b[1] = s;
    c[0] = c[1] = d[0] = d[1] = 0.0;
    return;
  }
  const int last = n - 1, prev = n - 2;
  d[0] = max_tiny(x[1] - x[0]);
  c[1] = (y[1] - y[0]) / d[0];
  for (int i = 1; i < last; i++) {
    d[i] = max_tiny(x[i + 1] - x[i]);
    b[i] = 2.0 * (d[i - 1] + d[i]);
    c[i + 1] = (y[i + 1] - y[i]) / d[i];
    c[i] = c[i + 1] - c[i];
  }
  /* end conditions: the third derivative at each end matches that of the cubic through the
   * four end knots (only possible with n >= 4; otherwise the right-hand sides stay 0) */
  b[0] = -d[0];
  b[last] = -d[prev];
  c[0] = 0.0;
  c[last] = 0.0;
  if (n > 3) {
    double h31 = max_tiny(x[3] - x[1]), h20 = max_tiny(x[2] - x[0]);
    double h30 = max_tiny(x[3] - x[0]);
    double e1 = max_tiny(x[last] - x[n - 3]), e2 = max_tiny(x[prev] - x[n - 4]);
    double e3 = max_tiny(x[last] - x[n - 4]);
    double c0 = c[2] / h31 - c[1] / h20;
    double cl = c[prev] / e1 - c[n - 3] / e2;
    c[0] = c0 * d[0] * d[0] / h30;
    c[last] = -cl * d[prev] * d[prev] / e3;
  }
  for (int i = 1; i < n; i++) { /* forward elimination */
    double t = d[i - 1] / b[i - 1];
    b[i] -= t * d[i - 1];
    c[i] -= t * c[i - 1];
  }
  c[last] /= b[last]; /* back substitution */
  for (int i = prev; i >= 0; i--) c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
  b[last] = (y[last] - y[prev]) / d[prev] + d[prev] * (c[prev] + 2.0 * c[last]);
  for (int i = 0; i < last; i++) {
    b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
    d[i] = (c[i + 1] - c[i]) / d[i];
    c[i] *= 3.0;
  }
  c[last] *= 3.0;
  d[last] = d[prev];
}

/* Index k of the interval [x_k, x_{k+1}] holding xv (x_0 < xv < x_{n-1}), by bisection. */
static int find_interval(const double *x, int n, double xv) {
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    int mid = (lo + hi) / 2;
    if (xv < x[mid])
      hi = mid;
    else
      lo = mid;
  }
  return lo;
}

static void eval_spline(const double *p, int n, double xv, double *y, double *dy, double *ddy) {
  const double *x = p, *yy = p + n, *b = p + 2 * n, *c = p + 3 * n, *d = p + 4 * n;
  int last = n - 1;
  if (xv < x[0] || xv > x[last]) { /* linear extrapolation with the end slope */
    int e = xv < x[0] ? 0 : last;
    *y = yy[e] + (xv - x[e]) * b[e];
    *dy = b[e];
    *ddy = 0.0;
    return;
  }
  if (fabs(xv - x[0]) <= HL_SPLINE_ROUNDOFF || fabs(xv - x[last]) <= HL_SPLINE_ROUNDOFF) {
    int e = fabs(xv - x[0]) <= HL_SPLINE_ROUNDOFF ? 0 : last;
    *y = yy[e];
    *dy = b[e];
    *ddy = 2.0 * c[e];
    return;
  }
  int k = n < 3 ? 0 : find_interval(x, n, xv);
  double h = xv - x[k];
  *y = yy[k] + h * (b[k] + h * (c[k] + h * d[k]));
  *dy = b[k] + h * (2.0 * c[k] + 3.0 * h * d[k]);
  *ddy = 2.0 * c[k] + 6.0 * h * d[k];
}

static void eval_piecewise_linear(const double *p, int n, double xv, double *y, double *dy) {
  const double *x = p, *yy = p + n;
  if (n == 1) {
    *y = yy[0];
    *dy = 0.0;
    return;
  }
  int k;
  if (xv <= x[0])
    k = 0;
  else if (xv >= x[n - 1])
    k = n - 2;
  else
    k = find_interval(x, n, xv);
  double h = x[k + 1] - x[k];
  double s = h != 0.0 ? (yy[k + 1] - yy[k]) / h : 0.0;
  *y = yy[k] + s * (xv - x[k]);
  *dy = s;
}

void hl_model_function_eval(const hl_model *m, int f, double x, double *y, double *dy, double *ddy) {
  double v = 0.0, d1 = 0.0, d2 = 0.0, scale = 1.0;
  /* follow MULTIPLIER chains iteratively (bounded so a malformed pool cannot loop forever) */
  for (int depth = 0; depth < 64; depth++) {
    if (!m || f < 0 || f >= m->nfunc) { /* identity of the coordinate */
      v = x;
      d1 = 1.0;
      break;
    }
    const hl_function *fn = &m->func[f];
    const double *p = m->func_data + fn->adr;
    if (fn->type == HL_FUNC_MULTIPLIER) {
      scale *= fn->scale;
      f = fn->inner;
      continue;
    }
    switch (fn->type) {
    case HL_FUNC_CONSTANT:
      v = fn->n > 0 ? p[0] : 0.0;
      break;
    case HL_FUNC_LINEAR:
      v = p[0] * x + p[1];
      d1 = p[0];
      break;
    case HL_FUNC_SIMMSPLINE:
    case HL_FUNC_NATCUBIC:
      if (fn->n >= 2) eval_spline(p, fn->n, x, &v, &d1, &d2);
      else if (fn->n == 1) v = p[1];
      break;
    case HL_FUNC_POLYNOMIAL: /* Horner for value and both derivatives */
      for (int i = 0; i < fn->n; i++) {
        d2 = d2 * x + 2.0 * d1;
        d1 = d1 * x + v;
        v = v * x + p[i];
      }
      break;
    case HL_FUNC_PIECEWISE_LINEAR:
      if (fn->n >= 1) eval_piecewise_linear(p, fn->n, x, &v, &d1);
      break;
    default:
      break;
    }
    break;
  }
  if (y) *y = scale * v;
  if (dy) *dy = scale * d1;
  if (ddy) *ddy = scale * d2;
}
