/* SPDX-License-Identifier: Apache-2.0 */
/* A trial's induced contributions (trial.h, docs/induced.md): the series arrays, the summary's
 * direct and induced shares per joint, and the outputs — <name>_InducedContributions_<joint>.sto,
 * <name>_InducedGRF.sto, the per-frame CSV's induced columns and the stacked figures
 * induced_<joint>.svg. Joint j = 0, 1, 2 is hip, knee, ankle (the reaction on the child, in its
 * frame, as the JointReaction output). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "trial_internal.h"

#define JN 3
#define MF HL_INDUCED_MAX_FEET

static const char *const joint_word[JN] = {"hip", "knee", "ankle"};
static const char *const named_groups[HL_TRIAL_NGROUP] = {"iliopsoas", "gluteus_maximus", "gluteus_medius",
                                                          "gluteus_minimus"};

/* ------------------------------------------------------------------------------ series */

hl_status hl__series_induced_alloc(hl_trial_series *S, const hl_frame_result *L, int nframe, hl_error *err) {
  if (!L->ncontributor) return HL_OK;
  size_t F = (size_t)nframe, K = (size_t)L->ncontributor, G = (size_t)L->ngroup, nf = (size_t)L->nfoot;
  S->ncontributor = L->ncontributor;
  S->nfoot = L->nfoot;
  S->contributor_name = calloc(K + 1, sizeof(char *));
  S->contributor_kind = calloc(K + 1, sizeof(int));
  S->foot_body = calloc(nf + 1, sizeof(int));
  S->induced = calloc(F * JN * K * 6 + 1, sizeof(double));
  S->induced_direct = calloc(F * JN * K * 6 + 1, sizeof(double));
  S->induced_group = calloc(F * JN * G * 6 + 1, sizeof(double));
  S->induced_grf = calloc(F * K * MF * 6 + 1, sizeof(double));
  S->induced_com = calloc(F * K * 3 + 1, sizeof(double));
  S->induced_foot_flags = calloc(F * nf + 1, sizeof(int));
  S->frame_flags = calloc(F + 1, sizeof(int));
  int ok = S->contributor_name && S->contributor_kind && S->foot_body && S->induced && S->induced_direct &&
           S->induced_group && S->induced_grf && S->induced_com && S->induced_foot_flags && S->frame_flags;
  for (size_t k = 0; k < K && ok; k++) ok = (S->contributor_name[k] = strdup(L->contributor_name[k])) != NULL;
  if (!ok) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (induced series)");
  memcpy(S->contributor_kind, L->contributor_kind, sizeof(int) * K);
  if (nf) memcpy(S->foot_body, L->foot_body, sizeof(int) * nf);
  return HL_OK;
}

void hl__series_induced_store(hl_trial_series *S, int f, const hl_frame_result *r) {
  if (!S->ncontributor) return;
  size_t F = (size_t)f, K = (size_t)S->ncontributor, G = (size_t)S->ngroup, nf = (size_t)S->nfoot;
  memcpy(S->induced + F * JN * K * 6, r->induced, sizeof(double) * JN * K * 6);
  memcpy(S->induced_direct + F * JN * K * 6, r->induced_direct, sizeof(double) * JN * K * 6);
  memcpy(S->induced_group + F * JN * G * 6, r->induced_group, sizeof(double) * JN * G * 6);
  memcpy(S->induced_grf + F * K * MF * 6, r->induced_grf, sizeof(double) * K * MF * 6);
  memcpy(S->induced_com + F * K * 3, r->induced_com, sizeof(double) * K * 3);
  if (nf) memcpy(S->induced_foot_flags + F * nf, r->induced_foot_flags, sizeof(int) * nf);
  S->frame_flags[f] = r->flags;
}

void hl__series_induced_free(hl_trial_series *S) {
  for (int k = 0; S->contributor_name && k < S->ncontributor; k++) free(S->contributor_name[k]);
  free(S->contributor_name);
  free(S->contributor_kind);
  free(S->foot_body);
  free(S->induced);
  free(S->induced_direct);
  free(S->induced_group);
  free(S->induced_grf);
  free(S->induced_com);
  free(S->induced_foot_flags);
  free(S->frame_flags);
}

/* ---------------------------------------------------------------- the parts of a joint */

/* The parts the summary, the CSV and the figures name: every muscle group, then these. */
enum { P_GRAVITY, P_VELOCITY, P_ACTUATORS, P_PASSIVE, P_MISMATCH, P_RESIDUAL, P_UNMODELLED, P_NSPECIAL };
static const char *const special_name[P_NSPECIAL] = {"gravity", "velocity", "actuators", "coordinate_limit_forces",
                                                     "contact_mismatch", "dynamic_residual", "unmodelled_grf"};
