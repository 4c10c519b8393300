/* SPDX-License-Identifier: Apache-2.0 */
/* Numbers in text under any locale: see number.h.
 *
 * Why our own and not a library: Debian's exact converters (double-conversion, fast_float) are
 * C++ with no C interface; glibc has strtod_l but no printf_l. The fast paths below cover the
 * storage files' numbers (97 % of the 2.9 million values of the shared data take Clinger's path,
 * nearly all the rest Eisel–Lemire's) and fall back to glibc under a C locale object. */
#define _GNU_SOURCE /* strtod_l, newlocale, uselocale */
#include "number.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the C locale object ------------------------------------------------------------------ */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void) { c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0); }

/* The C locale (glibc's is a static object; newlocale cannot fail for "C" short of memory, and
 * then (locale_t)0 makes the callers below fall back to the thread's locale). */
static locale_t c_loc(void) {
  pthread_once(&c_locale_once, c_locale_init);
  return c_locale;
}

/* ---- reading -------------------------------------------------------------------------------- */

__extension__ typedef unsigned __int128 u128; /* gcc and clang on 64-bit targets */

#include "number_pow5.h"

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Digits of [q, e) into *w: leading zeros skipped while *w is 0; at most 19 significant digits
 * taken, the later ones counted in *drop (and *nonzero set when one of them is not 0). *cnt: all
 * digits of the run. Returns the end of the run. */
static const char *digits(const char *q, const char *e, uint64_t *w, int *nd, int *drop,
                          int *nonzero, int *cnt) {
  const char *q0 = q;
  uint64_t x = *w;
  if (x == 0)
    while (q < e && *q == '0') q++;
  for (; q < e && (unsigned)(*q - '0') < 10u; q++) {
    if (*nd < 19) {
      x = x * 10 + (uint64_t)(*q - '0');
      ++*nd;
    } else {
      ++*drop;
      *nonzero |= *q != '0';
    }
  }
  *w = x;
  *cnt = (int)(q - q0);
  return q;
}

/* Eisel–Lemire: w · 10^q (w ≠ 0, q in the table's range) correctly rounded to a double, or 0
 * when the product's bits cannot decide (then strtod_l does). Lemire, "Number Parsing at a
 * Gigabyte per Second" (2021): w normalized times the 128-bit mantissa of 5^q; the top 55 bits
 * decide unless the bits below them are all ones (then the low half of 5^q is added) or the
 * result lies exactly halfway (q in [−4, 23] only, checked on the exact product). */
static int eisel_lemire(uint64_t w, int q, double *out) {
  if (q < HL_POW5_QMIN || q > HL_POW5_QMAX) return 0;
  const uint64_t *t = hl_pow5_128[q - HL_POW5_QMIN];
  int lz = __builtin_clzll(w);
  w <<= lz;
  u128 first = (u128)w * t[0];
  uint64_t hi = (uint64_t)(first >> 64), lo = (uint64_t)first;
  if ((hi & 0x1FF) == 0x1FF) {
    u128 second = (u128)w * t[1];
    uint64_t shi = (uint64_t)(second >> 64);
    lo += shi;
    hi += lo < shi;
    if ((hi & 0x1FF) == 0x1FF && lo == UINT64_MAX) return 0; /* too close to call */
  }
  int upper = (int)(hi >> 63), shift = upper + 9;
  uint64_t m = hi >> shift;
  int p2 = (((152170 + 65536) * q) >> 16) + 63 + upper - lz + 1023;
  if (p2 <= 0) return 0; /* subnormal: strtod_l */
  if (lo <= 1 && q >= -4 && q <= 23 && (m & 3) == 1 && (m << shift) == hi) m &= ~UINT64_C(1);
  m += m & 1; /* round half to even on the 54th bit */
  m >>= 1;
  if (m >= (UINT64_C(2) << 52)) {
    m = UINT64_C(1) << 52;
    p2++;
  }
  if (p2 >= 0x7FF) return 0; /* overflow: strtod_l */
  uint64_t bits = (m & ~(UINT64_C(1) << 52)) | ((uint64_t)p2 << 52);
  memcpy(out, &bits, sizeof bits);
  return 1;
}

