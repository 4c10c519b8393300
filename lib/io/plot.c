/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — SVG line and signed stacked-area charts (see include/hipload/plot.h).
 *
 * Everything is written by hand into a growable buffer: no dependency, no locale-dependent
 * number formatting (floating-point values are turned into integers before any printf). */
#include "hipload/plot.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- layout, in viewBox px of a 1280×720 (16:9) slide ---------------------------------- */

#define PL_W 1280.0
#define PL_H 720.0
#define PL_LEFT 118.0            /* plot area left edge (room for tick labels and y label) */
#define PL_RIGHT_LEGEND 930.0    /* plot area right edge when a legend is drawn to its right */
#define PL_RIGHT_BARE 1230.0     /* ... when there is no legend */
#define PL_BOTTOM 612.0          /* plot area bottom edge */
#define PL_MAX_INTERVALS 8       /* at most this many tick intervals per axis */
#define PL_FONT "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
#define PL_PIXEL_LIMIT 1.0e5     /* data far outside a fixed range is clamped this far out */

enum { KIND_LINE = 0, KIND_STACK = 1 };

typedef struct series {
  int kind;      /* KIND_LINE or KIND_STACK */
  char *label;   /* owned copy, never NULL */
  double *x, *y; /* owned copies, n each */
  int n;
  hl_plot_style style;
  long color;    /* resolved 0xRRGGBB */
} series;

typedef struct marker {
  double x, y;
  char *label;
} marker;

struct hl_plot {
  char *title, *x_label, *y_label, *subtitle, *caption;
  series *s;
  int ns, cap_s;
  marker *m;
  int nm, cap_m;
  int n_lines, n_stacks;      /* for automatic colours */
  int x_fixed, y_fixed;
  double x_lo, x_hi, y_lo, y_hi;
  int y_include_zero;
};

/* ---- small helpers ---------------------------------------------------------------------- */

static hl_status oom(hl_error *err, const char *what) {
  return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "plot: out of memory (%s)", what);
}

static char *dup_or_empty(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static hl_status set_text(char **dst, const char *src, const char *what, hl_error *err) {
  char *d = NULL;
  if (src) {
    d = dup_or_empty(src);
    if (!d) return oom(err, what);
  }
  free(*dst);
  *dst = d;
  return HL_OK;
}

long hl_plot_okabe_ito(int i) {
  /* Okabe & Ito (2008), Color Universal Design, the eight-colour palette. */
  static const long pal[8] = {0x000000, 0xE69F00, 0x56B4E9, 0x009E73,
                              0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7};
  int k = i % 8;
  if (k < 0) k += 8;
  return pal[k];
}

/* Blend 0xRRGGBB towards white (t = 0: unchanged, t = 1: white). */
static long tint(long c, double t) {
  long out = 0;
  for (int sh = 16; sh >= 0; sh -= 8) {
    double v = (double)((c >> sh) & 0xFF);
    out |= (long)lround(v + (255.0 - v) * t) << sh;
  }
  return out;
}

/* Automatic colours. Lines start with black (the total) and run through the palette. Stacks use
 * the seven non-black hues (black bands are too heavy), then the same hues lightened by 45 %,
 * then darkened; grey is never picked automatically, so a caller can keep it for a remainder. */
static long auto_line_color(int k) {
  static const int order[8] = {0, 6, 5, 3, 1, 7, 2, 4};
  return hl_plot_okabe_ito(order[k % 8]);
}
static long auto_stack_color(int k) {
  static const int order[7] = {2, 1, 3, 7, 5, 6, 4};
  long c = hl_plot_okabe_ito(order[k % 7]);
  int round = (k / 7) % 3;
  if (round == 1) return tint(c, 0.45);
  if (round == 2) return c - ((c >> 2) & 0x3F3F3F); /* each channel × 3/4 */
  return c;
}

void hl_plot_style_defaults(hl_plot_style *st) {
  if (!st) return;
  st->color = HL_PLOT_AUTO_COLOR;
  st->width = 0.0;
  st->dash = HL_PLOT_SOLID;
  st->opacity = 0.0;
}

/* ---- the text buffer ------------------------------------------------------------------- */

typedef struct sbuf {
  char *p;
  size_t len, cap;
  int oom;
} sbuf;

static void sb_reserve(sbuf *b, size_t extra) {
  if (b->oom) return;
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + extra + 1) {
    if (cap > SIZE_MAX / 2) {
      b->oom = 1;
      return;
    }
    cap *= 2;
  }
  char *q = realloc(b->p, cap);
  if (!q) {
    b->oom = 1;
    return;
  }
  b->p = q;
  b->cap = cap;
}

