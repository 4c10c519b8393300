/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the SVG plot writer: tick selection, document structure (parsed back with libxml2),
 * gaps, stacking arithmetic, escaping, scaled axes, argument errors, atomic writes, and a real
 * OpenSim hip reaction curve drawn and read back from the pixels. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "hipload/plot.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Write p into a fresh temporary directory as `name`, free it, and parse the file back (the test
 * fails when writing fails or the file is not well-formed XML). */
static xmlDocPtr parse(const char *path);
static xmlDocPtr write_and_parse(hl_plot *p, char *path, size_t n, const char *name) {
  char dir[512];
  tu_tmpdir(dir, sizeof dir);
  snprintf(path, n, "%s/%s", dir, name);
  hl_error e;
  hl_error_clear(&e);
  hl_status st = hl_plot_write_svg(p, path, &e);
  hl_plot_free(p);
  ck_assert_msg(st == HL_OK, "write failed: %s", e.message);
  return parse(path);
}

/* Remove a file written by write_and_parse and its temporary directory. */
static void remove_plot(const char *path) {
  char dir[700];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  unlink(path);
  if (slash) {
    *slash = '\0';
    rmdir(dir);
  }
}

/* A new plot with these texts; the test fails when creation fails. */
static hl_plot *new_plot(const char *title, const char *x_label, const char *y_label) {
  hl_plot *p = NULL;
  hl_error e;
  ck_assert_msg(hl_plot_create(title, x_label, y_label, &p, &e) == HL_OK, "%s", e.message);
  return p;
}

/* Parse the SVG; the test fails when it is not well-formed XML. */
static xmlDocPtr parse(const char *path) {
  xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  ck_assert_msg(doc != NULL, "%s is not well-formed XML", path);
  return doc;
}

/* Nodes matching an XPath expression (svg namespace bound to prefix s). Caller frees. */
static xmlXPathObjectPtr xp(xmlDocPtr doc, const char *expr) {
  xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(ctx, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
  xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
  xmlXPathFreeContext(ctx);
  ck_assert_msg(o != NULL, "bad xpath %s", expr);
  return o;
}

static int xp_count(xmlDocPtr doc, const char *expr) {
  xmlXPathObjectPtr o = xp(doc, expr);
  int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
  xmlXPathFreeObject(o);
  return n;
}

/* String value of the first match (attribute or element text), into buf; "" when none. */
static const char *xp_str(xmlDocPtr doc, const char *expr, char *buf, size_t n) {
  xmlXPathObjectPtr o = xp(doc, expr);
  buf[0] = '\0';
  if (o->nodesetval && o->nodesetval->nodeNr > 0) {
    xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
    if (c) snprintf(buf, n, "%s", (const char *)c);
    xmlFree(c);
  }
  xmlXPathFreeObject(o);
  return buf;
}

static double xp_num(xmlDocPtr doc, const char *expr) {
  char b[256];
  xp_str(doc, expr, b, sizeof b);
  ck_assert_msg(b[0] != '\0', "no match for %s", expr);
  return strtod(b, NULL);
}

/* Parse a path's d: coordinates into xy (pairs), count of points and of "M" commands. */
static int path_points(const char *d, double *xy, int cap, int *n_moves) {
  int n = 0;
  *n_moves = 0;
  const char *c = d;
  while (*c) {
    if (*c == 'M') (*n_moves)++;
    if (*c == 'M' || *c == 'L' || *c == 'Z' || *c == ' ') {
      c++;
      continue;
    }
    char *end;
    double a = strtod(c, &end);
    ck_assert_msg(end != c, "unexpected text in path: %s", c);
    c = end;
    while (*c == ' ') c++;
    double b = strtod(c, &end);
    ck_assert_msg(end != c, "odd coordinate count in path");
    c = end;
    if (n < cap) {
      xy[2 * n] = a;
      xy[2 * n + 1] = b;
    }
    n++;
  }
  return n;
}

/* The plot-area rectangle and axis ranges, to turn pixels back into data. */
typedef struct view {
  double x, y, w, h, xmin, xmax, ymin, ymax;
} view;

static view read_view(xmlDocPtr doc) {
  view v;
  v.x = xp_num(doc, "//s:rect[@id='plot-area']/@x");
  v.y = xp_num(doc, "//s:rect[@id='plot-area']/@y");
  v.w = xp_num(doc, "//s:rect[@id='plot-area']/@width");
  v.h = xp_num(doc, "//s:rect[@id='plot-area']/@height");
  v.xmin = xp_num(doc, "/s:svg/@data-x-min");
  v.xmax = xp_num(doc, "/s:svg/@data-x-max");
  v.ymin = xp_num(doc, "/s:svg/@data-y-min");
  v.ymax = xp_num(doc, "/s:svg/@data-y-max");
  return v;
}
static double data_x(const view *v, double px) { return v->xmin + (px - v->x) / v->w * (v->xmax - v->xmin); }
static double data_y(const view *v, double py) { return v->ymin + (v->y + v->h - py) / v->h * (v->ymax - v->ymin); }

/* Tick labels of an axis ("x" or "y"), joined by '|'. */
static const char *tick_labels(xmlDocPtr doc, const char *axis, char *buf, size_t n) {
  char expr[128];
  snprintf(expr, sizeof expr, "//s:g[@id='%s-ticks']/s:text[@class='tick']", axis);
  xmlXPathObjectPtr o = xp(doc, expr);
  buf[0] = '\0';
  for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
    xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "%s%s", i ? "|" : "", c ? (const char *)c : "");
    xmlFree(c);
  }
  xmlXPathFreeObject(o);
  return buf;
}

