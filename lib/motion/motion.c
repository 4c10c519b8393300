/* SPDX-License-Identifier: Apache-2.0 */
/* Coordinates → q, q̇, q̈ per frame, as OpenSim's InverseDynamicsTool and AnalyzeTool form them.
 * See include/hipload/motion.h for the steps; the OpenSim behaviour they follow (read, not copied):
 * InverseDynamicsTool::run pads by getSize()/2 and low-passes only when a cutoff is given,
 * Storage::lowpassIIR resamples at the smallest step when steps are uneven, Storage::findIndex
 * picks the last row at or before a time, StaticOptimization differentiates a spline of speeds. */
#include "hipload/motion.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/coupler.h"
#include "hipload/signal.h"
#include "band.h"

#define HL_DEG2RAD 0.017453292519943295 /* pi / 180 */

void hl_motion_settings_defaults(hl_motion_settings *s) {
  if (!s) return;
  s->t0 = -1e300;
  s->t1 = 1e300;
  s->lowpass_hz = -1.0;
  s->in_degrees = -1;
  s->step_interval = 1;
  s->acc = HL_MOTION_ACC_QSPLINE;
  s->assemble = 1;
}

void hl_motion_free(hl_motion *mo) {
  if (!mo) return;
  free(mo->t);
  free(mo->q);
  free(mo->qd);
  free(mo->qdd);
  free(mo->missing);
  free(mo);
}

/* Column of the table holding coordinate `name`: exact label, or an OpenSim 4 state path
 * ".../<name>/value". -1 when absent. */
static int find_coord_column(const hl_table *t, const char *name) {
  size_t nl = strlen(name);
  for (int c = 1; c < t->ncol; c++)
    if (strcmp(t->names[c], name) == 0) return c;
  for (int c = 1; c < t->ncol; c++) {
    const char *lab = t->names[c];
    size_t ll = strlen(lab);
    if (ll < nl + 7 || strcmp(lab + ll - 6, "/value") != 0) continue;
    const char *start = lab + ll - 6 - nl;
    if (strncmp(start, name, nl) == 0 && start > lab && start[-1] == '/') return c;
  }
  return -1;
}

hl_status hl_motion_check_coordinates(const hl_model *m, const hl_table *coords, const char *path,
                                      hl_error *err) {
  if (!m || !coords)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_motion_check_coordinates: NULL argument");
  char list[768] = "";
  size_t len = 0;
  int n = 0;
  for (int q = 0; q < m->ncoord; q++) {
    if (m->coord_locked[q] || find_coord_column(coords, m->coord_name[q]) >= 0) continue;
    if (len + strlen(m->coord_name[q]) + 8 < sizeof list)
      len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'", n ? ", " : "", m->coord_name[q]);
    else if (len + 6 < sizeof list && list[len - 1] != '.')
      len += (size_t)snprintf(list + len, sizeof list - len, ", ...");
    n++;
  }
  if (!n) return HL_OK;
  const char *file = path && path[0] ? path : coords->name && coords->name[0] ? coords->name
                                                                              : "the coordinates";
  return hl_error_set(err, HL_ERR_NOT_FOUND, file, 0,
                      "no column for %d unlocked coordinate%s of model '%s': %s (OpenSim would hold "
                      "%s at the default value)", n, n > 1 ? "s" : "", m->name, list,
                      n > 1 ? "them" : "it");
}

/* Prepend and append `pad` samples reflected about the end samples and negated (odd reflection),
 * which keeps value and slope continuous: x[-k] = 2 x[0] − x[k]. out has n + 2 pad entries. */
static void pad_odd(const double *x, int n, int pad, double *out) {
  for (int i = 0; i < pad; i++) out[i] = 2.0 * x[0] - x[pad - i];
  memcpy(out + pad, x, sizeof(double) * (size_t)n);
  for (int i = 0; i < pad; i++) out[pad + n + i] = 2.0 * x[n - 1] - x[n - 2 - i];
}