static void sb_putn(sbuf *b, const char *s, size_t n) {
  sb_reserve(b, n);
  if (b->oom) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

/* printf for strings and integers only (never %f/%g: those follow the C locale). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    sb_putn(b, tmp, (size_t)n);
    return;
  }
  sb_reserve(b, (size_t)n);
  if (b->oom) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

/* Append UTF-8 text as XML character data / attribute value: escape the five special
 * characters, replace invalid UTF-8 with U+FFFD, turn tab/newline into a space and drop the
 * other control characters (XML 1.0 forbids them) and U+FFFE/U+FFFF. */
static void sb_text(sbuf *b, const char *s) {
  const unsigned char *u = (const unsigned char *)(s ? s : "");
  while (*u) {
    unsigned c = u[0];
    if (c < 0x80) {
      switch (c) {
      case '&': sb_puts(b, "&amp;"); break;
      case '<': sb_puts(b, "&lt;"); break;
      case '>': sb_puts(b, "&gt;"); break;
      case '"': sb_puts(b, "&quot;"); break;
      case '\'': sb_puts(b, "&#39;"); break;
      case '\t': case '\n': case '\r': sb_puts(b, " "); break;
      default:
        if (c >= 0x20 && c != 0x7F) sb_putn(b, (const char *)u, 1);
      }
      u++;
      continue;
    }
    int len = 0;
    unsigned cp = 0, min = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    int ok = len > 0;
    for (int k = 1; ok && k < len; k++) {
      if ((u[k] & 0xC0) != 0x80) ok = 0;
      else cp = (cp << 6) | (u[k] & 0x3F);
    }
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = 0;
    if (!ok) {
      sb_puts(b, "\xEF\xBF\xBD"); /* U+FFFD; skip one byte and resynchronise */
      u++;
      continue;
    }
    if (cp != 0xFFFE && cp != 0xFFFF) sb_putn(b, (const char *)u, (size_t)len);
    u += len;
  }
}

/* Fixed-point decimal with `dec` decimals (0..15), trailing zeros kept when keep_zeros, with
 * `minus` as the sign text. Values too large for an exact integer fall back to sb_general. */
static void sb_general(sbuf *b, double v);

static void sb_fixed(sbuf *b, double v, int dec, int keep_zeros, const char *minus) {
  if (dec < 0) dec = 0;
  if (dec > 15) dec = 15;
  double sc = 1.0;
  for (int i = 0; i < dec; i++) sc *= 10.0;
  double r = fabs(v) * sc;
  if (!isfinite(r) || r >= 9.0e18) {
    sb_general(b, v);
    return;
  }
  unsigned long long q = (unsigned long long)llround(r);
  unsigned long long p10 = 1;
  for (int i = 0; i < dec; i++) p10 *= 10ULL;
  unsigned long long ip = q / p10, fp = q % p10;
  if (v < 0 && q != 0) sb_puts(b, minus);
  sb_printf(b, "%llu", ip);
  if (dec == 0) return;
  char frac[24];
  snprintf(frac, sizeof frac, "%0*llu", dec, fp);
  int n = dec;
  if (!keep_zeros)
    while (n > 0 && frac[n - 1] == '0') n--;
  if (n == 0) return;
  sb_puts(b, ".");
  sb_putn(b, frac, (size_t)n);
}

/* Any finite double, 15 significant digits, "1.5e+300" style when far from 1 (ASCII only). */
static void sb_general(sbuf *b, double v) {
  if (!isfinite(v)) {
    sb_puts(b, "0");
    return;
  }
  if (v == 0.0) {
    sb_puts(b, "0");
    return;
  }
  double a = fabs(v);
  int e = (int)floor(log10(a));
  double m = a / pow(10.0, e); /* 1 ≤ m < 10 up to rounding */
  long long digits = llround(m * 1e14);
  if (digits >= 1000000000000000LL) { /* rounding reached 10.0 */
    digits /= 10;
    e += 1;
  }
  if (e >= -1 && e <= 15) {
    /* plain decimal with all 15 digits: value = digits × 10^(e-14), at most 15 decimals */
    int dec = 14 - e;
    if (dec < 0) dec = 0;
    sb_fixed(b, v, dec, 0, "-");
    return;
  }
  char d[24];
  snprintf(d, sizeof d, "%lld", digits);
  int n = (int)strlen(d);
  while (n > 1 && d[n - 1] == '0') n--;
  if (v < 0) sb_puts(b, "-");
  sb_putn(b, d, 1);
  if (n > 1) {
    sb_puts(b, ".");
    sb_putn(b, d + 1, (size_t)(n - 1));
  }
  sb_printf(b, "e%+d", e);
}

/* A pixel coordinate: two decimals, no trailing zeros. */
static void sb_px(sbuf *b, double v) {
  if (!(v > -PL_PIXEL_LIMIT)) v = -PL_PIXEL_LIMIT; /* also catches NaN */
  if (v > PL_PIXEL_LIMIT) v = PL_PIXEL_LIMIT;
  sb_fixed(b, v, 2, 0, "-");
}

static void sb_color(sbuf *b, long rgb) { sb_printf(b, "#%06lX", (unsigned long)rgb & 0xFFFFFFUL); }

/* ---- create / free / setters ------------------------------------------------------------ */

hl_status hl_plot_create(const char *title, const char *x_label, const char *y_label,
                         hl_plot **out, hl_error *err) {
  if (!out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_plot_create: out is NULL");
  *out = NULL;
  hl_plot *p = calloc(1, sizeof *p);
  if (!p) return oom(err, "plot");
  p->y_include_zero = 1;
  hl_status st = HL_OK;
  if ((st = set_text(&p->title, title, "title", err)) != HL_OK ||
      (st = set_text(&p->x_label, x_label, "x label", err)) != HL_OK ||
      (st = set_text(&p->y_label, y_label, "y label", err)) != HL_OK) {
    hl_plot_free(p);
    return st;
  }
  *out = p;
  return HL_OK;
}

void hl_plot_free(hl_plot *p) {
  if (!p) return;
  for (int i = 0; i < p->ns; i++) {
    free(p->s[i].label);
    free(p->s[i].x);
    free(p->s[i].y);
  }
  for (int i = 0; i < p->nm; i++) free(p->m[i].label);
  free(p->s);
  free(p->m);
  free(p->title);
  free(p->x_label);
  free(p->y_label);
  free(p->subtitle);
  free(p->caption);
  free(p);
}

#define NEED_PLOT(p, fn)                                                                    \
  do {                                                                                      \
    if (!(p)) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, fn ": plot is NULL");  \
  } while (0)

hl_status hl_plot_set_subtitle(hl_plot *p, const char *subtitle, hl_error *err) {
  NEED_PLOT(p, "hl_plot_set_subtitle");
  return set_text(&p->subtitle, subtitle, "subtitle", err);
}

hl_status hl_plot_set_caption(hl_plot *p, const char *caption, hl_error *err) {
  NEED_PLOT(p, "hl_plot_set_caption");
  return set_text(&p->caption, caption, "caption", err);
}

/* Fix one axis range after checking it; fn names the public call in the message. */
static hl_status set_range(hl_plot *p, int is_y, double lo, double hi, const char *fn,
                           hl_error *err) {
  if (!p) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "%s: plot is NULL", fn);
  if (!isfinite(lo) || !isfinite(hi) || !(lo < hi) || !isfinite(hi - lo))
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                        "%s: range must be finite with lo < hi", fn);
  *(is_y ? &p->y_fixed : &p->x_fixed) = 1;
  *(is_y ? &p->y_lo : &p->x_lo) = lo;
  *(is_y ? &p->y_hi : &p->x_hi) = hi;
  return HL_OK;
}

hl_status hl_plot_set_x_range(hl_plot *p, double lo, double hi, hl_error *err) {
  return set_range(p, 0, lo, hi, "hl_plot_set_x_range", err);
}

hl_status hl_plot_set_y_range(hl_plot *p, double lo, double hi, hl_error *err) {
  return set_range(p, 1, lo, hi, "hl_plot_set_y_range", err);
}

