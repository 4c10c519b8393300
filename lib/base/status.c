/* SPDX-License-Identifier: Apache-2.0 */
#include "hipload/status.h"
#include "number.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef HIPLOAD_VERSION_STRING
#define HIPLOAD_VERSION_STRING "0.0.0"
#endif

const char *hl_strerror(hl_status status) {
  switch (status) {
  case HL_OK: return "ok";
  case HL_ERR_NOMEM: return "out of memory";
  case HL_ERR_IO: return "input/output error";
  case HL_ERR_PARSE: return "malformed input";
  case HL_ERR_INVALID_ARG: return "invalid argument";
  case HL_ERR_NOT_FOUND: return "not found";
  case HL_ERR_UNSUPPORTED: return "unsupported feature";
  case HL_ERR_BAD_VALUE: return "bad value";
  case HL_ERR_RANGE: return "out of range";
  case HL_ERR_SINGULAR: return "singular matrix";
  case HL_ERR_NO_CONVERGENCE: return "iteration limit reached";
  default: return "unknown status";
  }
}

void hl_error_clear(hl_error *err) {
  if (!err) return;
  err->status = HL_OK;
  err->line = 0;
  err->file[0] = '\0';
  err->message[0] = '\0';
}

/* s into dst (cap bytes). A longer s keeps its start and its end (where a path has its file
 * name) around "...": visibly shortened, never silently cut. */
static void fit_middle(char *dst, size_t cap, const char *s) {
  size_t n = strlen(s);
  if (n < cap) {
    memcpy(dst, s, n + 1);
    return;
  }
  size_t keep = cap - 4, head = keep / 4, tail = keep - head; /* 3 for "...", 1 for the NUL */
  memcpy(dst, s, head);
  memcpy(dst + head, "...", 3);
  memcpy(dst + head + 3, s + n - tail, tail + 1);
}

/* The end of a message that did not fit: says so, and how long the whole was. */
static void mark_cut(char *msg, size_t cap, size_t whole) {
  char mark[48];
  int k = snprintf(mark, sizeof mark, " [... message cut, %zu bytes]", whole);
  memcpy(msg + cap - 1 - (size_t)k, mark, (size_t)k + 1);
}

hl_status hl_error_set(hl_error *err, hl_status status, const char *file, int line,
                       const char *fmt, ...) {
  if (!err) return status;
  err->status = status;
  err->line = line;
  file = file ? file : "";
  fit_middle(err->file, sizeof err->file, file);
  char body[sizeof err->message];
  int blen = 0;
  body[0] = '\0';
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    blen = hl__vsnprintf_c(body, sizeof body, fmt, ap);
    va_end(ap);
    if (blen < 0) blen = 0, body[0] = '\0';
  }
  /* "FILE:LINE: body": a long path gives up its middle first (down to 160 bytes), then the
   * body's end is cut with a mark (the message field is a fixed size: status.h) */
  char where[sizeof err->message];
  size_t room = sizeof where - 24 - ((size_t)blen < sizeof body ? (size_t)blen : sizeof body - 1);
  fit_middle(where, room > 160 ? room : 160, file);
  int n;
  if (file[0] && line > 0) n = snprintf(err->message, sizeof err->message, "%s:%d: %s", where, line, body);
  else if (file[0]) n = snprintf(err->message, sizeof err->message, "%s: %s", where, body);
  else n = snprintf(err->message, sizeof err->message, "%s", body);
  size_t whole = (size_t)(n > 0 ? n : 0) + ((size_t)blen >= sizeof body ? (size_t)blen - (sizeof body - 1) : 0);
  if (whole >= sizeof err->message) mark_cut(err->message, sizeof err->message, whole);
  return status;
}

const char *hl_version(void) { return HIPLOAD_VERSION_STRING; }