/* Last index i with t[i] <= tm (0 when tm precedes every row), as Storage::findIndex. */
static int find_index(const double *t, int n, double tm) {
  int i = 0;
  while (i < n && !(tm < t[i])) i++;
  return i > 0 ? i - 1 : 0;
}

static int header_says_degrees(const hl_table *t) {
  return t->header && strstr(t->header, "inDegrees") != NULL;
}

/* Step 6: OpenSim's per-frame assembly, and a record of the clamping it did. */
static void assemble_frames(const hl_model *m, hl_motion *mo) {
  const int nq = mo->nq;
  mo->clamp_first = -1;
  if (!m->assemble_clamps && m->ncoupler == 0) return;
  for (int f = 0; f < mo->nframe; f++) {
    double *q = mo->q + (size_t)f * nq;
    for (int i = 0; i < nq && m->assemble_clamps; i++) {
      if (!m->coord_clamped[i] || m->coord_locked[i]) continue;
      double lo = m->coord_range[2 * i], hi = m->coord_range[2 * i + 1];
      double dv = q[i] < lo ? lo - q[i] : q[i] > hi ? q[i] - hi : 0.0;
      if (dv > mo->clamp_worst) mo->clamp_worst = dv;
      if (dv > 0.0 && mo->clamp_first < 0) mo->clamp_first = i;
    }
    mo->nclamped += hl_model_assemble(m, q, mo->qd + (size_t)f * nq, mo->qdd + (size_t)f * nq);
  }
}

/* One hl_motion_create: the inputs, the rows kept, and the working arrays. */
typedef struct {
  const hl_model *m;
  const hl_table *tab;
  hl_motion_settings s;
  const char *fname;
  hl_error *err;
  int nq;
  int *rows, n;      /* the rows kept (repeated times dropped) */
  int *col;          /* nq: table column of each coordinate, -1 when missing */
  int pad, np, nr;   /* padding rows at each end; padded rows; processed rows */
  double *tt;        /* nr processed times */
  double *xx;        /* nq × nr processed values, column-major */
  double *tmp, *tmp2;
  double dtmin;
  hl_motion *mo;
  hl_spline **sp, **usp;
  hl__spline_knots *kn; /* the knots of the processed rows, factored at the first fit */
} build;

static hl_status nomem(build *b) { return hl_error_set(b->err, HL_ERR_NOMEM, NULL, 0, "out of memory"); }

/* Time order; the rows kept. Rows repeating the previous time (to within 1e-6 of the mean step,
 * e.g. RRA's last row printed twice as 1.5989999999999343 and 1.599) are dropped: a spline cannot
 * pass through both. */
static hl_status keep_rows(build *b) {
  const hl_table *tab = b->tab;
  if (tab->nrow < 6)
    return hl_error_set(b->err, HL_ERR_RANGE, NULL, 0, "coordinates '%s': %d rows, the quintic spline needs at least 6",
                        b->fname, tab->nrow);
  for (int r = 1; r < tab->nrow; r++)
    if (!(hl_table_time(tab, r) >= hl_table_time(tab, r - 1)))
      return hl_error_set(b->err, HL_ERR_BAD_VALUE, NULL, 0,
                          "coordinates '%s': time decreases at data row %d (t = %g after %g)",
                          b->fname, r + 1, hl_table_time(tab, r), hl_table_time(tab, r - 1));
  b->rows = malloc(sizeof(int) * (size_t)tab->nrow);
  if (!b->rows) return nomem(b);
  double tiny = 1e-6 * (hl_table_time(tab, tab->nrow - 1) - hl_table_time(tab, 0)) / (tab->nrow - 1);
  for (int r = 0; r < tab->nrow; r++)
    if (b->n == 0 || hl_table_time(tab, r) - hl_table_time(tab, b->rows[b->n - 1]) > tiny) b->rows[b->n++] = r;
  if (b->n < 6)
    return hl_error_set(b->err, HL_ERR_RANGE, NULL, 0,
                        "coordinates '%s': %d distinct times, the quintic spline needs at least 6", b->fname, b->n);
  return HL_OK;
}

