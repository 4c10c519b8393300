/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim storage files (.sto/.mot) and CSV, in and out.
 *
 * Reading follows the semantics of OpenSim's Storage::parseHeaders (opensim-core,
 * OpenSim/Common/Storage.cpp): header lines up to the one whose first word is "endheader";
 * keys nRows/nr/datarows, nColumns/nc/datacolumns, version, inDegrees, name, and the SIMM
 * "Angles are in degrees." line in version-0 headers. Unlike OpenSim, the claimed row count is
 * not trusted: rows are read to the end of the file (several shared files claim more rows than
 * they have). Every malformed input gives a status and a message naming file, line and column.
 */
#include "hipload/table.h"
#include "number.h"
#include "storage_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- small string helpers ------------------------------------------------------------- */

static char *dup_range(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Trim [*b, *e) of blanks on both sides. */
static void trim(const char **b, const char **e) {
  while (*b < *e && is_blank((unsigned char)**b)) (*b)++;
  while (*e > *b && is_blank((unsigned char)(*e)[-1])) (*e)--;
}

static int word_eq(const char *b, const char *e, const char *w) {
  size_t n = strlen(w);
  return (size_t)(e - b) == n && memcmp(b, w, n) == 0;
}

static int word_ieq(const char *b, const char *e, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(e - b) != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (tolower((unsigned char)b[i]) != tolower((unsigned char)w[i])) return 0;
  return 1;
}

/* Next line of [p, end): sets *le to its end (before \r\n / \n / \r) and returns the start of
 * the following line. */
static const char *next_line(const char *p, const char *end, const char **le) {
  /* the first '\n' or '\r', by memchr over 256-byte windows (wide loads, and linear even in a
   * file whose lines end in '\r' alone) */
  const char *q = p;
  while (q < end) {
    size_t n = (size_t)(end - q) < 256 ? (size_t)(end - q) : 256;
    const char *nl = memchr(q, '\n', n);
    const char *cr = memchr(q, '\r', nl ? (size_t)(nl - q) : n);
    if (cr || nl) {
      q = cr ? cr : nl;
      break;
    }
    q += n;
  }
  *le = q;
  if (q < end && *q == '\r') q++;
  if (q < end && *q == '\n') q++;
  return q;
}

/* Take the line at *p (advancing *p and *line) and return it trimmed in [*b, *e). */
static void take_line(const char **p, const char *end, int *line, const char **b, const char **e) {
  const char *le;
  const char *nx = next_line(*p, end, &le);
  (*line)++;
  *b = *p;
  *e = le;
  trim(b, e);
  *p = nx;
}

/* ---- table lifetime ------------------------------------------------------------------- */

void hl_table_free(hl_table *t) {
  if (!t) return;
  if (t->names)
    for (int c = 0; c < t->ncol; c++) free(t->names[c]);
  free(t->names);
  free(t->data);
  free(t->name);
  free(t->header);
  free(t);
}

/* A table shell with ncol names (all NULL) and no data. */
static hl_table *table_shell(int ncol) {
  hl_table *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->ncol = ncol;
  t->header_rows = -1;
  t->names = calloc((size_t)(ncol > 0 ? ncol : 1), sizeof *t->names);
  t->name = dup_range("", 0);
  t->header = dup_range("", 0);
  if (!t->names || !t->name || !t->header) {
    hl_table_free(t);
    return NULL;
  }
  return t;
}

static hl_table *table_make(int nrow, int ncol, const char *const *names) {
  if (nrow < 0 || ncol < 1) return NULL;
  hl_table *t = table_shell(ncol);
  if (!t) return NULL;
  for (int c = 0; c < ncol; c++) {
    char buf[32];
    const char *nm = names && names[c] ? names[c] : NULL;
    if (!nm) {
      if (c == 0) snprintf(buf, sizeof buf, "time");
      else snprintf(buf, sizeof buf, "col%d", c);
      nm = buf;
    }
    t->names[c] = dup_range(nm, strlen(nm));
    if (!t->names[c]) {
      hl_table_free(t);
      return NULL;
    }
  }
  t->nrow = nrow;
  t->data = calloc((size_t)nrow * (size_t)ncol + 1, sizeof *t->data);
  if (!t->data) {
    hl_table_free(t);
    return NULL;
  }
  return t;
}

hl_status hl_table_create(int nrow, int ncol, const char *const *names, hl_table **out,
                          hl_error *err) {
  if (!out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_table_create: out is NULL");
  *out = NULL;
  if (nrow < 0 || ncol < 1)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_table_create: %d rows x %d columns", nrow, ncol);
  *out = table_make(nrow, ncol, names);
  return *out ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (table of %d x %d)", nrow, ncol);
}

int hl_table_col(const hl_table *t, const char *name) {
  if (!t || !name) return -1;
  for (int c = 0; c < t->ncol; c++)
    if (t->names[c] && !strcmp(t->names[c], name)) return c;
  return -1;
}

double hl_table_interp(const hl_table *t, int c, double tm) {
  if (!t || t->nrow < 1 || c < 0 || c >= t->ncol) return NAN;
  int n = t->nrow;
  if (n == 1 || tm <= hl_table_time(t, 0)) return hl_table_get(t, 0, c);
  if (tm >= hl_table_time(t, n - 1)) return hl_table_get(t, n - 1, c);
  int lo = 0, hi = n - 1; /* time(lo) < tm < time(hi) */
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    if (hl_table_time(t, mid) <= tm) lo = mid;
    else hi = mid;
  }
  double t0 = hl_table_time(t, lo), t1 = hl_table_time(t, hi);
  double w = (tm - t0) / (t1 - t0);
  return hl_table_get(t, lo, c) + w * (hl_table_get(t, hi, c) - hl_table_get(t, lo, c));
}

/* ---- reading -------------------------------------------------------------------------- */

/* Parse one integer header value; -1 when it is not a plain non-negative integer. */
static int parse_count(const char *b, const char *e) {
  trim(&b, &e);
  if (b == e) return -1;
  long v = 0;
  for (const char *p = b; p < e; p++) {
    if (!isdigit((unsigned char)*p)) return -1;
    v = v * 10 + (*p - '0');
    if (v > INT32_MAX) return -1;
  }
  return (int)v;
}

typedef struct {
  const char *name; /* file name for messages */
  hl_error *err;
  double lo, hi; /* the time window to keep, with pad rows either side; pad < 0: every row */
  int pad;
} rd_ctx;

/* Header scan: fills t->name, t->in_degrees, t->header_rows; returns the pointer just past the
 * endheader line and that line's number in *ln. */
static hl_status read_header(const rd_ctx *cx, const char *text, const char *end, hl_table *t,
                             const char **after, int *ln) {
  const char *p = text;
  int line = 0, first = 1, version = 0, have_deg_key = 0;
  int nrows_key = -1, datarows_key = -1;
  while (p < end) {
    const char *b, *e;
    take_line(&p, end, &line, &b, &e);
    if (b == e) continue;
    const char *k = b;
    while (k < e && *k != ' ' && *k != '\t' && *k != '=') k++;
    const char *r = k;
    while (r < e && (*r == ' ' || *r == '\t' || *r == '=')) r++;
    if (word_eq(b, k, "endheader")) {
      t->header_rows = nrows_key >= 0 ? nrows_key : datarows_key;
      *after = p;
      *ln = line;
      return HL_OK;
    }
    if (word_eq(b, k, "name")) {
      char *nm = dup_range(r, (size_t)(e - r));
      if (!nm) return hl_error_set(cx->err, HL_ERR_NOMEM, cx->name, line, "out of memory");
      free(t->name);
      t->name = nm;
    } else if (word_eq(b, k, "nRows") || word_eq(b, k, "nr")) {
      nrows_key = parse_count(r, e);
      if (nrows_key < 0)
        return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                            "header: nRows is not a non-negative integer: '%.*s'", (int)(e - r), r);
    } else if (word_eq(b, k, "datarows")) {
      datarows_key = parse_count(r, e);
      if (datarows_key < 0)
        return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                            "header: datarows is not a non-negative integer: '%.*s'", (int)(e - r), r);
    } else if (word_eq(b, k, "version")) {
      /* Leading digits as atoi would read them, but inside [r, e): text read from memory is not
       * NUL-terminated (atoi ran past the buffer; found by fuzz/fuzz_storage). */
      version = 0;
      for (const char *d = r; d < e && isdigit((unsigned char)*d) && version < 100000; d++)
        version = version * 10 + (*d - '0');
    } else if (word_eq(b, k, "inDegrees")) {
      have_deg_key = 1;
      t->in_degrees = word_ieq(r, e, "yes") || word_ieq(r, e, "y");
    } else if (word_eq(b, k, "Angles") && version == 0 && !have_deg_key) {
      /* OpenSim reads this sentence only in version-0 headers. */
      if (word_eq(b, e, "Angles are in degrees.")) t->in_degrees = 1;
      else if (word_eq(b, e, "Angles are in radians.")) t->in_degrees = 0;
    } else if (first) {
      char *nm = dup_range(b, (size_t)(e - b));
      if (!nm) return hl_error_set(cx->err, HL_ERR_NOMEM, cx->name, line, "out of memory");
      free(t->name);
      t->name = nm;
    }
    first = 0;
  }
  return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line > 0 ? line : 0,
                      "no 'endheader' line: an OpenSim storage header must end with 'endheader'");
}