static void done(xmlDocPtr doc, const char *path) {
  xmlFreeDoc(doc);
  remove_plot(path);
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* ---- ticks ------------------------------------------------------------------------------ */

/* hl_plot_nice_ticks(lo, hi, max) must give exactly these ticks (expected values by hand). */
static void check_ticks(double lo, double hi, int max, double first, double step, int count) {
  double f, s;
  int c;
  hl_error e;
  ck_assert_int_eq(hl_plot_nice_ticks(lo, hi, max, &f, &s, &c, &e), HL_OK);
  ck_assert_msg(fabs(f - first) <= 1e-12 * fmax(1, fabs(first)) &&
                    fabs(s - step) <= 1e-12 * fmax(1, step) && c == count,
                "ticks(%g, %g, %d): got first %.17g step %.17g count %d, want %g %g %d", lo, hi,
                max, f, s, c, first, step, count);
}

START_TEST(test_nice_ticks_by_hand) {
  /* 0..9.5, at most 8 intervals: steps 1 (10 intervals) too many, 2 fits: 0,2,...,10 */
  check_ticks(0, 9.5, 8, 0, 2, 6);
  /* 0..100: 10 (10 intervals) too many, 20 fits */
  check_ticks(0, 100, 8, 0, 20, 6);
  /* -0.5..8.6: step 1 gives -1..9 (10), step 2 gives -2..10 (6): 7 ticks from -2 */
  check_ticks(-0.5, 8.6, 8, -2, 2, 7);
  /* constant 5 is widened to 4.5..5.5: step 0.1 gives 10 intervals, 0.2 gives 4.4..5.6 (6) */
  check_ticks(5, 5, 8, 4.4, 0.2, 7);
  /* 0.3..0.7, at most 5: 0.05 gives 8 intervals, 0.1 gives 4; the range must not grow to
   * 0.2..0.8 through rounding (0.3/0.1 = 2.9999..., 0.7/0.1 = 6.9999...) */
  check_ticks(0.3, 0.7, 5, 0.3, 0.1, 5);
  /* 1e6 scale: 0..2.5e6, 5e5 step; 0 alone widens to -1..1 */
  check_ticks(0, 2.5e6, 8, 0, 5e5, 6);
  check_ticks(0, 0, 8, -1, 0.5, 5);
}
END_TEST

START_TEST(test_nice_ticks_errors) {
  double first, step;
  int count;
  hl_error e;
  ck_assert_int_eq(hl_plot_nice_ticks(NAN, 1, 8, &first, &step, &count, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "finite"));
  ck_assert_int_eq(hl_plot_nice_ticks(2, 1, 8, &first, &step, &count, &e), HL_ERR_BAD_VALUE);
  ck_assert_int_eq(hl_plot_nice_ticks(0, 1, 0, &first, &step, &count, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "max_intervals 0"));
  ck_assert_int_eq(hl_plot_nice_ticks(0, 1, 8, NULL, &step, &count, &e), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_plot_nice_ticks(-1e308, 1e308, 8, &first, &step, &count, &e), HL_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(e.message, "overflows"));
}
END_TEST

/* ---- structure -------------------------------------------------------------------------- */

START_TEST(test_line_series_gap_and_ticks) {
  hl_error e;
  hl_plot *p = new_plot("Hip", "Stance (%)", "Force (BW)");
  double x[10], y[10];
  for (int i = 0; i < 10; i++) {
    x[i] = i;
    y[i] = 0.5 + i; /* 0.5 .. 9.5 */
  }
  y[4] = NAN; /* a gap: 9 points in 2 runs */
  double x2[3] = {0, 1, 2}, y2[3] = {1, 2, 3};
  ck_assert_int_eq(hl_plot_add_line(p, "total", x, y, 10, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_line(p, "other", x2, y2, 3, NULL, &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "lines.svg");
  char b[512];
  ck_assert_int_eq(xp_count(doc, "//s:g[contains(@class,'series')]"), 2);
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-0']/s:title", b, sizeof b), "total");
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-1']/s:title", b, sizeof b), "other");
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-0']/@data-n", b, sizeof b), "9");
  xp_str(doc, "//s:g[@id='series-0']/s:path[@class='data']/@d", b, sizeof b);
  double xy[40];
  int moves;
  ck_assert_int_eq(path_points(b, xy, 20, &moves), 9);
  ck_assert_int_eq(moves, 2);
  xp_str(doc, "//s:g[@id='series-1']/s:path[@class='data']/@d", b, sizeof b);
  ck_assert_int_eq(path_points(b, xy, 20, &moves), 3);
  ck_assert_int_eq(moves, 1);
  /* y: data 0.5..9.5 with zero included → 0,2,...,10; x: 0..9 → step 2 → 0..10 */
  ck_assert_str_eq(tick_labels(doc, "y", b, sizeof b), "0|2|4|6|8|10");
  ck_assert_str_eq(tick_labels(doc, "x", b, sizeof b), "0|2|4|6|8|10");
  /* the point (3, 3.5) of "total" sits where the axes say it should */
  xp_str(doc, "//s:g[@id='series-0']/s:path[@class='data']/@d", b, sizeof b);
  path_points(b, xy, 20, &moves);
  view v = read_view(doc);
  ck_assert_double_eq_tol(data_x(&v, xy[6]), 3.0, 0.01);
  ck_assert_double_eq_tol(data_y(&v, xy[7]), 3.5, 0.01);
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='x-label']", b, sizeof b), "Stance (%)");
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='y-label']", b, sizeof b), "Force (BW)");
  /* a legend entry per series */
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='legend']/s:g[@class='legend-entry']"), 2);
  done(doc, path);
}
END_TEST

