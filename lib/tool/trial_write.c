/* SPDX-License-Identifier: Apache-2.0 */
/* Writing a trial: .sto files, per-frame CSV, summary.json and the SVG figures. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "hipload/groups.h"
#include "number.h"
#include "hipload/plot.h"
#include "hipload/trial.h"
#include "fsutil.h"
#include "record_internal.h"
#include "trial_internal.h"

static const char *side_name(char leg) { return leg == 'l' ? "left" : "right"; }

/* The convention line written into every output. */
static void convention(const hl_trial *t, const hl_model *m, char *buf, size_t n) {
  const hl_trial_summary *S = &t->summary;
  char lp[32];
  if (S->lowpass_hz > 0) hl__snprintf_c(lp, sizeof lp, "%g Hz", S->lowpass_hz);
  else snprintf(lp, sizeof lp, "off");
  char answer[96];
  if (S->so_barrier_mu > 0)
    hl__snprintf_c(answer, sizeof answer, "OpenSim's interior-point stopping point, barrier mu %g", S->so_barrier_mu);
  else
    snprintf(answer, sizeof answer, "exact optimum");
  hl__snprintf_c(buf, n,
           "hipload %s. Contact force = joint reaction ON the child body (femur_%c, tibia_%c, talus_%c), "
           "EXPRESSED IN that body's frame, at the joint centre (OpenSim JointReaction convention). "
           "BW = %.4g kg x %.5g m/s^2 = %.6g N. Window %.6g-%.6g s (%s stance). Model: %s. "
           "Options: static optimization sum |a|^%g (%s), muscle physiology %s, coordinate low-pass %s, "
           "every %d kinematics row(s).",
           hl_version(), S->leg, S->leg, S->leg, S->body_mass_kg,
           sqrt(m->gravity[0] * m->gravity[0] + m->gravity[1] * m->gravity[1] + m->gravity[2] * m->gravity[2]),
           S->bw_n, S->t0, S->t1, side_name(S->leg), m->name, S->exponent, answer,
           S->use_muscle_physiology ? "on" : "off", lp, S->step_interval);
}

/* ----------------------------------------------------------------------------- JSON */

/* Numbers as the summary's 10 significant digits (JSON_REAL_PRECISION below); not finite: null. */
static json_t *jnum(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* {bw, share} at the peak or {impulse_bw_s, share} over stance. */
static json_t *jcontrib(const hl_contribution *c, int at_peak) {
  return at_peak ? json_pack("{s:o, s:o}", "bw", jnum(c->at_peak_bw), "share", jnum(c->at_peak_share))
                 : json_pack("{s:o, s:o}", "impulse_bw_s", jnum(c->impulse_bw_s), "share", jnum(c->impulse_share));
}

/* {peak_n, peak_bw, peak_time_s, peak_pct_stance[, impulse_bw_s]} (impulse < 0: none). */
static json_t *jpeak(const hl_peak *p, double impulse) {
  json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "peak_n", jnum(p->value), "peak_bw", jnum(p->bw), "peak_time_s",
                        jnum(p->time), "peak_pct_stance", jnum(p->pct));
  if (o && impulse >= 0) json_object_set_new(o, "impulse_bw_s", jnum(impulse));
  return o;
}

static json_t *contributions(const hl_trial_summary *S, int at_peak) {
  json_t *o = json_object();
  for (int g = 0; g < HL_TRIAL_NGROUP && o; g++) json_object_set_new(o, S->named[g].name, jcontrib(&S->named[g], at_peak));
  if (o) json_object_set_new(o, S->intersegmental.name, jcontrib(&S->intersegmental, at_peak));
  if (o) json_object_set_new(o, S->actuators.name, jcontrib(&S->actuators, at_peak));
  return o;
}