hl_status hl_plot_set_y_include_zero(hl_plot *p, int include_zero, hl_error *err) {
  NEED_PLOT(p, "hl_plot_set_y_include_zero");
  p->y_include_zero = include_zero != 0;
  return HL_OK;
}

static hl_status add_series(hl_plot *p, int kind, const char *label, const double *x,
                            const double *y, int n, const hl_plot_style *style, const char *fn,
                            hl_error *err) {
  if (!p) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "%s: plot is NULL", fn);
  if (n < 0)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "%s('%s'): n = %d is negative", fn,
                        label ? label : "", n);
  if (n > 0 && (!x || !y))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "%s('%s'): x or y is NULL with n = %d",
                        fn, label ? label : "", n);
  hl_plot_style st;
  if (style) st = *style;
  else hl_plot_style_defaults(&st);
  if (st.color != HL_PLOT_AUTO_COLOR && (st.color < 0 || st.color > 0xFFFFFF))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "%s('%s'): colour %ld is not 0xRRGGBB", fn, label ? label : "", st.color);
  if (!(st.opacity <= 1.0) || !isfinite(st.width))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "%s('%s'): opacity must be ≤ 1 and width finite", fn, label ? label : "");
  if (st.dash != HL_PLOT_SOLID && st.dash != HL_PLOT_DASHED && st.dash != HL_PLOT_DOTTED)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "%s('%s'): unknown dash style %d", fn,
                        label ? label : "", (int)st.dash);
  if (kind == KIND_STACK) {
    for (int i = 0; i < p->ns; i++) {
      const series *f = &p->s[i];
      if (f->kind != KIND_STACK) continue;
      if (f->n != n)
        return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                            "%s('%s'): %d points, but stack '%s' has %d (stacks share one x)",
                            fn, label ? label : "", n, f->label, f->n);
      for (int k = 0; k < n; k++) {
        int same = (x[k] == f->x[k]) || (isnan(x[k]) && isnan(f->x[k]));
        if (!same)
          return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                              "%s('%s'): x[%d] differs from stack '%s' (stacks share one x)",
                              fn, label ? label : "", k, f->label);
      }
      break;
    }
  }
  if (p->ns == p->cap_s) {
    int cap = p->cap_s ? 2 * p->cap_s : 8;
    series *q = realloc(p->s, (size_t)cap * sizeof *q);
    if (!q) return oom(err, "series");
    p->s = q;
    p->cap_s = cap;
  }
  series s;
  memset(&s, 0, sizeof s);
  s.kind = kind;
  s.n = n;
  s.style = st;
  s.label = dup_or_empty(label);
  size_t bytes = (size_t)(n > 0 ? n : 1) * sizeof(double);
  s.x = malloc(bytes);
  s.y = malloc(bytes);
  if (!s.label || !s.x || !s.y) {
    free(s.label);
    free(s.x);
    free(s.y);
    return oom(err, "series data");
  }
  if (n > 0) {
    memcpy(s.x, x, (size_t)n * sizeof(double));
    memcpy(s.y, y, (size_t)n * sizeof(double));
  }
  if (st.color != HL_PLOT_AUTO_COLOR) s.color = st.color;
  else s.color = kind == KIND_LINE ? auto_line_color(p->n_lines) : auto_stack_color(p->n_stacks);
  if (kind == KIND_LINE) p->n_lines++;
  else p->n_stacks++;
  p->s[p->ns++] = s;
  return HL_OK;
}

hl_status hl_plot_add_line(hl_plot *p, const char *label, const double *x, const double *y,
                           int n, const hl_plot_style *style, hl_error *err) {
  return add_series(p, KIND_LINE, label, x, y, n, style, "hl_plot_add_line", err);
}

hl_status hl_plot_add_stack(hl_plot *p, const char *label, const double *x, const double *y,
                            int n, const hl_plot_style *style, hl_error *err) {
  return add_series(p, KIND_STACK, label, x, y, n, style, "hl_plot_add_stack", err);
}

hl_status hl_plot_add_marker(hl_plot *p, double x, double y, const char *label, hl_error *err) {
  NEED_PLOT(p, "hl_plot_add_marker");
  if (!isfinite(x) || !isfinite(y))
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                        "hl_plot_add_marker('%s'): x and y must be finite", label ? label : "");
  if (p->nm == p->cap_m) {
    int cap = p->cap_m ? 2 * p->cap_m : 4;
    marker *q = realloc(p->m, (size_t)cap * sizeof *q);
    if (!q) return oom(err, "marker");
    p->m = q;
    p->cap_m = cap;
  }
  char *l = dup_or_empty(label);
  if (!l) return oom(err, "marker label");
  p->m[p->nm].x = x;
  p->m[p->nm].y = y;
  p->m[p->nm].label = l;
  p->nm++;
  return HL_OK;
}

/* ---- ticks ------------------------------------------------------------------------------ */

/* Give a degenerate range (equal ends, or a span lost in rounding) a visible width. */
static void widen_degenerate(double *lo, double *hi) {
  double mag = fmax(fabs(*lo), fabs(*hi));
  if (*hi - *lo > 1e-9 * mag && *hi > *lo) return;
  double mid = 0.5 * (*lo + *hi);
  double pad = mid != 0.0 ? 0.1 * fabs(mid) : 1.0;
  *lo = mid - pad;
  *hi = mid + pad;
}

/* Smallest 1-2-5 step whose widened range has ≤ max_int intervals; also the widened ends as
 * integer multiples (i0, i1) of the step. */
static double nice_step(double lo, double hi, int max_int, double *i0, double *i1) {
  double span = hi - lo;
  double raw = span / max_int;
  double mag = pow(10.0, floor(log10(raw)));
  static const double mult[] = {1, 2, 5, 10, 20, 50, 100};
  double step = mag * 100;
  for (size_t k = 0; k < sizeof mult / sizeof mult[0]; k++) {
    double s = mag * mult[k];
    double a = floor(lo / s + 1e-9), b = ceil(hi / s - 1e-9);
    if (b - a <= max_int + 1e-9) {
      step = s;
      break;
    }
  }
  *i0 = floor(lo / step + 1e-9);
  *i1 = ceil(hi / step - 1e-9);
  return step;
}

