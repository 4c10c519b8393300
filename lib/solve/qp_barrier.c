/* SPDX-License-Identifier: Apache-2.0 */
/* The log-barrier point of the static-optimization problem: see qp_barrier.h.
 *
 * Newton's method on the equality-constrained barrier problem. With the Hessian H diagonal
 * (the cost is separable and so is the barrier), each step solves only an m × m system:
 *   (A H⁻¹ Aᵀ) λ = (A x − b) − A H⁻¹ g,   Δx = −H⁻¹ (g + Aᵀ λ),
 * the step is cut to keep 0.5 % of the distance to every bound (fraction to the boundary), and
 * after the first full step A x = b holds to round-off. The start is the exact optimum with its
 * bound variables moved inside by their first-order distance on the central path (start_point). */
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

/* The start: the exact optimum x with each variable at a bound moved inside by μ/ν, its distance
 * on the central path to first order, ν = g + Aᵀλ its bound multiplier, λ the multipliers of the
 * equality rows fitted over the free variables (A_F H_F⁻¹ A_Fᵀ λ = −A_F H_F⁻¹ g_F, the cost's
 * gradient g and Hessian H at x). Every variable with a finite bound is placed at the distance d
 * from its nearer bound where its own barrier balances its own cost, (ν + h (d − d0)) d = μ (h its
 * cost curvature, d0 its distance at the exact optimum, ν = 0 when free): μ/ν for a clearly
 * active bound, √(μ/h) for a weakly active one (where μ/ν alone would start far too close),
 * d0 + μ/(h d0) for a free variable near a bound; at most half its room (1, or the bounds' width)
 * unless it is already farther. The other variables' pull (through A x = b) is left to Newton,
 * which then takes ~5 iterations instead of ~16 (walk-jr). M (m × m), lam, g, hinv are scratch. */
static void start_point(int m, int n, const int *cnt, const int *rows, const double *vals,
                        const double *w, const double *lb, const double *ub, double p, double mu,
                        double *x, double *M, double *lam, double *g, double *hinv) {
  memset(M, 0, sizeof(double) * (size_t)m * m);
  for (int i = 0; i < m; i++) lam[i] = 0;
  for (int k = 0; k < n; k++) {
    double h;
    grad_hess(x[k], w[k], p, -INFINITY, INFINITY, 0, &g[k], &h);
    int at_bound = x[k] <= lb[k] || x[k] >= ub[k];
    hinv[k] = at_bound || is_fixed(lb[k], ub[k]) ? 0 : 1 / h;
    if (hinv[k] == 0) continue;
    const int *rk = rows + (size_t)k * m;
    const double *vk = vals + (size_t)k * m;
    for (int t = 0; t < cnt[k]; t++) {
      int i = rk[t];
      double ah = vk[t] * hinv[k];
      lam[i] -= ah * g[k];
      double *Mi = M + (size_t)i * m;
      for (int u = 0; u <= t; u++) Mi[rk[u]] += ah * vk[u];
    }
  }
  chol_solve(m, M, lam);
  for (int k = 0; k < n; k++) {
    double lo = lb[k], hi = ub[k];
    if (is_fixed(lo, hi) || (!isfinite(lo) && !isfinite(hi))) continue;
    double width = (isfinite(lo) && isfinite(hi)) ? hi - lo : INFINITY;
    double room = width < 1 ? width : 1;
    /* the nearer bound: distance d0 ≥ 0 from it at the exact optimum, ν its multiplier (0 when
     * the variable is free) */
    int upper = !isfinite(lo) || (isfinite(hi) && hi - x[k] < x[k] - lo);
    double d0 = upper ? hi - x[k] : x[k] - lo, nu = 0;
    if (d0 <= 0) {
      d0 = 0;
      const int *rk = rows + (size_t)k * m;
      const double *vk = vals + (size_t)k * m;
      nu = g[k];
      for (int t = 0; t < cnt[k]; t++) nu += vk[t] * lam[rk[t]];
      if (upper) nu = -nu;
    }
    double gk, h;
    grad_hess(x[k], w[k], p, -INFINITY, INFINITY, 0, &gk, &h);
    /* (ν + h (d − d0)) d = μ, its positive root written without cancellation */
    double bq = nu - h * d0, disc = sqrt(bq * bq + 4 * h * mu);
    double d = bq > 0 ? 2 * mu / (bq + disc) : (disc - bq) / (2 * h);
    if (!(d < 0.5 * room)) d = d0 > 0.5 * room ? d0 : 0.5 * room;
    if (!(d > 0)) d = 1e-3 * room;
    x[k] = upper ? hi - d : lo + d;
  }
}

hl_qp_outcome hl__qp_barrier(int m, int n, const int *cnt, const int *rows, const double *vals,
                         const double *b, const double *w, const double *lb, const double *ub,
                         double p, double mu, int max_iter, double *x, double *work, int *iterations,
                         double *residual) {
  double *M = work, *lam = M + (size_t)m * m, *rp = lam + m;
  double *g = rp + m, *hinv = g + n, *x0 = hinv + n;
  if (iterations) *iterations = 0;
  memcpy(x0, x, sizeof(double) * (size_t)n);
  start_point(m, n, cnt, rows, vals, w, lb, ub, p, mu, x, M, lam, g, hinv);
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
