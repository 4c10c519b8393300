/* SPDX-License-Identifier: Apache-2.0 */
/* The log-barrier point of the static-optimization problem: see qp_barrier.h.
 *
 * Newton's method on the equality-constrained barrier problem. With the Hessian H diagonal
 * (the cost is separable and so is the barrier), each step solves only an m × m system:
 *   (A H⁻¹ Aᵀ) λ = (A x − b) − A H⁻¹ g,   Δx = −H⁻¹ (g + Aᵀ λ),
 * the step is cut to keep 0.5 % of the distance to every bound (fraction to the boundary), and
 * after the first full step A x = b holds to round-off. The start is the exact optimum moved
 * just inside its bounds. */
#include "qp_barrier.h"

#include <math.h>
#include <string.h>


size_t hl__qp_barrier_work_size(int m, int n) {
  return (size_t)m * (size_t)m + 2 * (size_t)m + 3 * (size_t)n + 1;
}

/* Cholesky of the lower triangle of M (m × m) in place, then solve M y = r in place of r. A pivot
 * that is not clearly positive belongs to a row no free column reaches (a coordinate no
 * actuator spans): its unknown is set to 0. */
static void chol_solve(int m, double *M, double *r) {
  double dmax = 0;
  for (int i = 0; i < m; i++) dmax = fmax(dmax, M[(size_t)i * m + i]);
  double floor_piv = 1e-13 * (dmax > 0 ? dmax : 1);
  for (int j = 0; j < m; j++) {
    double *Lj = M + (size_t)j * m;
    double d = Lj[j];
    for (int k = 0; k < j; k++) d -= Lj[k] * Lj[k];
    if (!(d > floor_piv)) {
      for (int k = 0; k < j; k++) Lj[k] = 0;
      Lj[j] = 0; /* marks the row as dropped */
      for (int i = j + 1; i < m; i++) M[(size_t)i * m + j] = 0;
      continue;
    }
    d = sqrt(d);
    Lj[j] = d;
    for (int i = j + 1; i < m; i++) {
      double *Li = M + (size_t)i * m;
      double s = Li[j];
      for (int k = 0; k < j; k++) s -= Li[k] * Lj[k];
      Li[j] = s / d;
    }
  }
  for (int i = 0; i < m; i++) { /* L y = r */
    const double *Li = M + (size_t)i * m;
    if (Li[i] == 0) {
      r[i] = 0;
      continue;
    }
    double s = r[i];
    for (int k = 0; k < i; k++) s -= Li[k] * r[k];
    r[i] = s / Li[i];
  }
  for (int i = m - 1; i >= 0; i--) { /* Lᵀ x = y */
    double dii = M[(size_t)i * m + i];
    if (dii == 0) {
      r[i] = 0;
      continue;
    }
    double s = r[i];
    for (int k = i + 1; k < m; k++) s -= M[(size_t)k * m + i] * r[k];
    r[i] = s / dii;
  }
}

/* A variable whose bounds coincide (min_control = max_control) is a constant: no barrier. */
static int is_fixed(double lb, double ub) {
  return isfinite(lb) && isfinite(ub) && ub - lb <= 1e-12 * fmax(1, fabs(lb));
}

/* Cost and barrier: gradient g and Hessian diagonal h of variable k at x. */
static void grad_hess(double x, double w, double p, double lb, double ub, double mu, double *g,
                      double *h) {
  double ax = fabs(x);
  double gg, hh;
  if (p == 2) {
    gg = 2 * w * x;
    hh = 2 * w;
  } else {
    gg = w * p * pow(ax, p - 1) * (x < 0 ? -1 : 1);
    hh = w * p * (p - 1) * pow(ax, p - 2);
  }
  if (isfinite(lb)) {
    double s = x - lb;
    gg -= mu / s;
    hh += mu / (s * s);
  }
  if (isfinite(ub)) {
    double s = ub - x;
    gg += mu / s;
    hh += mu / (s * s);
  }
  *g = gg;
  *h = hh > 1e-12 * w ? hh : 1e-12 * w;
}

/* max |A x − b|, with r (m) as scratch */
static double max_residual(int m, int n, const int *cnt, const int *rows, const double *vals,
                           const double *b, const double *x, double *r) {
  for (int i = 0; i < m; i++) r[i] = -b[i];
  for (int k = 0; k < n; k++)
    for (int t = 0; t < cnt[k]; t++) r[rows[(size_t)k * m + t]] += vals[(size_t)k * m + t] * x[k];
  double mx = 0;
  for (int i = 0; i < m; i++) mx = fmax(mx, fabs(r[i]));
  return mx;
}