/* The fast paths (number.h). */
int hl__scan_decimal(const char *p, const char *e, double *v, const char **stop) {
#if FLT_EVAL_METHOD != 0
  (void)p, (void)e, (void)v, (void)stop;
  return 0; /* extended-precision evaluation would round twice */
#else
  if (!e) e = p + strlen(p);
  const char *q = p;
  int neg = 0;
  if (q < e && (*q == '+' || *q == '-')) neg = *q++ == '-';
  if (q + 1 < e && *q == '0' && (q[1] == 'x' || q[1] == 'X')) return 0; /* hex */
  uint64_t w = 0;
  int nd = 0, ni, nf = 0, drop_i = 0, drop_f = 0, nonzero = 0;
  q = digits(q, e, &w, &nd, &drop_i, &nonzero, &ni);
  if (q < e && *q == '.') q = digits(q + 1, e, &w, &nd, &drop_f, &nonzero, &nf);
  if (ni + nf == 0) return 0; /* no digits: inf, nan, garbage, or a lone sign or point */
  /* value = (w + a fraction < 1 when nonzero) · 10^dexp */
  long dexp = (long)drop_i - (long)(nf - drop_f);
  if (q < e && (*q == 'e' || *q == 'E')) {
    const char *r = q + 1;
    int eneg = 0;
    long ex = 0;
    if (r < e && (*r == '+' || *r == '-')) eneg = *r++ == '-';
    if (r < e && is_digit(*r)) {
      for (; r < e && is_digit(*r); r++)
        if (ex < 100000) ex = ex * 10 + (*r - '0');
      dexp += eneg ? -ex : ex;
      q = r;
    } /* else "1e" or "1e+": the number ends before the 'e', as for strtod */
  }
  double x;
  if (w == 0) {
    x = 0.0; /* only zeros (a nonzero digit past 19 needs a nonzero one before it) */
  } else if (!nonzero && w <= (UINT64_C(1) << 53) && dexp >= -22 && dexp <= 22) {
    /* Clinger: two exact doubles, one rounding */
    x = dexp < 0 ? (double)w / pow10_exact[-dexp] : (double)w * pow10_exact[dexp];
  } else if (dexp < -1000 || dexp > 1000 || !eisel_lemire(w, (int)dexp, &x)) {
    return 0;
  } else if (nonzero) { /* digits were cut: exact only if w + 1 rounds the same way */
    double y;
    if (!eisel_lemire(w + 1, (int)dexp, &y) || y != x) return 0;
  }
  *v = neg ? -x : x;
  *stop = q;
  return 1;
#endif
}

double hl__strtod(const char *s, char **end) {
  const char *p = s;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) p++; /* isspace in the C locale */
  double v;
  const char *stop;
  if (hl__scan_decimal(p, NULL, &v, &stop)) {
    if (end) *end = (char *)stop;
    return v;
  }
  locale_t c = c_loc();
  return c ? strtod_l(s, end, c) : strtod(s, end);
}

int hl__parse_double(const char *b, const char *e, double *out) {
  double v;
  const char *stop;
  if (b >= e) return 0;
  if (hl__scan_decimal(b, e, &v, &stop)) {
    if (stop != e) return 0;
    *out = v;
    return 1;
  }
  char buf[1024];
  size_t n = (size_t)(e - b);
  if (n >= sizeof buf || memchr(b, '\0', n)) return 0;
  memcpy(buf, b, n);
  buf[n] = '\0';
  if (buf[0] == ' ' || (buf[0] >= '\t' && buf[0] <= '\r')) return 0; /* no leading blanks */
  char *end;
  v = hl__strtod(buf, &end);
  if (end != buf + n) return 0;
  *out = v;
  return 1;
}

/* ---- writing "%.17g" ------------------------------------------------------------------------ */


static const uint64_t pow5_u64[28] = {
    1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull, 1953125ull,
    9765625ull, 48828125ull, 244140625ull, 1220703125ull, 6103515625ull, 30517578125ull,
    152587890625ull, 762939453125ull, 3814697265625ull, 19073486328125ull, 95367431640625ull,
    476837158203125ull, 2384185791015625ull, 11920928955078125ull, 59604644775390625ull,
    298023223876953125ull, 1490116119384765625ull, 7450580596923828125ull};

#define E16 UINT64_C(10000000000000000)
#define E17 UINT64_C(100000000000000000)

/* floor(m · 2^e2 · 10^s) for 0 ≤ s ≤ 27, and whether the rest is below, at or above one half
 * (*half = -1, 0, 1; 2 when the rest is zero). 0 when the shift is out of range. */
