/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim ExternalLoads XML (libxml2).
 *
 * Layout (OpenSim 2.x, 3.x and 4.x alike): <OpenSimDocument> <ExternalLoads> <objects>
 * <ExternalForce name=...> with applied_to_body, force_expressed_in_body,
 * point_expressed_in_body, force/point/torque_identifier; then <datafile> and
 * <lowpass_cutoff_frequency_for_load_kinematics> under ExternalLoads. Only ExternalForce
 * elements under <objects> count (walk-jr's file carries a <defaults> block of other classes).
 * A force switched off (<appliesForce>false</appliesForce> in 4.x, <isDisabled>true</isDisabled>
 * before) acts on nothing and is left out. Values may carry surrounding blanks (2.x files).
 *
 * Columns: OpenSim's ExternalForce asks its data source for the columns of an identifier; the
 * labels are the identifier followed by x, y, z ("ground_force_v" → "ground_force_vx",
 * "ground_torque_" → "ground_torque_x"). We also accept the identifier with a '_' added or
 * removed before the axis letter, so "ground_torque" finds "ground_torque_x".
 */
#include "xmlutil.h"
#include "extloads_internal.h"
#include "storage_internal.h"
#include "number.h"
#include "hipload/extloads.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>




static int is_true(const char *s) { return !strcmp(s, "true") || !strcmp(s, "1"); }

/* Search labels for identifier + axis (with the '_' variants described above). */
static int find_axis_col(const hl_table *t, const char *id, char axis) {
  char want[80];
  size_t n = strlen(id);
  snprintf(want, sizeof want, "%s%c", id, axis);
  int c = hl_table_col(t, want);
  if (c >= 0) return c;
  if (n && id[n - 1] == '_') snprintf(want, sizeof want, "%.*s%c", (int)(n - 1), id, axis);
  else snprintf(want, sizeof want, "%s_%c", id, axis);
  return hl_table_col(t, want);
}

typedef struct {
  int line[3]; /* XML lines of the force/point/torque identifiers */
} force_lines;

static hl_status resolve(hl_extloads *x, const force_lines *fl, const char *name, hl_error *err) {
  static const char axes[3] = {'x', 'y', 'z'};
  for (int i = 0; i < x->nforce; i++) {
    hl_extforce *f = &x->force[i];
    const char *ids[3] = {f->force_identifier, f->point_identifier, f->torque_identifier};
    const char *what[3] = {"force_identifier", "point_identifier", "torque_identifier"};
    int *cols[3] = {f->force_col, f->point_col, f->torque_col};
    for (int k = 0; k < 3; k++) {
      for (int a = 0; a < 3; a++) cols[k][a] = -1;
      if (!ids[k][0]) {
        if (k == 0)
          return hl_error_set(err, HL_ERR_PARSE, name, fl[i].line[0],
                              "ExternalForce '%s' has no force_identifier", f->name);
        continue; /* no point (applied at the origin) or no torque */
      }
      for (int a = 0; a < 3; a++) {
        cols[k][a] = find_axis_col(x->data, ids[k], axes[a]);
        if (cols[k][a] < 0)
          return hl_error_set(err, HL_ERR_NOT_FOUND, name, fl[i].line[k],
                              "ExternalForce '%s': %s '%s' needs column '%s%c' which is not in %s",
                              f->name, what[k], ids[k], ids[k], axes[a],
                              x->datafile[0] ? x->datafile : "the data file");
      }
    }
  }
  return HL_OK;
}

/* Parse the XML text into x (forces, datafile as written, cutoff); fills per-force lines. */
static hl_status parse_xml(const char *xml, size_t len, const char *name, hl_extloads *x,
                           force_lines **lines_out, hl_error *err) {
  *lines_out = NULL;
  if (len > (size_t)INT32_MAX) return hl_error_set(err, HL_ERR_RANGE, name, 0, "XML file too large");
  xmlParserCtxtPtr ctx = xmlNewParserCtxt();
  if (!ctx) return hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
  hl__xml_quiet quiet; /* the library never prints: see xmlutil.h */
  hl__xml_quiet_begin(&quiet);
  xmlDocPtr doc = xmlCtxtReadMemory(ctx, xml, (int)len, name, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  hl__xml_quiet_end(&quiet);
  if (!doc) {
    const xmlError *e = xmlCtxtGetLastError(ctx);
    char msg[256];
    snprintf(msg, sizeof msg, "%s", e && e->message ? e->message : "unknown error");
    size_t ml = strlen(msg);
    while (ml && isspace((unsigned char)msg[ml - 1])) msg[--ml] = '\0';
    hl_status st = hl_error_set(err, HL_ERR_PARSE, name, e ? e->line : 0, "malformed XML: %s", msg);
    xmlFreeParserCtxt(ctx);
    return st;
  }
  hl_status st = HL_OK;
  snprintf(x->source, sizeof x->source, "%s", name);
  xmlNode *root = xmlDocGetRootElement(doc);
  xmlNode *el = hl__xml_is(root, "ExternalLoads") ? root : hl__xml_child(root, "ExternalLoads");
  if (!el) {
    st = hl_error_set(err, HL_ERR_PARSE, name, root ? (int)xmlGetLineNo(root) : 0,
                      "no <ExternalLoads> element (root is <%s>)", root ? (const char *)root->name : "");
    goto done;
  }
  xmlNode *objs = hl__xml_child(el, "objects");
  int cap = 0;
  for (xmlNode *c = objs ? objs->children : NULL; c; c = c->next) cap += hl__xml_is(c, "ExternalForce");
  x->force = calloc((size_t)(cap ? cap : 1), sizeof *x->force);
  force_lines *fl = calloc((size_t)(cap ? cap : 1), sizeof *fl);
  *lines_out = fl;
  if (!x->force || !fl) {
    st = hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
    goto done;
  }
  char buf[1024];
  for (xmlNode *c = objs ? objs->children : NULL; c; c = c->next) {
    if (!hl__xml_is(c, "ExternalForce")) continue;
    if (hl__xml_child_text(c, "appliesForce", buf, sizeof buf) && !is_true(buf)) continue;
    if (hl__xml_child_text(c, "isDisabled", buf, sizeof buf) && is_true(buf)) continue;
    hl_extforce *f = &x->force[x->nforce];
    force_lines *L = &fl[x->nforce];
    int fline = (int)xmlGetLineNo(c);
    xmlChar *nm = xmlGetProp(c, (const xmlChar *)"name");
    int too_long = nm && strlen((const char *)nm) >= sizeof f->name;
    snprintf(f->name, sizeof f->name, "%s", nm ? (const char *)nm : "");
    xmlFree(nm);
    f->line = fline;
    if (too_long) {
      st = hl_error_set(err, HL_ERR_PARSE, name, fline, "ExternalForce '%s...': the name is longer than %d bytes",
                        f->name, (int)sizeof f->name - 1);
      goto done;
    }
    struct {
      const char *tag;
      char *dst;
      size_t size;
      int *line;
    } fields[] = {
        {"applied_to_body", f->applied_to_body, sizeof f->applied_to_body, &f->body_line[0]},
        {"force_expressed_in_body", f->force_expressed_in_body, sizeof f->force_expressed_in_body, &f->body_line[1]},
        {"point_expressed_in_body", f->point_expressed_in_body, sizeof f->point_expressed_in_body, &f->body_line[2]},
        {"force_identifier", f->force_identifier, sizeof f->force_identifier, &L->line[0]},
        {"point_identifier", f->point_identifier, sizeof f->point_identifier, &L->line[1]},
        {"torque_identifier", f->torque_identifier, sizeof f->torque_identifier, &L->line[2]},
    };
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
      int ln = hl__xml_child_text(c, fields[k].tag, buf, sizeof buf);
      if (strlen(buf) >= fields[k].size) {
        st = hl_error_set(err, HL_ERR_PARSE, name, ln, "ExternalForce '%s': <%s> is too long",
                          f->name, fields[k].tag);
        goto done;
      }
      memcpy(fields[k].dst, buf, strlen(buf) + 1);
      if (fields[k].line) *fields[k].line = ln ? ln : fline;
    }
    if (!f->applied_to_body[0]) {
      st = hl_error_set(err, HL_ERR_PARSE, name, fline, "ExternalForce '%s' has no applied_to_body",
                        f->name);
      goto done;
    }
    /* OpenSim's defaults when the frames are not named: ground */
    if (!f->force_expressed_in_body[0]) snprintf(f->force_expressed_in_body, 64, "ground");
    if (!f->point_expressed_in_body[0]) snprintf(f->point_expressed_in_body, 64, "ground");
    x->nforce++;
  }
  hl__xml_child_text(el, "datafile", buf, sizeof buf);
  if (!strcmp(buf, "Unassigned")) buf[0] = '\0';
  for (char *p = buf; *p; p++)
    if (*p == '\\') *p = '/';
  snprintf(x->datafile, sizeof x->datafile, "%s", buf);
  x->lowpass_cutoff = -1;
  int ln = hl__xml_child_text(el, "lowpass_cutoff_frequency_for_load_kinematics", buf, sizeof buf);
  if (ln && buf[0]) {
    char *stop;
    double v = hl__strtod(buf, &stop);
    if (stop == buf || *stop || isnan(v)) {
      st = hl_error_set(err, HL_ERR_PARSE, name, ln,
                        "lowpass_cutoff_frequency_for_load_kinematics is not a number: '%s'", buf);
      goto done;
    }
    x->lowpass_cutoff = v;
  }
done:
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctx);
  return st;
}

