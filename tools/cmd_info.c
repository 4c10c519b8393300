/* SPDX-License-Identifier: Apache-2.0 */
/* hipload info FILE — describe a storage (.sto/.mot), ExternalLoads (.xml) or model (.osim)
 * file as one JSON object on stdout. Errors go to stderr as "FILE:LINE: message", exit 1;
 * usage errors exit 2. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void json_str(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

static void json_num(double v) {
  if (isfinite(v)) printf("%.17g", v);
  else printf("null");
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
  printf("{\"kind\":\"storage\",\"file\":");
  json_str(path);
  printf(",\"name\":");
  json_str(t->name);
  printf(",\"rows\":%d,\"columns\":%d,\"labels\":[", t->nrow, t->ncol);
  for (int c = 0; c < t->ncol; c++) {
    if (c) putchar(',');
    json_str(t->names[c]);
  }
  printf("],\"t0\":");
  json_num(hl_table_time(t, 0));
  printf(",\"t1\":");
  json_num(hl_table_time(t, t->nrow - 1));
  printf(",\"in_degrees\":%s,\"header_rows\":", t->in_degrees ? "true" : "false");
  if (t->header_rows >= 0) printf("%d", t->header_rows);
  else printf("null");
  printf(",\"sample_rate_hz\":");
  json_num(rate);
  printf(",\"uniform\":%s}\n", uniform ? "true" : "false");
  hl_table_free(t);
  return 0;
}

static void json_cols(const char *key, const hl_table *d, const int col[3]) {
  printf(",\"%s\":[", key);
  for (int a = 0; a < 3 && col[a] >= 0; a++) {
    if (a) putchar(',');
    json_str(d->names[col[a]]);
  }
  putchar(']');
}

static int info_extloads(const char *path) {
  hl_extloads *x = NULL;
  hl_error e;
  hl_error_clear(&e);
  if (hl_extloads_load(path, NULL, &x, &e)) return fail(&e);
  printf("{\"kind\":\"external_loads\",\"file\":");
  json_str(path);
  printf(",\"datafile\":");
  json_str(x->datafile);
  printf(",\"rows\":%d,\"t0\":", x->data->nrow);
  json_num(hl_table_time(x->data, 0));
  printf(",\"t1\":");
  json_num(hl_table_time(x->data, x->data->nrow - 1));
  printf(",\"lowpass_cutoff_hz\":");
  json_num(x->lowpass_cutoff);
  printf(",\"forces\":[");
  for (int i = 0; i < x->nforce; i++) {
    const hl_extforce *f = &x->force[i];
    printf("%s{\"name\":", i ? "," : "");
    json_str(f->name);
    printf(",\"applied_to_body\":");
    json_str(f->applied_to_body);
    printf(",\"force_expressed_in_body\":");
    json_str(f->force_expressed_in_body);
    printf(",\"point_expressed_in_body\":");
    json_str(f->point_expressed_in_body);
    printf(",\"force_identifier\":");
    json_str(f->force_identifier);
    printf(",\"point_identifier\":");
    json_str(f->point_identifier);
    printf(",\"torque_identifier\":");
    json_str(f->torque_identifier);
    json_cols("force_columns", x->data, f->force_col);
    json_cols("point_columns", x->data, f->point_col);
    json_cols("torque_columns", x->data, f->torque_col);
    putchar('}');
  }
  printf("]}\n");
  hl_extloads_free(x);
  return 0;
}

static int info_model(const char *path) {
  hl_model *m = NULL;
  hl_error e;
  hl_error_clear(&e);
  if (hl_model_load(path, &m, &e)) return fail(&e);
  double mass = 0;
  for (int b = 0; b < m->nbody; b++) mass += m->body_mass[b];
  printf("{\"kind\":\"model\",\"file\":");
  json_str(path);
  printf(",\"name\":");
  json_str(m->name);
  printf(",\"format_version\":%d,\"mass_kg\":", m->format_version);
  json_num(mass);
  printf(",\"bodies\":%d,\"joints\":%d,\"coordinates\":%d,\"muscles\":%d,\"actuators\":%d,"
         "\"coordinate_names\":[",
         m->nbody, m->njoint, m->ncoord, m->nmuscle, m->nactuator);
  for (int c = 0; c < m->ncoord; c++) {
    if (c) putchar(',');
    json_str(m->coord_name[c]);
  }
  printf("]}\n");
  hl_model_free(m);
  return 0;
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