hl_status hl_plot_nice_ticks(double lo, double hi, int max_intervals, double *first,
                             double *step, int *count, hl_error *err) {
  if (!first || !step || !count || max_intervals < 1)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_plot_nice_ticks: NULL output or max_intervals %d < 1", max_intervals);
  if (!isfinite(lo) || !isfinite(hi) || lo > hi)
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                        "hl_plot_nice_ticks: range must be finite with lo <= hi");
  widen_degenerate(&lo, &hi);
  if (!isfinite(hi - lo) || !isfinite(lo) || !isfinite(hi))
    return hl_error_set(err, HL_ERR_RANGE, NULL, 0,
                        "hl_plot_nice_ticks: span of the range overflows a double");
  double i0, i1;
  double s = nice_step(lo, hi, max_intervals, &i0, &i1);
  *first = i0 * s;
  *step = s;
  *count = (int)(i1 - i0) + 1;
  return HL_OK;
}

/* An axis after layout: range, ticks and label scaling. */
typedef struct axis {
  double lo, hi;     /* data range mapped onto the axis */
  double step;       /* tick step */
  double t0;         /* first tick index (tick value = (t0 + i) · step) */
  int nt;            /* number of ticks */
  int exp10;         /* labels show value / 10^exp10; 0 = unscaled */
  int dec;           /* decimals in the labels */
} axis;

static hl_status axis_layout(axis *a, double lo, double hi, int fixed, hl_error *err) {
  if (!fixed) widen_degenerate(&lo, &hi);
  if (!isfinite(lo) || !isfinite(hi) || !isfinite(hi - lo))
    return hl_error_set(err, HL_ERR_RANGE, NULL, 0,
                        "plot: data span [%s, %s] overflows a double", lo < 0 ? "-huge" : "huge",
                        hi < 0 ? "-huge" : "huge");
  double i0, i1;
  double s = nice_step(lo, hi, PL_MAX_INTERVALS, &i0, &i1);
  if (fixed) {
    i0 = ceil(lo / s - 1e-9);
    i1 = floor(hi / s + 1e-9);
  } else {
    lo = i0 * s;
    hi = i1 * s;
    if (!isfinite(lo) || !isfinite(hi)) /* e.g. 1.7e308 rounds up to the tick 2e308 */
      return hl_error_set(err, HL_ERR_RANGE, NULL, 0,
                          "plot: data span overflows a double once widened to whole ticks");
  }
  a->lo = lo;
  a->hi = hi;
  a->step = s;
  a->t0 = i0;
  a->nt = i1 >= i0 ? (int)(i1 - i0) + 1 : 0;
  double mag = fmax(fabs(lo), fabs(hi));
  a->exp10 = 0;
  if (mag >= 1e5 || mag < 1e-3) a->exp10 = 3 * (int)floor(log10(mag) / 3.0);
  double sstep = s / pow(10.0, a->exp10);
  int d = -(int)floor(log10(sstep) + 1e-9);
  a->dec = d > 0 ? d : 0;
  return HL_OK;
}

static double tick_value(const axis *a, int i) { return (a->t0 + i) * a->step; }

/* Tick label text: value scaled by 10^-exp10, fixed decimals, U+2212 for negatives. */
static void sb_tick_label(sbuf *b, const axis *a, double v) {
  double sv = v / pow(10.0, a->exp10);
  if (fabs(sv) < 1e-9 * a->step / pow(10.0, a->exp10)) sv = 0.0;
  sb_fixed(b, sv, a->dec, 1, "\xE2\x88\x92");
}

/* "×10ⁿ" with Unicode superscript digits. */
static void sb_exp_note(sbuf *b, int e) {
  static const char *sup[10] = {"\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3",
                                "\xE2\x81\xB4", "\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7",
                                "\xE2\x81\xB8", "\xE2\x81\xB9"};
  sb_puts(b, "\xC3\x97" "10");
  if (e < 0) sb_puts(b, "\xE2\x81\xBB");
  char d[16];
  snprintf(d, sizeof d, "%d", e < 0 ? -e : e);
  for (char *c = d; *c; c++) sb_puts(b, sup[*c - '0']);
}

/* ---- data ranges ------------------------------------------------------------------------ */

static void grow(double v, double *lo, double *hi, int *any) {
  if (!isfinite(v)) return;
  if (!*any || v < *lo) *lo = v;
  if (!*any || v > *hi) *hi = v;
  *any = 1;
}

/* The stack sums at point i: top of the positive parts and bottom of the negative parts. */
static void stack_extent(const hl_plot *p, int i, double *pos, double *neg) {
  *pos = 0.0;
  *neg = 0.0;
  for (int k = 0; k < p->ns; k++) {
    const series *s = &p->s[k];
    if (s->kind != KIND_STACK || !isfinite(s->y[i])) continue;
    if (s->y[i] > 0) *pos += s->y[i];
    else *neg += s->y[i];
  }
}

static void data_extent(const hl_plot *p, double *xlo, double *xhi, int *xany, double *ylo,
                        double *yhi, int *yany) {
  const series *first_stack = NULL;
  for (int k = 0; k < p->ns; k++) {
    const series *s = &p->s[k];
    if (s->kind == KIND_STACK) {
      if (!first_stack) first_stack = s;
      continue;
    }
    for (int i = 0; i < s->n; i++) {
      if (!isfinite(s->x[i]) || !isfinite(s->y[i])) continue;
      grow(s->x[i], xlo, xhi, xany);
      grow(s->y[i], ylo, yhi, yany);
    }
  }
  if (first_stack) {
    for (int i = 0; i < first_stack->n; i++) {
      if (!isfinite(first_stack->x[i])) continue;
      double pos, neg;
      stack_extent(p, i, &pos, &neg);
      grow(first_stack->x[i], xlo, xhi, xany);
      grow(pos, ylo, yhi, yany);
      grow(neg, ylo, yhi, yany);
    }
  }
  for (int k = 0; k < p->nm; k++) {
    grow(p->m[k].x, xlo, xhi, xany);
    grow(p->m[k].y, ylo, yhi, yany);
  }
}

/* ---- rendering -------------------------------------------------------------------------- */

typedef struct frame {
  double left, right, top, bottom; /* plot area in px */
  axis x, y;
} frame;