/* 1. match columns (the first non-finite value is the one reported) */
static hl_status match_columns(build *b) {
  hl_motion *mo = b->mo;
  const hl_table *tab = b->tab;
  for (int i = 0; i < b->nq; i++) {
    b->col[i] = find_coord_column(tab, b->m->coord_name[i]);
    if (b->col[i] < 0) {
      mo->missing[mo->nmissing++] = i;
      continue;
    }
    for (int r = 0; r < b->n; r++)
      if (!isfinite(hl_table_get(tab, b->rows[r], b->col[i])))
        return hl_error_set(b->err, HL_ERR_BAD_VALUE, NULL, 0,
                            "coordinates '%s': column '%s' is %g at time %.17g s (data row %d)", b->fname,
                            tab->names[b->col[i]], hl_table_get(tab, b->rows[r], b->col[i]),
                            hl_table_time(tab, b->rows[r]), b->rows[r] + 1);
  }
  return HL_OK;
}

/* 2. the processed times: padded (and resampled at the smallest step) when filtering, as OpenSim
 * does all three only then. *resample is set when the steps are not uniform. */
static hl_status process_times(build *b, int *resample) {
  int n = b->n;
  b->pad = b->s.lowpass_hz > 0 ? n / 2 : 0;
  b->np = n + 2 * b->pad;
  b->tt = malloc(sizeof(double) * (size_t)b->np);
  b->tmp = malloc(sizeof(double) * (size_t)n);
  if (!b->tt || !b->tmp) return nomem(b);
  for (int r = 0; r < n; r++) b->tmp[r] = hl_table_time(b->tab, b->rows[r]);
  pad_odd(b->tmp, n, b->pad, b->tt);
  int np = b->np;
  b->nr = np;
  b->dtmin = INFINITY;
  for (int r = 1; r < np; r++)
    if (b->tt[r] - b->tt[r - 1] < b->dtmin) b->dtmin = b->tt[r] - b->tt[r - 1];
  *resample = 0;
  if (b->s.lowpass_hz > 0) {
    double avg = (b->tt[np - 1] - b->tt[0]) / (np - 1);
    if (avg - b->dtmin > DBL_EPSILON) {
      *resample = 1;
      double rows_d = floor((b->tt[np - 1] - b->tt[0]) / b->dtmin * (1.0 + 1e-12)) + 1;
      if (rows_d > 100.0 * np)
        return hl_error_set(b->err, HL_ERR_BAD_VALUE, NULL, 0,
                            "coordinates '%s': smallest time step %g s would resample %d rows to %.0f", b->fname,
                            b->dtmin, np, rows_d);
      b->nr = (int)rows_d;
    }
  }
  return HL_OK;
}

/* Coordinate i's processed values into x (nr): padded, resampled at tr, low-passed, radians. */
static hl_status process_column(build *b, int i, int resample, const double *tr, double *x) {
  const hl_model *m = b->m;
  hl_status st = HL_OK;
  for (int r = 0; r < b->n; r++) b->tmp[r] = hl_table_get(b->tab, b->rows[r], b->col[i]);
  if (resample) {
    hl_spline *rs = NULL;
    pad_odd(b->tmp, b->n, b->pad, b->tmp2);
    st = hl_signal_spline_fit(b->tt, b->tmp2, b->np, &rs, NULL);
    if (st)
      return hl_error_set(b->err, st, NULL, 0, "coordinates '%s': resampling spline for '%s' failed", b->fname,
                          m->coord_name[i]);
    for (int r = 0; r < b->nr; r++) hl_signal_spline_eval(rs, tr[r], &x[r], NULL, NULL);
    hl_signal_spline_free(rs);
  } else {
    pad_odd(b->tmp, b->n, b->pad, x);
  }
  if (b->s.lowpass_hz > 0) {
    st = hl_signal_lowpass(x, b->nr, b->dtmin, b->s.lowpass_hz, NULL);
    if (st)
      return hl_error_set(b->err, st, NULL, 0, "coordinates '%s': low-pass of '%s' failed", b->fname, m->coord_name[i]);
  }
  /* 3. degrees → radians */
  if (b->mo->in_degrees && m->coord_rotational[i] && !(m->coord_coupled && m->coord_coupled[i]))
    for (int r = 0; r < b->nr; r++) x[r] *= HL_DEG2RAD;
  return HL_OK;
}

