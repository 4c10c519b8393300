/* SPDX-License-Identifier: Apache-2.0 */
/* One stance end to end and its summary: see include/hipload/trial.h. */
#include "hipload/trial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipload/frame.h"
#include "hipload/motion.h"
#include "hipload/signal.h"
#include "trial_internal.h"

static const char *const named_groups[HL_TRIAL_NGROUP] = {"iliopsoas", "gluteus_maximus",
                                                          "gluteus_medius", "gluteus_minimus"};

void hl_trial_settings_defaults(hl_trial_settings *s) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  s->leg = 'r';
  s->t0 = s->t1 = NAN;
  s->stance_threshold = 20;
  s->lowpass_hz = -1;
  s->exponent = 2;
  s->use_muscle_physiology = 1;
  s->so_opensim = 0;
  s->step_interval = 1;
  s->name = "hipload";
  s->induced = 1;
  hl_induced_settings_defaults(&s->induced_settings);
}

void hl_trial_free(hl_trial *t) {
  if (!t) return;
  hl__series_free(&t->series);
  free(t);
}

static int joint_of_child(const hl_model *m, const char *stem, char leg) {
  char nm[HL_NAME_MAX];
  snprintf(nm, sizeof nm, "%s_%c", stem, leg);
  int b = hl_model_body(m, nm);
  return b > 0 ? m->body_joint[b] : -1;
}

hl_status hl_trial_detect_stance(const hl_model *m, const hl_extloads *loads, char leg,
                                 double threshold, double lo, double hi, double *t0, double *t1,
                                 hl_error *err) {
  if (!m || !loads || !t0 || !t1) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "stance detection needs a model and external loads");
  char body[HL_NAME_MAX];
  snprintf(body, sizeof body, "calcn_%c", leg);
  const hl_extforce *f = NULL;
  for (int i = 0; i < loads->nforce; i++)
    if (!strcmp(loads->force[i].applied_to_body, body)) f = &loads->force[i];
  if (!f || f->force_col[1] < 0)
    return hl_error_set(err, HL_ERR_NOT_FOUND, loads->datafile, 0,
                        "no ExternalForce applied to %s: cannot find the %s stance", body, leg == 'l' ? "left" : "right");
  const hl_table *d = loads->data;
  double *t = malloc(sizeof(double) * (size_t)(d->nrow + 1)), *fz = malloc(sizeof(double) * (size_t)(d->nrow + 1));
  if (!t || !fz) {
    free(t);
    free(fz);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  int n = 0;
  for (int r = 0; r < d->nrow; r++) {
    double tm = hl_table_time(d, r);
    if (tm < lo - 1e-12 || tm > hi + 1e-12) continue;
    t[n] = tm;
    fz[n++] = hl_table_get(d, r, f->force_col[1]);
  }
  hl_status st = n ? hl_signal_stance(t, fz, n, threshold, t0, t1, NULL) : HL_ERR_NOT_FOUND;
  free(t);
  free(fz);
  if (st)
    return hl_error_set(err, st, loads->datafile, 0, "no stance: the vertical force on %s never exceeds %g N between %g and %g s",
                        body, threshold, lo, hi);
  return HL_OK;
}

/* ---------------------------------------------------------------- summary from the series */

