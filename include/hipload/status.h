/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — status codes, error details and warnings shared by every module.
 *
 * Every fallible call returns an hl_status. HL_OK is zero; everything else is an error.
 * hl_strerror() gives a fixed one-line text for a status. The detail (which file, which line,
 * which field, which coordinate, which frame time) goes into an hl_error that the caller passes
 * in (it may pass NULL when it does not want the detail). A solver that stops in least squares
 * or at its iteration limit has still answered: that is an outcome in its result, not an error.
 *
 * Thread safety: all functions here are reentrant; an hl_error belongs to its caller.
 */
#ifndef HIPLOAD_STATUS_H
#define HIPLOAD_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the library's public functions: the shared library exports these and nothing else. A
 * binding that parses the headers may define HL_API as empty first. */
#ifndef HL_API
#if defined(__GNUC__)
#define HL_API __attribute__((visibility("default")))
#else
#define HL_API
#endif
#endif

typedef enum hl_status {
  HL_OK = 0,
  HL_ERR_NOMEM,          /* an allocation failed */
  HL_ERR_IO,             /* a file could not be opened, read or written */
  HL_ERR_PARSE,          /* a file's content does not follow its format */
  HL_ERR_INVALID_ARG,    /* a caller passed an impossible argument (NULL, size 0, ...) */
  HL_ERR_NOT_FOUND,      /* a named column, body, coordinate, joint or muscle is missing */
  HL_ERR_UNSUPPORTED,    /* a valid input uses a feature hipload does not implement yet */
  HL_ERR_BAD_VALUE,      /* a value is NaN/Inf or physically absurd */
  HL_ERR_RANGE,          /* a time or index lies outside the data */
  HL_ERR_SINGULAR,       /* a matrix could not be factorized */
  HL_ERR_NO_CONVERGENCE, /* a caller refused an answer its solver reached only at the iteration
                            limit (the solver itself reports that as an outcome, not an error) */
  HL_STATUS_COUNT
} hl_status;

/* Fixed text for a status ("ok", "out of memory", ...). Never NULL. */
HL_API const char *hl_strerror(hl_status status);

/* Error detail. file and line are the input file and 1-based line (0 when not applicable).
 * The text fields have fixed sizes and are never cut silently: a path longer than `file` keeps
 * its start and its end (the file name) around "..."; in `message` a long path gives up its
 * middle first, and a message still too long ends with " [... message cut, N bytes]" (N: the
 * whole message's length). */
typedef struct hl_error {
  hl_status status;   /* the status that was returned */
  int line;           /* 1-based line in `file`, 0 when unknown */
  char file[512];     /* input file the error is about, "" when none */
  char message[1024]; /* full human-readable message, including file:line when known */
} hl_error;

/* Reset an error record to HL_OK and empty strings. NULL is accepted. */
HL_API void hl_error_clear(hl_error *err);

/* Fill `err` (when not NULL) with status, file, line and a printf-style message, and return
 * `status`, so a call site can write `return hl_error_set(err, HL_ERR_PARSE, path, ln, "...")`.
 * The stored message reads "FILE:LINE: message" when file/line are given. */
HL_API hl_status hl_error_set(hl_error *err, hl_status status, const char *file, int line,
                              const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Library version, e.g. "0.1.0". */
HL_API const char *hl_version(void);

/* A warning: an answer was produced, but part of it deserves a look (a frame solved in least
 * squares, a muscle at its upper bound, a reserve carrying much of a joint moment, ...). Who
 * issues which code, and with which threshold, is stated in docs/reliability.md. */
typedef enum hl_warning_code {
  HL_WARN_NONE = 0,
  HL_WARN_SO_LEAST_SQUARES,   /* static optimization could not meet the inverse-dynamics forces */
  HL_WARN_SO_ITERATION_LIMIT, /* static optimization stopped at its iteration limit */
  HL_WARN_CODE_COUNT
} hl_warning_code;

typedef struct hl_warning {
  hl_warning_code code;
  int index;           /* model index of the muscle, actuator, coordinate or joint it is about,
                          -1 when none */
  double time;         /* s: the frame it is about (NAN when not one frame) */
  double value;        /* the quantity found, in the unit the message states */
  double limit;        /* the threshold it crossed, same unit (NAN when none) */
  const char *message; /* one line naming what, where and the values; owned by whoever issued
                          the warning (a frame workspace: until its next step) */
} hl_warning;

#ifdef __cplusplus
}
#endif
#endif
