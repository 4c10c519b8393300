/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the Check suites. */
#ifndef HIPLOAD_TESTUTIL_H
#define HIPLOAD_TESTUTIL_H
#include <check.h>
#include <stddef.h>

/* Path of a file under the shared reference data folder (../shared/data), written to buf. */
const char *tu_data(char *buf, size_t n, const char *rel);

/* True when the reference data folder exists. When it does not: under CI=true the calling test
 * fails (ck_abort), elsewhere it returns 0 and the test should return early (a local skip, which
 * tu_run counts and prints at the end of the suite). */
int tu_require_data(void);

/* A number checked against OpenSim's reference: fails when `err` (≥ 0) exceeds the acceptance
 * bound `accept` (OpenSim's own test bound, or the issue's) or the regression guard `guard`, set
 * near the error measured when the guard was written — so a regression that stays inside a loose
 * acceptance bound still fails. Prints the number with both bounds. Returns err. */
double tu_bound(const char *what, double err, double accept, double guard);

/* A fresh empty temporary directory (mkdtemp), written to buf. */
const char *tu_tmpdir(char *buf, size_t n);

/* A whole file, NUL-terminated (free it); its length in *len (may be NULL). Fails the test when
 * the file cannot be read. */
char *tu_slurp(const char *path, size_t *len);

/* Path of the built hipload command-line program. */
const char *tu_cli(void);

/* Run the test suite `s` and return the process exit code (0 when every test passed). */
int tu_run(Suite *s);
#endif

#include "hipload/table.h"

/* Largest |out − ref| of column `name` over the reference rows whose time lies inside out's time
 * span (out interpolated linearly), and the reference's peak |value| in *peak (may be NULL).
 * Returns -1 when either table lacks the column. */
double tu_col_err(const hl_table *ref, const hl_table *out, const char *name, double *peak);

/* The same for the resultant of the columns prefix+"x", prefix+"y", prefix+"z". */
double tu_vec_err(const hl_table *ref, const hl_table *out, const char *prefix, double *peak);

/* Read a table, failing the test with the error message when it cannot be read. */
hl_table *tu_read(const char *path);

/* RMS of out − ref for column `name` over the reference rows inside out's span; -1 when missing. */
double tu_col_rms(const hl_table *ref, const hl_table *out, const char *name);