void hl_extloads_free(hl_extloads *x) {
  if (!x) return;
  free(x->spline_m);
  free(x->force);
  hl_table_free(x->data);
  free(x);
}

/* Second derivatives of the natural cubic spline through every used column (tridiagonal solve
 * per column; the times may be uneven). Columns no force uses stay zero. */
static hl_status build_splines(hl_extloads *x, const char *name, hl_error *err) {
  const hl_table *d = x->data;
  int n = d->nrow, nc = d->ncol;
  if (n < 4) return HL_OK;
  x->spline_m = calloc((size_t)n * nc, sizeof(double));
  double *cp = malloc(sizeof(double) * (size_t)n), *dp = malloc(sizeof(double) * (size_t)n);
  char *used = calloc((size_t)nc, 1);
  if (!x->spline_m || !cp || !dp || !used) {
    free(cp), free(dp), free(used);
    return hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
  }
  for (int i = 0; i < x->nforce; i++) {
    const int *cols[3] = {x->force[i].force_col, x->force[i].point_col, x->force[i].torque_col};
    for (int k = 0; k < 3; k++)
      for (int a = 0; a < 3; a++)
        if (cols[k][a] > 0 && cols[k][a] < nc) used[cols[k][a]] = 1;
  }
  for (int c = 1; c < nc; c++) {
    if (!used[c]) continue;
    double *M = x->spline_m + (size_t)c * n;
    /* h_{i-1} M_{i-1} + 2(h_{i-1}+h_i) M_i + h_i M_{i+1} = 6 (Δ_i − Δ_{i-1}), M_0 = M_{n-1} = 0 */
    cp[0] = 0;
    dp[0] = 0;
    for (int i = 1; i < n - 1; i++) {
      double h0 = hl_table_time(d, i) - hl_table_time(d, i - 1), h1 = hl_table_time(d, i + 1) - hl_table_time(d, i);
      double r = 6 * ((hl_table_get(d, i + 1, c) - hl_table_get(d, i, c)) / h1 -
                      (hl_table_get(d, i, c) - hl_table_get(d, i - 1, c)) / h0);
      double den = 2 * (h0 + h1) - h0 * cp[i - 1];
      cp[i] = h1 / den;
      dp[i] = (r - h0 * dp[i - 1]) / den;
    }
    M[n - 1] = 0;
    for (int i = n - 2; i >= 1; i--) M[i] = dp[i] - cp[i] * M[i + 1];
    M[0] = 0;
  }
  free(cp), free(dp), free(used);
  return HL_OK;
}

