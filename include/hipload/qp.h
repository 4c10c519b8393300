/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the static-optimization solver: a small dense convex problem per frame.
 *
 *   minimize   Σ w_i |x_i|^p         (p > 1, p = 2 by default)
 *   subject to A x = b               (A is m × n, row-major; m ≤ ~40, n ≤ ~150)
 *              lb ≤ x ≤ ub
 *
 * p = 2: dual active-set Newton method (weighted least-norm subproblem per active set, m×m
 * Cholesky inside the envelope of A Aᵀ), warm-started from the active set predicted by the last two
 * calls (docs/solver.md); the answer depends only on the problem and its final active set, not on
 * the warm-start history. Other p: a Newton-type method. When no x satisfies A x = b within the
 * bounds, the solver returns the bounded x minimizing ‖A x − b‖² (then the cost) and flags it.
 *
 * Thread safety: one hl_qp workspace per thread (it keeps the last call's active set).
 */
#ifndef HIPLOAD_QP_H
#define HIPLOAD_QP_H

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_qp_settings {
  double p;           /* cost exponent, > 1 (default 2) */
  int max_iter;       /* limit on working-set changes per active-set run, and on Newton steps
                         for p ≠ 2 (default 1000) */
  double tol;         /* constraint tolerance, relative to max |b| (default 1e-9) */
  int warm_start;     /* reuse the previous call's active set (default 1) */
} hl_qp_settings;

HL_API void hl_qp_settings_defaults(hl_qp_settings *s);

/* How a solve ended. Every outcome is an answer (the call returns HL_OK); errors are bad input. */
typedef enum hl_qp_outcome {
  HL_QP_OPTIMAL = 0,     /* the bounded minimum with A x = b (within tol) */
  HL_QP_LEAST_SQUARES,   /* no bounded x meets A x = b: the bounded x minimizing ‖A x − b‖², then
                            the cost */
  HL_QP_ITERATION_LIMIT  /* stopped at max_iter: x is the last iterate */
} hl_qp_outcome;

typedef struct hl_qp_result {
  hl_qp_outcome outcome;
  int iterations;
  double residual;    /* max |A x − b| */
  double cost;        /* Σ w_i |x_i|^p */
  int n_active;       /* bounds active at the answer */
} hl_qp_result;

typedef struct hl_qp hl_qp; /* workspace for problems of size m × n; reused across frames */

/* A workspace for problems of m rows and n unknowns (s NULL: defaults). Errors:
 * HL_ERR_INVALID_ARG (negative sizes), HL_ERR_NOMEM. */
HL_API hl_status hl_qp_create(int m, int n, const hl_qp_settings *s, hl_qp **out, hl_error *err);
HL_API void hl_qp_free(hl_qp *qp);

/* Solve. w: n weights (> 0), lb/ub: n bounds (may be ±INFINITY), x: n in/out (in: a guess, used
 * for p ≠ 2). active (may be NULL): n ints out, -1 at lower bound, +1 at upper, 0 free. How it
 * ended is res->outcome. Errors (a NULL or non-finite input, zero weight, crossed bounds,
 * p ≤ 1): HL_ERR_INVALID_ARG / HL_ERR_BAD_VALUE with the detail in err. Does not allocate. */
HL_API hl_status hl_qp_solve(hl_qp *qp, const double *A, const double *b, const double *w,
                             const double *lb, const double *ub, double *x, int *active,
                             hl_qp_result *res, hl_error *err);

/* The same solve with A given by its nonzero columns, as a caller that builds A column by column
 * (static optimization: a muscle spans 1–7 coordinates) already has them; skips the dense scan.
 * Column i has cnt[i] (0..m) entries: rows[i*m + k] (strictly ascending, within 0..m−1) and
 * vals[i*m + k], k < cnt[i]. A zero value is allowed. The arrays are only read during the call.
 * Same answers, warm start and errors as hl_qp_solve (a bad count, row or non-finite value is
 * HL_ERR_BAD_VALUE naming the column); with the same nonzeros in the same order the answer is
 * bit-identical to hl_qp_solve's on the dense A. Does not allocate. */
HL_API hl_status hl_qp_solve_cols(hl_qp *qp, const int *cnt, const int *rows, const double *vals,
                                  const double *b, const double *w, const double *lb, const double *ub,
                                  double *x, int *active, hl_qp_result *res, hl_error *err);

/* Forget the warm-start active set. */
HL_API void hl_qp_reset(hl_qp *qp);

/* Equality multipliers λ (m values) of the last solve, in the convention
 *   ∂/∂x_i Σ w|x|^p − (Aᵀλ)_i = ν_i,  ν_i ≥ 0 at a lower bound, ≤ 0 at an upper bound, 0 when free.
 * Valid until the next hl_qp_solve; NULL for a NULL workspace. */
HL_API const double *hl_qp_multipliers(const hl_qp *qp);


#ifdef __cplusplus
}
#endif
#endif