static int is_time_label(const char *s) { return word_ieq(s, s + strlen(s), "time"); }

/* Split the label line into t->names (t->ncol set). */
static hl_status read_labels(const rd_ctx *cx, const char *b, const char *e, int line, hl_table *t) {
  int cap = 16, n = 0;
  char **names = malloc((size_t)cap * sizeof *names);
  if (!names) return hl_error_set(cx->err, HL_ERR_NOMEM, cx->name, line, "out of memory");
  const char *p = b;
  while (p < e) {
    while (p < e && is_blank((unsigned char)*p)) p++;
    if (p >= e) break;
    const char *q = p;
    while (q < e && !is_blank((unsigned char)*q)) q++;
    if (n == cap) {
      cap *= 2;
      char **nn = realloc(names, (size_t)cap * sizeof *names);
      if (!nn) goto nomem;
      names = nn;
    }
    names[n] = dup_range(p, (size_t)(q - p));
    if (!names[n]) goto nomem;
    n++;
    p = q;
  }
  for (int c = 0; c < t->ncol; c++) free(t->names[c]);
  free(t->names);
  t->names = names;
  t->ncol = n;
  if (n == 0 || !is_time_label(names[0])) {
    for (int c = 1; c < n; c++)
      if (is_time_label(names[c]))
        return hl_error_set(cx->err, HL_ERR_UNSUPPORTED, cx->name, line,
                            "column %d is '%s', but time must be the first column (column 1 is '%s')",
                            c + 1, names[c], names[0]);
    return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                        "no time column: the first column label is '%s', expected 'time'",
                        n ? names[0] : "");
  }
  return HL_OK;