static double map_x(const frame *f, double v) {
  return f->left + (v - f->x.lo) / (f->x.hi - f->x.lo) * (f->right - f->left);
}
static double map_y(const frame *f, double v) {
  return f->bottom - (v - f->y.lo) / (f->y.hi - f->y.lo) * (f->bottom - f->top);
}

static void sb_xy(sbuf *b, const char *cmd, double px, double py) {
  sb_puts(b, cmd);
  sb_px(b, px);
  sb_puts(b, " ");
  sb_px(b, py);
}

static void open_series_group(sbuf *b, const series *s, int k, const char *cls, int npts) {
  sb_printf(b, "<g id=\"series-%d\" class=\"series %s\" data-label=\"", k, cls);
  sb_text(b, s->label);
  sb_printf(b, "\" data-n=\"%d\">\n<title>", npts);
  sb_text(b, s->label);
  sb_puts(b, "</title>\n");
}

static int finite_pt(const series *s, int i) { return isfinite(s->x[i]) && isfinite(s->y[i]); }

static void render_line(sbuf *b, const frame *f, const series *s, int k) {
  int npts = 0;
  for (int i = 0; i < s->n; i++) npts += finite_pt(s, i);
  open_series_group(b, s, k, "line", npts);
  double w = s->style.width > 0 ? s->style.width : 3.5;
  if (npts == 0) {
    sb_puts(b, "</g>\n");
    return;
  }
  /* the path: one M per run of finite points */
  sb_puts(b, "<path class=\"data\" fill=\"none\" stroke=\"");
  sb_color(b, s->color);
  sb_puts(b, "\" stroke-width=\"");
  sb_px(b, w);
  sb_puts(b, "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
  if (s->style.dash == HL_PLOT_DASHED) {
    sb_puts(b, " stroke-dasharray=\"");
    sb_px(b, 4 * w);
    sb_puts(b, " ");
    sb_px(b, 2.5 * w);
    sb_puts(b, "\"");
  } else if (s->style.dash == HL_PLOT_DOTTED) {
    sb_puts(b, " stroke-dasharray=\"0.1 ");
    sb_px(b, 2.2 * w);
    sb_puts(b, "\"");
  }
  sb_puts(b, " d=\"");
  int prev = 0, first = 1;
  for (int i = 0; i < s->n; i++) {
    int ok = finite_pt(s, i);
    if (ok) {
      sb_xy(b, prev ? " L" : (first ? "M" : " M"), map_x(f, s->x[i]), map_y(f, s->y[i]));
      first = 0;
    }
    prev = ok;
  }
  sb_puts(b, "\"/>\n");
  /* isolated points (no finite neighbour) would be invisible in the path: draw a dot */
  for (int i = 0; i < s->n; i++) {
    if (!finite_pt(s, i)) continue;
    int left = i > 0 && finite_pt(s, i - 1), right = i + 1 < s->n && finite_pt(s, i + 1);
    if (left || right) continue;
    sb_puts(b, "<circle class=\"data\" cx=\"");
    sb_px(b, map_x(f, s->x[i]));
    sb_puts(b, "\" cy=\"");
    sb_px(b, map_y(f, s->y[i]));
    sb_puts(b, "\" r=\"");
    sb_px(b, 1.2 * w);
    sb_puts(b, "\" fill=\"");
    sb_color(b, s->color);
    sb_puts(b, "\"/>\n");
  }
  sb_puts(b, "</g>\n");
}

/* One band's polygons. base[] holds, per point, the running positive (sign > 0) or negative
 * stack level below this band; it is advanced by this band's part. */
static void render_band_part(sbuf *b, const frame *f, const series *s, double *base, int sign) {
  const int n = s->n;
  int i = 0;
  while (i < n) {
    if (!finite_pt(s, i)) {
      i++;
      continue;
    }
    int j = i;
    int nonzero = 0;
    while (j < n && finite_pt(s, j)) {
      double part = sign > 0 ? fmax(s->y[j], 0.0) : fmin(s->y[j], 0.0);
      if (part != 0.0) nonzero = 1;
      j++;
    }
    if (nonzero) {
      sb_puts(b, sign > 0 ? "<path class=\"pos\" d=\"" : "<path class=\"neg\" d=\"");
      for (int k = i; k < j; k++) {
        double part = sign > 0 ? fmax(s->y[k], 0.0) : fmin(s->y[k], 0.0);
        sb_xy(b, k == i ? "M" : " L", map_x(f, s->x[k]), map_y(f, base[k] + part));
      }
      for (int k = j - 1; k >= i; k--) sb_xy(b, " L", map_x(f, s->x[k]), map_y(f, base[k]));
      sb_puts(b, " Z\"/>\n");
    }
    for (int k = i; k < j; k++)
      base[k] += sign > 0 ? fmax(s->y[k], 0.0) : fmin(s->y[k], 0.0);
    i = j;
  }
}

static void render_stacks(sbuf *b, const frame *f, const hl_plot *p, double *pos, double *neg) {
  for (int k = 0; k < p->ns; k++) {
    const series *s = &p->s[k];
    if (s->kind != KIND_STACK) continue;
    int npts = 0;
    for (int i = 0; i < s->n; i++) npts += finite_pt(s, i);
    open_series_group(b, s, k, "stack", npts);
    double op = s->style.opacity > 0 ? s->style.opacity : 0.9;
    sb_puts(b, "<g fill=\"");
    sb_color(b, s->color);
    sb_puts(b, "\" fill-opacity=\"");
    sb_fixed(b, op, 3, 0, "-");
    sb_puts(b, "\" stroke=\"#FFFFFF\" stroke-width=\"0.8\" stroke-linejoin=\"round\">\n");
    render_band_part(b, f, s, pos, +1);
    render_band_part(b, f, s, neg, -1);
    sb_puts(b, "</g>\n</g>\n");
  }
}

static void sb_attr(sbuf *b, const char *name, double v) {
  sb_printf(b, " %s=\"", name);
  sb_px(b, v);
  sb_puts(b, "\"");
}

/* Opens <text ...> at (x, y); `extra` holds further attributes (may be NULL). */
static void text_open(sbuf *b, const char *id, const char *cls, double x, double y, double size,
                      const char *anchor, const char *fill, const char *extra) {
  sb_puts(b, "<text");
  if (id) sb_printf(b, " id=\"%s\"", id);
  if (cls) sb_printf(b, " class=\"%s\"", cls);
  sb_attr(b, "x", x);
  sb_attr(b, "y", y);
  sb_attr(b, "font-size", size);
  sb_printf(b, " text-anchor=\"%s\" fill=\"%s\"%s>", anchor, fill, extra ? extra : "");
}

static void sb_hline(sbuf *b, const char *attrs, double x1, double x2, double y1, double y2) {
  sb_printf(b, "<line%s", attrs);
  sb_attr(b, "x1", x1);
  sb_attr(b, "x2", x2);
  sb_attr(b, "y1", y1);
  sb_attr(b, "y2", y2);
  sb_puts(b, "/>\n");
}

static void render_grid(sbuf *b, const frame *f) {
  /* light lines at every tick, drawn under the data */
  sb_puts(b, "<g id=\"grid\" stroke=\"#E3E3E3\" stroke-width=\"1\">\n");
  for (int i = 0; i < f->y.nt; i++) {
    double py = map_y(f, tick_value(&f->y, i));
    sb_hline(b, "", f->left, f->right, py, py);
  }
  for (int i = 0; i < f->x.nt; i++) {
    double px = map_x(f, tick_value(&f->x, i));
    sb_hline(b, "", px, px, f->top, f->bottom);
  }
  sb_puts(b, "</g>\n");
}

/* One tick mark and its label; the label carries the exact tick value in data-value. */
static void render_tick(sbuf *b, const axis *a, double v, double x1, double y1, double x2,
                        double y2, double tx, double ty, const char *anchor) {
  sb_puts(b, "<path stroke=\"#222222\" stroke-width=\"1.6\" d=\"");
  sb_xy(b, "M", x1, y1);
  sb_xy(b, " L", x2, y2);
  sb_puts(b, "\"/>\n<text class=\"tick\"");
  sb_attr(b, "x", tx);
  sb_attr(b, "y", ty);
  sb_printf(b, " font-size=\"19\" text-anchor=\"%s\" fill=\"#333333\" data-value=\"", anchor);
  sb_general(b, v);
  sb_puts(b, "\">");
  sb_tick_label(b, a, v);
  sb_puts(b, "</text>\n");
}

/* Axis lines, ticks, tick labels, zero line and axis titles, drawn over the data. */
static void render_axis_ink(sbuf *b, const frame *f, const hl_plot *p) {
  if (f->y.lo < 0 && f->y.hi > 0) {
    double py = map_y(f, 0.0);
    sb_hline(b, " id=\"zero-line\" stroke=\"#444444\" stroke-width=\"1.4\"", f->left, f->right,
             py, py);
  }
  sb_puts(b, "<path id=\"axes\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.6\" d=\"");
  sb_xy(b, "M", f->left, f->top);
  sb_xy(b, " L", f->left, f->bottom);
  sb_xy(b, " L", f->right, f->bottom);
  sb_puts(b, "\"/>\n");

  sb_puts(b, "<g id=\"x-ticks\">\n");
  for (int i = 0; i < f->x.nt; i++) {
    double v = tick_value(&f->x, i), px = map_x(f, v);
    render_tick(b, &f->x, v, px, f->bottom, px, f->bottom + 7, px, f->bottom + 32, "middle");
  }
  if (f->x.exp10 != 0) {
    text_open(b, "x-exp", NULL, f->right, f->bottom + 58, 17, "end", "#333333", NULL);
    sb_exp_note(b, f->x.exp10);
    sb_puts(b, "</text>\n");
  }
  sb_puts(b, "</g>\n<g id=\"y-ticks\">\n");
  for (int i = 0; i < f->y.nt; i++) {
    double v = tick_value(&f->y, i), py = map_y(f, v);
    render_tick(b, &f->y, v, f->left - 7, py, f->left, py, f->left - 13, py + 6.5, "end");
  }
  if (f->y.exp10 != 0) {
    text_open(b, "y-exp", NULL, f->left, f->top - 12, 17, "middle", "#333333", NULL);
    sb_exp_note(b, f->y.exp10);
    sb_puts(b, "</text>\n");
  }
  sb_puts(b, "</g>\n");

  if (p->x_label) {
    text_open(b, "x-label", NULL, 0.5 * (f->left + f->right), f->bottom + 70, 22, "middle",
              "#111111", NULL);
    sb_text(b, p->x_label);
    sb_puts(b, "</text>\n");
  }
  if (p->y_label) {
    double cy = 0.5 * (f->top + f->bottom);
    sb_puts(b, "<text id=\"y-label\" x=\"0\" y=\"0\" font-size=\"22\" text-anchor=\"middle\" "
               "fill=\"#111111\" transform=\"translate(36 ");
    sb_px(b, cy);
    sb_puts(b, ") rotate(-90)\">");
    sb_text(b, p->y_label);
    sb_puts(b, "</text>\n");
  }
}

/* Number of code points in a UTF-8 string (continuation bytes are not counted). */
static int utf8_len(const char *s, size_t n) {
  int c = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
  return c;
}

/* Where to break a legend label that is wider than `room` px at font size fs: the byte offset
 * of the last space that leaves the first line fitting (or the first space), -1 for no break.
 * Width is estimated as 0.56 em per character (DejaVu/Helvetica average). */
static int legend_break(const char *label, double fs, double room) {
  size_t n = strlen(label);
  if (utf8_len(label, n) * 0.56 * fs <= room) return -1;
  int best = -1;
  for (size_t i = 1; i < n; i++) {
    if (label[i] != ' ') continue;
    if (best < 0 || utf8_len(label, i) * 0.56 * fs <= room) best = (int)i;
  }
  return best;
}

/* Font size for a one-line text across the slide (36 px margins): `size`, shrunk so that the
 * estimated width (em_per_char per character) fits, but not below `min_size`. */
static double fit_font(const char *text, double size, double min_size, double em_per_char) {
  int n = utf8_len(text, strlen(text));
  double room = PL_W - 72.0;
  if (n * em_per_char * size <= room) return size;
  double fs = room / (n * em_per_char);
  return fs < min_size ? min_size : floor(fs * 2) / 2;
}

static void render_legend(sbuf *b, const frame *f, const hl_plot *p) {
  if (p->ns == 0) return;
  const double x0 = f->right + 30, tx = x0 + 42, room = PL_W - tx - 12;
  /* sizes at full scale, shrunk together when the entries do not fit the plot height */
  double fs = 19, line_h = 23, gap = 11;
  double need = 0;
  for (int k = 0; k < p->ns; k++)
    need += (legend_break(p->s[k].label, fs, room) >= 0 ? 2 : 1) * line_h + gap;
  need += (p->n_lines > 0 && p->n_stacks > 0) ? gap : 0;
  double avail = f->bottom - f->top;
  if (need > avail) {
    double sc = avail / need;
    fs *= sc < 0.6 ? 0.6 : sc;
    line_h *= sc;
    gap *= sc;
  }
  double y = f->top;
  sb_puts(b, "<g id=\"legend\">\n");
  /* lines first, in the order added; then the stack bands from the top band down, as they are
   * seen in the figure */
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1 && p->n_lines > 0 && p->n_stacks > 0) y += gap;
    for (int j = 0; j < p->ns; j++) {
      int k = pass == 0 ? j : p->ns - 1 - j;
      const series *s = &p->s[k];
      if ((pass == 0) != (s->kind == KIND_LINE)) continue;
      int brk = legend_break(s->label, fs, room);
      double cy = y + 0.5 * line_h; /* the swatch sits on the first text line */
      sb_printf(b, "<g class=\"legend-entry\" data-series=\"series-%d\">\n", k);
      if (s->kind == KIND_LINE) {
        double w = s->style.width > 0 ? s->style.width : 3.5;
        sb_puts(b, "<path fill=\"none\" stroke-linecap=\"round\" stroke=\"");
        sb_color(b, s->color);
        sb_puts(b, "\"");
        sb_attr(b, "stroke-width", w);
        if (s->style.dash == HL_PLOT_DASHED) sb_puts(b, " stroke-dasharray=\"8 5\"");
        else if (s->style.dash == HL_PLOT_DOTTED) sb_puts(b, " stroke-dasharray=\"0.1 7\"");
        sb_puts(b, " d=\"");
        sb_xy(b, "M", x0, cy);
        sb_xy(b, " L", x0 + 30, cy);
        sb_puts(b, "\"/>\n");
      } else {
        double h = 0.95 * fs;
        sb_puts(b, "<rect");
        sb_attr(b, "x", x0 + 15 - 0.5 * h);
        sb_attr(b, "y", cy - 0.5 * h);
        sb_attr(b, "width", h);
        sb_attr(b, "height", h);
        sb_puts(b, " fill=\"");
        sb_color(b, s->color);
        sb_puts(b, "\" fill-opacity=\"");
        sb_fixed(b, s->style.opacity > 0 ? s->style.opacity : 0.9, 3, 0, "-");
        sb_puts(b, "\"/>\n");
      }
      text_open(b, NULL, "legend-label", tx, cy + 0.36 * fs, fs, "start", "#222222", NULL);
      if (brk < 0) {
        sb_text(b, s->label);
      } else {
        /* two lines; the break is a space, dropped between the tspans */
        char *first = dup_or_empty(s->label);
        if (!first) {
          b->oom = 1;
          return;
        }
        first[brk] = '\0';
        sb_text(b, first);
        free(first);
        sb_puts(b, "<tspan");
        sb_attr(b, "x", tx);
        sb_attr(b, "dy", line_h);
        sb_puts(b, ">");
        sb_text(b, s->label + brk + 1);
        sb_puts(b, "</tspan>");
      }
      sb_puts(b, "</text>\n</g>\n");
      y += (brk >= 0 ? 2 : 1) * line_h + gap;
    }
  }
  sb_puts(b, "</g>\n");
}