static double vnorm(const double v[3]) { return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

static hl_peak peak_of(const double *t, const double *v, int n, double bw, double t0, double t1) {
  hl_peak p = {0, 0, 0, 0};
  int best = -1;
  for (int i = 0; i < n; i++)
    if (best < 0 || v[i] > v[best]) best = i;
  if (best >= 0) {
    p.value = v[best];
    p.bw = v[best] / bw;
    p.time = t[best];
    p.pct = t1 > t0 ? 100 * (t[best] - t0) / (t1 - t0) : 0;
  }
  return p;
}

static double trapz(const double *t, const double *v, int n) {
  double s = 0;
  for (int i = 1; i < n; i++) s += 0.5 * (v[i] + v[i - 1]) * (t[i] - t[i - 1]);
  return s;
}

static int cmp_contrib(const void *a, const void *b) {
  double x = fabs(((const hl_contribution *)a)->at_peak_bw), y = fabs(((const hl_contribution *)b)->at_peak_bw);
  if (x != y) return x < y ? 1 : -1;
  return strcmp(((const hl_contribution *)a)->name, ((const hl_contribution *)b)->name);
}

/* Scratch of the summary: per frame the time, a value, the hip force's unit vector and a part. */
typedef struct {
  double *t, *v, *u, *w;
} scratch;

/* One part of the hip contact force: its force component along the resultant, BW, per frame
 * (part(f) gives the force vector of frame f), at the peak and over the window. */
static hl_contribution part(const hl_trial_summary *S, scratch *x, int n, int kpk, const char *name,
                            const double *(*force)(const hl_trial_series *, int, int), const hl_trial_series *T,
                            int which) {
  hl_contribution k;
  memset(&k, 0, sizeof k);
  snprintf(k.name, sizeof k.name, "%s", name);
  for (int r = 0; r < n; r++) {
    const double *f = force(T, r, which);
    x->w[r] = (f[0] * x->u[3 * r] + f[1] * x->u[3 * r + 1] + f[2] * x->u[3 * r + 2]) / S->bw_n;
  }
  k.at_peak_bw = x->w[kpk];
  k.at_peak_share = S->hip.bw > 0 ? x->w[kpk] / S->hip.bw : 0;
  k.impulse_bw_s = trapz(x->t, x->w, n);
  k.impulse_share = S->hip_impulse_bw_s > 0 ? k.impulse_bw_s / S->hip_impulse_bw_s : 0;
  return k;
}

/* which: a group index; -1 intersegmental; -2 actuators (the hip, joint 0) */
static const double *hip_part(const hl_trial_series *T, int r, int which) {
  const hl_jr_result *R = &T->reaction[3 * (size_t)r];
  if (which == -1) return R->inter_f;
  if (which == -2) return R->act_f;
  return T->group_contrib + ((size_t)r * 3 * T->ngroup + (size_t)which) * 6;
}

/* Peaks of the three resultants; the hip's unit vectors and impulse. Returns the peak's frame. */
static int resultants(hl_trial_summary *S, const hl_trial_series *T, scratch *x) {
  int n = T->nframe, kpk = 0;
  hl_peak *pk[3] = {&S->hip, &S->knee, &S->ankle};
  for (int j = 0; j < 3; j++) {
    for (int r = 0; r < n; r++) {
      const double *f = T->reaction[3 * (size_t)r + j].f;
      x->v[r] = vnorm(f);
      if (j == 0)
        for (int k = 0; k < 3; k++) x->u[3 * r + k] = x->v[r] > 0 ? f[k] / x->v[r] : 0;
    }
    *pk[j] = peak_of(x->t, x->v, n, S->bw_n, S->t0, S->t1);
    if (j == 0) S->hip_impulse_bw_s = trapz(x->t, x->v, n) / S->bw_n;
  }
  for (int r = 0; r < n; r++)
    if (fabs(x->t[r] - S->hip.time) < 1e-12) kpk = r;
  return kpk;
}

/* The groups crossing the hip: the named four, then the others by |share at the peak|. */
static hl_status group_parts(hl_trial_summary *S, const hl_trial_series *T, scratch *x, int kpk, hl_error *err) {
  int n = T->nframe, nall = 0, no = 0;
  hl_contribution *all = calloc((size_t)T->ngroup + 1, sizeof *all), *others = calloc((size_t)T->ngroup + 1, sizeof *others);
  if (!all || !others) {
    free(all), free(others);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  for (int g = 0; g < T->ngroup; g++)
    if (T->group_crosses[g]) all[nall++] = part(S, x, n, kpk, T->group_name[g], hip_part, T, g);
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
    memset(&S->named[g], 0, sizeof S->named[g]);
    snprintf(S->named[g].name, sizeof S->named[g].name, "%s", named_groups[g]);
    for (int i = 0; i < nall; i++)
      if (!strcmp(all[i].name, named_groups[g])) S->named[g] = all[i];
  }
  for (int i = 0; i < nall; i++) {
    int named = 0;
    for (int g = 0; g < HL_TRIAL_NGROUP; g++) named |= !strcmp(all[i].name, named_groups[g]);
    if (!named) others[no++] = all[i];
  }
  qsort(others, (size_t)no, sizeof others[0], cmp_contrib);
  S->nother = no < HL_TRIAL_NOTHER ? no : HL_TRIAL_NOTHER;
  memcpy(S->other, others, sizeof others[0] * (size_t)S->nother);
  free(all), free(others);
  return HL_OK;
}

static hl_status summarize(hl_trial *tr, const hl_model *m, const hl_trial_settings *s, hl_error *err) {
  hl_trial_summary *S = &tr->summary;
  const hl_trial_series *T = &tr->series;
  int n = T->nframe;
  scratch x = {malloc(sizeof(double) * (size_t)(n + 1)), malloc(sizeof(double) * (size_t)(n + 1)),
               malloc(sizeof(double) * 3 * (size_t)(n + 1)), malloc(sizeof(double) * (size_t)(n + 1))};
  hl_status st = x.t && x.v && x.u && x.w ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  if (!st) {
    memcpy(x.t, T->time, sizeof(double) * (size_t)n);
    int kpk = resultants(S, T, &x);
    st = group_parts(S, T, &x, kpk, err);
    S->intersegmental = part(S, &x, n, kpk, "intersegmental", hip_part, T, -1);
    S->actuators = part(S, &x, n, kpk, "actuators", hip_part, T, -2);
  }
  if (!st) {
    /* muscle forces (sums of the leg's bundles) */
    struct {
      hl_peak *p;
      const char *group, *prefix;
    } mf[] = {{&S->iliacus, "iliopsoas", "iliacus"},         {&S->psoas, "iliopsoas", "psoas"},
              {&S->iliopsoas, "iliopsoas", NULL},             {&S->gluteus_maximus, "gluteus_maximus", NULL},
              {&S->gluteus_medius, "gluteus_medius", NULL},   {&S->gluteus_minimus, "gluteus_minimus", NULL}};
    for (size_t i = 0; i < sizeof mf / sizeof mf[0]; i++) {
      hl__trial_group_force(m, T, s->leg, mf[i].group, mf[i].prefix, x.v);
      *mf[i].p = peak_of(x.t, x.v, n, S->bw_n, S->t0, S->t1);
    }
  }
  free(x.t), free(x.v), free(x.u), free(x.w);
  return st;
}

/* Column of coordinate `name` in the coordinates table: the exact label or an OpenSim 4 state
 * path ".../<name>/value" (the rule hl_motion_create applies). */
static int coord_column(const hl_table *t, const char *name) {
  size_t nl = strlen(name);
  for (int c = 1; c < t->ncol; c++) {
    const char *lab = t->names[c];
    size_t ll = strlen(lab);
    if (strcmp(lab, name) == 0) return c;
    if (ll >= nl + 7 && strcmp(lab + ll - 6, "/value") == 0 && lab[ll - 7 - nl] == '/' &&
        strncmp(lab + ll - 6 - nl, name, nl) == 0)
      return c;
  }
  return -1;
}

/* Inputs a run cannot give a meaningful answer for, refused before any work (docs/reliability.md):
 * a model element hipload does not compute as OpenSim does (hl_model_check_supported: a muscle
 * type without curves, an unknown actuator, a prescribed coordinate), a body of negative or
 * non-finite mass, a
 * non-finite --mass, an unlocked coordinate of the analysed hip/knee/ankle absent from the
 * coordinates (OpenSim would hold it at its default, which silently changes the contact force;
 * other missing coordinates do keep their default), and a ground reaction force above 50 body
 * weights inside the window (units or column mix-up). */
static hl_status validate_inputs(const hl_model *m, const hl_table *coords, const hl_extloads *loads,
                                 const hl_trial_settings *s, const int jt[3], hl_error *err) {
  const char *mname = m->name;
  hl_status st = hl_model_check_supported(m, err); /* elements OpenSim computes, hipload cannot */
  if (st != HL_OK) return st;
  for (int b = 0; b < m->nbody; b++)
    if (!isfinite(m->body_mass[b]) || m->body_mass[b] < 0)
      return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0, "model '%s': body '%s' has mass %g kg",
                          mname, m->body_name[b], m->body_mass[b]);
  if (!isfinite(s->body_mass))
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0, "body mass %g kg is not a number",
                        s->body_mass);
  const char *cname = coords->name && coords->name[0] ? coords->name : "the coordinates";
  for (int j = 0; j < 3; j++)
    for (int k = 0; k < m->jnt_coord_num[jt[j]]; k++) {
      int q = m->jnt_coord_adr[jt[j]] + k;
      if (!m->coord_locked[q] && coord_column(coords, m->coord_name[q]) < 0)
        return hl_error_set(err, HL_ERR_NOT_FOUND, NULL, 0,
                            "%s: no column for coordinate '%s' of joint '%s' (the analysed %s)",
                            cname, m->coord_name[q], m->jnt_name[jt[j]],
                            j == 0 ? "hip" : j == 1 ? "knee" : "ankle");
    }
  double mass = s->body_mass > 0 ? s->body_mass : hl_model_mass(m);
  double bw = mass * vnorm(m->gravity);
  if (!(bw > 0))
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0,
                        "body weight is %g N (mass %g kg, |g| %g): cannot normalise", bw, mass,
                        vnorm(m->gravity));
  if (!loads) return HL_OK;
  const hl_table *g = loads->data;
  for (int i = 0; i < loads->nforce; i++) {
    const int *fc = loads->force[i].force_col;
    if (fc[0] < 0 || fc[1] < 0 || fc[2] < 0) continue;
    for (int r = 0; r < g->nrow; r++) {
      double t = hl_table_time(g, r);
      if (t < s->t0 - 1e-9 || t > s->t1 + 1e-9) continue;
      double f[3] = {hl_table_get(g, r, fc[0]), hl_table_get(g, r, fc[1]), hl_table_get(g, r, fc[2])};
      double fn = vnorm(f);
      if (fn > 50 * bw)
        return hl_error_set(err, HL_ERR_BAD_VALUE, loads->datafile, 0,
                            "ExternalForce '%s': force of columns %s, %s, %s is %g N at time "
                            "%g s, %.0f body weights (limit 50; BW = %g N): wrong units or columns?",
                            loads->force[i].name, g->names[fc[0]], g->names[fc[1]],
                            g->names[fc[2]], fn, t, fn / bw, bw);
    }
  }
  return HL_OK;
}

