/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim storage files (.sto, .mot) and CSV, in and out.
 *
 * A table is time plus named columns, row-major. Reading accepts both header styles
 * (version=1/nRows/nColumns/inDegrees and SIMM name/datacolumns/datarows/range), wrong row
 * counts (rows are read to the end of the file), tabs or spaces, CRLF, blank lines. Values are
 * kept as written: degrees stay degrees (in_degrees says so); converting the columns that are
 * rotational coordinates is the caller's job, since only the model knows which they are.
 * A row that repeats the previous row exactly is dropped (OpenSim writers sometimes repeat the
 * last frame); time must otherwise increase strictly. See docs/formats.md.
 *
 * Thread safety: reentrant; a table belongs to its caller (concurrent readers are fine).
 */
#ifndef HIPLOAD_TABLE_H
#define HIPLOAD_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_table {
  int nrow;            /* data rows */
  int ncol;            /* columns including time (column 0) */
  char **names;        /* ncol column labels, names[0] is "time" (as written in the file) */
  double *data;        /* nrow*ncol row-major; data[r*ncol + 0] is the time of row r */
  int in_degrees;      /* 1 when the header said inDegrees=yes */
  char *name;          /* first header line / SIMM "name" (may be "") */
  char *header;        /* header text before the column labels, verbatim ("" when none) */
  int header_rows;     /* nRows/datarows the header claimed (-1 when absent) */
  int header_line_of_labels; /* 1-based line of the column labels in the file */
} hl_table;

/* Read a .sto/.mot file. On error *out is NULL and err names the file, line and column. */
HL_API hl_status hl_table_read(const char *path, hl_table **out, hl_error *err);

/* The same from memory; `name` stands for the file name in error messages. */
HL_API hl_status hl_table_read_memory(const char *text, size_t len, const char *name, hl_table **out,
                                      hl_error *err);

/* A new table with nrow × ncol zeros and the given column names (names[0] = "time"; a NULL
 * entry or names NULL: "time", "col1", ...). Errors: HL_ERR_INVALID_ARG (nrow < 0, ncol < 1),
 * HL_ERR_NOMEM. */
HL_API hl_status hl_table_create(int nrow, int ncol, const char *const *names, hl_table **out,
                                 hl_error *err);
HL_API void hl_table_free(hl_table *t);

/* Column index by exact label, -1 when absent. */
HL_API int hl_table_col(const hl_table *t, const char *name);

/* Times and values: pointers into data (stride ncol). */
static inline double hl_table_time(const hl_table *t, int r) { return t->data[(size_t)r * t->ncol]; }
static inline double hl_table_get(const hl_table *t, int r, int c) { return t->data[(size_t)r * t->ncol + c]; }

/* Linear interpolation of column c at time tm (clamped to the first/last row). */
HL_API double hl_table_interp(const hl_table *t, int c, double tm);

/* Write an OpenSim storage file (version=1, nRows, nColumns, inDegrees, endheader, labels,
 * %.10g or better — full double precision with %.17g when full_precision). `comments` lines
 * (may be NULL) are written into the header before endheader. Written atomically: to
 * "<path>.tmp" first, then renamed. */
HL_API hl_status hl_table_write_sto(const hl_table *t, const char *path, const char *comments,
                                    hl_error *err);

/* Write CSV (header row of names, then rows), atomically like hl_table_write_sto. */
HL_API hl_status hl_table_write_csv(const hl_table *t, const char *path, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
