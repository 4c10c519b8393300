/* SPDX-License-Identifier: Apache-2.0 */
/* Many trials from a manifest CSV, run by a pool of pthreads: see include/hipload/batch.h.
 *
 * Concurrency: the workers take trial indices from one counter under the batch mutex, so each
 * trial runs exactly once; results go to their own slot (manifest order, whatever the completion
 * order). Models are loaded lazily under a per-model mutex and freed by the last trial using
 * them; after loading they are only read. Everything else a trial touches is its own. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "hipload/batch.h"
#include "extloads_internal.h"
#include "number.h"

#include <errno.h>
#include <libxml/parser.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "hipload/extloads.h"
#include "hipload/model.h"
#include "hipload/table.h"

/* ------------------------------------------------------------------------------ CSV */

typedef struct {
  char **f;  /* fields (malloc'd) */
  int n, cap;
  int line;  /* line where the record starts */
} csv_rec;

static void rec_clear(csv_rec *r) {
  for (int i = 0; i < r->n; i++) free(r->f[i]);
  r->n = 0;
}

typedef struct {
  char *s;
  size_t n, cap;
} sbuf;

static int sb_put(sbuf *b, char c) {
  if (b->n + 1 >= b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 64;
    char *p = realloc(b->s, cap);
    if (!p) return 0;
    b->s = p, b->cap = cap;
  }
  b->s[b->n++] = c;
  b->s[b->n] = '\0';
  return 1;
}

static int rec_push(csv_rec *r, sbuf *b, int quoted) {
  if (!sb_put(b, '\0')) return 0; /* make sure b->s exists */
  b->n--;
  char *s = b->s;
  if (!quoted) { /* unquoted fields lose surrounding blanks */
    size_t a = 0, e = b->n;
    while (a < e && (s[a] == ' ' || s[a] == '\t')) a++;
    while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
    memmove(s, s + a, e - a);
    s[e - a] = '\0';
  }
  if (r->n == r->cap) {
    int cap = r->cap ? 2 * r->cap : 16;
    char **p = realloc(r->f, sizeof(char *) * (size_t)cap);
    if (!p) return 0;
    r->f = p, r->cap = cap;
  }
  r->f[r->n++] = s;
  b->s = NULL, b->n = b->cap = 0;
  return 1;
}

/* Next record from s[*pos..len). *eof = 1 when there is none. */
static hl_status csv_next(const char *s, size_t len, size_t *pos, int *line, csv_rec *r, int *eof,
                          const char *path, hl_error *err) {
  size_t p = *pos;
  rec_clear(r);
  r->line = *line;
  *eof = p >= len;
  if (*eof) return HL_OK;
  sbuf b = {NULL, 0, 0};
  for (;;) {
    int quoted = 0;
    while (p < len && (s[p] == ' ' || s[p] == '\t')) p++;
    if (p < len && s[p] == '"') {
      quoted = 1;
      p++;
      for (;;) {
        if (p >= len) {
          free(b.s);
          return hl_error_set(err, HL_ERR_PARSE, path, r->line, "unterminated quoted field");
        }
        if (s[p] == '"') {
          if (p + 1 < len && s[p + 1] == '"') {
            if (!sb_put(&b, '"')) goto nomem;
            p += 2;
            continue;
          }
          p++;
          break;
        }
        if (s[p] == '\n') (*line)++;
        if (!sb_put(&b, s[p++])) goto nomem;
      }
      while (p < len && (s[p] == ' ' || s[p] == '\t')) p++;
      if (p < len && s[p] != ',' && s[p] != '\n' && s[p] != '\r') {
        free(b.s);
        return hl_error_set(err, HL_ERR_PARSE, path, *line, "text after a closing quote (field %d)", r->n + 1);
      }
    } else {
      while (p < len && s[p] != ',' && s[p] != '\n' && s[p] != '\r')
        if (!sb_put(&b, s[p++])) goto nomem;
    }
    if (!rec_push(r, &b, quoted)) goto nomem;
    if (p >= len) break;
    if (s[p] == ',') {
      p++;
      continue;
    }
    if (s[p] == '\r') p++;
    if (p < len && s[p] == '\n') p++;
    (*line)++;
    break;
  }
  *pos = p;
  return HL_OK;
nomem:
  free(b.s);
  return hl_error_set(err, HL_ERR_NOMEM, path, r->line, "out of memory");
}