nomem:
  for (int c = 0; c < n; c++) free(names[c]);
  free(names);
  return hl_error_set(cx->err, HL_ERR_NOMEM, cx->name, line, "out of memory");
}

/* One data line [b, e) into row[0..ncol-1]: every token must be a finite number (the fast path
 * of number.h in place, hl__parse_double for the rest), exactly ncol of them. */
static hl_status parse_line(const rd_ctx *cx, const char *b, const char *e, int line, const hl_table *t,
                            double *row) {
  int ncol = t->ncol, c = 0;
  const char *q = b;
  while (q < e) {
    while (q < e && is_blank((unsigned char)*q)) q++;
    if (q >= e) break;
    const char *tok = q;
    double v;
    const char *stop;
    if (c < ncol && hl__scan_decimal(q, e, &v, &stop) && (stop == e || is_blank((unsigned char)*stop))) {
      row[c++] = v; /* finite by construction */
      q = stop;
      continue;
    }
    while (q < e && !is_blank((unsigned char)*q)) q++;
    if (c >= ncol) {
      int extra = c;
      while (q < e) { /* count the rest for the message */
        while (q < e && is_blank((unsigned char)*q)) q++;
        if (q >= e) break;
        while (q < e && !is_blank((unsigned char)*q)) q++;
        extra++;
      }
      return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                          "row has %d values but there are %d column labels", extra + 1, ncol);
    }
    size_t len = (size_t)(q - tok);
    if (len >= 128)
      return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                          "column %d (%s): value of %zu characters is not a number", c + 1,
                          t->names[c], len);
    if (!hl__parse_double(tok, q, &v))
      return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                          "column %d (%s): '%.*s' is not a number", c + 1, t->names[c], (int)len, tok);
    if (!isfinite(v)) {
      if (c == 0)
        return hl_error_set(cx->err, HL_ERR_BAD_VALUE, cx->name, line,
                            "column 1 (%s): time is '%.*s'", t->names[0], (int)len, tok);
      return hl_error_set(cx->err, HL_ERR_BAD_VALUE, cx->name, line,
                          "column %d (%s) at time %.17g: value is '%.*s'", c + 1, t->names[c],
                          row[0], (int)len, tok);
    }
    row[c++] = v;
  }
  if (c < ncol)
    return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, line,
                        "row has %d values but there are %d column labels (missing column %d, %s)",
                        c, ncol, c + 1, t->names[c]);
  return HL_OK;
}