static void render_markers(sbuf *b, const frame *f, const hl_plot *p) {
  if (p->nm == 0) return;
  sb_puts(b, "<g id=\"markers\">\n");
  for (int k = 0; k < p->nm; k++) {
    const marker *m = &p->m[k];
    double px = map_x(f, m->x), py = map_y(f, m->y);
    sb_puts(b, "<g class=\"marker\">\n<circle r=\"6\" fill=\"#000000\" stroke=\"#FFFFFF\" "
               "stroke-width=\"2\" cx=\"");
    sb_px(b, px);
    sb_puts(b, "\" cy=\"");
    sb_px(b, py);
    sb_puts(b, "\"/>\n");
    /* label beside the dot, on the side with more room, with a white halo over the data */
    int to_left = px > f->left + 0.7 * (f->right - f->left);
    double ty = py - 12 < f->top + 16 ? py + 26 : py - 12;
    text_open(b, NULL, "marker-label", to_left ? px - 12 : px + 12, ty, 19,
              to_left ? "end" : "start", "#000000",
              " font-weight=\"bold\" stroke=\"#FFFFFF\" stroke-width=\"5\" "
              "stroke-linejoin=\"round\" paint-order=\"stroke\"");
    sb_text(b, m->label);
    sb_puts(b, "</text>\n</g>\n");
  }
  sb_puts(b, "</g>\n");
}