hl_qp_outcome hl__qp_barrier(int m, int n, const int *cnt, const int *rows, const double *vals,
                         const double *b, const double *w, const double *lb, const double *ub,
                         double p, double mu, int max_iter, double *x, double *work, int *iterations,
                         double *residual) {
  double *M = work, *lam = M + (size_t)m * m, *rp = lam + m;
  double *g = rp + m, *hinv = g + n, *x0 = hinv + n;
  if (iterations) *iterations = 0;
  memcpy(x0, x, sizeof(double) * (size_t)n);
  for (int k = 0; k < n; k++) { /* strictly inside the bounds (a fixed variable stays put) */
    double lo = lb[k], hi = ub[k];
    double width = (isfinite(lo) && isfinite(hi)) ? hi - lo : INFINITY;
    if (is_fixed(lo, hi)) continue;
    double d = 1e-3 * (width < 1 ? width : 1);
    if (isfinite(lo) && x[k] < lo + d) x[k] = lo + d;
    if (isfinite(hi) && x[k] > hi - d) x[k] = hi - d;
  }
  for (int it = 1; it <= max_iter; it++) {
    for (int k = 0; k < n; k++) {
      double h;
      if (is_fixed(lb[k], ub[k])) {
        g[k] = 0;
        hinv[k] = 0; /* no step */
        continue;
      }
      grad_hess(x[k], w[k], p, lb[k], ub[k], mu, &g[k], &h);
      hinv[k] = 1 / h;
    }
    /* rp = A x − b; M = A H⁻¹ Aᵀ (lower triangle); lam = rp − A H⁻¹ g */
    for (int i = 0; i < m; i++) rp[i] = -b[i];
    memset(M, 0, sizeof(double) * (size_t)m * m);
    for (int k = 0; k < n; k++) {
      const int *rk = rows + (size_t)k * m;
      const double *vk = vals + (size_t)k * m;
      double hk = hinv[k], hg = hk * g[k];
      for (int s = 0; s < cnt[k]; s++) {
        int i = rk[s];
        double a = vk[s], ah = a * hk;
        rp[i] += a * x[k];
        rp[i] -= a * hg; /* rp becomes rp − A H⁻¹ g below; kept in one pass */
        double *Mi = M + (size_t)i * m;
        for (int t = 0; t <= s; t++) Mi[rk[t]] += ah * vk[t];
      }
    }
    memcpy(lam, rp, sizeof(double) * (size_t)m);
    chol_solve(m, M, lam);
    /* Δx = −H⁻¹ (g + Aᵀ λ), stored in g; the largest step that keeps 0.5 % to every bound */
    double alpha = 1, dmax = 0;
    for (int k = 0; k < n; k++) {
      const int *rk = rows + (size_t)k * m;
      const double *vk = vals + (size_t)k * m;
      double s = g[k];
      for (int t = 0; t < cnt[k]; t++) s += vk[t] * lam[rk[t]];
      double dx = -hinv[k] * s;
      g[k] = dx;
      if (dx < 0 && isfinite(lb[k])) alpha = fmin(alpha, 0.995 * (x[k] - lb[k]) / -dx);
      if (dx > 0 && isfinite(ub[k])) alpha = fmin(alpha, 0.995 * (ub[k] - x[k]) / dx);
      /* converged when every step is tiny next to the variable and to its distance from the
       * bounds, or at the round-off of x itself */
      if (hinv[k] == 0) continue;
      double scale = fmax(1, fabs(x[k]));
      if (isfinite(lb[k])) scale = fmin(scale, x[k] - lb[k]);
      if (isfinite(ub[k])) scale = fmin(scale, ub[k] - x[k]);
      double rel = fabs(dx) <= 1e-15 * fmax(1, fabs(x[k])) ? 0 : fabs(dx) / scale;
      if (rel > dmax) dmax = rel;
    }
    if (!isfinite(dmax)) break;
    for (int k = 0; k < n; k++) x[k] += alpha * g[k];
    if (iterations) *iterations = it;
    if (alpha == 1 && dmax <= 1e-10) {
      if (residual) *residual = max_residual(m, n, cnt, rows, vals, b, x, rp);
      return HL_QP_OPTIMAL;
    }
  }
  memcpy(x, x0, sizeof(double) * (size_t)n);
  if (residual) *residual = max_residual(m, n, cnt, rows, vals, b, x, rp);
  return HL_QP_ITERATION_LIMIT;
}
