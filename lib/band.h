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

#endif