/* The frames of the window through hl_frame_step, into the series. */
static hl_status run_frames(hl_trial *tr, const hl_model *m, const hl_table *coords, const hl_extloads *loads,
                            const hl_trial_settings *s, hl_error *err) {
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = s->t0;
  ms.t1 = s->t1;
  ms.lowpass_hz = s->lowpass_hz;
  ms.step_interval = s->step_interval;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  hl_motion *mo = NULL;
  hl_frame *w = NULL;
  hl_status st = hl_motion_create(m, coords, &ms, &mo, err);
  hl_frame_joint joint[3];
  for (int j = 0; j < 3; j++) joint[j] = (hl_frame_joint){tr->joint[j], 0, m->jnt_child[tr->joint[j]]};
  hl_frame_settings fs;
  hl_frame_settings_defaults(&fs);
  fs.so.exponent = s->exponent;
  fs.so.use_muscle_physiology = s->use_muscle_physiology;
  fs.so.barrier_mu = s->so_opensim ? hl_so_opensim_mu(HL_SO_OPENSIM_CRITERION) : 0;
  fs.loads = loads;
  fs.record_loads = 1;
  fs.njoint = 3;
  fs.joint = joint;
  fs.groups = s->groups;
  fs.induced = s->induced;
  fs.induced_settings = s->induced_settings;
  if (!st) st = hl_frame_create(m, &fs, &w, err);
  hl_frame_result r;
  hl_frame_describe(w, &r);
  if (!st) st = hl__series_alloc(&tr->series, &r, loads, mo->nframe, err);
  for (int f = 0; !st && f < mo->nframe; f++) {
    size_t o = (size_t)f * m->ncoord;
    hl_frame_input in = {mo->t[f], mo->q + o, mo->qd + o, mo->qdd + o, NULL, NULL};
    st = hl_frame_step(m, w, &in, &r, err);
    if (!st && r.so.outcome == HL_QP_ITERATION_LIMIT)
      st = hl_error_set(err, HL_ERR_NO_CONVERGENCE, NULL, 0, "static optimization failed at t = %.6g s: %s%s", in.time,
                        hl_strerror(HL_ERR_NO_CONVERGENCE),
                        s->exponent != 2 ? " (the Newton iteration for a cost exponent other than 2 did not converge; "
                                           "docs/solver.md)"
                                         : "");
    if (!st) {
      hl__series_store(&tr->series, f, &r);
      tr->series.pct[f] = s->t1 > s->t0 ? 100 * (in.time - s->t0) / (s->t1 - s->t0) : 0;
    }
  }
  hl_frame_free(w);
  hl_motion_free(mo);
  return st;
}