static json_t *summary_json(const hl_trial *t, const hl_model *m) {
  const hl_trial_summary *S = &t->summary;
  char conv[1024], leg[2] = {S->leg, 0};
  convention(t, m, conv, sizeof conv);
  json_t *other = json_object(), *forces = json_object();
  for (int i = 0; i < S->nother && other; i++) json_object_set_new(other, S->other[i].name, jcontrib(&S->other[i], 1));
  const struct {
    const char *name;
    const hl_peak *p;
  } mf[] = {{"iliopsoas", &S->iliopsoas},          {"iliacus", &S->iliacus},
            {"psoas", &S->psoas},                  {"gluteus_maximus", &S->gluteus_maximus},
            {"gluteus_medius", &S->gluteus_medius}, {"gluteus_minimus", &S->gluteus_minimus}};
  for (size_t i = 0; i < sizeof mf / sizeof mf[0] && forces; i++) json_object_set_new(forces, mf[i].name, jpeak(mf[i].p, -1));
  json_t *solver = json_pack("{s:i, s:i, s:o, s:o, s:s, s:s, s:o, s:o}", "frames", S->nframe, "frames_least_squares",
                             S->so_least_squares, "max_residual", jnum(S->so_max_residual), "max_reserve",
                             jnum(S->so_max_reserve), "max_reserve_actuator", S->so_max_reserve_name, "answer",
                             S->so_barrier_mu > 0 ? "opensim_stopping_point" : "exact_optimum", "barrier_mu",
                             jnum(S->so_barrier_mu), "seconds", jnum(S->seconds));
  /* json_pack "o" takes the references, also of a NULL it then refuses: the whole is NULL then */
  return json_pack("{s:s, s:s, s:s, s:o, s:o, s:{s:o, s:o, s:s, s:i}, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                   "hipload_version", hl_version(), "convention", conv, "model", m->name, "body_mass_kg",
                   jnum(S->body_mass_kg), "body_weight_n", jnum(S->bw_n), "stance", "t0", jnum(S->t0), "t1",
                   jnum(S->t1), "leg", leg, "frames", S->nframe, "hip", jpeak(&S->hip, S->hip_impulse_bw_s), "knee",
                   jpeak(&S->knee, -1), "ankle", jpeak(&S->ankle, -1), "contributions_at_peak", contributions(S, 1),
                   "contributions_over_stance", contributions(S, 0), "other_contributors_at_peak", other,
                   "muscle_forces", forces, "solver", solver);
}

/* summary.json, made by jansson (keys in this order; 10 significant digits), written atomically. */
static hl_status write_json(const hl_trial *t, const hl_model *m, const char *path, hl_error *err) {
  json_t *root = summary_json(t, m);
  if (root && json_object_set_new(root, "induced", hl__trial_induced_json(&t->summary))) {
    json_decref(root);
    root = NULL;
  }
  if (!root) return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory (summary.json)");
  size_t L = strlen(path) + 8;
  char *tmp = malloc(L);
  if (!tmp) {
    json_decref(root);
    return hl_error_set(err, HL_ERR_NOMEM, path, 0, "out of memory");
  }
  snprintf(tmp, L, "%s.tmp", path);
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
  json_decref(root);
  FILE *f = text ? fopen(tmp, "w") : NULL;
  int bad = !f || fputs(text, f) < 0 || fputc('\n', f) == EOF;
  if (f && fclose(f)) bad = 1;
  free(text);
  hl_status st = HL_OK;
  if (bad) st = hl_error_set(err, text ? HL_ERR_IO : HL_ERR_NOMEM, path, 0, "cannot write: %s", strerror(errno));
  else if (rename(tmp, path)) st = hl_error_set(err, HL_ERR_IO, path, 0, "cannot rename into place: %s", strerror(errno));
  if (st) remove(tmp);
  free(tmp);
  return st;
}

/* ------------------------------------------------------------------------ per-frame CSV */

/* Force part, N, of group g's contribution to the hip (joint 0) at frame r. */
static const double *hip_group(const hl_trial_series *T, int r, int g) {
  return T->group_contrib + ((size_t)r * 3 * T->ngroup + (size_t)g) * 6;
}

/* Per frame: time, % stance, resultants of hip/knee/ankle (N, BW), hip contributions along the
 * resultant for the named groups and the intersegmental part (BW), the named muscle forces (N). */