/* The data rows, fed in pieces that end at line ends (a file read in chunks) or all at once.
 * Every row is checked (numbers, count, time order); with a window (cx->pad ≥ 0) only the rows
 * with time in [cx->lo, cx->hi] and cx->pad rows on each side are kept. Two scratch rows after
 * the kept ones hold rows past the window, so the previous row is always at hand. */
typedef struct {
  double *data;
  size_t cap, nrow, before, after;
  long prev; /* row index of the last checked row (kept, or a scratch slot cap / cap + 1); -1 */
  int line;  /* number of the last line taken */
} rows_acc;

static hl_status rows_init(const rd_ctx *cx, rows_acc *a, const hl_table *t, size_t cap, int line) {
  memset(a, 0, sizeof *a);
  a->cap = cap < 16 ? 16 : cap > (size_t)INT32_MAX ? (size_t)INT32_MAX : cap;
  a->prev = -1;
  a->line = line;
  a->data = malloc((a->cap + 2) * (size_t)t->ncol * sizeof *a->data);
  if (!a->data) return hl_error_set(cx->err, HL_ERR_NOMEM, cx->name, line, "out of memory");
  return HL_OK;
}

static hl_status rows_feed(const rd_ctx *cx, rows_acc *a, const char *p, const char *end,
                           const hl_table *t) {
  size_t ncol = (size_t)t->ncol;
  while (p < end) {
    const char *b, *e;
    take_line(&p, end, &a->line, &b, &e);
    if (b == e) continue; /* blank lines (e.g. trailing) are skipped */
    int keep = cx->pad < 0 || a->after < (size_t)cx->pad;
    if (keep && a->nrow + 1 >= a->cap) {
      if (a->cap > (size_t)INT32_MAX / 2)
        return hl_error_set(cx->err, HL_ERR_RANGE, cx->name, a->line, "too many rows");
      double *nd = realloc(a->data, (2 * a->cap + 2) * ncol * sizeof *nd);
      if (!nd) return hl_error_set(cx->err, HL_ERR_NOMEM, cx->name, a->line, "out of memory");
      if (a->prev >= (long)a->cap) { /* the previous row sat in a scratch slot: keep it at hand */
        memcpy(nd + 2 * a->cap * ncol, nd + (size_t)a->prev * ncol, ncol * sizeof *nd);
        a->prev = (long)(2 * a->cap);
      }
      a->data = nd;
      a->cap *= 2;
    }
    size_t slot = keep ? a->nrow : a->cap + (a->prev == (long)a->cap);
    double *row = a->data + slot * ncol, *prev = a->prev < 0 ? NULL : a->data + (size_t)a->prev * ncol;
    hl_status st = parse_line(cx, b, e, a->line, t, row);
    if (st) return st;
    /* A row repeating the previous one exactly (time and every value) is dropped: OpenSim's
     * writers sometimes emit the last frame twice (walk-so-spring kinematics), and splines need
     * strictly increasing knots. A repeated time with different values is an error. */
    if (prev && row[0] == prev[0] && !memcmp(row, prev, ncol * sizeof *row)) continue;
    if (prev && !(row[0] > prev[0]))
      return hl_error_set(cx->err, HL_ERR_BAD_VALUE, cx->name, a->line,
                          "time %.17g is not after the previous row's time %.17g", row[0], prev[0]);
    a->prev = (long)slot;
    if (!keep) continue;
    a->nrow++;
    if (cx->pad < 0) continue;
    size_t pad = (size_t)cx->pad;
    if (pad > 0 && row[0] < cx->lo && ++a->before > 2 * pad) { /* keep pad rows before */
      memmove(a->data, a->data + (a->nrow - pad) * ncol, pad * ncol * sizeof *a->data);
      a->nrow = a->before = pad;
      a->prev = (long)pad - 1;
    }
    if (row[0] > cx->hi) a->after++;
  }
  return HL_OK;
}