/* ------------------------------------------------------------------------- manifest */

enum { C_ID, C_MODEL, C_COORDS, C_LOADS, C_RESERVES, C_LEG, C_T0, C_T1, C_MASS, C_LOWPASS, C_EXPONENT, C_COUNT };
static const char *const col_names[C_COUNT] = {"id", "model", "coordinates", "external_loads", "reserves", "leg",
                                               "t0", "t1", "mass", "lowpass", "exponent"};

void hl_batch_manifest_free(hl_manifest *mf) {
  if (!mf) return;
  for (int i = 0; i < mf->ntrial; i++) {
    hl_batch_trial *t = &mf->trial[i];
    free(t->model);
    free(t->coordinates);
    free(t->external_loads);
    for (int k = 0; k < t->nreserve; k++) free(t->reserve[k]);
    free(t->reserve);
  }
  free(mf->trial);
  free(mf->path);
  free(mf);
}

/* dir + "/" + rel (rel itself when absolute); NULL for an empty rel or no memory. */
static char *resolve(const char *dir, const char *rel, size_t rlen) {
  if (rlen == 0) return NULL;
  size_t dl = (rel[0] == '/' || !dir[0]) ? 0 : strlen(dir);
  char *p = malloc(dl + rlen + 2);
  if (!p) return NULL;
  if (dl) {
    memcpy(p, dir, dl);
    p[dl] = '/';
    dl++;
  }
  memcpy(p + dl, rel, rlen);
  p[dl + rlen] = '\0';
  return p;
}

static int id_ok(const char *id) {
  if (!id[0] || id[0] == '.' || strlen(id) >= HL_BATCH_ID_MAX) return 0;
  for (const char *c = id; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
          *c == '_' || *c == '-'))
      return 0;
  return 1;
}

