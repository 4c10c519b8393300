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

hl_status hl_error_set(hl_error *err, hl_status status, const char *file, int line,
                       const char *fmt, ...) {
  if (!err) return status;
  err->status = status;
  err->line = line;
  snprintf(err->file, sizeof err->file, "%s", file ? file : "");
  char body[900];
  body[0] = '\0';
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    hl__vsnprintf_c(body, sizeof body, fmt, ap);
    va_end(ap);
  }
  if (file && file[0] && line > 0)
    snprintf(err->message, sizeof err->message, "%s:%d: %s", file, line, body);
  else if (file && file[0])
    snprintf(err->message, sizeof err->message, "%s: %s", file, body);
  else
    snprintf(err->message, sizeof err->message, "%s", body);
  return status;
}

const char *hl_version(void) { return HIPLOAD_VERSION_STRING; }