/* Hand the rows to t (or report that there were none). Frees the rows on error. */
static hl_status rows_done(const rd_ctx *cx, rows_acc *a, hl_table *t) {
  if (cx->pad > 0 && a->before > (size_t)cx->pad) { /* rows_feed keeps pad to 2 pad rows before */
    size_t drop = a->before - (size_t)cx->pad, ncol = (size_t)t->ncol;
    memmove(a->data, a->data + drop * ncol, (a->nrow - drop) * ncol * sizeof *a->data);
    a->nrow -= drop;
    a->before -= drop;
  }
  if (a->nrow == 0) {
    free(a->data);
    a->data = NULL;
    return hl_error_set(cx->err, HL_ERR_PARSE, cx->name, a->line, "no data rows after the column labels");
  }
  t->data = a->data;
  t->nrow = (int)a->nrow;
  a->data = NULL;
  return HL_OK;
}

/* The file's checks on its text, its header and its labels, from text[0, len) (the whole file,
 * or its first chunk: *partial is then set when the labels line does not end inside it, and
 * nothing is reported). On success *t holds the header and labels, *after points to the first
 * data line and *lline is the labels' line number. */
static hl_status read_head(const rd_ctx *cx, const char *text, size_t len, int chunk, int *partial,
                           hl_table **t_out, const char **after_out, int *lline_out) {
  const char *name = cx->name, *end = text + len;
  hl_error *err = cx->err;
  *t_out = NULL;
  if (partial) *partial = 0;
  if (len == 0) return hl_error_set(err, HL_ERR_PARSE, name, 0, "empty file");
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line = 1;
    for (const char *q = text; q < nul; q++) line += *q == '\n';
    return hl_error_set(err, HL_ERR_PARSE, name, line,
                        "binary data (NUL byte at offset %zu): not a text storage file",
                        (size_t)(nul - text));
  }
  int blank = 1;
  for (const char *q = text; q < end && blank; q++) blank = isspace((unsigned char)*q) != 0;
  if (blank && !chunk) return hl_error_set(err, HL_ERR_PARSE, name, 0, "empty file (only whitespace)");
  hl_table *t = table_shell(0);
  if (!t) return hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
  const char *p = NULL;
  int line = 0;
  hl_error scratch;
  rd_ctx hx = *cx;
  if (chunk) hx.err = &scratch; /* a header cut by the chunk's end is not an error yet */
  hl_status st = read_header(&hx, text, end, t, &p, &line);
  if (st && chunk) {
    *partial = 1;
    goto fail;
  }
  if (st) goto fail;
  free(t->header);
  /* verbatim header: everything before the labels line (including endheader) */
  const char *lb = p, *le = NULL, *after = p;
  int lline = line;
  while (lb < end) { /* skip blank lines between endheader and the labels */
    after = next_line(lb, end, &le);
    lline++;
    const char *b = lb, *e = le;
    trim(&b, &e);
    if (b != e) break;
    lb = after;
  }
  t->header = dup_range(text, (size_t)(lb - text));
  if (!t->header) {
    st = hl_error_set(err, HL_ERR_NOMEM, name, line, "out of memory");
    goto fail;
  }
  if (chunk && (lb >= end || le >= end)) { /* the labels line may go on in the next chunk */
    *partial = 1;
    st = HL_ERR_PARSE;
    goto fail;
  }
  if (lb >= end) {
    st = hl_error_set(err, HL_ERR_PARSE, name, line, "no column labels after 'endheader'");
    goto fail;
  }
  t->header_line_of_labels = lline;
  st = read_labels(cx, lb, le, lline, t);
  if (st) goto fail;
  *t_out = t;
  *after_out = after;
  *lline_out = lline;
  return HL_OK;