START_TEST(test_single_point_empty_and_constant) {
  hl_error e;
  hl_plot *p = new_plot(NULL, NULL, NULL);
  ck_assert_int_eq(hl_plot_set_y_include_zero(p, 0, &e), HL_OK);
  double x1[1] = {2.0}, y1[1] = {5.0};
  double xc[4] = {0, 1, 2, 3}, yc[4] = {5, 5, 5, 5};
  double xi[3] = {0, 1, 2}, yi[3] = {5, NAN, 5}; /* two isolated points */
  ck_assert_int_eq(hl_plot_add_line(p, "single", x1, y1, 1, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_line(p, "empty", NULL, NULL, 0, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_line(p, "constant", xc, yc, 4, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_line(p, "isolated", xi, yi, 3, NULL, &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "edge.svg");
  /* a single point is a dot; an empty series has no data but is listed */
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-0']/s:circle[@class='data']"), 1);
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-1']/*[@class='data']"), 0);
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-1']/s:title"), 1);
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-2']/s:circle"), 0);
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-3']/s:circle[@class='data']"), 2);
  /* constant 5 without zero: widened to 4.5..5.5, ticks of 0.2 from 4.4 to 5.6 */
  ck_assert_double_eq_tol(xp_num(doc, "/s:svg/@data-y-min"), 4.4, 1e-9);
  ck_assert_double_eq_tol(xp_num(doc, "/s:svg/@data-y-max"), 5.6, 1e-9);
  char b[256];
  ck_assert_str_eq(tick_labels(doc, "y", b, sizeof b), "4.4|4.6|4.8|5.0|5.2|5.4|5.6");
  ck_assert_int_eq(xp_count(doc, "//s:text[@id='title']"), 0);
  done(doc, path);

  /* nothing at all: still a valid figure with a 0..1 frame */
  ck_assert_int_eq(hl_plot_create("empty", "x", "y", &p, &e), HL_OK);
  doc = write_and_parse(p, path, sizeof path, "none.svg");
  ck_assert_str_eq(tick_labels(doc, "x", b, sizeof b), "0.0|0.2|0.4|0.6|0.8|1.0");
  done(doc, path);
}
END_TEST

START_TEST(test_signed_stacks) {
  hl_error e;
  hl_plot *p = new_plot("stack", "x", "y");
  double x[3] = {0, 1, 2}, a[3] = {1, 1, 1}, b2[3] = {2, -1, 2};
  ck_assert_int_eq(hl_plot_add_stack(p, "A", x, a, 3, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_stack(p, "B", x, b2, 3, NULL, &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "stack.svg");
  view v = read_view(doc);
  /* extent: positive sums 3, 1, 3; negative sum -1 at x = 1 → -1..3 (step 0.5 fits) */
  ck_assert_double_eq_tol(v.ymin, -1, 1e-12);
  ck_assert_double_eq_tol(v.ymax, 3, 1e-12);
  char d[1024];
  double xy[20];
  int moves;
  /* A: one positive polygon 1,1,1 over 0,0,0 and no negative part */
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-0']//s:path[@class='neg']"), 0);
  xp_str(doc, "//s:g[@id='series-0']//s:path[@class='pos']/@d", d, sizeof d);
  ck_assert_int_eq(path_points(d, xy, 10, &moves), 6);
  ck_assert_double_eq_tol(data_y(&v, xy[1]), 1.0, 0.01);
  ck_assert_double_eq_tol(data_y(&v, xy[11]), 0.0, 0.01);
  /* B positive: upper edge 1+2, 1+0, 1+2; lower edge (reversed) 1, 1, 1 */
  xp_str(doc, "//s:g[@id='series-1']//s:path[@class='pos']/@d", d, sizeof d);
  ck_assert_int_eq(path_points(d, xy, 10, &moves), 6);
  const double up[3] = {3, 1, 3};
  for (int i = 0; i < 3; i++) {
    ck_assert_double_eq_tol(data_x(&v, xy[2 * i]), x[i], 0.01);
    ck_assert_double_eq_tol(data_y(&v, xy[2 * i + 1]), up[i], 0.01);
    ck_assert_double_eq_tol(data_y(&v, xy[2 * (5 - i) + 1]), 1.0, 0.01);
  }
  /* B negative: upper edge 0, -1, 0 (downwards from 0, as A has no negative part) */
  xp_str(doc, "//s:g[@id='series-1']//s:path[@class='neg']/@d", d, sizeof d);
  ck_assert_int_eq(path_points(d, xy, 10, &moves), 6);
  ck_assert_double_eq_tol(data_y(&v, xy[3]), -1.0, 0.01);
  ck_assert_double_eq_tol(data_y(&v, xy[1]), 0.0, 0.01);
  /* zero line present since the range spans 0; legend lists B above A (as drawn) */
  ck_assert_int_eq(xp_count(doc, "//s:line[@id='zero-line']"), 1);
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='legend']/s:g[1]/@data-series", d, sizeof d), "series-1");
  /* negative ticks are written with U+2212 */
  ck_assert_str_eq(tick_labels(doc, "y", d, sizeof d),
                   "\xE2\x88\x92" "1.0|\xE2\x88\x92" "0.5|0.0|0.5|1.0|1.5|2.0|2.5|3.0");
  done(doc, path);
}
END_TEST

START_TEST(test_automatic_colours) {
  hl_error e;
  hl_plot *p = new_plot("colours", "x", "y");
  double x[2] = {0, 1}, y[2] = {1, 1};
  for (int k = 0; k < 15; k++) ck_assert_int_eq(hl_plot_add_stack(p, "s", x, y, 2, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_line(p, "total", x, y, 2, NULL, &e), HL_OK);
  char path[600], b[64];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "colours.svg");
  /* Okabe–Ito sky blue first; the eighth band is sky blue lightened 45 % towards white:
   * 0x56 + 0.45·(255 − 0x56) = 162 = 0xA2, 0xB4 → 214 = 0xD6, 0xE9 → 243 = 0xF3; the 15th is
   * sky blue at 3/4: 0x56·3/4 = 0x41 (rounded down per channel), 0xB4 → 0x87, 0xE9 → 0xAF */
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-0']/s:g/@fill", b, sizeof b), "#56B4E9");
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-1']/s:g/@fill", b, sizeof b), "#E69F00");
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-7']/s:g/@fill", b, sizeof b), "#A2D6F3");
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-14']/s:g/@fill", b, sizeof b), "#4187AF");
  ck_assert_int_eq(xp_count(doc, "//s:g[contains(@class,'stack')]/s:g[@fill='#000000' or @fill='#BBBBBB']"), 0);
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-15']/s:path/@stroke", b, sizeof b), "#000000");
  done(doc, path);
}
END_TEST

START_TEST(test_escaping_and_bad_utf8) {
  hl_plot *p = NULL;
  hl_error e;
  const char *nasty = "a<b & \"c\" 'd' >";
  ck_assert_int_eq(hl_plot_create(nasty, "x </text>", "y&", &p, &e), HL_OK);
  ck_assert_int_eq(hl_plot_set_subtitle(p, "femur_r \xC3\xA9 \xFF bad\x01", &e), HL_OK);
  double x[2] = {0, 1}, y[2] = {0, 1};
  ck_assert_int_eq(hl_plot_add_line(p, nasty, x, y, 2, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_marker(p, 1, 1, "<peak>", &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "esc.svg");
  char b[512];
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='title']", b, sizeof b), nasty);
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-0']/s:title", b, sizeof b), nasty);
  ck_assert_str_eq(xp_str(doc, "//s:g[@id='series-0']/@data-label", b, sizeof b), nasty);
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='x-label']", b, sizeof b), "x </text>");
  ck_assert_str_eq(xp_str(doc, "//s:text[@class='marker-label']", b, sizeof b), "<peak>");
  /* é kept, the stray 0xFF byte replaced by U+FFFD, the control character dropped */
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='subtitle']", b, sizeof b),
                   "femur_r \xC3\xA9 \xEF\xBF\xBD bad");
  done(doc, path);
}
END_TEST

START_TEST(test_scaled_axes) {
  hl_error e;
  hl_plot *p = new_plot("big", "t", "N");
  double x[3] = {0, 1e-6, 3e-6}, y[3] = {0, 2.5e6, 1e6};
  ck_assert_int_eq(hl_plot_add_line(p, "big", x, y, 3, NULL, &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "big.svg");
  char b[512];
  ck_assert_str_eq(tick_labels(doc, "y", b, sizeof b), "0.0|0.5|1.0|1.5|2.0|2.5");
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='y-exp']", b, sizeof b), "\xC3\x97" "10\xE2\x81\xB6");
  /* x: 0..3e-6, step 5e-7 → labels ×10⁻⁶ */
  ck_assert_str_eq(tick_labels(doc, "x", b, sizeof b), "0.0|0.5|1.0|1.5|2.0|2.5|3.0");
  ck_assert_str_eq(xp_str(doc, "//s:text[@id='x-exp']", b, sizeof b),
                   "\xC3\x97" "10\xE2\x81\xBB\xE2\x81\xB6");
  /* the exact tick values are carried as data-value */
  ck_assert_str_eq(xp_str(doc, "(//s:g[@id='y-ticks']/s:text[@class='tick'])[last()]/@data-value",
                          b, sizeof b), "2500000");
  ck_assert_str_eq(xp_str(doc, "(//s:g[@id='x-ticks']/s:text[@class='tick'])[last()]/@data-value",
                          b, sizeof b), "3e-6");
  ck_assert_str_eq(xp_str(doc, "(//s:g[@id='x-ticks']/s:text[@class='tick'])[2]/@data-value",
                          b, sizeof b), "5e-7");
  done(doc, path);
}
END_TEST

START_TEST(test_fixed_range_clips_and_ticks_inside) {
  hl_error e;
  hl_plot *p = new_plot("fixed", "Stance (%)", "BW");
  ck_assert_int_eq(hl_plot_set_x_range(p, 0, 100, &e), HL_OK);
  ck_assert_int_eq(hl_plot_set_y_range(p, -0.5, 9.5, &e), HL_OK);
  double x[3] = {-50, 50, 150}, y[3] = {1e300, 5, -3};
  ck_assert_int_eq(hl_plot_add_line(p, "wild", x, y, 3, NULL, &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "fixed.svg");
  char b[512];
  ck_assert_str_eq(tick_labels(doc, "x", b, sizeof b), "0|20|40|60|80|100");
  /* -0.5..9.5: step 2, ticks inside the fixed range only */
  ck_assert_str_eq(tick_labels(doc, "y", b, sizeof b), "0|2|4|6|8");
  ck_assert_double_eq_tol(xp_num(doc, "/s:svg/@data-y-min"), -0.5, 1e-12);
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='data' and @clip-path]"), 1);
  done(doc, path);
}
END_TEST

/* ---- errors ----------------------------------------------------------------------------- */

START_TEST(test_argument_errors) {
  hl_error e;
  hl_plot *p = NULL;
  ck_assert_int_eq(hl_plot_create("t", "x", "y", NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "out is NULL"));
  ck_assert_int_eq(hl_plot_create("t", "x", "y", &p, &e), HL_OK);
  double x[3] = {0, 1, 2}, y[3] = {1, 2, 3}, x2[3] = {0, 1, 3};
  ck_assert_int_eq(hl_plot_add_line(p, "l", NULL, y, 3, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_str_eq(e.message, "hl_plot_add_line('l'): x or y is NULL with n = 3");
  ck_assert_int_eq(hl_plot_add_line(p, "l", x, y, -1, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "n = -1 is negative"));
  hl_plot_style st;
  hl_plot_style_defaults(&st);
  st.color = 0x1000000;
  ck_assert_int_eq(hl_plot_add_line(p, "l", x, y, 3, &st, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "not 0xRRGGBB"));
  hl_plot_style_defaults(&st);
  st.opacity = 2;
  ck_assert_int_eq(hl_plot_add_stack(p, "s", x, y, 3, &st, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "opacity"));
  hl_plot_style_defaults(&st);
  st.dash = (hl_plot_dash)7;
  ck_assert_int_eq(hl_plot_add_line(p, "l", x, y, 3, &st, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "unknown dash style 7"));
  ck_assert_int_eq(hl_plot_add_stack(p, "A", x, y, 3, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_stack(p, "B", x, y, 2, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_str_eq(e.message,
                   "hl_plot_add_stack('B'): 2 points, but stack 'A' has 3 (stacks share one x)");
  ck_assert_int_eq(hl_plot_add_stack(p, "C", x2, y, 3, NULL, &e), HL_ERR_INVALID_ARG);
  ck_assert_ptr_nonnull(strstr(e.message, "x[2] differs from stack 'A'"));
  ck_assert_int_eq(hl_plot_set_x_range(p, 5, 5, &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "lo < hi"));
  ck_assert_int_eq(hl_plot_set_y_range(p, 0, INFINITY, &e), HL_ERR_BAD_VALUE);
  ck_assert_int_eq(hl_plot_add_marker(p, NAN, 1, "m", &e), HL_ERR_BAD_VALUE);
  ck_assert_ptr_nonnull(strstr(e.message, "must be finite"));
  ck_assert_int_eq(hl_plot_set_subtitle(NULL, "s", &e), HL_ERR_INVALID_ARG);
  ck_assert_int_eq(hl_plot_write_svg(p, "", &e), HL_ERR_INVALID_ARG);
  char *svg = NULL;
  ck_assert_int_eq(hl_plot_to_svg(NULL, &svg, NULL, &e), HL_ERR_INVALID_ARG);
  /* the failed calls added nothing: one stack in the figure */
  ck_assert_int_eq(hl_plot_to_svg(p, &svg, NULL, &e), HL_OK);
  ck_assert_ptr_nonnull(strstr(svg, "id=\"series-0\""));
  ck_assert_ptr_null(strstr(svg, "id=\"series-1\""));
  free(svg);
  hl_plot_free(p);
  hl_plot_free(NULL);
}
END_TEST

START_TEST(test_write_errors_leave_no_file) {
  char dir[512], path[700];
  tu_tmpdir(dir, sizeof dir);
  hl_error e;
  hl_plot *p = new_plot("t", "x", "y");
  double x[2] = {0, 1}, y[2] = {0, 1};
  ck_assert_int_eq(hl_plot_add_line(p, "l", x, y, 2, NULL, &e), HL_OK);
  /* a directory that does not exist */
  snprintf(path, sizeof path, "%s/missing/plot.svg", dir);
  ck_assert_int_eq(hl_plot_write_svg(p, path, &e), HL_ERR_IO);
  ck_assert_str_eq(e.file, path);
  ck_assert_ptr_nonnull(strstr(e.message, "plot.svg"));
  ck_assert_ptr_nonnull(strstr(e.message, "No such file or directory"));
  struct stat sb;
  ck_assert_int_ne(stat(path, &sb), 0);
  /* the target is a directory: rename fails after the data was written; no temporary remains */
  snprintf(path, sizeof path, "%s/plot.svg", dir);
  ck_assert_int_eq(mkdir(path, 0700), 0);
  ck_assert_int_eq(hl_plot_write_svg(p, path, &e), HL_ERR_IO);
  ck_assert_ptr_nonnull(strstr(e.message, "cannot write the SVG"));
  ck_assert_int_eq(count_files(dir), 1);
  rmdir(path);
  /* a good file, then a failing render: the old file stays as it was */
  ck_assert_int_eq(hl_plot_write_svg(p, path, &e), HL_OK);
  ck_assert_int_eq(stat(path, &sb), 0);
  off_t before = sb.st_size;
  double hx[2] = {-1e308, 1e308};
  ck_assert_int_eq(hl_plot_add_line(p, "huge", hx, y, 2, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_write_svg(p, path, &e), HL_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(e.message, "overflows"));
  ck_assert_int_eq(stat(path, &sb), 0);
  /* 1.7e308 alone is finite, but its next whole tick (2e308) is not */
  hl_plot *q = new_plot("t", "x", "y");
  double top[2] = {0, 1.7e308};
  ck_assert_int_eq(hl_plot_add_line(q, "top", x, top, 2, NULL, &e), HL_OK);
  ck_assert_int_eq(hl_plot_write_svg(q, path, &e), HL_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(e.message, "whole ticks"));
  hl_plot_free(q);
  ck_assert_int_eq(sb.st_size, before);
  ck_assert_int_eq(count_files(dir), 1);
  xmlDocPtr doc = parse(path);
  ck_assert_int_eq(xp_count(doc, "//s:g[@id='series-1']"), 0);
  xmlFreeDoc(doc);
  unlink(path);
  rmdir(dir);
  hl_plot_free(p);
}
END_TEST

/* ---- real data: OpenSim 4.6 hip reaction over the right stance of run-hamner2010 ---------- */

/* Reads time and the three hip_r_on_femur_r force columns of a JointReaction .sto. */
static int read_hip_sto(const char *path, double *t, double *f, int cap) {
  FILE *fp = fopen(path, "r");
  ck_assert_msg(fp != NULL, "cannot open %s", path);
  char line[8192];
  while (fgets(line, sizeof line, fp) && strncmp(line, "endheader", 9) != 0) {}
  ck_assert_ptr_nonnull(fgets(line, sizeof line, fp)); /* column names */
  int col[3] = {-1, -1, -1}, c = 0;
  for (char *tok = strtok(line, "\t\r\n"); tok; tok = strtok(NULL, "\t\r\n"), c++) {
    if (!strcmp(tok, "hip_r_on_femur_r_in_femur_r_fx")) col[0] = c;
    if (!strcmp(tok, "hip_r_on_femur_r_in_femur_r_fy")) col[1] = c;
    if (!strcmp(tok, "hip_r_on_femur_r_in_femur_r_fz")) col[2] = c;
  }
  ck_assert_msg(col[0] > 0 && col[1] > 0 && col[2] > 0, "hip force columns missing in %s", path);
  int n = 0;
  while (n < cap && fgets(line, sizeof line, fp)) {
    double v[64];
    int k = 0;
    char *s = line, *end;
    while (k < 64) {
      double d = strtod(s, &end);
      if (end == s) break;
      v[k++] = d;
      s = end;
    }
    if (k <= col[2]) continue;
    t[n] = v[0];
    f[n] = sqrt(v[col[0]] * v[col[0]] + v[col[1]] * v[col[1]] + v[col[2]] * v[col[2]]);
    n++;
  }
  fclose(fp);
  return n;
}

START_TEST(test_real_hip_curve_read_back_from_pixels) {
  if (!tu_require_data()) return;
  char sto[1024];
  tu_data(sto, sizeof sto, "run-hamner2010/opensim-4.6/hamner_r_JointReaction_ReactionLoads.sto");
  double t[128], f[128], pct[130], bw[130];
  int n = read_hip_sto(sto, t, f, 128);
  ck_assert_int_eq(n, 48); /* the header's nRows: 5 ms frames, two unsolved ones removed */
  /* % stance over the right stance 1.105–1.347 s (data README); model mass 65.9 kg. A NaN
   * row marks the frames OpenSim could not solve (the time step jumps from 5 to 15 ms). */
  const double t0 = 1.105, t1 = 1.347, w = 65.9 * 9.80665;
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (i > 0 && t[i] - t[i - 1] > 0.0075) {
      pct[m] = NAN;
      bw[m++] = NAN;
    }
    pct[m] = 100.0 * (t[i] - t0) / (t1 - t0);
    bw[m++] = f[i] / w;
  }
  ck_assert_int_eq(m, 49);
  hl_error e;
  hl_plot *p = new_plot("Hip contact force, running (OpenSim 4.6)", "Stance (%)",
                                  "Hip contact force (BW)");
  ck_assert_int_eq(hl_plot_set_subtitle(p, "hip_r on femur_r, magnitude; run-hamner2010 subject02, "
                                           "right stance", &e), HL_OK);
  ck_assert_int_eq(hl_plot_set_x_range(p, 0, 100, &e), HL_OK);
  ck_assert_int_eq(hl_plot_add_line(p, "OpenSim JointReaction", pct, bw, m, NULL, &e), HL_OK);
  char path[600];
  xmlDocPtr doc = write_and_parse(p, path, sizeof path, "hamner_hip.svg");
  char d[8192];
  double xy[200];
  int moves;
  xp_str(doc, "//s:g[@id='series-0']/s:path[@class='data']/@d", d, sizeof d);
  ck_assert_int_eq(path_points(d, xy, 100, &moves), 48);
  ck_assert_int_eq(moves, 2); /* the unsolved frames at 1.240/1.245 s are a visible gap */
  view v = read_view(doc);
  /* y axis: 0..10 BW (peak 9.5 BW rounds up to the next tick of 2) */
  char b[256];
  ck_assert_str_eq(tick_labels(doc, "y", b, sizeof b), "0|2|4|6|8|10");
  int ip = 0;
  for (int i = 1; i < 48; i++)
    if (xy[2 * i + 1] < xy[2 * ip + 1]) ip = i;
  /* The data README states OpenSim's peak: 6168 N = 9.5 BW at 1.210 s, i.e. 43.4 % stance.
   * Pixels carry 0.01 px: 0.05 BW and 0.3 % are generous. */
  ck_assert_double_eq_tol(data_y(&v, xy[2 * ip + 1]), 6168.0 / w, 0.05);
  ck_assert_double_eq_tol(data_x(&v, xy[2 * ip]), 100.0 * (1.210 - t0) / (t1 - t0), 0.3);
  done(doc, path);
}
END_TEST

int main(void) {
  Suite *s = suite_create("plot");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_nice_ticks_by_hand);
  tcase_add_test(tc, test_nice_ticks_errors);
  tcase_add_test(tc, test_line_series_gap_and_ticks);
  tcase_add_test(tc, test_single_point_empty_and_constant);
  tcase_add_test(tc, test_signed_stacks);
  tcase_add_test(tc, test_automatic_colours);
  tcase_add_test(tc, test_escaping_and_bad_utf8);
  tcase_add_test(tc, test_scaled_axes);
  tcase_add_test(tc, test_fixed_range_clips_and_ticks_inside);
  tcase_add_test(tc, test_argument_errors);
  tcase_add_test(tc, test_write_errors_leave_no_file);
  tcase_add_test(tc, test_real_hip_curve_read_back_from_pixels);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
