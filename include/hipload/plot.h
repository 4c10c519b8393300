/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — small, dependency-free SVG charts: line charts and signed stacked-area charts.
 *
 * Made for one figure: a joint contact force over % stance with each muscle's contribution
 * stacked beneath it, on a 16:9 slide (viewBox 1280×720, sans-serif fonts sized for a projector),
 * with the Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design").
 *
 *   hl_plot *p = NULL;
 *   hl_plot_create("Hip contact force", "Stance (%)", "Force (BW)", &p, &err);
 *   hl_plot_set_subtitle(p, "hip_r on femur_r, in ground; magnitude; body weights", &err);
 *   hl_plot_set_x_range(p, 0, 100, &err);
 *   hl_plot_add_stack(p, "Gluteus medius", pct, gmed, n, NULL, &err);   (bottom band first)
 *   hl_plot_add_line(p, "Total", pct, total, n, NULL, &err);
 *   hl_plot_write_svg(p, "out/hip.svg", &err);
 *   hl_plot_free(p);
 *
 * Data semantics
 * - Lines: (x[i], y[i]) joined in order. A NaN or ±Inf in x or y is a gap: the line breaks there.
 *   A point with no finite neighbour on either side is drawn as a dot, so it is never lost.
 * - Stacks: every stack shares one x array (the first stack fixes it; later ones must pass the
 *   same n and the same x values). Bands stack in the order they are added, the first at the
 *   bottom. Each value is split into its positive part, stacked upwards from 0 on the positive
 *   parts of the bands added before it, and its negative part, stacked downwards from 0 on the
 *   negative parts before it. So the top edge of the positive stack is the sum of the positive
 *   parts, not the signed total; draw the signed total as a line. A non-finite stack value is a
 *   gap in that band and adds nothing to the bands above it.
 * - Axes: ranges are automatic (all finite data, y includes 0 by default) and widened to the
 *   nearest 1-2-5 tick, unless fixed with hl_plot_set_x_range / hl_plot_set_y_range (data outside
 *   a fixed range is clipped). Constant data gets a non-zero range around its value. Axes with
 *   very large or very small numbers show scaled tick labels and a "×10ⁿ" note at the axis end.
 *   Negative tick labels use U+2212 MINUS SIGN. All numbers are written independently of the C
 *   locale (a caller's setlocale(LC_NUMERIC, "de_DE") does not put commas in the SVG).
 * - Text: labels are UTF-8; XML special characters are escaped, bytes that are not valid UTF-8
 *   become U+FFFD and control characters are dropped, so the file always parses as XML.
 *
 * SVG structure (stable, for tests and for readers who edit the figure):
 *   <svg data-x-min data-x-max data-y-min data-y-max>   the axis ranges in data units
 *   <rect id="plot-area" x y width height>              the data rectangle in viewBox units
 *   <g id="series-K" class="series line|stack" data-label="..." data-n="N">  one per series,
 *      K counted from 0 in the order the series were added, with <title>label</title> first;
 *      a line holds one <path class="data"> whose d has one "M"/"L" pair per finite point
 *      (a new "M" after every gap) and a <circle class="data"> per isolated point; a stack
 *      holds <path class="pos"> / <path class="neg"> polygons (upper edge left to right, then
 *      lower edge right to left, "Z") per run of finite points, omitted where the part is 0.
 *   <g id="x-ticks"> / <g id="y-ticks"> with <text class="tick" data-value="v">label</text>.
 *   Title, subtitle and caption shrink their font (down to a floor) to fit one slide line.
 *   <g id="legend">, <g id="markers">, <text id="title">, <text id="subtitle">,
 *   <text id="caption">, <text id="x-label">, <text id="y-label">.
 *
 * Thread safety: a plot is plain data owned by its caller; no globals.
 */
#ifndef HIPLOAD_PLOT_H
#define HIPLOAD_PLOT_H

#include <stddef.h>

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_plot hl_plot;

/* Pick the next palette colour automatically. Lines: black first, then the Okabe–Ito hues.
 * Stacks: the seven non-black Okabe–Ito hues, then lighter, then darker versions of them; grey
 * is never chosen automatically, so it is free for a "remainder" band. */
#define HL_PLOT_AUTO_COLOR (-1L)

typedef enum hl_plot_dash {
  HL_PLOT_SOLID = 0,
  HL_PLOT_DASHED,
  HL_PLOT_DOTTED
} hl_plot_dash;

typedef struct hl_plot_style {
  long color;        /* 0xRRGGBB, or HL_PLOT_AUTO_COLOR (default) */
  double width;      /* line width in viewBox px; ≤ 0 → default (3.5 for lines) */
  hl_plot_dash dash; /* line dash pattern (lines only); default solid */
  double opacity;    /* fill opacity of a stack band in (0, 1]; ≤ 0 → default 0.9 */
} hl_plot_style;

/* Defaults: automatic colour, default width, solid, default opacity. */
HL_API void hl_plot_style_defaults(hl_plot_style *s);

/* Okabe–Ito palette colour i (wraps around): 0 black, 1 orange, 2 sky blue, 3 bluish green,
 * 4 yellow, 5 blue, 6 vermillion, 7 reddish purple; returned as 0xRRGGBB. */
HL_API long hl_plot_okabe_ito(int i);

/* New empty plot. title, x_label and y_label may be NULL (nothing drawn); they are copied.
 * Put units in the axis labels ("Force (BW)"). Errors: HL_ERR_INVALID_ARG (out NULL),
 * HL_ERR_NOMEM. */
HL_API hl_status hl_plot_create(const char *title, const char *x_label, const char *y_label,
                                hl_plot **out, hl_error *err);
/* NULL is a no-op. */
HL_API void hl_plot_free(hl_plot *p);

/* The line under the title (conventions: joint, body, frame, units) and a small footer line
 * (source, version, options). NULL clears. Errors: HL_ERR_INVALID_ARG, HL_ERR_NOMEM. */
HL_API hl_status hl_plot_set_subtitle(hl_plot *p, const char *subtitle, hl_error *err);
HL_API hl_status hl_plot_set_caption(hl_plot *p, const char *caption, hl_error *err);

/* Fix an axis range (lo < hi, both finite), e.g. 0–100 % stance. Ticks are the 1-2-5 values
 * inside it. Errors: HL_ERR_INVALID_ARG (p NULL), HL_ERR_BAD_VALUE (non-finite or lo ≥ hi). */
HL_API hl_status hl_plot_set_x_range(hl_plot *p, double lo, double hi, hl_error *err);
HL_API hl_status hl_plot_set_y_range(hl_plot *p, double lo, double hi, hl_error *err);
/* Whether an automatic y range always includes 0 (default 1, right for forces). */
HL_API hl_status hl_plot_set_y_include_zero(hl_plot *p, int include_zero, hl_error *err);

/* Add a line series; x, y (n points) are copied. n = 0 is allowed (an empty series, listed in
 * the legend). style NULL → defaults. Errors: HL_ERR_INVALID_ARG (p NULL, n < 0, x or y NULL
 * with n > 0, style with opacity > 1 or colour outside 0..0xFFFFFF), HL_ERR_NOMEM. */
HL_API hl_status hl_plot_add_line(hl_plot *p, const char *label, const double *x, const double *y,
                                  int n, const hl_plot_style *style, hl_error *err);

/* Add a stacked band (see "Stacks" above); x, y copied. Errors as hl_plot_add_line, plus
 * HL_ERR_INVALID_ARG when n or x differ from the first stack's. */
HL_API hl_status hl_plot_add_stack(hl_plot *p, const char *label, const double *x, const double *y,
                                   int n, const hl_plot_style *style, hl_error *err);

/* A labelled dot at (x, y), e.g. "Peak 9.0 BW at 45 %". Errors: HL_ERR_INVALID_ARG,
 * HL_ERR_BAD_VALUE (x or y not finite), HL_ERR_NOMEM. */
HL_API hl_status hl_plot_add_marker(hl_plot *p, double x, double y, const char *label, hl_error *err);

/* Render to a NUL-terminated SVG string (caller frees with free()); *len (may be NULL) gets
 * its length. Errors: HL_ERR_INVALID_ARG, HL_ERR_RANGE (data span not representable, e.g.
 * -1e308..1e308), HL_ERR_NOMEM. */
HL_API hl_status hl_plot_to_svg(const hl_plot *p, char **svg, size_t *len, hl_error *err);

/* Render and write to path atomically: a temporary file in the same directory, then rename().
 * On any error no file is left at path (an existing file there is left untouched) and no
 * temporary file remains. Errors: those of hl_plot_to_svg, HL_ERR_IO (message names path). */
HL_API hl_status hl_plot_write_svg(const hl_plot *p, const char *path, hl_error *err);

/* 1-2-5 ticks for [lo, hi] with at most max_intervals intervals (≥ 1): step is 1, 2 or 5 × 10^k,
 * the smallest such that the widened range floor(lo/step)·step .. ceil(hi/step)·step has at
 * most max_intervals steps. Writes the first tick (*first), the step and the tick count.
 * Example: 0..9.5 with 8 → 0, 2, 4, 6, 8, 10. lo == hi is widened first as the plot does.
 * Errors: HL_ERR_INVALID_ARG (NULL output, max_intervals < 1), HL_ERR_BAD_VALUE (non-finite,
 * lo > hi), HL_ERR_RANGE (hi - lo overflows). */
HL_API hl_status hl_plot_nice_ticks(double lo, double hi, int max_intervals, double *first,
                                    double *step, int *count, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