fail:
  hl_table_free(t);
  return st;
}

static hl_status read_memory(const char *text, size_t len, const char *name, double lo, double hi,
                             int pad, hl_table **out, hl_error *err) {
  if (out) *out = NULL;
  if (!name) name = "<memory>";
  if (!out || (!text && len))
    return hl_error_set(err, HL_ERR_INVALID_ARG, name, 0, "hl_table_read_memory: NULL argument");
  rd_ctx cx = {name, err, lo, hi, pad};
  hl_table *t;
  const char *after;
  int lline;
  hl_status st = read_head(&cx, text, len, 0, NULL, &t, &after, &lline);
  if (st) return st;
  /* room for every line up front (one '\n' per line in all but '\r'-only files, which grow);
   * pages of it that no kept row reaches are never touched */
  size_t lines = 1;
  for (const char *nl = after; (nl = memchr(nl, '\n', (size_t)(text + len - nl))) != NULL; nl++) lines++;
  rows_acc a;
  st = rows_init(&cx, &a, t, lines, lline);
  if (!st) st = rows_feed(&cx, &a, after, text + len, t);
  if (!st) st = rows_done(&cx, &a, t);
  free(a.data);
  if (st) {
    hl_table_free(t);
    return st;
  }
  *out = t;
  return HL_OK;
}

hl_status hl_table_read_memory(const char *text, size_t len, const char *name, hl_table **out,
                               hl_error *err) {
  return read_memory(text, len, name, 0, 0, -1, out, err);
}

/* Read a whole file into a NUL-terminated buffer. */
static hl_status slurp(const char *path, char **buf, size_t *len, hl_error *err) {
  *buf = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
  /* a regular file's size + 1: one read, no growth and no copies (pipes and the like grow) */
  struct stat sb;
  size_t cap = 1 << 16, n = 0;
  if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
      (unsigned long long)sb.st_size < (unsigned long long)SIZE_MAX / 4)
    cap = (size_t)sb.st_size + 1;
  char *b = malloc(cap + 1);
  if (!b) {
    fclose(f);
    return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  }
  for (;;) {
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    char *nb = realloc(b, cap * 2 + 1);
    if (!nb) {
      free(b);
      fclose(f);
      return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
    }
    b = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(b);
    return hl_error_set(err, HL_ERR_IO, path, 0, "read error");
  }
  b[n] = '\0';
  *buf = b;
  *len = n;
  return HL_OK;
}

/* A large file in chunks of STREAM_CHUNK bytes, parsed as they arrive: the text is never held
 * whole (no 3.6 MB buffer, its page faults and its copy). Returns 1 and the outcome in *st, or 0
 * when the file must be read whole instead: any error (read_memory then reports it exactly as it
 * always did, with the same precedence of checks), a header or line longer than a chunk allows. */