static hl_table *frame_table(const hl_trial *t, const hl_model *m) {
  const hl_trial_summary *S = &t->summary;
  const hl_trial_series *T = &t->series;
  const char *names[] = {"time", "pct_stance", "hip_n", "hip_bw", "knee_n", "knee_bw", "ankle_n", "ankle_bw",
                         "hip_iliopsoas_bw", "hip_gluteus_maximus_bw", "hip_gluteus_medius_bw",
                         "hip_gluteus_minimus_bw", "hip_other_muscles_bw", "hip_intersegmental_bw", "hip_actuators_bw",
                         "iliopsoas_n", "iliacus_n", "psoas_n", "gluteus_maximus_n", "gluteus_medius_n", "gluteus_minimus_n"};
  int nc = (int)(sizeof names / sizeof names[0]), n = T->nframe;
  hl_table *o = NULL;
  hl_table_create(n, nc, names, &o, NULL);
  double *gf = malloc(sizeof(double) * (size_t)(n + 1));
  if (!o || !gf) {
    hl_table_free(o);
    free(gf);
    return NULL;
  }
  int grp[HL_TRIAL_NGROUP];
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) grp[g] = hl__trial_hip_group(T, S->named[g].name);
  for (int r = 0; r < n; r++) {
    double *row = o->data + (size_t)r * nc;
    const hl_jr_result *R = &T->reaction[3 * (size_t)r];
    row[0] = T->time[r];
    row[1] = T->pct[r];
    for (int j = 0; j < 3; j++) {
      const double *f = R[j].f;
      double v = sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
      row[2 + 2 * j] = v;
      row[3 + 2 * j] = v / S->bw_n;
    }
    const double *tot = R[0].f, *f;
    double L = sqrt(tot[0] * tot[0] + tot[1] * tot[1] + tot[2] * tot[2]), u[3];
    for (int k = 0; k < 3; k++) u[k] = L > 0 ? tot[k] / L : 0;
    double named_sum = 0;
    for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
      double p = 0;
      if (grp[g] >= 0) {
        f = hip_group(T, r, grp[g]);
        p = (f[0] * u[0] + f[1] * u[1] + f[2] * u[2]) / S->bw_n;
      }
      row[8 + g] = p;
      named_sum += p;
    }
    f = R[0].inter_f;
    double pi = (f[0] * u[0] + f[1] * u[1] + f[2] * u[2]) / S->bw_n;
    f = R[0].act_f;
    double pa = (f[0] * u[0] + f[1] * u[1] + f[2] * u[2]) / S->bw_n;
    row[12] = L / S->bw_n - named_sum - pi - pa; /* the other muscles: what remains, exactly */
    row[13] = pi;
    row[14] = pa;
  }
  /* muscle forces */
  const struct {
    int col;
    const char *group, *prefix;
  } mf[] = {{15, "iliopsoas", NULL},       {16, "iliopsoas", "iliacus"},      {17, "iliopsoas", "psoas"},
            {18, "gluteus_maximus", NULL}, {19, "gluteus_medius", NULL},      {20, "gluteus_minimus", NULL}};
  for (size_t i = 0; i < sizeof mf / sizeof mf[0]; i++) {
    hl__trial_group_force(m, T, S->leg, mf[i].group, mf[i].prefix, gf);
    for (int r = 0; r < n; r++) o->data[(size_t)r * nc + mf[i].col] = gf[r];
  }
  free(gf);
  return o;
}

/* ----------------------------------------------------------------------------- figures */