/* 2–3 for every coordinate found in the table. */
static hl_status process_columns(build *b) {
  int resample;
  hl_status st = process_times(b, &resample);
  if (st) return st;
  int nr = b->nr;
  b->xx = calloc((size_t)b->nq * (size_t)nr + 1, sizeof(double));
  b->tmp2 = malloc(sizeof(double) * (size_t)(b->np > nr ? b->np : nr));
  double *tr = resample ? malloc(sizeof(double) * (size_t)nr) : b->tt;
  if (!b->xx || !b->tmp2 || !tr) {
    if (resample) free(tr);
    return nomem(b);
  }
  if (resample)
    for (int r = 0; r < nr; r++) tr[r] = b->tt[0] + r * b->dtmin;
  for (int i = 0; i < b->nq && !st; i++)
    if (b->col[i] >= 0) st = process_column(b, i, resample, tr, b->xx + (size_t)i * nr);
  if (resample) {
    free(b->tt);
    b->tt = tr;
  }
  b->mo->nrow_processed = nr;
  return st;
}

/* 5. frames: OpenSim's AnalyzeTool records the first row (begin), every row whose index in the
 * whole storage is a multiple of step_interval (Analysis::proceed(stepNumber)), and the last row
 * (end). The multiples count from the file's first row, not from t0: walk-so-spring's reference
 * has rows at 0.500, 0.503, 0.513, ... because its file has extra rows earlier. */
static hl_status pick_frames(build *b) {
  hl_motion *mo = b->mo;
  const double *tt = b->tt;
  int nr = b->nr, nq = b->nq, step = b->s.step_interval;
  double first = tt[0], last = tt[nr - 1];
  if (b->s.t0 > last || b->s.t1 < first || b->s.t1 < b->s.t0)
    return hl_error_set(b->err, HL_ERR_RANGE, NULL, 0, "coordinates '%s': time range [%g, %g] misses the data [%g, %g]",
                        b->fname, b->s.t0, b->s.t1, first, last);
  int i0 = find_index(tt, nr, b->s.t0 > first ? b->s.t0 : first);
  int i1 = find_index(tt, nr, b->s.t1 < last ? b->s.t1 : last);
  int nf = 1;
  for (int r = i0 + 1; r < i1; r++)
    if (r % step == 0) nf++;
  if (i1 > i0) nf++;
  mo->nframe = nf;
  mo->t = malloc(sizeof(double) * (size_t)nf);
  mo->q = malloc(sizeof(double) * (size_t)nf * nq + 1);
  mo->qd = malloc(sizeof(double) * (size_t)nf * nq + 1);
  mo->qdd = malloc(sizeof(double) * (size_t)nf * nq + 1);
  if (!mo->t || !mo->q || !mo->qd || !mo->qdd) return nomem(b);
  int f = 0;
  mo->t[f++] = tt[i0];
  for (int r = i0 + 1; r < i1; r++)
    if (r % step == 0) mo->t[f++] = tt[r];
  if (i1 > i0) mo->t[f++] = tt[i1];
  return HL_OK;
}