hl_status hl_plot_to_svg(const hl_plot *p, char **svg, size_t *len, hl_error *err) {
  if (!p || !svg)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_plot_to_svg: plot or svg is NULL");
  *svg = NULL;
  if (len) *len = 0;

  /* ranges */
  double xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  int xany = 0, yany = 0;
  data_extent(p, &xlo, &xhi, &xany, &ylo, &yhi, &yany);
  if (!xany) { xlo = 0; xhi = 1; }
  if (!yany) { ylo = 0; yhi = 1; }
  if (p->y_include_zero) {
    if (ylo > 0) ylo = 0;
    if (yhi < 0) yhi = 0;
  }
  if (p->x_fixed) { xlo = p->x_lo; xhi = p->x_hi; }
  if (p->y_fixed) { ylo = p->y_lo; yhi = p->y_hi; }
  frame f;
  hl_status st = axis_layout(&f.x, xlo, xhi, p->x_fixed, err);
  if (st == HL_OK) st = axis_layout(&f.y, ylo, yhi, p->y_fixed, err);
  if (st != HL_OK) return st;
  f.left = PL_LEFT;
  f.right = p->ns > 0 ? PL_RIGHT_LEGEND : PL_RIGHT_BARE;
  f.top = p->title ? (p->subtitle ? 124.0 : 96.0) : (p->subtitle ? 72.0 : 40.0);
  f.bottom = p->caption ? PL_BOTTOM - 8 : PL_BOTTOM;

  /* stack levels, scratch for rendering */
  int n_stack_pts = 0;
  for (int k = 0; k < p->ns; k++)
    if (p->s[k].kind == KIND_STACK) {
      n_stack_pts = p->s[k].n;
      break;
    }
  double *pos = calloc((size_t)(n_stack_pts > 0 ? n_stack_pts : 1), sizeof *pos);
  double *neg = calloc((size_t)(n_stack_pts > 0 ? n_stack_pts : 1), sizeof *neg);
  if (!pos || !neg) {
    free(pos);
    free(neg);
    return oom(err, "stack levels");
  }

  sbuf b = {NULL, 0, 0, 0};
  sb_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  sb_puts(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1280\" height=\"720\" "
              "viewBox=\"0 0 1280 720\" role=\"img\"");
  sb_puts(&b, " data-x-min=\"");
  sb_general(&b, f.x.lo);
  sb_puts(&b, "\" data-x-max=\"");
  sb_general(&b, f.x.hi);
  sb_puts(&b, "\" data-y-min=\"");
  sb_general(&b, f.y.lo);
  sb_puts(&b, "\" data-y-max=\"");
  sb_general(&b, f.y.hi);
  sb_printf(&b, "\" data-generator=\"hipload %s\">\n", hl_version());
  sb_puts(&b, "<title>");
  sb_text(&b, p->title ? p->title : "plot");
  sb_puts(&b, "</title>\n");
  if (p->subtitle) {
    sb_puts(&b, "<desc>");
    sb_text(&b, p->subtitle);
    sb_puts(&b, "</desc>\n");
  }
  sb_puts(&b, "<defs><clipPath id=\"clip-plot\"><rect x=\"");
  sb_px(&b, f.left - 4);
  sb_puts(&b, "\" y=\"");
  sb_px(&b, f.top - 4);
  sb_puts(&b, "\" width=\"");
  sb_px(&b, f.right - f.left + 8);
  sb_puts(&b, "\" height=\"");
  sb_px(&b, f.bottom - f.top + 8);
  sb_puts(&b, "\"/></clipPath></defs>\n");
  sb_puts(&b, "<g font-family=\"" PL_FONT "\">\n");
  sb_puts(&b, "<rect id=\"background\" x=\"0\" y=\"0\" width=\"1280\" height=\"720\" "
              "fill=\"#FFFFFF\"/>\n");
  sb_puts(&b, "<rect id=\"plot-area\" fill=\"none\" x=\"");
  sb_px(&b, f.left);
  sb_puts(&b, "\" y=\"");
  sb_px(&b, f.top);
  sb_puts(&b, "\" width=\"");
  sb_px(&b, f.right - f.left);
  sb_puts(&b, "\" height=\"");
  sb_px(&b, f.bottom - f.top);
  sb_puts(&b, "\"/>\n");

  render_grid(&b, &f);
  sb_puts(&b, "<g id=\"data\" clip-path=\"url(#clip-plot)\">\n");
  render_stacks(&b, &f, p, pos, neg);
  for (int k = 0; k < p->ns; k++)
    if (p->s[k].kind == KIND_LINE) render_line(&b, &f, &p->s[k], k);
  sb_puts(&b, "</g>\n");
  render_axis_ink(&b, &f, p);
  render_markers(&b, &f, p);
  render_legend(&b, &f, p);

  if (p->title) {
    text_open(&b, "title", NULL, 36, 50, fit_font(p->title, 32, 20, 0.62), "start", "#111111",
              " font-weight=\"bold\"");
    sb_text(&b, p->title);
    sb_puts(&b, "</text>\n");
  }
  if (p->subtitle) {
    text_open(&b, "subtitle", NULL, 36, p->title ? 86 : 40, fit_font(p->subtitle, 20, 14, 0.56),
              "start", "#444444", NULL);
    sb_text(&b, p->subtitle);
    sb_puts(&b, "</text>\n");
  }
  if (p->caption) {
    text_open(&b, "caption", NULL, 36, 708, fit_font(p->caption, 14, 10, 0.56), "start",
              "#666666", NULL);
    sb_text(&b, p->caption);
    sb_puts(&b, "</text>\n");
  }
  sb_puts(&b, "</g>\n</svg>\n");
  free(pos);
  free(neg);
  if (b.oom || !b.p) {
    free(b.p);
    return oom(err, "svg text");
  }
  *svg = b.p;
  if (len) *len = b.len;
  return HL_OK;
}