/* Column c at time tm from the spline (clamped to the end values outside the data). */
static double spline_at(const hl_extloads *x, int c, double tm) {
  const hl_table *d = x->data;
  int n = d->nrow;
  if (tm <= hl_table_time(d, 0)) return hl_table_get(d, 0, c);
  if (tm >= hl_table_time(d, n - 1)) return hl_table_get(d, n - 1, c);
  int lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    int mid = (lo + hi) / 2;
    if (hl_table_time(d, mid) <= tm) lo = mid;
    else hi = mid;
  }
  const double *M = x->spline_m + (size_t)c * n;
  double t0 = hl_table_time(d, lo), t1 = hl_table_time(d, hi), h = t1 - t0;
  double a = (t1 - tm) / h, b = (tm - t0) / h;
  return a * hl_table_get(d, lo, c) + b * hl_table_get(d, hi, c) +
         ((a * a * a - a) * M[lo] + (b * b * b - b) * M[hi]) * h * h / 6.0;
}

hl_status hl_extloads_load_memory(const char *xml, size_t len, const char *name, hl_table *data,
                                  hl_extloads **out, hl_error *err) {
  if (out) *out = NULL;
  if (!name) name = "<memory>";
  if (!xml || !out || !data) {
    hl_table_free(data);
    return hl_error_set(err, HL_ERR_INVALID_ARG, name, 0, "hl_extloads_load_memory: NULL argument");
  }
  hl_extloads *x = calloc(1, sizeof *x);
  if (!x) {
    hl_table_free(data);
    return hl_error_set(err, HL_ERR_NOMEM, name, 0, "out of memory");
  }
  x->data = data;
  force_lines *fl = NULL;
  hl_status st = parse_xml(xml, len, name, x, &fl, err);
  if (!st) st = resolve(x, fl, name, err);
  if (!st) st = build_splines(x, name, err);
  free(fl);
  if (st) {
    hl_extloads_free(x);
    return st;
  }
  *out = x;
  return HL_OK;
}