/* A row's settings and paths; value errors go to t->row_status/row_error, memory errors return. */
static hl_status fill_trial(hl_batch_trial *t, char **f, const int *col, const char *dir, const char *path) {
  const char *v;
#define FIELD(c) (col[c] >= 0 ? f[col[c]] : "")
  hl_trial_settings_defaults(&t->settings);
  v = FIELD(C_MODEL);
  t->model = resolve(dir, v, strlen(v));
  v = FIELD(C_COORDS);
  t->coordinates = resolve(dir, v, strlen(v));
  v = FIELD(C_LOADS);
  t->external_loads = resolve(dir, v, strlen(v));
  if ((FIELD(C_MODEL)[0] && !t->model) || (FIELD(C_COORDS)[0] && !t->coordinates) ||
      (FIELD(C_LOADS)[0] && !t->external_loads))
    return HL_ERR_NOMEM;
  /* reserves: ';'-separated */
  v = FIELD(C_RESERVES);
  for (const char *a = v; *a;) {
    const char *e = strchr(a, ';');
    size_t n = e ? (size_t)(e - a) : strlen(a);
    while (n && (*a == ' ' || *a == '\t')) a++, n--;
    while (n && (a[n - 1] == ' ' || a[n - 1] == '\t')) n--;
    if (n == 4 && !strncmp(a, "auto", 4)) t->auto_reserves = 1;
    else if (n) {
      char **p = realloc(t->reserve, sizeof(char *) * (size_t)(t->nreserve + 1));
      if (!p) return HL_ERR_NOMEM;
      t->reserve = p;
      if (!(t->reserve[t->nreserve] = resolve(dir, a, n))) return HL_ERR_NOMEM;
      t->nreserve++;
    }
    if (!e) break;
    a = e + 1;
  }
  if (!t->model || !t->coordinates) {
    hl_error_set(&t->row_error, HL_ERR_INVALID_ARG, path, t->line, "trial '%s': the %s column is empty", t->id,
                 !t->model ? "model" : "coordinates");
    t->row_status = HL_ERR_INVALID_ARG;
    return HL_OK;
  }
  v = FIELD(C_LEG);
  if (v[0] && (v[1] || (v[0] != 'r' && v[0] != 'l'))) {
    t->row_status = hl_error_set(&t->row_error, HL_ERR_BAD_VALUE, path, t->line,
                                 "trial '%s': leg must be r or l, not '%s'", t->id, v);
    return HL_OK;
  }
  if (v[0]) t->settings.leg = v[0];
  const int numc[5] = {C_T0, C_T1, C_MASS, C_LOWPASS, C_EXPONENT};
  double *dst[5] = {&t->settings.t0, &t->settings.t1, &t->settings.body_mass, &t->settings.lowpass_hz,
                    &t->settings.exponent};
  for (int k = 0; k < 5; k++) {
    v = FIELD(numc[k]);
    if (!v[0]) continue;
    char *end;
    errno = 0;
    double x = hl__strtod(v, &end);
    if (end == v || *end || !isfinite(x)) {
      t->row_status = hl_error_set(&t->row_error, HL_ERR_BAD_VALUE, path, t->line,
                                   "trial '%s': column %s: '%s' is not a number", t->id, col_names[numc[k]], v);
      return HL_OK;
    }
    *dst[k] = x;
  }
#undef FIELD
  if (isnan(t->settings.t0) != isnan(t->settings.t1))
    t->row_status = hl_error_set(&t->row_error, HL_ERR_BAD_VALUE, path, t->line,
                                 "trial '%s': give both t0 and t1, or neither (stance from the GRF)", t->id);
  else if (!isnan(t->settings.t0) && !(t->settings.t1 > t->settings.t0))
    t->row_status = hl_error_set(&t->row_error, HL_ERR_BAD_VALUE, path, t->line,
                                 "trial '%s': t1 (%g) must be after t0 (%g)", t->id, t->settings.t1, t->settings.t0);
  else if (col[C_MASS] >= 0 && f[col[C_MASS]][0] && !(t->settings.body_mass > 0))
    t->row_status = hl_error_set(&t->row_error, HL_ERR_BAD_VALUE, path, t->line,
                                 "trial '%s': mass must be > 0 kg, not %g", t->id, t->settings.body_mass);
  else if (!(t->settings.exponent > 1))
    t->row_status = hl_error_set(&t->row_error, HL_ERR_BAD_VALUE, path, t->line,
                                 "trial '%s': exponent must be > 1, not %g", t->id, t->settings.exponent);
  else if (isnan(t->settings.t0) && !t->external_loads)
    t->row_status = hl_error_set(&t->row_error, HL_ERR_INVALID_ARG, path, t->line,
                                 "trial '%s': no external_loads, so the stance cannot be found: give t0 and t1", t->id);
  return HL_OK;
}