#define STREAM_CHUNK (256 * 1024)

/* The end of the last '\n' in [p, e), or NULL. */
static const char *last_newline(const char *p, const char *e) {
  while (e > p)
    if (*--e == '\n') return e + 1;
  return NULL;
}

static int read_stream(FILE *f, const rd_ctx *cx, hl_table **out, hl_status *st) {
  char *buf = malloc(STREAM_CHUNK);
  hl_table *t = NULL;
  rows_acc a = {0};
  int ok = 0, partial;
  if (!buf) return 0;
  size_t n = fread(buf, 1, STREAM_CHUNK, f);
  const char *after;
  int lline;
  if (n < STREAM_CHUNK || read_head(cx, buf, n, 1, &partial, &t, &after, &lline)) goto done;
  size_t lines = 1; /* rows in this chunk: the first guess of the room needed */
  for (const char *nl = after; (nl = memchr(nl, '\n', (size_t)(buf + n - nl))) != NULL; nl++) lines++;
  if (rows_init(cx, &a, t, cx->pad < 0 ? 4 * lines : lines, lline)) goto done;
  for (;;) {
    int eof = n < STREAM_CHUNK;
    const char *endc = buf + n, *lim = eof ? endc : last_newline(after, endc);
    if (!lim || memchr(after, '\0', (size_t)(lim - after))) goto done;
    if (rows_feed(cx, &a, after, lim, t)) goto done;
    if (eof) break;
    size_t rest = (size_t)(endc - lim);
    memmove(buf, lim, rest);
    n = rest + fread(buf + rest, 1, STREAM_CHUNK - rest, f);
    after = buf;
    if (ferror(f)) goto done;
  }
  if (rows_done(cx, &a, t)) goto done;
  *out = t;
  t = NULL;
  *st = HL_OK;
  ok = 1;
done:
  free(a.data);
  hl_table_free(t);
  free(buf);
  return ok;
}

hl_status hl__table_read_window(const char *path, double lo, double hi, int pad, hl_table **out,
                                hl_error *err) {
  if (out) *out = NULL;
  if (!path || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_table_read: NULL argument");
  if (pad < 1 || !(lo <= hi)) pad = -1;
  FILE *f = fopen(path, "rb");
  if (!f) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
  struct stat sb;
  hl_status st = HL_OK;
  if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 4 * STREAM_CHUNK) {
    hl_error quiet;
    rd_ctx cx = {path, &quiet, lo, hi, pad};
    int done = read_stream(f, &cx, out, &st);
    fclose(f);
    if (done) return st;
  } else {
    fclose(f);
  }
  char *buf;
  size_t len;
  st = slurp(path, &buf, &len, err);
  if (st) return st;
  st = read_memory(buf, len, path, lo, hi, pad, out, err);
  free(buf);
  return st;
}

hl_status hl_table_read(const char *path, hl_table **out, hl_error *err) {
  return hl__table_read_window(path, 0, 0, -1, out, err);
}

/* ---- writing -------------------------------------------------------------------------- */

typedef hl_status (*body_fn)(const hl_table *t, FILE *f, const void *arg, const char *path,
                             hl_error *err);

/* Write through "<path>.tmp" and rename over path; the tmp file is removed on any error. */
static hl_status write_atomic(const hl_table *t, const char *path, body_fn fn, const void *arg,
                              hl_error *err) {
  if (!t || !path || t->ncol < 1 || t->nrow < 0 || (t->nrow > 0 && !t->data) || !t->names)
    return hl_error_set(err, HL_ERR_INVALID_ARG, path, 0, "invalid table or path");
  size_t n = strlen(path);
  char *tmp = malloc(n + 5);
  if (!tmp) return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmp", 5);
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    hl_status st = hl_error_set(err, HL_ERR_IO, path, 0, "cannot create %s: %s", tmp, strerror(errno));
    free(tmp);
    return st;
  }
  hl_status st = fn(t, f, arg, path, err);
  if (!st && (fflush(f) != 0 || ferror(f)))
    st = hl_error_set(err, HL_ERR_IO, path, 0, "write error on %s: %s", tmp, strerror(errno));
  /* no fsync: the rename below already keeps a half-written file from ever being seen, and
   * syncing every output made batch runs wait on the disk (~80 % of their time) */
  if (fclose(f) != 0 && !st)
    st = hl_error_set(err, HL_ERR_IO, path, 0, "cannot close %s: %s", tmp, strerror(errno));
  if (!st && rename(tmp, path) != 0)
    st = hl_error_set(err, HL_ERR_IO, path, 0, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  if (st) remove(tmp);
  free(tmp);
  return st;
}

