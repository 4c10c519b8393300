/* SPDX-License-Identifier: Apache-2.0 */
/* One stance end to end and its summary: see include/hipload/trial.h. */
#include "hipload/trial.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hipload/groups.h"
#include "hipload/plot.h"
#include "hipload/so.h"
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
}

void hl_trial_free(hl_trial *t) {
  if (!t) return;
  hl_analyze_report_clear(&t->report);
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
  hl_status st = n ? hl_stance_detect(t, fz, n, threshold, t0, t1) : HL_ERR_NOT_FOUND;
  free(t);
  free(fz);
  if (st)
    return hl_error_set(err, st, loads->datafile, 0, "no stance: the vertical force on %s never exceeds %g N between %g and %g s",
                        body, threshold, lo, hi);
  return HL_OK;
}

/* ---------------------------------------------------------------- summary from the tables */

static double vnorm(const double v[3]) { return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

int hl__trial_col3(const hl_table *t, const char *prefix, int c[3]) {
  char nm[256];
  for (int k = 0; k < 3; k++) {
    snprintf(nm, sizeof nm, "%s%c", prefix, 'x' + k);
    c[k] = hl_table_col(t, nm);
    if (c[k] < 0) return 0;
  }
  return 1;
}

void hl__trial_row3(const hl_table *t, int r, const int c[3], double v[3]) {
  for (int k = 0; k < 3; k++) v[k] = hl_table_get(t, r, c[k]);
}

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

/* Sum of the SO forces of the leg's muscles in `group` whose name starts with `prefix`
 * (NULL: any), per frame, into out. */
void hl__trial_group_force(const hl_model *m, const hl_table *so, char leg, const char *group,
                           const char *prefix, double *out) {
  for (int r = 0; r < so->nrow; r++) out[r] = 0;
  for (int k = 0; k < m->nmuscle; k++) {
    const char *nm = m->mus_name[k];
    size_t L = strlen(nm);
    if (L < 2 || nm[L - 2] != '_' || nm[L - 1] != leg) continue;
    if (strcmp(hl_group_of_name(nm), group)) continue;
    if (prefix && strncmp(nm, prefix, strlen(prefix))) continue;
    int c = hl_table_col(so, nm);
    if (c < 0) continue;
    for (int r = 0; r < so->nrow; r++) out[r] += hl_table_get(so, r, c);
  }
}

static int cmp_contrib(const void *a, const void *b) {
  double x = fabs(((const hl_contribution *)a)->at_peak_bw), y = fabs(((const hl_contribution *)b)->at_peak_bw);
  if (x != y) return x < y ? 1 : -1;
  return strcmp(((const hl_contribution *)a)->name, ((const hl_contribution *)b)->name);
}

static hl_status summarize(hl_trial *tr, const hl_model *m, const hl_trial_settings *s, hl_error *err) {
  hl_trial_summary *S = &tr->summary;
  const hl_table *jr = tr->report.jr, *so = tr->report.so_force, *ch = tr->report.contrib[0];
  int n = jr->nrow;
  double *t = malloc(sizeof(double) * (size_t)(n + 1)), *v = malloc(sizeof(double) * (size_t)(n + 1));
  double *u = malloc(sizeof(double) * 3 * (size_t)(n + 1)), *w = malloc(sizeof(double) * (size_t)(n + 1));
  if (!t || !v || !u || !w) {
    free(t), free(v), free(u), free(w);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  for (int r = 0; r < n; r++) t[r] = hl_table_time(jr, r);
  hl_peak *pk[3] = {&S->hip, &S->knee, &S->ankle};
  for (int j = 0; j < 3; j++) {
    int c[3] = {1 + 9 * j, 2 + 9 * j, 3 + 9 * j};
    for (int r = 0; r < n; r++) {
      double f[3];
      hl__trial_row3(jr, r, c, f);
      v[r] = vnorm(f);
      if (j == 0)
        for (int k = 0; k < 3; k++) u[3 * r + k] = v[r] > 0 ? f[k] / v[r] : 0;
    }
    *pk[j] = peak_of(t, v, n, S->bw_n, S->t0, S->t1);
    if (j == 0) S->hip_impulse_bw_s = trapz(t, v, n) / S->bw_n;
  }
  /* hip resultant again for shares over stance */
  double hip_imp = S->hip_impulse_bw_s;
  int kpk = 0;
  for (int r = 0; r < n; r++)
    if (fabs(t[r] - S->hip.time) < 1e-12) kpk = r;

  /* contributions: every 3-column family of the hip contributions table that is a group */
  hl_contribution all[HL_GROUP_MAX];
  int nall = 0;
  for (int c0 = 1; c0 + 2 < ch->ncol; c0 += 3) {
    const char *nm = ch->names[c0];
    int isgroup = !strncmp(nm, "group_", 6), isinter = !strncmp(nm, "intersegmental_", 15),
        isact = !strncmp(nm, "actuators_", 10);
    if (!isgroup && !isinter && !isact) continue;
    hl_contribution k;
    memset(&k, 0, sizeof k);
    size_t L = strlen(nm);
    snprintf(k.name, sizeof k.name, "%.*s", (int)(L - 3 - (isgroup ? 6 : 0)), nm + (isgroup ? 6 : 0));
    int c[3] = {c0, c0 + 1, c0 + 2};
    for (int r = 0; r < n; r++) {
      double f[3];
      hl__trial_row3(ch, r, c, f);
      w[r] = (f[0] * u[3 * r] + f[1] * u[3 * r + 1] + f[2] * u[3 * r + 2]) / S->bw_n;
    }
    k.at_peak_bw = w[kpk];
    k.at_peak_share = S->hip.bw > 0 ? w[kpk] / S->hip.bw : 0;
    k.impulse_bw_s = trapz(t, w, n);
    k.impulse_share = hip_imp > 0 ? k.impulse_bw_s / hip_imp : 0;
    if (isinter) S->intersegmental = k;
    else if (isact) S->actuators = k;
    else if (nall < HL_GROUP_MAX) all[nall++] = k;
  }
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
    memset(&S->named[g], 0, sizeof S->named[g]);
    snprintf(S->named[g].name, sizeof S->named[g].name, "%s", named_groups[g]);
    for (int i = 0; i < nall; i++)
      if (!strcmp(all[i].name, named_groups[g])) S->named[g] = all[i];
  }
  hl_contribution others[HL_GROUP_MAX];
  int no = 0;
  for (int i = 0; i < nall; i++) {
    int named = 0;
    for (int g = 0; g < HL_TRIAL_NGROUP; g++) named |= !strcmp(all[i].name, named_groups[g]);
    if (!named) others[no++] = all[i];
  }
  qsort(others, (size_t)no, sizeof others[0], cmp_contrib);
  S->nother = no < HL_TRIAL_NOTHER ? no : HL_TRIAL_NOTHER;
  memcpy(S->other, others, sizeof others[0] * (size_t)S->nother);

  /* muscle forces (static optimization rows are the same frames) */
  double *tf = malloc(sizeof(double) * (size_t)(so->nrow + 1)), *gf = malloc(sizeof(double) * (size_t)(so->nrow + 1));
  if (!tf || !gf) {
    free(tf), free(gf), free(t), free(v), free(u), free(w);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  for (int r = 0; r < so->nrow; r++) tf[r] = hl_table_time(so, r);
  struct {
    hl_peak *p;
    const char *group, *prefix;
  } mf[] = {{&S->iliacus, "iliopsoas", "iliacus"},         {&S->psoas, "iliopsoas", "psoas"},
            {&S->iliopsoas, "iliopsoas", NULL},             {&S->gluteus_maximus, "gluteus_maximus", NULL},
            {&S->gluteus_medius, "gluteus_medius", NULL},   {&S->gluteus_minimus, "gluteus_minimus", NULL}};
  for (size_t i = 0; i < sizeof mf / sizeof mf[0]; i++) {
    hl__trial_group_force(m, so, s->leg, mf[i].group, mf[i].prefix, gf);
    *mf[i].p = peak_of(tf, gf, so->nrow, S->bw_n, S->t0, S->t1);
  }
  free(tf), free(gf), free(t), free(v), free(u), free(w);
  return HL_OK;
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
 * type without curves, an unknown actuator, a prescribed coordinate), a muscle path with a wrap
 * object (not implemented), a body of negative or non-finite mass, a
 * non-finite --mass, an unlocked coordinate of the analysed hip/knee/ankle absent from the
 * coordinates (OpenSim would hold it at its default, which silently changes the contact force;
 * other missing coordinates do keep their default), and a ground reaction force above 50 body
 * weights inside the window (units or column mix-up). */
static hl_status validate_inputs(const hl_model *m, const hl_table *coords, const hl_extloads *loads,
                                 const hl_trial_settings *s, const int jt[3], hl_error *err) {
  const char *mname = m->name;
  hl_status st = hl_model_check_supported(m, err); /* elements OpenSim computes, hipload cannot */
  if (st != HL_OK) return st;
  for (int i = 0; i < m->nmuscle; i++)
    if (m->mus_has_wrap[i])
      return hl_error_set(err, HL_ERR_UNSUPPORTED, NULL, 0,
                          "model '%s': muscle '%s' wraps over a wrap object; path wrapping is not "
                          "implemented yet", mname, m->mus_name[i]);
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

hl_status hl_trial_run(const hl_model *m, const hl_table *coords, const hl_extloads *loads,
                       const hl_trial_settings *s_in, hl_trial **out, hl_error *err) {
  if (!m || !coords || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_trial_run: NULL argument");
  *out = NULL;
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
  if (coords->nrow < 6) return hl_error_set(err, HL_ERR_RANGE, NULL, 0, "the coordinates have %d rows; at least 6 are needed", coords->nrow);
  double lo = hl_table_time(coords, 0), hi = hl_table_time(coords, coords->nrow - 1);
  if (isnan(s.t0) || isnan(s.t1)) {
    double a, b;
    hl_status st = hl_trial_detect_stance(m, loads, s.leg, s.stance_threshold, lo, hi, &a, &b, err);
    if (st) return st;
    if (isnan(s.t0)) s.t0 = a;
    if (isnan(s.t1)) s.t1 = b;
  }
  if (!(s.t1 > s.t0)) return hl_error_set(err, HL_ERR_RANGE, NULL, 0, "empty time window %g..%g s", s.t0, s.t1);
  if (s.t0 < lo - 1e-9 || s.t1 > hi + 1e-9)
    return hl_error_set(err, HL_ERR_RANGE, NULL, 0, "the window %g..%g s is outside the kinematics (%g..%g s)", s.t0, s.t1, lo, hi);
  if (loads) {
    hl_status gst = hl_extloads_check_window(loads, s.t0, s.t1, err);
    if (gst) return gst;
  }
  hl_status vst = validate_inputs(m, coords, loads, &s, jt, err);
  if (vst) return vst;

  hl_trial *tr = calloc(1, sizeof *tr);
  hl_analyze_setup *su = calloc(1, sizeof *su);
  if (!tr || !su) {
    free(tr), free(su);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  memcpy(tr->joint, jt, sizeof jt);
  su->kind = HL_TOOL_ANALYZE;
  snprintf(su->name, sizeof su->name, "%s", s.name && s.name[0] ? s.name : "hipload");
  snprintf(su->path, sizeof su->path, "(trial)");
  su->initial_time = s.t0;
  su->final_time = s.t1;
  su->lowpass_cutoff = s.lowpass_hz;
  su->has_so = 1;
  su->so = (hl_analysis_times){1, s.t0, s.t1, s.step_interval, 1};
  su->so_use_model_force_set = 1;
  su->so_activation_exponent = s.exponent;
  su->so_use_muscle_physiology = s.use_muscle_physiology;
  su->so_convergence = HL_SO_OPENSIM_CRITERION;
  su->has_jr = 1;
  su->jr = su->so;
  su->jr_njoint = 3;
  for (int j = 0; j < 3; j++) {
    snprintf(su->jr_joint[j], 64, "%s", m->jnt_name[jt[j]]);
    snprintf(su->jr_on[j], 64, "child");
    snprintf(su->jr_frame[j], 64, "child");
  }
  hl_analyze_options o;
  hl_analyze_options_defaults(&o);
  o.model = m;
  o.coordinates = coords;
  o.loads = loads;
  o.write_files = 0;
  o.keep_tables = 1;
  o.so_exact = !s.so_opensim;
  hl_status st = hl_analyze_run(su, &o, &tr->report, err);
  free(su);
  if (st) {
    hl_trial_free(tr);
    return st;
  }
  hl_trial_summary *S = &tr->summary;
  S->body_mass_kg = s.body_mass > 0 ? s.body_mass : hl_model_mass(m);
  S->bw_n = S->body_mass_kg * vnorm(m->gravity);
  if (!(S->bw_n > 0)) {
    hl_trial_free(tr);
    return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0, "body weight is %g N (mass %g kg, |g| %g): cannot normalise", S->bw_n, S->body_mass_kg, vnorm(m->gravity));
  }
  S->t0 = s.t0;
  S->t1 = s.t1;
  S->leg = s.leg;
  S->nframe = tr->report.nframe;
  S->so_least_squares = tr->report.so_least_squares;
  S->so_max_residual = tr->report.so_max_residual;
  S->so_max_reserve = tr->report.so_max_reserve;
  snprintf(S->so_max_reserve_name, sizeof S->so_max_reserve_name, "%s", tr->report.so_max_reserve_name);
  S->seconds = tr->report.seconds;
  S->exponent = s.exponent;
  S->use_muscle_physiology = s.use_muscle_physiology;
  S->so_barrier_mu = s.so_opensim ? hl_so_opensim_mu(HL_SO_OPENSIM_CRITERION) : 0;
  S->lowpass_hz = s.lowpass_hz;
  S->step_interval = s.step_interval;
  st = summarize(tr, m, &s, err);
  if (st) {
    hl_trial_free(tr);
    return st;
  }
  *out = tr;
  return HL_OK;
}

#include "model_internal.h"

hl_status hl_model_add_reserves(hl_model *m, double optimal_force, hl_error *err) {
  if (!m || !(optimal_force > 0)) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "reserves need a model and an optimal force > 0");
  for (int c = 0; c < m->ncoord; c++) {
    if (m->coord_locked[c]) continue;
    int has = 0;
    for (int a = 0; a < m->nactuator; a++) has |= m->act_type[a] == HL_ACT_COORDINATE && m->act_coord[a] == c;
    if (has) continue;
    char nm[HL_NAME_MAX + 16];
    snprintf(nm, sizeof nm, "%s_reserve", m->coord_name[c]);
    int a = hl__model_add_actuator(m, nm);
    if (a < 0) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    m->act_type[a] = HL_ACT_COORDINATE;
    m->act_coord[a] = c;
    m->act_optimal_force[a] = optimal_force;
    m->act_min_control[a] = -INFINITY;
    m->act_max_control[a] = INFINITY;
  }
  return HL_OK;
}