hl_status hl_batch_manifest_parse(const char *text, size_t len, const char *path, hl_manifest **out, hl_error *err) {
  if (!out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_manifest_parse: out is NULL");
  *out = NULL;
  if (!text) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_manifest_parse: text is NULL");
  if (!path) path = "(manifest)";
  hl_manifest *mf = calloc(1, sizeof *mf);
  if (!mf) return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  mf->path = strdup(path);
  char *dir = strdup(path);
  if (!mf->path || !dir) {
    free(dir);
    hl_batch_manifest_free(mf);
    return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  }
  char *slash = strrchr(dir, '/');
  if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
  else dir[0] = '\0';

  size_t pos = 0;
  int line = 1, eof = 0, cap = 0, have_header = 0, ncol = 0;
  int col[C_COUNT];
  for (int c = 0; c < C_COUNT; c++) col[c] = -1;
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) pos = 3; /* UTF-8 byte-order mark */
  csv_rec r = {NULL, 0, 0, 0};
  hl_status st = HL_OK;
  for (;;) {
    st = csv_next(text, len, &pos, &line, &r, &eof, path, err);
    if (st || eof) break;
    if (r.n == 1 && !r.f[0][0]) continue;  /* blank line */
    if (r.f[0][0] == '#') continue;        /* comment */
    if (!have_header) {
      have_header = 1;
      ncol = r.n;
      for (int i = 0; i < r.n; i++) {
        int c = 0;
        while (c < C_COUNT && strcmp(r.f[i], col_names[c])) c++;
        if (c == C_COUNT) {
          st = hl_error_set(err, HL_ERR_PARSE, path, r.line,
                            "unknown column '%s' (known: id, model, coordinates, external_loads, reserves, leg, t0, t1, "
                            "mass, lowpass, exponent)", r.f[i]);
          goto done;
        }
        if (col[c] >= 0) {
          st = hl_error_set(err, HL_ERR_PARSE, path, r.line, "column '%s' appears twice", r.f[i]);
          goto done;
        }
        col[c] = i;
      }
      for (int c = 0; c <= C_COORDS; c++)
        if (col[c] < 0) {
          st = hl_error_set(err, HL_ERR_PARSE, path, r.line, "the header lacks the required column '%s'", col_names[c]);
          goto done;
        }
      continue;
    }
    const char *id = col[C_ID] < r.n ? r.f[col[C_ID]] : "";
    if (!id_ok(id)) {
      st = hl_error_set(err, HL_ERR_PARSE, path, r.line,
                        id[0] ? "id '%s' is not a valid folder name (letters, digits, '.', '_', '-'; not starting with '.')"
                              : "the id is empty%s", id);
      goto done;
    }
    for (int i = 0; i < mf->ntrial; i++)
      if (!strcmp(mf->trial[i].id, id)) {
        st = hl_error_set(err, HL_ERR_PARSE, path, r.line, "id '%s' repeats line %d", id, mf->trial[i].line);
        goto done;
      }
    if (mf->ntrial == cap) {
      int nc = cap ? 2 * cap : 16;
      hl_batch_trial *p = realloc(mf->trial, sizeof *p * (size_t)nc);
      if (!p) {
        st = hl_error_set(err, HL_ERR_NOMEM, path, r.line, "out of memory");
        goto done;
      }
      mf->trial = p, cap = nc;
    }
    hl_batch_trial *t = &mf->trial[mf->ntrial++];
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "%s", id);
    t->line = r.line;
    hl_error_clear(&t->row_error);
    if (r.n != ncol) {
      hl_trial_settings_defaults(&t->settings);
      t->row_status = hl_error_set(&t->row_error, HL_ERR_PARSE, path, r.line,
                                   "trial '%s': the row has %d fields, the header %d (a path with a comma needs quotes)",
                                   id, r.n, ncol);
      continue;
    }
    if (fill_trial(t, r.f, col, dir, path)) {
      st = hl_error_set(err, HL_ERR_NOMEM, path, r.line, "out of memory");
      goto done;
    }
  }
  if (!st && !have_header) st = hl_error_set(err, HL_ERR_PARSE, path, line, "no header row (expected e.g. 'id,model,coordinates,external_loads,leg,t0,t1')");
done:
  rec_clear(&r);
  free(r.f);
  free(dir);
  if (st) {
    hl_batch_manifest_free(mf);
    return st;
  }
  for (int i = 0; i < mf->ntrial; i++) mf->trial[i].settings.name = mf->trial[i].id;
  *out = mf;
  return HL_OK;
}

hl_status hl_batch_manifest_read(const char *path, hl_manifest **out, hl_error *err) {
  if (out) *out = NULL;
  if (!path || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_manifest_read: NULL argument");
  FILE *f = fopen(path, "rb");
  if (!f) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot open the manifest: %s", strerror(errno));
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 65536 > cap) {
      size_t nc = cap ? 2 * cap : 65536;
      char *p = realloc(buf, nc);
      if (!p) {
        free(buf);
        fclose(f);
        return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
      }
      buf = p, cap = nc;
    }
    size_t k = fread(buf + n, 1, cap - n, f);
    n += k;
    if (k == 0) break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return hl_error_set(err, HL_ERR_IO, path, 0, "cannot read the manifest");
  }
  hl_status st = hl_batch_manifest_parse(buf, n, path, out, err);
  free(buf);
  return st;
}