static hl_status figures(const hl_trial *t, const hl_model *m, const hl_table *ft, const double *pct,
                         const char *dir, hl_error *err) {
  const hl_trial_summary *S = &t->summary;
  int n = ft->nrow, nc = ft->ncol;
  double *y = malloc(sizeof(double) * (size_t)(n + 1));
  if (!y) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  char path[2200], sub[512], cap[1024];
  hl_plot *p = NULL;
  hl_status st = hl_plot_create("Hip contact force and who produces it", "Stance (%)", "Force (body weights)", &p, err);
  if (st) goto out;
  hl__snprintf_c(sub, sizeof sub, "hip_%c on femur_%c, in femur_%c; resultant and each part's component along it, BW = %.0f N",
           S->leg, S->leg, S->leg, S->bw_n);
  hl__snprintf_c(cap, sizeof cap, "hipload %s: %s stance %.3f-%.3f s, model %s; static optimization sum |a|^%g, direct decomposition",
           hl_version(), side_name(S->leg), S->t0, S->t1, m->name, S->exponent);
  hl_plot_set_subtitle(p, sub, err);
  hl_plot_set_caption(p, cap, err);
  hl_plot_set_x_range(p, 0, 100, err);
  /* Okabe–Ito colours for the four named groups; the remainders in greys */
  const struct {
    const char *label;
    int col;
    long color;
  } bands[] = {{"Gluteus medius", 10, 0x56B4E9}, {"Gluteus maximus", 9, 0xE69F00},
               {"Gluteus minimus", 11, 0x009E73}, {"Iliopsoas", 8, 0xCC79A7},
               {"Other muscles", 12, 0xA0A0A0},   {"Intersegmental (inertia, gravity, GRF)", 13, 0xD0D0D0}};
  for (size_t b = 0; b < sizeof bands / sizeof bands[0] && !st; b++) {
    for (int r = 0; r < n; r++) y[r] = ft->data[(size_t)r * nc + bands[b].col];
    hl_plot_style bs;
    hl_plot_style_defaults(&bs);
    bs.color = bands[b].color;
    st = hl_plot_add_stack(p, bands[b].label, pct, y, n, &bs, err);
  }
  for (int r = 0; r < n && !st; r++) y[r] = ft->data[(size_t)r * nc + 3];
  if (!st) {
    hl_plot_style ls;
    hl_plot_style_defaults(&ls);
    ls.color = 0x000000;
    st = hl_plot_add_line(p, "Hip contact force (resultant)", pct, y, n, &ls, err);
  }
  if (!st) {
    char lab[128];
    hl__snprintf_c(lab, sizeof lab, "Peak %.2f BW at %.0f %%", S->hip.bw, S->hip.pct);
    st = hl_plot_add_marker(p, S->hip.pct, S->hip.bw, lab, err);
  }
  snprintf(path, sizeof path, "%s/hip_contact.svg", dir);
  if (!st) st = hl_plot_write_svg(p, path, err);
  hl_plot_free(p);
  p = NULL;
  if (st) goto out;

  st = hl_plot_create("Hip muscle forces", "Stance (%)", "Force (body weights)", &p, err);
  if (st) goto out;
  hl__snprintf_c(sub, sizeof sub, "static-optimization forces of the %s leg, summed over each muscle's bundles; BW = %.0f N",
           side_name(S->leg), S->bw_n);
  hl_plot_set_subtitle(p, sub, err);
  hl_plot_set_caption(p, cap, err);
  hl_plot_set_x_range(p, 0, 100, err);
  const struct {
    const char *label;
    int col;
    hl_plot_dash dash;
  } lines[] = {{"Iliopsoas (iliacus + psoas)", 15, HL_PLOT_SOLID}, {"Iliacus", 16, HL_PLOT_DOTTED},
               {"Psoas", 17, HL_PLOT_DASHED},                     {"Gluteus maximus", 18, HL_PLOT_SOLID},
               {"Gluteus medius", 19, HL_PLOT_SOLID},             {"Gluteus minimus", 20, HL_PLOT_SOLID}};
  for (size_t l = 0; l < sizeof lines / sizeof lines[0] && !st; l++) {
    for (int r = 0; r < n; r++) y[r] = ft->data[(size_t)r * nc + lines[l].col] / S->bw_n;
    hl_plot_style ls;
    hl_plot_style_defaults(&ls);
    ls.dash = lines[l].dash;
    st = hl_plot_add_line(p, lines[l].label, pct, y, n, &ls, err);
  }
  snprintf(path, sizeof path, "%s/muscle_forces.svg", dir);
  if (!st) st = hl_plot_write_svg(p, path, err);
  hl_plot_free(p);
out:
  free(y);
  return st;
}