/* The data rows: each value as printf's "%.17g" in the C locale (hl__fmt_g17), sep between
 * values, '\n' after each row; one fwrite per row. */
static hl_status write_rows(const hl_table *t, FILE *f, char sep, const char *path, hl_error *err) {
  char *line = malloc((size_t)t->ncol * 32 + 1);
  if (!line) return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  for (int r = 0; r < t->nrow; r++) {
    char *o = line;
    const double *row = t->data + (size_t)r * (size_t)t->ncol;
    for (int c = 0; c < t->ncol; c++) {
      o += hl__fmt_g17(row[c], o);
      *o++ = c + 1 < t->ncol ? sep : '\n';
    }
    fwrite(line, 1, (size_t)(o - line), f);
  }
  free(line);
  return HL_OK;
}

static int label_ok(const char *s) {
  if (!s || !*s) return 0;
  for (; *s; s++)
    if (isspace((unsigned char)*s)) return 0;
  return 1;
}

static hl_status sto_body(const hl_table *t, FILE *f, const void *arg, const char *path, hl_error *err) {
  const char *comments = arg;
  for (int c = 0; c < t->ncol; c++)
    if (!label_ok(t->names[c]))
      return hl_error_set(err, HL_ERR_INVALID_ARG, path, 0,
                          "column %d label '%s' is empty or contains whitespace", c + 1,
                          t->names[c] ? t->names[c] : "(null)");
  const char *nm = t->name && t->name[0] ? t->name : "hipload";
  fprintf(f, "%s\nversion=1\nnRows=%d\nnColumns=%d\ninDegrees=%s\n", nm, t->nrow, t->ncol,
          t->in_degrees ? "yes" : "no");
  if (comments) {
    const char *p = comments, *end = comments + strlen(comments);
    while (p < end) {
      const char *le;
      const char *nx = next_line(p, end, &le);
      const char *b = p, *e = le;
      trim(&b, &e);
      if (word_eq(b, e < b + 9 ? e : b + 9, "endheader"))
        return hl_error_set(err, HL_ERR_INVALID_ARG, path, 0,
                            "a comment line may not start with 'endheader'");
      fprintf(f, "%.*s\n", (int)(le - p), p);
      p = nx;
    }
  }
  fputs("endheader\n", f);
  for (int c = 0; c < t->ncol; c++) fprintf(f, "%s%c", t->names[c], c + 1 < t->ncol ? '\t' : '\n');
  return write_rows(t, f, '\t', path, err);
}

hl_status hl_table_write_sto(const hl_table *t, const char *path, const char *comments,
                             hl_error *err) {
  return write_atomic(t, path, sto_body, comments, err);
}

static void csv_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\r\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static hl_status csv_body(const hl_table *t, FILE *f, const void *arg, const char *path, hl_error *err) {
  (void)arg;
  (void)path;
  (void)err;
  for (int c = 0; c < t->ncol; c++) {
    csv_field(f, t->names[c] ? t->names[c] : "");
    fputc(c + 1 < t->ncol ? ',' : '\n', f);
  }
  return write_rows(t, f, ',', path, err);
}

hl_status hl_table_write_csv(const hl_table *t, const char *path, hl_error *err) {
  return write_atomic(t, path, csv_body, NULL, err);
}