/* ------------------------------------------------------------------------------ run */

void hl_batch_settings_defaults(hl_batch_settings *s) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  s->jobs = 0;
  s->write_outputs = 1;
}

typedef struct {
  char *key;          /* model path, reserves, auto: trials with equal keys share the model */
  pthread_mutex_t mu; /* guards everything below */
  int loaded, users;
  hl_model *m;
  hl_status st;
  hl_error err;
} model_entry;

typedef struct {
  const hl_manifest *mf;
  const hl_batch_settings *s;
  const char *out_dir;
  hl_batch_result *res;
  model_entry *ent;
  int *trial_ent;     /* [ntrial] entry of each runnable trial, -1 otherwise */
  pthread_mutex_t mu; /* guards next, done, failed and the progress call */
  int next, done, failed;
} batch_ctx;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The key of a trial's model: canonical paths when they exist, the strings otherwise. */
static char *model_key(const hl_batch_trial *t) {
  size_t n = 16;
  char *canon[1 + 64];
  int nc = 1 + (t->nreserve < 64 ? t->nreserve : 64);
  for (int i = 0; i < nc; i++) {
    const char *p = i ? t->reserve[i - 1] : t->model;
    canon[i] = realpath(p, NULL);
    n += strlen(canon[i] ? canon[i] : p) + 1;
  }
  for (int i = 64; i < t->nreserve; i++) n += strlen(t->reserve[i]) + 1;
  char *k = malloc(n);
  if (k) {
    size_t o = 0;
    for (int i = 0; i < 1 + t->nreserve; i++) {
      const char *p = i < nc ? (canon[i] ? canon[i] : (i ? t->reserve[i - 1] : t->model)) : t->reserve[i - 1];
      size_t L = strlen(p);
      memcpy(k + o, p, L);
      o += L;
      k[o++] = '\n';
    }
    snprintf(k + o, n - o, "auto=%d", t->auto_reserves);
  }
  for (int i = 0; i < nc; i++) free(canon[i]);
  return k;
}

static void load_model(model_entry *e, const hl_batch_trial *t) {
  hl_error_clear(&e->err);
  hl_status st = hl_model_load(t->model, &e->m, &e->err);
  for (int i = 0; i < t->nreserve && !st; i++) st = hl_model_add_force_set(e->m, t->reserve[i], 0, &e->err);
  if (!st && (t->auto_reserves || e->m->nactuator == 0)) st = hl_model_add_reserves(e->m, 1.0, &e->err);
  if (st) {
    hl_model_free(e->m);
    e->m = NULL;
  }
  e->st = st;
  e->loaded = 1;
}