/* The OpenSim-named .sto files, made by lib/frame/record.c from the series. */
static hl_status write_sto(const hl_trial *t, const hl_model *m, const char *dir, const char *name,
                           const char *conv, hl_error *err) {
  const hl_trial_series *T = &t->series;
  hl_frame_joint joint[3];
  for (int j = 0; j < 3; j++) joint[j] = (hl_frame_joint){t->joint[j], 0, m->jnt_child[t->joint[j]]};
  hl_frame_result layout, r;
  hl__series_view(T, -1, &layout);
  hl__rec_spec spec = {1, T->nload, (const char *const *)T->load_prefix, 3, joint, 1, &layout};
  hl__rec rec;
  hl_status st = hl__rec_create(m, &spec, T->nframe, &rec, err);
  for (int f = 0; f < T->nframe && !st; f++) {
    hl__series_view(T, f, &r);
    hl__rec_row(&rec, m, f, &r, &r);
  }
  struct {
    const hl_table *t;
    const char *suffix;
  } files[] = {{rec.so_force, "StaticOptimization_force"},
               {rec.so_activation, "StaticOptimization_activation"},
               {rec.so_solver, "StaticOptimization_solver"},
               {rec.jr, "JointReaction_ReactionLoads"}};
  char path[2200];
  for (size_t i = 0; i < sizeof files / sizeof files[0] && !st; i++) {
    snprintf(path, sizeof path, "%s/%s_%s.sto", dir, name, files[i].suffix);
    st = hl_table_write_sto(files[i].t, path, conv, err);
  }
  for (int j = 0; j < 3 && !st; j++) {
    char cm[1400];
    snprintf(cm, sizeof cm, "%s\nColumns: <muscle>_f*, group_<g>_f*: minus each muscle's pull on the child side "
             "(its part of the contact force), N, in the child frame; intersegmental_f*: inertia - gravity - "
             "external loads of the subtree; actuators_f*: point/torque actuators on it; total = their sum.", conv);
    snprintf(path, sizeof path, "%s/%s_ContactContributions_%s.sto", dir, name, m->jnt_name[t->joint[j]]);
    st = hl_table_write_sto(rec.contrib[j], path, cm, err);
  }
  hl__rec_free(&rec);
  return st;
}

static hl_status write_all(const hl_trial *t, const hl_model *m, const char *dir, const char *name,
                           hl_error *err) {
  char conv[1024], path[2200];
  convention(t, m, conv, sizeof conv);
  hl_status st = write_sto(t, m, dir, name, conv, err);
  if (st) return st;
  hl_table *ft = frame_table(t, m);
  if (!ft) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  st = hl__trial_induced_csv(t, &ft, err);
  snprintf(path, sizeof path, "%s/%s_summary.csv", dir, name);
  if (!st) st = hl_table_write_csv(ft, path, err);
  if (!st) {
    snprintf(path, sizeof path, "%s/summary.json", dir);
    st = write_json(t, m, path, err);
  }
  if (!st) st = figures(t, m, ft, t->series.pct, dir, err);
  if (!st) st = hl__trial_induced_write(t, m, dir, name, conv, err);
  hl_table_free(ft);
  return st;
}

hl_status hl_trial_write(const hl_trial *t, const hl_model *m, const char *dir,
                         const hl_trial_settings *s, hl_error *err) {
  if (!t || !m || !dir || !dir[0]) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_trial_write: NULL argument");
  const char *name = s && s->name && s->name[0] ? s->name : "hipload";
  if (strchr(name, '/')) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "output name '%s' contains '/'", name);
  /* everything goes to a staging folder first and is moved in only when all of it was written */
  hl__stage stage;
  hl_status st = hl__stage_begin(&stage, dir, err);
  if (st) return st;
  st = write_all(t, m, stage.path, name, err);
  if (st) {
    hl__stage_fix_error(&stage, err);
    hl__stage_abort(&stage);
    return st;
  }
  return hl__stage_commit(&stage, err);
}