/* The summary's header and solver figures. */
static hl_status fill_summary(hl_trial *tr, const hl_model *m, const hl_trial_settings *s, double seconds,
                              hl_error *err) {
  hl_trial_summary *S = &tr->summary;
  const hl_trial_series *T = &tr->series;
  S->body_mass_kg = s->body_mass > 0 ? s->body_mass : hl_model_mass(m);
  S->bw_n = S->body_mass_kg * vnorm(m->gravity);
  if (!(S->bw_n > 0))
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0, "body weight is %g N (mass %g kg, |g| %g): cannot normalise",
                        S->bw_n, S->body_mass_kg, vnorm(m->gravity));
  S->t0 = s->t0;
  S->t1 = s->t1;
  S->leg = s->leg;
  S->nframe = T->nframe;
  for (int f = 0; f < T->nframe; f++) {
    const hl_so_info *in = &T->so[f];
    S->so_least_squares += in->outcome == HL_QP_LEAST_SQUARES;
    if (in->residual > S->so_max_residual) S->so_max_residual = in->residual;
    if (in->reserve_max > S->so_max_reserve && in->reserve_max_index >= 0) {
      S->so_max_reserve = in->reserve_max;
      snprintf(S->so_max_reserve_name, sizeof S->so_max_reserve_name, "%s", m->act_name[in->reserve_max_index]);
    }
  }
  S->seconds = seconds;
  S->exponent = s->exponent;
  S->use_muscle_physiology = s->use_muscle_physiology;
  S->so_barrier_mu = s->so_opensim ? hl_so_opensim_mu(HL_SO_OPENSIM_CRITERION) : 0;
  S->lowpass_hz = s->lowpass_hz;
  S->step_interval = s->step_interval;
  hl_status st = summarize(tr, m, s, err);
  return st ? st : hl__trial_induced_summary(tr, err);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The window: the settings', or the stance found in the GRF; checked against the data. */