static void run_one(batch_ctx *c, int i) {
  const hl_batch_trial *tr = &c->mf->trial[i];
  hl_batch_result *res = &c->res[i];
  double t_start = now_s();
  hl_error_clear(&res->error);
  if (tr->row_status) {
    res->status = tr->row_status;
    res->error = tr->row_error;
    res->seconds = now_s() - t_start;
    return;
  }
  model_entry *e = &c->ent[c->trial_ent[i]];
  pthread_mutex_lock(&e->mu);
  if (!e->loaded) load_model(e, tr);
  hl_status st = e->st;
  if (st) res->error = e->err;
  const hl_model *m = e->m;
  pthread_mutex_unlock(&e->mu);

  hl_table *q = NULL;
  hl_extloads *x = NULL;
  hl_trial *t = NULL;
  hl_trial_settings ts = tr->settings;
  ts.name = tr->id;
  if (!st) st = hl_table_read(tr->coordinates, &q, &res->error);
  if (!st && tr->external_loads) /* only the GRF rows of the kinematics' time span */
    st = hl__extloads_load_window(tr->external_loads, NULL, hl_table_time(q, 0), hl_table_time(q, q->nrow - 1),
                                  HL_EXTLOADS_PAD, &x, &res->error);
  if (!st) st = hl_trial_run(m, q, x, &ts, &t, &res->error);
  if (!st) {
    res->summary = t->summary;
    if (c->s->write_outputs && c->out_dir) {
      size_t L = strlen(c->out_dir) + strlen(tr->id) + 2;
      char *dir = malloc(L);
      if (!dir) st = hl_error_set(&res->error, HL_ERR_NOMEM, NULL, 0, "out of memory");
      else {
        snprintf(dir, L, "%s/%s", c->out_dir, tr->id);
        /* no wall time in the files: a batch's outputs are reproducible byte for byte */
        t->summary.seconds = 0;
        st = hl_trial_write(t, m, dir, &ts, &res->error);
        free(dir);
      }
    }
  }
  res->status = st;
  if (!st) hl_error_clear(&res->error);
  else if (!res->error.message[0]) hl_error_set(&res->error, st, NULL, 0, "%s", hl_strerror(st));
  hl_trial_free(t);
  hl_extloads_free(x);
  hl_table_free(q);

  pthread_mutex_lock(&e->mu);
  if (--e->users == 0) {
    hl_model_free(e->m);
    e->m = NULL;
  }
  pthread_mutex_unlock(&e->mu);
  res->seconds = now_s() - t_start;
}

static void *worker(void *arg) {
  batch_ctx *c = arg;
  int n = c->mf->ntrial;
  for (;;) {
    pthread_mutex_lock(&c->mu);
    int i = c->next < n ? c->next++ : -1;
    pthread_mutex_unlock(&c->mu);
    if (i < 0) break;
    run_one(c, i);
    pthread_mutex_lock(&c->mu);
    c->done++;
    if (c->res[i].status) c->failed++;
    if (c->s->progress) c->s->progress(c->s->progress_user, c->done, n, c->failed);
    pthread_mutex_unlock(&c->mu);
  }
  return NULL;
}

static hl_status write_timing(const hl_manifest *mf, const hl_batch_result *res, const char *out_dir, hl_error *err);

hl_status hl_batch_run(const hl_manifest *mf, const char *out_dir, const hl_batch_settings *s_in,
                       hl_batch_result **results, int *nfailed, hl_error *err) {
  if (results) *results = NULL;
  if (nfailed) *nfailed = 0;
  if (!mf || !results) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_batch_run: NULL manifest or results");
  hl_batch_settings s;
  if (s_in) s = *s_in;
  else hl_batch_settings_defaults(&s);
  if (s.write_outputs && !out_dir)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_batch_run: no output folder (set write_outputs = 0 to run without one)");
  if (out_dir) {
    hl_status st = hl__mkdirs(out_dir, err);
    if (st) return st;
  }
  int n = mf->ntrial;
  int jobs = s.jobs;
  if (jobs <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    jobs = cpus > 0 ? (int)(cpus < 1024 ? cpus : 1024) : 1;
  }
  if (jobs > n) jobs = n;
  if (jobs < 1) jobs = 1;

  batch_ctx c;
  memset(&c, 0, sizeof c);
  c.mf = mf;
  c.s = &s;
  c.out_dir = out_dir;
  c.res = calloc((size_t)n + 1, sizeof *c.res);
  c.trial_ent = malloc(sizeof(int) * ((size_t)n + 1));
  c.ent = calloc((size_t)n + 1, sizeof *c.ent);
  pthread_t *th = malloc(sizeof *th * (size_t)jobs);
  int nent = 0;
  hl_status st = HL_OK;
  if (!c.res || !c.trial_ent || !c.ent || !th) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto done;
  }
  /* distinct models */
  for (int i = 0; i < n; i++) {
    c.trial_ent[i] = -1;
    if (mf->trial[i].row_status) continue;
    char *key = model_key(&mf->trial[i]);
    if (!key) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
    int k = 0;
    while (k < nent && strcmp(c.ent[k].key, key)) k++;
    if (k == nent) {
      c.ent[k].key = key;
      pthread_mutex_init(&c.ent[k].mu, NULL);
      nent++;
    } else free(key);
    c.ent[k].users++;
    c.trial_ent[i] = k;
  }
  /* libxml2 must be initialised once before threads parse */
  xmlInitParser();
  pthread_mutex_init(&c.mu, NULL);
  int started = 0;
  for (; started < jobs; started++)
    if (pthread_create(&th[started], NULL, worker, &c)) break;
  if (started == 0) worker(&c); /* no thread could start: run here */
  for (int k = 0; k < started; k++) pthread_join(th[k], NULL);
  pthread_mutex_destroy(&c.mu);

  if (nfailed) *nfailed = c.failed;
  if (out_dir) {
    size_t L = strlen(out_dir) + 16;
    char *p = malloc(L);
    if (!p) st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    else {
      snprintf(p, L, "%s/summary.csv", out_dir);
      st = hl_batch_write_summary(mf, c.res, p, err);
      free(p);
    }
    if (!st) st = write_timing(mf, c.res, out_dir, err);
  }