/* 4. splines and their evaluation at the frames */
static hl_status fit_splines(build *b) {
  const hl_model *m = b->m;
  hl_motion *mo = b->mo;
  int nq = b->nq, nr = b->nr, nf = mo->nframe;
  if (b->s.acc == HL_MOTION_ACC_SPEEDSPLINE && !(b->usp = calloc((size_t)nq + 1, sizeof *b->usp))) return nomem(b);
  for (int i = 0; i < nq; i++) {
    if (b->col[i] < 0) {
      for (int f = 0; f < nf; f++) {
        mo->q[(size_t)f * nq + i] = m->coord_default[i];
        mo->qd[(size_t)f * nq + i] = 0.0;
        mo->qdd[(size_t)f * nq + i] = 0.0;
      }
      continue;
    }
    /* the knots' band system is factored once for every coordinate (same bits as a fit each) */
    hl_status st = b->kn ? HL_OK : hl__spline_knots_create(b->tt, nr, &b->kn);
    if (!st) st = hl__spline_fit_knots(b->kn, b->xx + (size_t)i * nr, &b->sp[i]);
    if (st)
      return hl_error_set(b->err, st, NULL, 0, "coordinates '%s': spline for '%s' failed", b->fname, m->coord_name[i]);
    if (b->usp) {
      for (int r = 0; r < nr; r++) hl_signal_spline_eval(b->sp[i], b->tt[r], NULL, &b->tmp2[r], NULL);
      st = hl__spline_fit_knots(b->kn, b->tmp2, &b->usp[i]);
      if (st)
        return hl_error_set(b->err, st, NULL, 0, "coordinates '%s': speed spline for '%s' failed", b->fname,
                            m->coord_name[i]);
    }
    for (int f = 0; f < nf; f++) {
      size_t k = (size_t)f * nq + i;
      hl_signal_spline_eval(b->sp[i], mo->t[f], &mo->q[k], &mo->qd[k], &mo->qdd[k]);
      if (b->usp) hl_signal_spline_eval(b->usp[i], mo->t[f], NULL, &mo->qdd[k], NULL);
    }
    /* done with this coordinate: the next one's splines reuse the memory (no fresh pages) */
    hl_signal_spline_free(b->sp[i]);
    b->sp[i] = NULL;
    if (b->usp) {
      hl_signal_spline_free(b->usp[i]);
      b->usp[i] = NULL;
    }
  }
  return HL_OK;
}

hl_status hl_motion_create(const hl_model *m, const hl_table *tab, const hl_motion_settings *s_in,
                           hl_motion **out, hl_error *err) {
  if (out) *out = NULL;
  if (!m || !tab || !out)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_motion_create: NULL argument");
  build b;
  memset(&b, 0, sizeof b);
  b.m = m, b.tab = tab, b.err = err, b.nq = m->ncoord;
  if (s_in) b.s = *s_in;
  else hl_motion_settings_defaults(&b.s);
  b.fname = tab->name ? tab->name : "";
  if (b.s.step_interval < 1)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "step_interval %d: must be ≥ 1", b.s.step_interval);
  hl_status st = keep_rows(&b);
  if (!st) {
    b.mo = calloc(1, sizeof *b.mo);
    b.col = calloc((size_t)b.nq + 1, sizeof *b.col);
    b.sp = calloc((size_t)b.nq + 1, sizeof *b.sp);
    if (b.mo) b.mo->missing = calloc((size_t)b.nq + 1, sizeof(int));
    if (!b.mo || !b.col || !b.sp || !b.mo->missing) st = nomem(&b);
  }
  if (!st) {
    b.mo->nq = b.nq;
    b.mo->clamp_first = -1;
    b.mo->in_degrees = header_says_degrees(tab) ? tab->in_degrees : (b.s.in_degrees >= 0 ? b.s.in_degrees : 1);
    st = match_columns(&b);
  }
  if (!st) st = process_columns(&b);
  if (!st) st = pick_frames(&b);
  if (!st) st = fit_splines(&b);
  if (!st && b.s.assemble) assemble_frames(m, b.mo);
  hl__spline_knots_free(b.kn);
  for (int i = 0; i < b.nq && b.sp; i++) hl_signal_spline_free(b.sp[i]);
  for (int i = 0; i < b.nq && b.usp; i++) hl_signal_spline_free(b.usp[i]);
  free(b.sp), free(b.usp), free(b.col), free(b.rows), free(b.tt), free(b.xx), free(b.tmp), free(b.tmp2);
  if (st) {
    hl_motion_free(b.mo);
    return st;
  }
  *out = b.mo;
  return HL_OK;
}
