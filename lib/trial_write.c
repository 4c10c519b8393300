/* SPDX-License-Identifier: Apache-2.0 */
/* Writing a trial: .sto files, per-frame CSV, summary.json and the SVG figures. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hipload/groups.h"
#include "number.h"
#include "hipload/plot.h"
#include "hipload/trial.h"
#include "fsutil.h"
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

typedef struct {
  FILE *f;
  int first;
} jw;

static void jnum(FILE *f, double v) {
  if (isfinite(v)) hl__fprintf_c(f, "%.10g", v);
  else fputs("null", f);
}

static void jstr(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void jcontrib(FILE *f, const hl_contribution *c, int at_peak, int last) {
  fprintf(f, "    ");
  jstr(f, c->name);
  if (at_peak) {
    fprintf(f, ": {\"bw\": ");
    jnum(f, c->at_peak_bw);
    fprintf(f, ", \"share\": ");
    jnum(f, c->at_peak_share);
  } else {
    fprintf(f, ": {\"impulse_bw_s\": ");
    jnum(f, c->impulse_bw_s);
    fprintf(f, ", \"share\": ");
    jnum(f, c->impulse_share);
  }
  fprintf(f, "}%s\n", last ? "" : ",");
}

/* "key": {peak_n, peak_bw, peak_time_s, peak_pct_stance[, impulse_bw_s]} (impulse < 0: none). */
static void jpeak(FILE *f, const char *indent, const char *key, const hl_peak *p, double impulse, int last) {
  fprintf(f, "%s", indent);
  jstr(f, key);
  fprintf(f, ": {\"peak_n\": ");
  jnum(f, p->value);
  fprintf(f, ", \"peak_bw\": ");
  jnum(f, p->bw);
  fprintf(f, ", \"peak_time_s\": ");
  jnum(f, p->time);
  fprintf(f, ", \"peak_pct_stance\": ");
  jnum(f, p->pct);
  if (impulse >= 0) {
    fprintf(f, ", \"impulse_bw_s\": ");
    jnum(f, impulse);
  }
  fprintf(f, "}%s\n", last ? "" : ",");
}

static hl_status write_json(const hl_trial *t, const hl_model *m, const char *path, hl_error *err) {
  const hl_trial_summary *S = &t->summary;
  char tmp[2300];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return hl_error_set(err, HL_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
  char conv[1024];
  convention(t, m, conv, sizeof conv);
  fprintf(f, "{\n  \"hipload_version\": ");
  jstr(f, hl_version());
  fprintf(f, ",\n  \"convention\": ");
  jstr(f, conv);
  fprintf(f, ",\n  \"model\": ");
  jstr(f, m->name);
  fprintf(f, ",\n  \"body_mass_kg\": ");
  jnum(f, S->body_mass_kg);
  fprintf(f, ",\n  \"body_weight_n\": ");
  jnum(f, S->bw_n);
  fprintf(f, ",\n  \"stance\": {\"t0\": ");
  jnum(f, S->t0);
  fprintf(f, ", \"t1\": ");
  jnum(f, S->t1);
  fprintf(f, ", \"leg\": \"%c\", \"frames\": %d},\n", S->leg, S->nframe);
  jpeak(f, "  ", "hip", &S->hip, S->hip_impulse_bw_s, 0);
  jpeak(f, "  ", "knee", &S->knee, -1, 0);
  jpeak(f, "  ", "ankle", &S->ankle, -1, 0);
  fprintf(f, "  \"contributions_at_peak\": {\n");
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) jcontrib(f, &S->named[g], 1, 0);
  jcontrib(f, &S->intersegmental, 1, 0);
  jcontrib(f, &S->actuators, 1, 1);
  fprintf(f, "  },\n  \"contributions_over_stance\": {\n");
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) jcontrib(f, &S->named[g], 0, 0);
  jcontrib(f, &S->intersegmental, 0, 0);
  jcontrib(f, &S->actuators, 0, 1);
  fprintf(f, "  },\n  \"other_contributors_at_peak\": {\n");
  for (int i = 0; i < S->nother; i++) jcontrib(f, &S->other[i], 1, i == S->nother - 1);
  fprintf(f, "  },\n  \"muscle_forces\": {\n");
  jpeak(f, "    ", "iliopsoas", &S->iliopsoas, -1, 0);
  jpeak(f, "    ", "iliacus", &S->iliacus, -1, 0);
  jpeak(f, "    ", "psoas", &S->psoas, -1, 0);
  jpeak(f, "    ", "gluteus_maximus", &S->gluteus_maximus, -1, 0);
  jpeak(f, "    ", "gluteus_medius", &S->gluteus_medius, -1, 0);
  jpeak(f, "    ", "gluteus_minimus", &S->gluteus_minimus, -1, 1);
  fprintf(f, "  },\n  \"solver\": {\"frames\": %d, \"frames_least_squares\": %d, \"max_residual\": ", S->nframe, S->so_least_squares);
  jnum(f, S->so_max_residual);
  fprintf(f, ", \"max_reserve\": ");
  jnum(f, S->so_max_reserve);
  fprintf(f, ", \"max_reserve_actuator\": ");
  jstr(f, S->so_max_reserve_name);
  fprintf(f, ", \"answer\": \"%s\", \"barrier_mu\": ", S->so_barrier_mu > 0 ? "opensim_stopping_point" : "exact_optimum");
  jnum(f, S->so_barrier_mu);
  fprintf(f, ", \"seconds\": ");
  jnum(f, S->seconds);
  fprintf(f, "}\n}\n");
  int bad = ferror(f);
  if (fclose(f) || bad) {
    remove(tmp);
    return hl_error_set(err, HL_ERR_IO, path, 0, "write failed");
  }
  if (rename(tmp, path)) {
    remove(tmp);
    return hl_error_set(err, HL_ERR_IO, path, 0, "cannot rename into place: %s", strerror(errno));
  }
  return HL_OK;
}