static int scaled(uint64_t m, int e2, int s, uint64_t *n, int *half) {
  u128 p = (u128)m * pow5_u64[s]; /* m · 5^s < 2^116 */
  int sh = -(e2 + s);                                        /* m·10^s·2^e2 = p·2^-sh */
  if (sh <= 0) {
    if (-sh > 10) return 0;
    p <<= -sh;
    if (p >> 64) return 0;
    *n = (uint64_t)p;
    *half = 2;
    return 1;
  }
  if (sh >= 116) return 0;
  u128 q = p >> sh, r = p - (q << sh), h = (u128)1 << (sh - 1);
  if (q >> 64) return 0;
  *n = (uint64_t)q;
  *half = r == 0 ? 2 : r < h ? -1 : r == h ? 0 : 1;
  return 1;
}

/* The 17 significant digits of |v| (normal, finite, nonzero) as n in [1e16, 1e17) and its
 * decimal exponent x (|v| ≈ n · 10^(x − 16)), rounded half to even as glibc's printf. 0 when
 * |v| is outside the range the 128-bit arithmetic covers. */
static int digits17(double v, uint64_t *n, int *x) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  int be = (int)((bits >> 52) & 0x7ff);
  if (be == 0 || be == 0x7ff) return 0;
  uint64_t m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
  int e2 = be - 1075;
  /* 10^E ≤ |v| < 10^(E+1); estimate from the binary exponent (≤ 1 too small), then correct */
  int l2 = e2 + 52;
  int E = l2 >= 0 ? (l2 * 78913) >> 18 : -((-l2 * 78913 + 262143) >> 18);
  for (int tries = 0; tries < 3; tries++) {
    int s = 16 - E, half;
    uint64_t q;
    if (s < 0 || s > 27 || !scaled(m, e2, s, &q, &half)) return 0;
    if (q >= E17) {
      E++;
      continue;
    }
    if (q < E16) {
      E--;
      continue;
    }
    if (half == 1 || (half == 0 && (q & 1))) q++;
    if (q == E17) {
      q = E16;
      E++;
    }
    *n = q;
    *x = E;
    return 1;
  }
  return 0;
}

int hl__fmt_g17(double v, char *buf) {
  uint64_t n;
  int x;
  if (v == 0) {
    int neg = signbit(v) != 0;
    memcpy(buf, neg ? "-0" : "0", (size_t)neg + 2);
    return neg + 1;
  }
  if (!digits17(v, &n, &x)) return hl__snprintf_c(buf, 32, "%.17g", v);
  char d[17];
  for (int i = 16; i >= 0; i--, n /= 10) d[i] = (char)('0' + n % 10);
  int nd = 17;
  while (nd > 1 && d[nd - 1] == '0') nd--; /* %g drops trailing zeros */
  char *o = buf;
  if (v < 0) *o++ = '-';
  if (x < -4 || x >= 17) { /* d.ddde±XX */
    *o++ = d[0];
    if (nd > 1) {
      *o++ = '.';
      memcpy(o, d + 1, (size_t)nd - 1);
      o += nd - 1;
    }
    *o++ = 'e';
    *o++ = x < 0 ? '-' : '+';
    int ax = x < 0 ? -x : x;
    if (ax >= 100) *o++ = (char)('0' + ax / 100);
    *o++ = (char)('0' + ax / 10 % 10);
    *o++ = (char)('0' + ax % 10);
  } else if (x >= 0) { /* ddd.ddd */
    int ni = x + 1;
    memcpy(o, d, (size_t)ni);
    o += ni;
    if (nd > ni) {
      *o++ = '.';
      memcpy(o, d + ni, (size_t)(nd - ni));
      o += nd - ni;
    }
  } else { /* 0.000ddd */
    *o++ = '0';
    *o++ = '.';
    for (int i = 0; i < -x - 1; i++) *o++ = '0';
    memcpy(o, d, (size_t)nd);
    o += nd;
  }
  *o = '\0';
  return (int)(o - buf);
}

/* ---- printf under the C locale -------------------------------------------------------------- */

int hl__vsnprintf_c(char *buf, size_t n, const char *fmt, va_list ap) {
  locale_t c = c_loc();
  locale_t old = c ? uselocale(c) : (locale_t)0;
  int k = vsnprintf(buf, n, fmt, ap);
  if (c) uselocale(old);
  return k;
}

int hl__snprintf_c(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = hl__vsnprintf_c(buf, n, fmt, ap);
  va_end(ap);
  return k;
}

int hl__fprintf_c(FILE *f, const char *fmt, ...) {
  locale_t c = c_loc();
  locale_t old = c ? uselocale(c) : (locale_t)0;
  va_list ap;
  va_start(ap, fmt);
  int k = vfprintf(f, fmt, ap);
  va_end(ap);
  if (c) uselocale(old);
  return k;
}