static hl_status window(const hl_model *m, const hl_table *coords, const hl_extloads *loads, hl_trial_settings *s,
                        hl_error *err) {
  if (coords->nrow < 6) return hl_error_set(err, HL_ERR_RANGE, NULL, 0, "the coordinates have %d rows; at least 6 are needed", coords->nrow);
  double lo = hl_table_time(coords, 0), hi = hl_table_time(coords, coords->nrow - 1);
  if (isnan(s->t0) || isnan(s->t1)) {
    double a, b;
    hl_status st = hl_trial_detect_stance(m, loads, s->leg, s->stance_threshold, lo, hi, &a, &b, err);
    if (st) return st;
    if (isnan(s->t0)) s->t0 = a;
    if (isnan(s->t1)) s->t1 = b;
  }
  if (!(s->t1 > s->t0)) return hl_error_set(err, HL_ERR_RANGE, NULL, 0, "empty time window %g..%g s", s->t0, s->t1);
  if (s->t0 < lo - 1e-9 || s->t1 > hi + 1e-9)
    return hl_error_set(err, HL_ERR_RANGE, NULL, 0, "the window %g..%g s is outside the kinematics (%g..%g s)", s->t0, s->t1, lo, hi);
  return loads ? hl_extloads_check_window(loads, s->t0, s->t1, err) : HL_OK;
}

hl_status hl_trial_run(const hl_model *m, const hl_table *coords, const hl_extloads *loads,
                       const hl_trial_settings *s_in, hl_trial **out, hl_error *err) {
  if (!m || !coords || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_trial_run: NULL argument");
  *out = NULL;
  double start = now_seconds();
  hl_trial_settings s;
  if (s_in) s = *s_in;
  else hl_trial_settings_defaults(&s);
  if (s.leg != 'r' && s.leg != 'l') return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "leg must be 'r' or 'l', not '%c'", s.leg);
  if (!(s.exponent > 1)) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "the cost exponent must be > 1, not %g", s.exponent);
  if (s.step_interval < 1) s.step_interval = 1;
  int jt[3] = {joint_of_child(m, "femur", s.leg), joint_of_child(m, "tibia", s.leg), joint_of_child(m, "talus", s.leg)};
  const char *what[3] = {"femur", "tibia", "talus"};
  for (int j = 0; j < 3; j++)
    if (jt[j] < 0)
      return hl_error_set(err, HL_ERR_NOT_FOUND, m->name, 0, "the model has no body %s_%c (hipload finds hip, knee and ankle by their child bodies femur, tibia, talus)",
                          what[j], s.leg);
  hl_status st = window(m, coords, loads, &s, err);
  if (!st) st = validate_inputs(m, coords, loads, &s, jt, err);
  if (st) return st;
  hl_trial *tr = calloc(1, sizeof *tr);
  if (!tr) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  memcpy(tr->joint, jt, sizeof jt);
  st = run_frames(tr, m, coords, loads, &s, err);
  if (!st) st = fill_summary(tr, m, &s, now_seconds() - start, err);
  if (st) {
    hl_trial_free(tr);
    return st;
  }
  *out = tr;
  return HL_OK;
}