/* ------------------------------------------------------------------------ per-frame CSV */

/* Per frame: time, % stance, resultants of hip/knee/ankle (N, BW), hip contributions along the
 * resultant for the named groups and the intersegmental part (BW), the named muscle forces (N). */
static hl_table *frame_table(const hl_trial *t, const hl_model *m, double **pct_out) {
  const hl_trial_summary *S = &t->summary;
  const hl_table *jr = t->report.jr, *ch = t->report.contrib[0], *so = t->report.so_force;
  const char *names[] = {"time", "pct_stance", "hip_n", "hip_bw", "knee_n", "knee_bw", "ankle_n", "ankle_bw",
                         "hip_iliopsoas_bw", "hip_gluteus_maximus_bw", "hip_gluteus_medius_bw",
                         "hip_gluteus_minimus_bw", "hip_other_muscles_bw", "hip_intersegmental_bw", "hip_actuators_bw",
                         "iliopsoas_n", "iliacus_n", "psoas_n", "gluteus_maximus_n", "gluteus_medius_n", "gluteus_minimus_n"};
  int nc = (int)(sizeof names / sizeof names[0]), n = jr->nrow;
  hl_table *o = hl_table_create(n, nc, names);
  double *pct = malloc(sizeof(double) * (size_t)(n + 1));
  if (!o || !pct) {
    hl_table_free(o);
    free(pct);
    return NULL;
  }
  int ct[3], ci[3], ca[3], cg[HL_TRIAL_NGROUP][3], hasg[HL_TRIAL_NGROUP];
  hl__trial_col3(ch, "total_f", ct);
  hl__trial_col3(ch, "intersegmental_f", ci);
  hl__trial_col3(ch, "actuators_f", ca);
  for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
    char pre[96];
    snprintf(pre, sizeof pre, "group_%s_f", t->summary.named[g].name);
    hasg[g] = hl__trial_col3(ch, pre, cg[g]);
  }
  for (int r = 0; r < n; r++) {
    double *row = o->data + (size_t)r * nc, tm = hl_table_time(jr, r);
    row[0] = tm;
    row[1] = pct[r] = S->t1 > S->t0 ? 100 * (tm - S->t0) / (S->t1 - S->t0) : 0;
    for (int j = 0; j < 3; j++) {
      int c[3] = {1 + 9 * j, 2 + 9 * j, 3 + 9 * j};
      double f[3];
      hl__trial_row3(jr, r, c, f);
      double v = sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
      row[2 + 2 * j] = v;
      row[3 + 2 * j] = v / S->bw_n;
    }
    double tot[3], u[3], f[3];
    hl__trial_row3(ch, r, ct, tot);
    double L = sqrt(tot[0] * tot[0] + tot[1] * tot[1] + tot[2] * tot[2]);
    for (int k = 0; k < 3; k++) u[k] = L > 0 ? tot[k] / L : 0;
    double named_sum = 0;
    for (int g = 0; g < HL_TRIAL_NGROUP; g++) {
      double p = 0;
      if (hasg[g]) {
        hl__trial_row3(ch, r, cg[g], f);
        p = (f[0] * u[0] + f[1] * u[1] + f[2] * u[2]) / S->bw_n;
      }
      row[8 + g] = p;
      named_sum += p;
    }
    hl__trial_row3(ch, r, ci, f);
    double pi = (f[0] * u[0] + f[1] * u[1] + f[2] * u[2]) / S->bw_n;
    hl__trial_row3(ch, r, ca, f);
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
  double *gf = malloc(sizeof(double) * (size_t)(so->nrow + 1));
  if (!gf) {
    hl_table_free(o);
    free(pct);
    return NULL;
  }
  for (size_t i = 0; i < sizeof mf / sizeof mf[0]; i++) {
    hl__trial_group_force(m, so, S->leg, mf[i].group, mf[i].prefix, gf);
    for (int r = 0; r < n && r < so->nrow; r++) o->data[(size_t)r * nc + mf[i].col] = gf[r];
  }
  free(gf);
  *pct_out = pct;
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
  hl_status st = hl_plot_create(&p, "Hip contact force and who produces it", "Stance (%)", "Force (body weights)", err);
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
    hl_plot_style bs = hl_plot_style_defaults();
    bs.color = bands[b].color;
    st = hl_plot_add_stack(p, bands[b].label, pct, y, n, &bs, err);
  }
  for (int r = 0; r < n && !st; r++) y[r] = ft->data[(size_t)r * nc + 3];
  if (!st) {
    hl_plot_style ls = hl_plot_style_defaults();
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

  st = hl_plot_create(&p, "Hip muscle forces", "Stance (%)", "Force (body weights)", err);
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
    hl_plot_style ls = hl_plot_style_defaults();
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

static hl_status write_all(const hl_trial *t, const hl_model *m, const char *dir, const char *name,
                           hl_error *err) {
  hl_status st;
  char conv[1024], path[2200];
  convention(t, m, conv, sizeof conv);
  const hl_analyze_report *R = &t->report;
  struct {
    const hl_table *t;
    const char *suffix;
  } files[] = {{R->so_force, "StaticOptimization_force"},
               {R->so_activation, "StaticOptimization_activation"},
               {R->so_solver, "StaticOptimization_solver"},
               {R->jr, "JointReaction_ReactionLoads"}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (!files[i].t) continue;
    snprintf(path, sizeof path, "%s/%s_%s.sto", dir, name, files[i].suffix);
    st = hl_table_write_sto(files[i].t, path, conv, err);
    if (st) return st;
  }
  for (int j = 0; j < R->ncontrib && j < 3; j++) {
    char cm[1400];
    snprintf(cm, sizeof cm, "%s\nColumns: <muscle>_f*, group_<g>_f*: minus each muscle's pull on the child side "
             "(its part of the contact force), N, in the child frame; intersegmental_f*: inertia - gravity - "
             "external loads of the subtree; actuators_f*: point/torque actuators on it; total = their sum.", conv);
    snprintf(path, sizeof path, "%s/%s_ContactContributions_%s.sto", dir, name, m->jnt_name[t->joint[j]]);
    st = hl_table_write_sto(R->contrib[j], path, cm, err);
    if (st) return st;
  }
  double *pct = NULL;
  hl_table *ft = frame_table(t, m, &pct);
  if (!ft) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  snprintf(path, sizeof path, "%s/%s_summary.csv", dir, name);
  st = hl_table_write_csv(ft, path, err);
  if (!st) {
    snprintf(path, sizeof path, "%s/summary.json", dir);
    st = write_json(t, m, path, err);
  }
  if (!st) st = figures(t, m, ft, pct, dir, err);
  hl_table_free(ft);
  free(pct);
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
