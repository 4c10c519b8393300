/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: ExternalLoads with only the rows of their data file that a run needs. */
#ifndef HIPLOAD_EXTLOADS_INTERNAL_H
#define HIPLOAD_EXTLOADS_INTERNAL_H

#include "hipload/extloads.h"

/* Rows kept on each side of a run's time range. The forces are a natural cubic spline through
 * the kept rows; a row k rows away changes the spline inside by ~0.268^k of its size (the decay of
 * the tridiagonal system), so 64 rows (0.268^64 ~ 1e-37) leave every bit of the values inside
 * as the whole file gives them (checked: every output of the reference commands is unchanged). */
#define HL_EXTLOADS_PAD 64

/* hl_extloads_load keeping only the data rows with time in [lo, hi] and pad rows on each side;
 * every row of the data file is still checked (hl__table_read_window). pad < 1: every row. */
hl_status hl__extloads_load_window(const char *xml_path, const char *datafile_override, double lo,
                                   double hi, int pad, hl_extloads **out, hl_error *err);

#endif