done:
  for (int k = 0; k < nent; k++) {
    free(c.ent[k].key);
    hl_model_free(c.ent[k].m); /* NULL unless a load raced past its last user (never) */
    pthread_mutex_destroy(&c.ent[k].mu);
  }
  free(c.ent);
  free(c.trial_ent);
  free(th);
  if (st) {
    free(c.res);
    return st;
  }
  *results = c.res;
  return HL_OK;
}

/* -------------------------------------------------------------------------- outputs */

/* A CSV field, RFC 4180: quoted when it holds a separator, quote or line break; quotes doubled. */
static void csv_str(FILE *f, const char *s) {
  int quote = s[strcspn(s, ",\"\n\r")] != '\0';
  if (quote) fputc('"', f);
  while (*s) {
    size_t n = strcspn(s, "\"");
    fwrite(s, 1, n, f);
    s += n;
    if (*s) fputs("\"\"", f), s++;
  }
  if (quote) fputc('"', f);
}

static void csv_num(FILE *f, double v) {
  fputc(',', f);
  if (isfinite(v)) hl__fprintf_c(f, "%.10g", v);
}

/* Open path.tmp for an atomic write. */
static FILE *open_tmp(const char *path, char **tmp, hl_error *err) {
  size_t L = strlen(path) + 8;
  *tmp = malloc(L);
  if (!*tmp) {
    hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    return NULL;
  }
  snprintf(*tmp, L, "%s.tmp", path);
  FILE *f = fopen(*tmp, "wb");
  if (!f) {
    hl_error_set(err, HL_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
    free(*tmp);
    *tmp = NULL;
  }
  return f;
}

static hl_status close_tmp(FILE *f, char *tmp, const char *path, hl_error *err) {
  int bad = ferror(f);
  bad |= fclose(f);
  hl_status st = HL_OK;
  if (bad) st = hl_error_set(err, HL_ERR_IO, path, 0, "write failed");
  else if (rename(tmp, path)) st = hl_error_set(err, HL_ERR_IO, path, 0, "cannot rename the temporary file: %s", strerror(errno));
  if (st) remove(tmp);
  free(tmp);
  return st;
}

static const char *const peak_names[] = {"hip", "knee", "ankle", "iliacus", "psoas", "iliopsoas",
                                         "gluteus_maximus", "gluteus_medius", "gluteus_minimus"};

hl_status hl_batch_write_summary(const hl_manifest *mf, const hl_batch_result *res, const char *path, hl_error *err) {
  if (!mf || !res || !path) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_batch_write_summary: NULL argument");
  char *tmp;
  FILE *f = open_tmp(path, &tmp, err);
  if (!f) return err ? err->status : HL_ERR_IO;
  fputs("id,line,status,error,t0_s,t1_s,frames,body_mass_kg,bw_n", f);
  for (int k = 0; k < 9; k++) {
    const char *p = peak_names[k];
    fprintf(f, ",%s_peak_n,%s_peak_bw,%s_peak_time_s,%s_peak_pct", p, p, p, p);
    if (k == 0) fputs(",hip_impulse_bw_s", f);
  }
  const char *contrib[6] = {"iliopsoas", "gluteus_maximus", "gluteus_medius", "gluteus_minimus", "intersegmental", "actuators"};
  for (int k = 0; k < 6; k++) {
    const char *p = contrib[k];
    fprintf(f, ",%s_at_hip_peak_bw,%s_at_hip_peak_share,%s_impulse_bw_s,%s_impulse_share", p, p, p, p);
  }
  fputs(",so_frames_least_squares,so_max_residual,so_max_reserve,so_max_reserve_actuator\n", f);
  for (int i = 0; i < mf->ntrial; i++) {
    const hl_batch_result *r = &res[i];
    csv_str(f, mf->trial[i].id);
    fprintf(f, ",%d,", mf->trial[i].line);
    csv_str(f, hl_strerror(r->status));
    fputc(',', f);
    csv_str(f, r->status ? r->error.message : "");
    if (r->status) {
      /* as many empty fields as a good row has numbers: 5 + 9*4 + 1 + 6*4 + 4 */
      for (int k = 0; k < 5 + 36 + 1 + 24 + 4; k++) fputc(',', f);
      fputc('\n', f);
      continue;
    }
    const hl_trial_summary *S = &r->summary;
    csv_num(f, S->t0);
    csv_num(f, S->t1);
    fprintf(f, ",%d", S->nframe);
    csv_num(f, S->body_mass_kg);
    csv_num(f, S->bw_n);
    const hl_peak *pk[9] = {&S->hip, &S->knee, &S->ankle, &S->iliacus, &S->psoas, &S->iliopsoas,
                            &S->gluteus_maximus, &S->gluteus_medius, &S->gluteus_minimus};
    for (int k = 0; k < 9; k++) {
      csv_num(f, pk[k]->value);
      csv_num(f, pk[k]->bw);
      csv_num(f, pk[k]->time);
      csv_num(f, pk[k]->pct);
      if (k == 0) csv_num(f, S->hip_impulse_bw_s);
    }
    const hl_contribution *cb[6] = {&S->named[0], &S->named[1], &S->named[2], &S->named[3], &S->intersegmental,
                                     &S->actuators};
    for (int k = 0; k < 6; k++) {
      csv_num(f, cb[k]->at_peak_bw);
      csv_num(f, cb[k]->at_peak_share);
      csv_num(f, cb[k]->impulse_bw_s);
      csv_num(f, cb[k]->impulse_share);
    }
    fprintf(f, ",%d", S->so_least_squares);
    csv_num(f, S->so_max_residual);
    csv_num(f, S->so_max_reserve);
    fputc(',', f);
    csv_str(f, S->so_max_reserve_name);
    fputc('\n', f);
  }
  return close_tmp(f, tmp, path, err);
}

static hl_status write_timing(const hl_manifest *mf, const hl_batch_result *res, const char *out_dir, hl_error *err) {
  size_t L = strlen(out_dir) + 16;
  char *path = malloc(L);
  if (!path) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  snprintf(path, L, "%s/timing.csv", out_dir);
  char *tmp;
  FILE *f = open_tmp(path, &tmp, err);
  if (!f) {
    free(path);
    return err ? err->status : HL_ERR_IO;
  }
  fputs("id,status,frames,seconds,solve_seconds\n", f);
  for (int i = 0; i < mf->ntrial; i++) {
    csv_str(f, mf->trial[i].id);
    fputc(',', f);
    csv_str(f, hl_strerror(res[i].status));
    hl__fprintf_c(f, ",%d,%.6f,%.6f\n", res[i].status ? 0 : res[i].summary.nframe, res[i].seconds,
            res[i].status ? 0.0 : res[i].summary.seconds);
  }
  hl_status st = close_tmp(f, tmp, path, err);
  free(path);
  return st;
}
