/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: the log-barrier (central-path) point of the static-optimization problem.
 *
 *   minimize  Σ w_k |x_k|^p − μ Σ_k [ln(x_k − lb_k) + ln(ub_k − x_k)]   subject to  A x = b
 *
 * (a term is left out when its bound is infinite). For μ → 0 this point tends to the exact
 * optimum of the bounded problem; for μ > 0 every variable stays strictly inside its bounds, a
 * variable that the exact optimum puts on a bound lying about μ / (its multiplier) inside it.
 * An interior-point optimizer (IPOPT, which OpenSim's StaticOptimization uses) stops on this path
 * at a small μ; see docs/so-opensim.md.
 *
 * A is given by columns as for hl_qp_solve_cols. x: in, a start satisfying A x ≈ b (the exact
 * optimum); out, the barrier point, after at most max_iter Newton steps. work: hl__qp_barrier_work_size(m, n) doubles. Deterministic
 * (no BLAS, fixed loop order); does not allocate. residual (may be NULL): max |A x − b| of the x
 * returned. Returns HL_QP_OPTIMAL, or HL_QP_ITERATION_LIMIT (x then holds the start unchanged). */
#ifndef HIPLOAD_QP_BARRIER_H
#define HIPLOAD_QP_BARRIER_H

#include <stddef.h>

#include "hipload/qp.h"

size_t hl__qp_barrier_work_size(int m, int n);

hl_qp_outcome hl__qp_barrier(int m, int n, const int *cnt, const int *rows, const double *vals,
                         const double *b, const double *w, const double *lb, const double *ub,
                         double p, double mu, int max_iter, double *x, double *work, int *iterations,
                         double *residual);

#endif
