/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: LU with partial pivoting of a band matrix and the solve with its factors (in
 * signal.c, used by the quintic spline). LAPACK's band storage for dgbtrf, by columns:
 * A(i, j) at ab[kl + ku + i − j + j·ldab], ldab ≥ 2 kl + ku + 1, the top kl rows of each column
 * free for the fill-in of the row interchanges. The operations are those of LAPACK's dgbtf2 and
 * dgbtrs (see signal.c). No allocation, no BLAS. */
#ifndef HIPLOAD_BAND_H
#define HIPLOAD_BAND_H

/* Factor the m × m band in place; piv[j] = the row interchanged with row j. Returns 0, or j + 1
 * for the first zero pivot j (the factors are then unusable). */
int hl__band_lu(int m, int kl, int ku, double *ab, int ldab, int *piv);

/* Solve A x = b with the factors of hl__band_lu; b (m values) is replaced by x. */
void hl__band_solve(int m, int kl, int ku, const double *ab, int ldab, const int *piv, double *b);


/* The quintic spline's knots with their band system factored once (signal.c): fitting another
 * column sampled at the same times is then one band solve, with the bits hl_signal_spline_fit gives. */
#include "hipload/signal.h"
typedef struct hl__spline_knots hl__spline_knots;
/* Errors as hl_signal_spline_fit's for t: HL_ERR_INVALID_ARG (n < 6, times not increasing),
 * HL_ERR_BAD_VALUE (NaN/Inf), HL_ERR_SINGULAR, HL_ERR_NOMEM. */
hl_status hl__spline_knots_create(const double *t, int n, hl__spline_knots **out);
/* x: the n values at the knots' times. HL_ERR_BAD_VALUE (NaN/Inf), HL_ERR_NOMEM. */
hl_status hl__spline_fit_knots(const hl__spline_knots *k, const double *x, hl_spline **out);
void hl__spline_knots_free(hl__spline_knots *k);

#endif
