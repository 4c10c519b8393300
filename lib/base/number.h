/* SPDX-License-Identifier: Apache-2.0 */
/* Internal: numbers in text, read and written the same way under any locale.
 *
 * Every number the library reads (storage files, model and setup XML, ExternalLoads, manifests)
 * goes through hl__strtod or hl__parse_double, and every number it writes through hl__fmt_g17 or
 * the *_c printf wrappers: the result is the one the C locale gives, whatever LC_NUMERIC the host
 * program set (a GUI host under de_DE would otherwise make strtod stop at the '.' of "9.80665"
 * and printf write "0,5").
 *
 * Reading is exact: the same double as strtod in the C locale (correctly rounded, round to
 * nearest even), bit for bit. A decimal w · 10^E with w ≤ 2^53 and |E| ≤ 22 is one IEEE
 * multiplication or division of two exact doubles (Clinger); other decimals of up to 19
 * significant digits (longer ones cut to 19 when w and w + 1 round alike) and |E| ≤ 64 take the
 * Eisel–Lemire step with a 128-bit table of powers of 5 (number_pow5.h); anything undecided or
 * else (subnormals, overflow, hexadecimal, inf/nan spellings) goes to strtod_l with a C locale
 * object. Writing "%.17g" is exact by 128-bit integer arithmetic for magnitudes 1e-11 to
 * 1e17 and snprintf under the C locale otherwise. Thread-safe; no allocation. */
#ifndef HIPLOAD_NUMBER_H
#define HIPLOAD_NUMBER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* strtod in the C locale: same value, same *end (may be NULL), same errno on overflow and
 * underflow. */
double hl__strtod(const char *s, char **end);

/* The whole of [b, e) (not NUL-terminated; no blanks) as one number: 1 and *out set, or 0 when
 * strtod in the C locale would not consume exactly [b, e). */
int hl__parse_double(const char *b, const char *e, double *out);

/* The fast path alone, over [p, e) (e may be NULL: up to a NUL): 1 with *v and *stop (the
 * character after the number, as strtod's end) when the text starting at p is a plain decimal that
 * Clinger's path converts exactly; 0 otherwise (then hl__parse_double or hl__strtod decide). */
int hl__scan_decimal(const char *p, const char *e, double *v, const char **stop);

/* printf's "%.17g" of v in the C locale into buf (at least 32 bytes), NUL-terminated; returns
 * the length. */
int hl__fmt_g17(double v, char *buf);

/* snprintf / vsnprintf / fprintf with the C locale's decimal point, for any format. */
int hl__snprintf_c(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int hl__vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int hl__fprintf_c(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
