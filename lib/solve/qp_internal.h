/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the solver's entry for static optimization, which builds its own columns (qp.c
 * defines it, so.c and the benchmark call it). Not installed. */
#ifndef HIPLOAD_QP_INTERNAL_H
#define HIPLOAD_QP_INTERNAL_H

#include "hipload/qp.h"

/* hl_qp_solve_cols for lib/solve/so.c, which builds its columns itself (counts within 0..m, rows
 * strictly ascending within 0..m−1) and passes the same w, lb, ub values on every call: a warm
 * p = 2 call skips the structural and weight/bound checks (lib/solve/qp.c says why non-finite values
 * are still caught). Same answers, bits, errors and warm start as hl_qp_solve_cols, except that
 * res->cost is NAN when the checks were skipped. res must not be NULL. same_rows = 1 promises
 * that cnt and rows are the same as at the last call (J's envelope is then kept). */
hl_status hl__qp_solve_cols_trusted(hl_qp *qp, const int *cnt, const int *rows,
                                    const double *vals, const double *b, const double *w,
                                    const double *lb, const double *ub, double *x, int *active,
                                    hl_qp_result *res, int same_rows, hl_error *err);

#endif
