/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: reading only the rows of a storage file that a run needs. */
#ifndef HIPLOAD_STORAGE_INTERNAL_H
#define HIPLOAD_STORAGE_INTERNAL_H

#include "hipload/table.h"

/* hl_table_read, keeping only the rows with time in [lo, hi] and pad (≥ 1) rows on each side
 * (fewer where the file ends). Every row of the file is still checked as hl_table_read checks it
 * (a number in every column, the column count, finite values, strictly increasing time, an exact
 * repeat of the previous row dropped), and reported with its line. pad < 1 or lo > hi (or NaN):
 * every row, as hl_table_read. */
hl_status hl__table_read_window(const char *path, double lo, double hi, int pad, hl_table **out,
                                hl_error *err);

#endif
