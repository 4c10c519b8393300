/* SPDX-License-Identifier: Apache-2.0 */
/* hipload info FILE — describe a storage (.sto/.mot), ExternalLoads (.xml) or model (.osim)
 * file as one JSON object on stdout. Errors go to stderr as "FILE:LINE: message", exit 1;
 * usage errors exit 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "hipload/extloads.h"
#include "hipload/model.h"
#include "hipload/status.h"
#include "hipload/table.h"

static void usage(FILE *f) {
  fprintf(f, "usage: hipload info FILE\n\n"
             "Prints one JSON object describing FILE:\n"
             "  .sto/.mot  kind, rows, columns (including time), labels, t0, t1, in_degrees,\n"
             "             header_rows (claimed by the header, or null), sample_rate_hz (median),\n"
             "             uniform\n"
             "  .xml       ExternalLoads: each force, the body it loads, its identifiers and\n"
             "             the data columns found, and the data file\n"
             "  .osim      model: name, format_version, mass_kg (sum of body masses), counts of\n"
             "             bodies (with ground), joints, coordinates, muscles, other actuators,\n"
             "             coordinate names\n");
}

/* Numbers with 17 significant digits (they read back bit for bit); not finite: null. */
static json_t *jnum(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* Print one object on a line and release it. */
static int emit(json_t *o) {
  char *text = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
  json_decref(o);
  if (!text) {
    fprintf(stderr, "hipload info: out of memory\n");
    return 1;
  }
  puts(text);
  free(text);
  return 0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int fail(const hl_error *e) {
  fprintf(stderr, "hipload info: %s\n", e->message[0] ? e->message : hl_strerror(e->status));
  return 1;
}

static int info_storage(const char *path) {
  hl_table *t = NULL;
  hl_error e;
  hl_error_clear(&e);
  if (hl_table_read(path, &t, &e)) return fail(&e);
  double rate = NAN;
  int uniform = 1;
  if (t->nrow > 1) {
    int n = t->nrow - 1;
    double *dt = malloc((size_t)n * sizeof *dt);
    if (!dt) {
      hl_table_free(t);
      fprintf(stderr, "hipload info: out of memory\n");
      return 1;
    }
    for (int r = 0; r < n; r++) dt[r] = hl_table_time(t, r + 1) - hl_table_time(t, r);
    qsort(dt, (size_t)n, sizeof *dt, cmp_double);
    double med = n % 2 ? dt[n / 2] : 0.5 * (dt[n / 2 - 1] + dt[n / 2]);
    rate = 1.0 / med;
    /* uniform: every step within 0.1 % of the median step */
    uniform = fabs(dt[0] - med) <= 1e-3 * med && fabs(dt[n - 1] - med) <= 1e-3 * med;
    free(dt);
  }
  json_t *labels = json_array();
  for (int c = 0; c < t->ncol && labels; c++) json_array_append_new(labels, json_string(t->names[c]));
  json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:b, s:o, s:o, s:b}", "kind", "storage", "file", path,
                        "name", t->name, "rows", t->nrow, "columns", t->ncol, "labels", labels, "t0",
                        jnum(hl_table_time(t, 0)), "t1", jnum(hl_table_time(t, t->nrow - 1)), "in_degrees",
                        t->in_degrees, "header_rows", t->header_rows >= 0 ? json_integer(t->header_rows) : json_null(),
                        "sample_rate_hz", jnum(rate), "uniform", uniform);
  hl_table_free(t);
  return emit(o);
}

static json_t *columns(const hl_table *d, const int col[3]) {
  json_t *a = json_array();
  for (int k = 0; k < 3 && col[k] >= 0 && a; k++) json_array_append_new(a, json_string(d->names[col[k]]));
  return a;
}

static int info_extloads(const char *path) {
  hl_extloads *x = NULL;
  hl_error e;
  hl_error_clear(&e);
  if (hl_extloads_load(path, NULL, &x, &e)) return fail(&e);
  json_t *forces = json_array();
  for (int i = 0; i < x->nforce && forces; i++) {
    const hl_extforce *f = &x->force[i];
    json_array_append_new(
        forces, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "name", f->name, "applied_to_body",
                          f->applied_to_body, "force_expressed_in_body", f->force_expressed_in_body,
                          "point_expressed_in_body", f->point_expressed_in_body, "force_identifier",
                          f->force_identifier, "point_identifier", f->point_identifier, "torque_identifier",
                          f->torque_identifier, "force_columns", columns(x->data, f->force_col), "point_columns",
                          columns(x->data, f->point_col), "torque_columns", columns(x->data, f->torque_col)));
  }
  json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "kind", "external_loads", "file", path,
                        "datafile", x->datafile, "rows", x->data->nrow, "t0", jnum(hl_table_time(x->data, 0)),
                        "t1", jnum(hl_table_time(x->data, x->data->nrow - 1)), "lowpass_cutoff_hz",
                        jnum(x->lowpass_cutoff), "forces", forces);
  hl_extloads_free(x);
  return emit(o);
}

static int info_model(const char *path) {
  hl_model *m = NULL;
  hl_error e;
  hl_error_clear(&e);
  if (hl_model_load(path, &m, &e)) return fail(&e);
  double mass = 0;
  for (int b = 0; b < m->nbody; b++) mass += m->body_mass[b];
  json_t *names = json_array();
  for (int c = 0; c < m->ncoord && names; c++) json_array_append_new(names, json_string(m->coord_name[c]));
  json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:o, s:i, s:i, s:i, s:i, s:i, s:o}", "kind", "model", "file", path,
                        "name", m->name, "format_version", m->format_version, "mass_kg", jnum(mass), "bodies",
                        m->nbody, "joints", m->njoint, "coordinates", m->ncoord, "muscles", m->nmuscle, "actuators",
                        m->nactuator, "coordinate_names", names);
  hl_model_free(m);
  return emit(o);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  if (n < k) return 0;
  for (size_t i = 0; i < k; i++) {
    char c = s[n - k + i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != suffix[i]) return 0;
  }
  return 1;
}

int hl_cmd_info(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    usage(stdout);
    return 0;
  }
  if (argc != 2 || argv[1][0] == '-') {
    usage(stderr);
    return 2;
  }
  const char *path = argv[1];
  if (ends_with(path, ".xml")) return info_extloads(path);
  if (ends_with(path, ".osim")) return info_model(path);
  return info_storage(path);
}