static const int special_kind[P_NSPECIAL] = {HL_IC_GRAVITY, HL_IC_VELOCITY, HL_IC_ACTUATOR, HL_IC_PASSIVE,
                                             HL_IC_MISMATCH, HL_IC_RESIDUAL, HL_IC_UNMODELLED};

static const char *part_name(const hl_trial_series *T, int p) {
  return p < T->ngroup ? T->group_name[p] : special_name[p - T->ngroup];
}

/* Force (N) of part p on joint j at frame r: direct (its own forces across the joint) or
 * induced (all of it). */
static void part_force(const hl_trial_series *T, int r, int j, int p, int direct, double out[3]) {
  size_t K = (size_t)T->ncontributor, G = (size_t)T->ngroup, R = (size_t)r;
  out[0] = out[1] = out[2] = 0;
  if (p < T->ngroup) {
    const double *v = direct ? T->group_contrib + ((R * JN + (size_t)j) * G + (size_t)p) * 6
                             : T->induced_group + ((R * JN + (size_t)j) * G + (size_t)p) * 6;
    memcpy(out, v, 3 * sizeof(double));
    return;
  }
  int kind = special_kind[p - T->ngroup];
  const double *base = (direct ? T->induced_direct : T->induced) + (R * JN + (size_t)j) * K * 6;
  for (size_t k = 0; k < K; k++)
    if (T->contributor_kind[k] == kind)
      for (int i = 0; i < 3; i++) out[i] += base[6 * k + i];
}

static double dot3(const double a[3], const double b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

/* Unit vector of joint j's resultant at frame r, and its length. */
static double unit_of(const hl_trial_series *T, int r, int j, double u[3]) {
  const double *f = T->reaction[JN * (size_t)r + (size_t)j].f;
  double L = sqrt(dot3(f, f));
  for (int i = 0; i < 3; i++) u[i] = L > 0 ? f[i] / L : 0;
  return L;
}

/* Projection (BW) of part p on joint j's resultant, per frame, into y. */
static void part_series(const hl_trial_series *T, double bw, int j, int p, int direct, double *y) {
  for (int r = 0; r < T->nframe; r++) {
    double u[3], f[3];
    unit_of(T, r, j, u);
    part_force(T, r, j, p, direct, f);
    y[r] = dot3(f, u) / bw;
  }
}

static double trapz_range(const double *t, const double *pct, const double *v, int n, double lo, double hi) {
  double s = 0;
  for (int i = 1; i < n; i++) {
    double mid = 0.5 * (pct[i] + pct[i - 1]);
    if (mid >= lo && mid < hi) s += 0.5 * (v[i] + v[i - 1]) * (t[i] - t[i - 1]);
  }
  return s;
}

/* ---------------------------------------------------------------------------- summary */

typedef struct {
  const hl_trial_series *T;
  double bw, *y, *res; /* scratch: a part's projection; the resultant (BW) */
  int kpk;             /* the joint's peak frame */
  double res_impulse;  /* ∫ resultant dt, BW·s */
} jctx;

static hl_induced_share share_of(jctx *c, int j, int p) {
  hl_induced_share s;
  memset(&s, 0, sizeof s);
  snprintf(s.name, sizeof s.name, "%s", part_name(c->T, p));
  const hl_trial_series *T = c->T;
  for (int direct = 1; direct >= 0; direct--) {
    part_series(T, c->bw, j, p, direct, c->y);
    double pk = c->y[c->kpk], imp = trapz_range(T->time, T->pct, c->y, T->nframe, -INFINITY, INFINITY);
    double pk_share = c->res[c->kpk] > 0 ? pk / c->res[c->kpk] : 0, imp_share = c->res_impulse > 0 ? imp / c->res_impulse : 0;
    if (direct) s.direct_at_peak_bw = pk, s.direct_at_peak_share = pk_share, s.direct_impulse_bw_s = imp, s.direct_impulse_share = imp_share;
    else s.induced_at_peak_bw = pk, s.induced_at_peak_share = pk_share, s.induced_impulse_bw_s = imp, s.induced_impulse_share = imp_share;
  }
  return s;
}

static int cmp_share(const void *a, const void *b) {
  double x = fabs(((const hl_induced_share *)a)->induced_at_peak_bw), y = fabs(((const hl_induced_share *)b)->induced_at_peak_bw);
  if (x != y) return x < y ? 1 : -1;
  return strcmp(((const hl_induced_share *)a)->name, ((const hl_induced_share *)b)->name);
}

static int group_index(const hl_trial_series *T, const char *name) {
  for (int g = 0; g < T->ngroup; g++)
    if (!strcmp(T->group_name[g], name)) return g;
  return -1;
}

static void joint_summary(jctx *c, int j, hl_induced_joint_summary *J, hl_induced_share *all) {
  const hl_trial_series *T = c->T;
  int n = T->nframe, np = T->ngroup + P_NSPECIAL, na = 0;
  c->kpk = 0;
  for (int r = 0; r < n; r++) {
    double u[3];
    c->res[r] = unit_of(T, r, j, u) / c->bw;
    if (c->res[r] > c->res[c->kpk]) c->kpk = r;
  }
  c->res_impulse = trapz_range(T->time, T->pct, c->res, n, -INFINITY, INFINITY);
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
    int p = group_index(T, named_groups[g]);
    memset(&J->named[g], 0, sizeof J->named[g]);
    snprintf(J->named[g].name, sizeof J->named[g].name, "%s", named_groups[g]);
    if (p >= 0) J->named[g] = share_of(c, j, p);
  }
  for (int p = 0; p < np; p++) {
    int skip = p >= T->ngroup + P_MISMATCH;
    for (int g = 0; g < HL_TRIAL_NGROUP && !skip; g++) skip = !strcmp(part_name(T, p), named_groups[g]);
    if (!skip) all[na++] = share_of(c, j, p);
  }
  qsort(all, (size_t)na, sizeof all[0], cmp_share);
  J->nother = na < HL_TRIAL_NOTHER ? na : HL_TRIAL_NOTHER;
  memcpy(J->other, all, sizeof all[0] * (size_t)J->nother);
  J->mismatch = share_of(c, j, T->ngroup + P_MISMATCH);
  J->residual = share_of(c, j, T->ngroup + P_RESIDUAL);
  J->unmodelled = share_of(c, j, T->ngroup + P_UNMODELLED);
  part_series(T, c->bw, j, T->ngroup + P_MISMATCH, 0, c->y);
  const double lo[3] = {-INFINITY, 20, 60}, hi[3] = {20, 60, INFINITY};
  for (int ph = 0; ph < 3; ph++) {
    double R = trapz_range(T->time, T->pct, c->res, n, lo[ph], hi[ph]);
    J->mismatch_phase_share[ph] = R > 0 ? trapz_range(T->time, T->pct, c->y, n, lo[ph], hi[ph]) / R : 0;
  }
}