/* ---- atomic file output ----------------------------------------------------------------- */

hl_status hl_plot_write_svg(const hl_plot *p, const char *path, hl_error *err) {
  if (!p || !path || !path[0])
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_plot_write_svg: plot is NULL or path is empty");
  char *svg = NULL;
  size_t len = 0;
  hl_status st = hl_plot_to_svg(p, &svg, &len, err);
  if (st != HL_OK) return st;

  /* A sibling temporary name, created exclusively (O_EXCL) so that two writers never share
   * one; mode 0666 so the umask gives the figure the usual permissions. */
  size_t pl = strlen(path);
  char *tmp = malloc(pl + 48);
  if (!tmp) {
    free(svg);
    return oom(err, "temporary file name");
  }
  int fd = -1, e = 0;
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    snprintf(tmp, pl + 48, "%s.tmp-%ld-%d", path, (long)getpid(), attempt);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    e = fd < 0 ? errno : 0;
    if (fd < 0 && e != EEXIST) break;
  }
  if (fd < 0) {
    free(svg);
    free(tmp);
    return hl_error_set(err, HL_ERR_IO, path, 0, "cannot create a temporary file next to it: %s",
                        strerror(e));
  }
  const char *q = svg;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, q, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      e = errno;
      break;
    }
    q += w;
    left -= (size_t)w;
  }
  /* no fsync: the rename keeps a half-written figure from being seen; syncing every output made
   * batch runs wait on the disk */
  if (close(fd) != 0 && !e) e = errno;
  if (!e && rename(tmp, path) != 0) e = errno;
  if (e) {
    unlink(tmp);
    free(svg);
    free(tmp);
    return hl_error_set(err, HL_ERR_IO, path, 0, "cannot write the SVG: %s", strerror(e));
  }
  free(svg);
  free(tmp);
  return HL_OK;
}