/* Read a text file whole (the XML). */
static hl_status read_text(const char *path, char **buf, size_t *len, hl_error *err) {
  *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot open");
  size_t cap = 1 << 14, n = 0;
  char *b = malloc(cap);
  while (b) {
    n += fread(b + n, 1, cap - n, f);
    if (n < cap) break;
    char *nb = realloc(b, cap * 2);
    if (!nb) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (!b) return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  if (bad) {
    free(b);
    return hl_error_set(err, HL_ERR_IO, path, 0, "read error");
  }
  *buf = b;
  *len = n;
  return HL_OK;
}

hl_status hl_extloads_load(const char *xml_path, const char *datafile_override, hl_extloads **out,
                           hl_error *err) {
  return hl__extloads_load_window(xml_path, datafile_override, 0, 0, -1, out, err);
}

hl_status hl__extloads_load_window(const char *xml_path, const char *datafile_override, double lo,
                                   double hi, int pad, hl_extloads **out, hl_error *err) {
  if (out) *out = NULL;
  if (!xml_path || !out)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_extloads_load: NULL argument");
  char *xml;
  size_t len = 0;
  hl_status st = read_text(xml_path, &xml, &len, err);
  if (st) return st;
  hl_extloads *x = calloc(1, sizeof *x);
  force_lines *fl = NULL;
  if (!x) {
    free(xml);
    return hl_error_set(err, HL_ERR_NOMEM, xml_path, 0, "out of memory");
  }
  st = parse_xml(xml, len, xml_path, x, &fl, err);
  free(xml);
  if (st) goto fail;
  /* the data file: the override, or <datafile> relative to the XML's folder */
  const char *df = datafile_override && datafile_override[0] ? datafile_override : x->datafile;
  char path[sizeof x->datafile];
  if (!df[0]) {
    st = hl_error_set(err, HL_ERR_NOT_FOUND, xml_path, 0,
                      "no <datafile> in the ExternalLoads file and no data file given");
    goto fail;
  }
  const char *slash = strrchr(xml_path, '/');
  int dl = df == x->datafile && df[0] != '/' && slash ? (int)(slash - xml_path + 1) : 0;
  if ((size_t)snprintf(path, sizeof path, "%.*s%s", dl, xml_path, df) >= sizeof path) {
    st = hl_error_set(err, HL_ERR_RANGE, xml_path, 0, "data file path too long");
    goto fail;
  }
  memcpy(x->datafile, path, sizeof path);
  st = hl__table_read_window(path, lo, hi, pad, &x->data, err);
  if (st) {
    if (err) { /* keep the data file's own message, file and line; say which XML named it */
      hl_error e = *err;
      hl_error_set(err, st, NULL, 0, "%s (data file of %s)", e.message, xml_path);
      memcpy(err->file, e.file, sizeof e.file);
      err->line = e.line;
    }
    goto fail;
  }
  st = resolve(x, fl, xml_path, err);
  if (!st) st = build_splines(x, xml_path, err);
  if (st) goto fail;
  free(fl);
  *out = x;
  return HL_OK;
fail:
  free(fl);
  hl_extloads_free(x);
  return st;
}

hl_status hl_extloads_check_window(const hl_extloads *x, double t0, double t1, hl_error *err) {
  if (!x || !x->data || x->data->nrow < 1)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_extloads_check_window: no loads");
  const hl_table *g = x->data;
  double g0 = hl_table_time(g, 0), g1 = hl_table_time(g, g->nrow - 1);
  if (t0 >= g0 - 1e-9 && t1 <= g1 + 1e-9) return HL_OK;
  return hl_error_set(err, HL_ERR_RANGE, x->datafile, 0,
                      "the ground reaction forces (%g..%g s) do not cover the window %g..%g s "
                      "(data file of %s)", g0, g1, t0, t1, x->source[0] ? x->source : "the loads");
}

void hl_extloads_eval(const hl_extloads *x, int i, double tm, double force[3], double point[3],
                      double torque[3]) {
  double *dst[3] = {force, point, torque};
  for (int k = 0; k < 3; k++)
    if (dst[k]) dst[k][0] = dst[k][1] = dst[k][2] = 0.0;
  if (!x || i < 0 || i >= x->nforce || !x->data) return;
  const hl_extforce *f = &x->force[i];
  const int *cols[3] = {f->force_col, f->point_col, f->torque_col};
  for (int k = 0; k < 3; k++)
    if (dst[k])
      for (int a = 0; a < 3; a++)
        if (cols[k][a] >= 0)
          dst[k][a] = x->spline_m ? spline_at(x, cols[k][a], tm) : hl_table_interp(x->data, cols[k][a], tm);
}