hl_status hl__trial_induced_summary(hl_trial *tr, hl_error *err) {
  const hl_trial_series *T = &tr->series;
  hl_trial_summary *S = &tr->summary;
  S->has_induced = T->ncontributor > 0;
  if (!S->has_induced) return HL_OK;
  size_t n = (size_t)T->nframe + 1;
  jctx c = {T, S->bw_n, malloc(sizeof(double) * n), malloc(sizeof(double) * n), 0, 0};
  hl_induced_share *all = calloc((size_t)(T->ngroup + P_NSPECIAL + 1), sizeof *all);
  hl_status st = c.y && c.res && all ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  for (int j = 0; j < JN && !st; j++) joint_summary(&c, j, &S->induced[j], all);
  S->induced_frames_flagged = 0;
  for (int r = 0; r < T->nframe; r++)
    S->induced_frames_flagged += (T->frame_flags[r] & (HL_FRAME_INDUCED_RANK_DEFICIENT | HL_FRAME_INDUCED_FOOT_UNUSED)) != 0;
  free(c.y), free(c.res), free(all);
  return st;
}

int hl__trial_induced_part(const hl_trial *t, int j, const char *name, int direct, double *y) {
  const hl_trial_series *T = &t->series;
  for (int p = 0; p < T->ngroup + P_NSPECIAL; p++)
    if (!strcmp(part_name(T, p), name)) {
      part_series(T, t->summary.bw_n, j, p, direct, y);
      return 1;
    }
  return 0;
}

/* ---------------------------------------------------------------------- the CSV columns */

/* Per frame, for hip, knee and ankle: the named groups' direct and induced parts along the
 * resultant, and gravity's, velocity's and the contact mismatch's (BW); then the frame's induced
 * flags (frame.h HL_FRAME_INDUCED_*). */
