/* SPDX-License-Identifier: Apache-2.0 */
/* Coordinates → q, q̇, q̈ per frame, as OpenSim's InverseDynamicsTool and AnalyzeTool form them.
 * See include/hipload/motion.h for the steps; the OpenSim behaviour they follow (read, not copied):
 * InverseDynamicsTool::run pads by getSize()/2 and low-passes only when a cutoff is given,
 * Storage::lowpassIIR resamples at the smallest step when steps are uneven, Storage::findIndex
 * picks the last row at or before a time, StaticOptimization differentiates a spline of speeds. */
#include "hipload/motion.h"
#include "band.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/signal.h"

#define HL_DEG2RAD 0.017453292519943295 /* pi / 180 */

void hl_motion_settings_defaults(hl_motion_settings *s) {
  if (!s) return;
  s->t0 = -1e300;
  s->t1 = 1e300;
  s->lowpass_hz = -1.0;
  s->in_degrees = -1;
  s->step_interval = 1;
  s->acc = HL_MOTION_ACC_QSPLINE;
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

hl_status hl_motion_create(const hl_model *m, const hl_table *tab, const hl_motion_settings *s_in,
                           hl_motion **out, hl_error *err) {
  if (out) *out = NULL;
  if (!m || !tab || !out)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_motion_create: NULL argument");
  hl_motion_settings s;
  if (s_in) s = *s_in;
  else hl_motion_settings_defaults(&s);
  const char *fname = tab->name ? tab->name : "";
  if (s.step_interval < 1)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "step_interval %d: must be ≥ 1",
                        s.step_interval);
  const int nq = m->ncoord;
  if (tab->nrow < 6)
    return hl_error_set(err, HL_ERR_RANGE, NULL, 0,
                        "coordinates '%s': %d rows, the quintic spline needs at least 6", fname,
                        tab->nrow);
  for (int r = 1; r < tab->nrow; r++)
    if (!(hl_table_time(tab, r) >= hl_table_time(tab, r - 1)))
      return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                          "coordinates '%s': time decreases at data row %d (t = %g after %g)",
                          fname, r + 1, hl_table_time(tab, r), hl_table_time(tab, r - 1));
  /* Rows repeating the previous time (to within 1e-6 of the mean step, e.g. RRA's last row printed
   * twice as 1.5989999999999343 and 1.599) are dropped: a spline cannot pass through both. */
  int *rows = malloc(sizeof(int) * (size_t)tab->nrow);
  if (!rows) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  double tiny = 1e-6 * (hl_table_time(tab, tab->nrow - 1) - hl_table_time(tab, 0)) / (tab->nrow - 1);
  int n = 0;
  for (int r = 0; r < tab->nrow; r++)
    if (n == 0 || hl_table_time(tab, r) - hl_table_time(tab, rows[n - 1]) > tiny) rows[n++] = r;
  if (n < 6) {
    free(rows);
    return hl_error_set(err, HL_ERR_RANGE, NULL, 0,
                        "coordinates '%s': %d distinct times, the quintic spline needs at least 6",
                        fname, n);
  }

  hl_status st = HL_OK;
  hl_motion *mo = calloc(1, sizeof *mo);
  int *col = calloc((size_t)nq + 1, sizeof *col);
  double *tt = NULL, *xx = NULL, *tmp = NULL, *tmp2 = NULL;
  hl_spline **sp = calloc((size_t)nq + 1, sizeof *sp), **usp = NULL;
  hl__spline_knots *kn = NULL; /* the knots of the processed rows, factored at first use */
  if (!mo || !col || !sp) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto fail;
  }
  mo->nq = nq;
  mo->in_degrees = header_says_degrees(tab) ? tab->in_degrees : (s.in_degrees >= 0 ? s.in_degrees : 1);

  /* 1. match columns */
  mo->missing = calloc((size_t)nq + 1, sizeof(int));
  if (!mo->missing) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto fail;
  }
  for (int i = 0; i < nq; i++) {
    col[i] = find_coord_column(tab, m->coord_name[i]);
    if (col[i] < 0) mo->missing[mo->nmissing++] = i;
    else
      for (int r = 0; r < n && !st; r++) /* the first bad value is the one reported */
        if (!isfinite(hl_table_get(tab, rows[r], col[i])))
          st = hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                            "coordinates '%s': column '%s' is %g at time %.17g s (data row %d)",
                            fname, tab->names[col[i]], hl_table_get(tab, rows[r], col[i]),
                            hl_table_time(tab, rows[r]), rows[r] + 1);
    if (st) goto fail;
  }

  /* 2. pad + resample + filter (OpenSim does all three only when filtering) */
  int pad = s.lowpass_hz > 0 ? n / 2 : 0;
  int np = n + 2 * pad;
  tt = malloc(sizeof(double) * (size_t)np);
  tmp = malloc(sizeof(double) * (size_t)n);
  if (!tt || !tmp) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto fail;
  }
  for (int r = 0; r < n; r++) tmp[r] = hl_table_time(tab, rows[r]);
  pad_odd(tmp, n, pad, tt);
  int nr = np; /* processed rows */
  double dtmin = INFINITY;
  for (int r = 1; r < np; r++)
    if (tt[r] - tt[r - 1] < dtmin) dtmin = tt[r] - tt[r - 1];
  int resample = 0;
  if (s.lowpass_hz > 0) {
    double avg = (tt[np - 1] - tt[0]) / (np - 1);
    if (avg - dtmin > DBL_EPSILON) {
      resample = 1;
      double rows_d = floor((tt[np - 1] - tt[0]) / dtmin * (1.0 + 1e-12)) + 1;
      if (rows_d > 100.0 * np) {
        st = hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                          "coordinates '%s': smallest time step %g s would resample %d rows to %.0f",
                          fname, dtmin, np, rows_d);
        goto fail;
      }
      nr = (int)rows_d;
    }
  }
  xx = calloc((size_t)nq * (size_t)nr + 1, sizeof(double)); /* column-major: coordinate i at i*nr */
  tmp2 = malloc(sizeof(double) * (size_t)(np > nr ? np : nr));
  double *tr = resample ? malloc(sizeof(double) * (size_t)nr) : tt;
  if (!xx || !tmp2 || !tr) {
    if (resample) free(tr);
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto fail;
  }
  if (resample)
    for (int r = 0; r < nr; r++) tr[r] = tt[0] + r * dtmin;
  for (int i = 0; i < nq && !st; i++) {
    if (col[i] < 0) continue;
    double *x = xx + (size_t)i * nr;
    for (int r = 0; r < n; r++) tmp[r] = hl_table_get(tab, rows[r], col[i]);
    if (resample) {
      hl_spline *rs = NULL;
      pad_odd(tmp, n, pad, tmp2);
      st = hl_spline_fit(tt, tmp2, np, &rs);
      if (st) {
        st = hl_error_set(err, st, NULL, 0, "coordinates '%s': resampling spline for '%s' failed",
                          fname, m->coord_name[i]);
        break;
      }
      for (int r = 0; r < nr; r++) hl_spline_eval(rs, tr[r], &x[r], NULL, NULL);
      hl_spline_free(rs);
    } else {
      pad_odd(tmp, n, pad, x);
    }
    if (s.lowpass_hz > 0) {
      st = hl_lowpass_filtfilt(x, nr, dtmin, s.lowpass_hz);
      if (st) st = hl_error_set(err, st, NULL, 0, "coordinates '%s': low-pass of '%s' failed", fname,
                                m->coord_name[i]);
    }
    /* 3. degrees → radians */
    if (mo->in_degrees && m->coord_rotational[i])
      for (int r = 0; r < nr; r++) x[r] *= HL_DEG2RAD;
  }
  if (resample) {
    free(tt);
    tt = tr;
  }
  if (st) goto fail;
  mo->nrow_processed = nr;

  /* 5. frames */
  double first = tt[0], last = tt[nr - 1];
  if (s.t0 > last || s.t1 < first || s.t1 < s.t0) {
    st = hl_error_set(err, HL_ERR_RANGE, NULL, 0,
                      "coordinates '%s': time range [%g, %g] misses the data [%g, %g]", fname,
                      s.t0, s.t1, first, last);
    goto fail;
  }
  int i0 = find_index(tt, nr, s.t0 > first ? s.t0 : first);
  int i1 = find_index(tt, nr, s.t1 < last ? s.t1 : last);
  /* OpenSim's AnalyzeTool records the first row (begin), every row whose index in the whole
   * storage is a multiple of step_interval (Analysis::proceed(stepNumber)), and the last row
   * (end). The multiples count from the file's first row, not from t0: walk-so-spring's
   * reference has rows at 0.500, 0.503, 0.513, ... because its file has extra rows earlier. */
  int nf = 1;
  for (int r = i0 + 1; r < i1; r++)
    if (r % s.step_interval == 0) nf++;
  if (i1 > i0) nf++;
  mo->nframe = nf;
  mo->t = malloc(sizeof(double) * (size_t)nf);
  mo->q = malloc(sizeof(double) * (size_t)nf * nq + 1);
  mo->qd = malloc(sizeof(double) * (size_t)nf * nq + 1);
  mo->qdd = malloc(sizeof(double) * (size_t)nf * nq + 1);
  if (!mo->t || !mo->q || !mo->qd || !mo->qdd) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto fail;
  }
  {
    int f = 0;
    mo->t[f++] = tt[i0];
    for (int r = i0 + 1; r < i1; r++)
      if (r % s.step_interval == 0) mo->t[f++] = tt[r];
    if (i1 > i0) mo->t[f++] = tt[i1];
  }

  /* 4. splines and evaluation */
  if (s.acc == HL_MOTION_ACC_SPEEDSPLINE) {
    usp = calloc((size_t)nq + 1, sizeof *usp);
    if (!usp) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto fail;
    }
  }
  for (int i = 0; i < nq; i++) {
    if (col[i] < 0) {
      for (int f = 0; f < nf; f++) {
        mo->q[(size_t)f * nq + i] = m->coord_default[i];
        mo->qd[(size_t)f * nq + i] = 0.0;
        mo->qdd[(size_t)f * nq + i] = 0.0;
      }
      continue;
    }
    /* the knots' band system is factored once for every coordinate (same bits as a fit each) */
    if (!kn) st = hl__spline_knots_create(tt, nr, &kn);
    if (!st) st = hl__spline_fit_knots(kn, xx + (size_t)i * nr, &sp[i]);
    if (st) {
      st = hl_error_set(err, st, NULL, 0, "coordinates '%s': spline for '%s' failed", fname,
                        m->coord_name[i]);
      goto fail;
    }
    if (usp) {
      for (int r = 0; r < nr; r++) hl_spline_eval(sp[i], tt[r], NULL, &tmp2[r], NULL);
      st = hl__spline_fit_knots(kn, tmp2, &usp[i]);
      if (st) {
        st = hl_error_set(err, st, NULL, 0, "coordinates '%s': speed spline for '%s' failed", fname,
                          m->coord_name[i]);
        goto fail;
      }
    }
    for (int f = 0; f < nf; f++) {
      size_t k = (size_t)f * nq + i;
      hl_spline_eval(sp[i], mo->t[f], &mo->q[k], &mo->qd[k], &mo->qdd[k]);
      if (usp) hl_spline_eval(usp[i], mo->t[f], NULL, &mo->qdd[k], NULL);
    }
    /* done with this coordinate: the next one's splines reuse the memory (no fresh pages) */
    hl_spline_free(sp[i]);
    sp[i] = NULL;
    if (usp) {
      hl_spline_free(usp[i]);
      usp[i] = NULL;
    }
  }

fail:
  hl__spline_knots_free(kn);
  for (int i = 0; i < nq && sp; i++) hl_spline_free(sp[i]);
  for (int i = 0; i < nq && usp; i++) hl_spline_free(usp[i]);
  free(sp);
  free(usp);
  free(col);
  free(rows);
  free(tt);
  free(xx);
  free(tmp);
  free(tmp2);
  if (st) {
    hl_motion_free(mo);
    return st;
  }
  *out = mo;
  return HL_OK;
}