hl_status hl__trial_induced_csv(const hl_trial *t, hl_table **io, hl_error *err) {
  const hl_trial_series *T = &t->series;
  if (!T->ncontributor) return HL_OK;
  hl_table *base = *io;
  enum { PER = 2 * HL_TRIAL_NGROUP + 3 };
  int nc = base->ncol + JN * PER + 1, n = T->nframe;
  char **names = calloc((size_t)nc, sizeof(char *));
  double *y = malloc(sizeof(double) * (size_t)(n + 1));
  hl_table *o = NULL;
  hl_status st = names && y ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  for (int c = 0; c < base->ncol && !st; c++) names[c] = strdup(base->names[c]);
  for (int j = 0, c = base->ncol; j < JN && !st; j++) {
    char buf[160];
    for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
      snprintf(buf, sizeof buf, "%s_%s_direct_bw", joint_word[j], named_groups[g]);
      names[c++] = strdup(buf);
      snprintf(buf, sizeof buf, "%s_%s_induced_bw", joint_word[j], named_groups[g]);
      names[c++] = strdup(buf);
    }
    for (int p = 0; p < 3; p++) {
      snprintf(buf, sizeof buf, "%s_%s_bw", joint_word[j], special_name[p == 2 ? P_MISMATCH : p]);
      names[c++] = strdup(buf);
    }
  }
  if (!st) names[nc - 1] = strdup("induced_flags");
  for (int c = 0; c < nc && !st; c++)
    if (!names[c]) st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  if (!st) st = hl_table_create(n, nc, (const char *const *)names, &o, err);
  for (int r = 0; r < n && !st; r++) memcpy(o->data + (size_t)r * nc, base->data + (size_t)r * base->ncol, sizeof(double) * (size_t)base->ncol);
  for (int j = 0, c = base->ncol; j < JN && !st; j++) {
    for (int q = 0; q < PER; q++, c++) {
      int g = q / 2, p;
      if (q < 2 * HL_TRIAL_NGROUP) p = group_index(T, named_groups[g]);
      else p = T->ngroup + (q == 2 * HL_TRIAL_NGROUP ? P_GRAVITY : q == 2 * HL_TRIAL_NGROUP + 1 ? P_VELOCITY : P_MISMATCH);
      if (p >= 0) part_series(T, t->summary.bw_n, j, p, q < 2 * HL_TRIAL_NGROUP && q % 2 == 0, y);
      for (int r = 0; r < n; r++) o->data[(size_t)r * nc + c] = p >= 0 ? y[r] : 0;
    }
  }
  for (int r = 0; r < n && !st; r++) /* HL_FRAME_INDUCED_RANK_DEFICIENT (4), _FOOT_UNUSED (8) */
    o->data[(size_t)r * nc + nc - 1] =
        T->frame_flags[r] & (HL_FRAME_INDUCED_RANK_DEFICIENT | HL_FRAME_INDUCED_FOOT_UNUSED);
  for (int c = 0; names && c < nc; c++) free(names[c]);
  free(names), free(y);
  if (st) {
    hl_table_free(o);
    return st;
  }
  hl_table_free(base);
  *io = o;
  return HL_OK;
}

/* ----------------------------------------------------------------------------- JSON */

static json_t *jnum(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *jshare(const hl_induced_share *s) {
  return json_pack("{s:{s:o, s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o}}", "at_peak", "direct_bw", jnum(s->direct_at_peak_bw),
                   "direct_share", jnum(s->direct_at_peak_share), "induced_bw", jnum(s->induced_at_peak_bw),
                   "induced_share", jnum(s->induced_at_peak_share), "over_stance", "direct_bw_s",
                   jnum(s->direct_impulse_bw_s), "direct_share", jnum(s->direct_impulse_share), "induced_bw_s",
                   jnum(s->induced_impulse_bw_s), "induced_share", jnum(s->induced_impulse_share));
}

json_t *hl__trial_induced_json(const hl_trial_summary *S) {
  if (!S->has_induced) return json_null();
  json_t *o = json_object();
  for (int j = 0; j < JN && o; j++) {
    const hl_induced_joint_summary *J = &S->induced[j];
    json_t *named = json_object(), *other = json_object();
    for (int g = 0; g < HL_TRIAL_NGROUP && named; g++) json_object_set_new(named, J->named[g].name, jshare(&J->named[g]));
    for (int i = 0; i < J->nother && other; i++) json_object_set_new(other, J->other[i].name, jshare(&J->other[i]));
    json_t *jj = json_pack("{s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o}}", "named", named, "top_others", other,
                           "contact_mismatch", jshare(&J->mismatch), "dynamic_residual", jshare(&J->residual),
                           "unmodelled_grf", jshare(&J->unmodelled), "contact_mismatch_share_by_phase",
                           "loading_0_20", jnum(J->mismatch_phase_share[0]), "mid_20_60",
                           jnum(J->mismatch_phase_share[1]), "late_60_100", jnum(J->mismatch_phase_share[2]));
    if (!jj) {
      json_decref(o);
      return NULL;
    }
    json_object_set_new(o, joint_word[j], jj);
  }
  if (o) json_object_set_new(o, "frames_flagged", json_integer(S->induced_frames_flagged));
  return o;
}
