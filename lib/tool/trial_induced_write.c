/* SPDX-License-Identifier: Apache-2.0 */
/* Writing a trial's induced contributions (trial_induced.c computes them):
 *   <name>_InducedContributions_<joint>.sto   time, <contributor>_fx/_fy/_fz (every contributor:
 *       muscles, actuators, gravity, velocity, CoordinateLimitForces, contact_mismatch,
 *       dynamic_residual, unmodelled_grf), group_<group>_f*, total_f* — N, the reaction on the
 *       child body in its frame (the JointReaction output's)
 *   <name>_InducedGRF.sto                     time, <contributor>_<foot body>_fx/_fy/_fz, then
 *       total_<foot body>_f* — N, ground, the ground reaction each contributor induces on each
 *       foot (zero while the foot is not constrained)
 *   induced_hip.svg, induced_knee.svg, induced_ankle.svg  stacked parts along the resultant */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/plot.h"
#include "trial_internal.h"
#include "number.h"

#define JN 3
#define MF HL_INDUCED_MAX_FEET

static const char *const joint_word[JN] = {"hip", "knee", "ankle"};
static const char *const axis[3] = {"_fx", "_fy", "_fz"};

/* A table of n rows whose columns are "time" then names[i] + axis (3 per name). */
static hl_status xyz_table(int n, int nname, char *const *names, hl_table **out, hl_error *err) {
  int nc = 1 + 3 * nname;
  char **cols = calloc((size_t)nc, sizeof(char *));
  hl_status st = cols ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  if (cols) cols[0] = strdup("time");
  for (int i = 0; i < nname && !st; i++)
    for (int a = 0; a < 3; a++) {
      size_t L = strlen(names[i]) + 4;
      if ((cols[1 + 3 * i + a] = malloc(L))) snprintf(cols[1 + 3 * i + a], L, "%s%s", names[i], axis[a]);
    }
  for (int c = 0; c < nc && !st; c++)
    if (!cols[c]) st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  if (!st) st = hl_table_create(n, nc, (const char *const *)cols, out, err);
  for (int c = 0; cols && c < nc; c++) free(cols[c]);
  free(cols);
  return st;
}

/* The column stems of a joint's file: contributors, group_<g>, total. */
static char **contrib_stems(const hl_trial_series *T, int *count) {
  int n = T->ncontributor + T->ngroup + 1;
  char **s = calloc((size_t)n, sizeof(char *));
  int ok = s != NULL;
  for (int k = 0; k < T->ncontributor && ok; k++) ok = (s[k] = strdup(T->contributor_name[k])) != NULL;
  for (int g = 0; g < T->ngroup && ok; g++) {
    size_t L = strlen(T->group_name[g]) + 7;
    if ((ok = (s[T->ncontributor + g] = malloc(L)) != NULL)) snprintf(s[T->ncontributor + g], L, "group_%s", T->group_name[g]);
  }
  if (ok) ok = (s[n - 1] = strdup("total")) != NULL;
  *count = n;
  if (!ok) {
    for (int i = 0; s && i < n; i++) free(s[i]);
    free(s);
    return NULL;
  }
  return s;
}

static void free_stems(char **s, int n) {
  for (int i = 0; s && i < n; i++) free(s[i]);
  free(s);
}

static hl_status joint_file(const hl_trial *t, const hl_model *m, int j, const char *path, const char *conv,
                            hl_error *err) {
  const hl_trial_series *T = &t->series;
  int ns = 0, K = T->ncontributor, G = T->ngroup;
  char **stems = contrib_stems(T, &ns);
  if (!stems) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  hl_table *o = NULL;
  hl_status st = xyz_table(T->nframe, ns, stems, &o, err);
  free_stems(stems, ns);
  for (int r = 0; r < T->nframe && !st; r++) {
    double *row = o->data + (size_t)r * o->ncol;
    row[0] = T->time[r];
    const double *ind = T->induced + ((size_t)r * JN + (size_t)j) * (size_t)K * 6;
    const double *grp = T->induced_group + ((size_t)r * JN + (size_t)j) * (size_t)G * 6;
    for (int k = 0; k < K; k++) memcpy(row + 1 + 3 * k, ind + 6 * k, 3 * sizeof(double));
    for (int g = 0; g < G; g++) memcpy(row + 1 + 3 * (K + g), grp + 6 * g, 3 * sizeof(double));
    memcpy(row + 1 + 3 * (K + G), T->reaction[JN * (size_t)r + (size_t)j].f, 3 * sizeof(double));
  }
  char cm[2048];
  snprintf(cm, sizeof cm,
           "%s\nInduced contributions to %s (%s): each contributor's part of the JointReaction force of "
           "%s on %s in %s (N), through its own force across the joint and through the accelerations and "
           "ground reaction it induces with the stance foot's contact replaced by constraints (docs/induced.md). "
           "Over all contributors the parts add up to total_f* (the JointReaction output). contact_mismatch: the "
           "part of the measured ground reaction the contact model cannot explain; dynamic_residual and "
           "unmodelled_grf: the other bookkeeping terms. group_<g>_f*: the sums over each group's muscles.",
           conv, joint_word[j], m->jnt_name[t->joint[j]], m->jnt_name[t->joint[j]],
           m->body_name[m->jnt_child[t->joint[j]]], m->body_name[m->jnt_child[t->joint[j]]]);
  if (!st) st = hl_table_write_sto(o, path, cm, err);
  hl_table_free(o);
  return st;
}

static hl_status grf_file(const hl_trial *t, const hl_model *m, const char *path, const char *conv, hl_error *err) {
  const hl_trial_series *T = &t->series;
  int K = T->ncontributor, nf = T->nfoot, ns = (K + 1) * nf;
  char **stems = calloc((size_t)ns + 1, sizeof(char *));
  hl_status st = stems ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  for (int k = 0; k <= K && !st; k++)
    for (int f = 0; f < nf && !st; f++) {
      const char *b = T->foot_body[f] >= 0 ? m->body_name[T->foot_body[f]] : "unknown";
      const char *c = k < K ? T->contributor_name[k] : "total";
      size_t L = strlen(b) + strlen(c) + 2;
      char *s = malloc(L);
      if (!s) st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      else snprintf(s, L, "%s_%s", c, b);
      stems[k * nf + f] = s;
    }
  hl_table *o = NULL;
  if (!st) st = xyz_table(T->nframe, ns, stems, &o, err);
  free_stems(stems, ns);
  for (int r = 0; r < T->nframe && !st; r++) {
    double *row = o->data + (size_t)r * o->ncol, *tot = row + 1 + 3 * K * nf;
    row[0] = T->time[r];
    memset(tot, 0, sizeof(double) * 3 * (size_t)nf);
    for (int k = 0; k < K; k++)
      for (int f = 0; f < nf; f++)
        for (int i = 0; i < 3; i++) {
          double v = T->induced_grf[(((size_t)r * K + (size_t)k) * MF + (size_t)f) * 6 + (size_t)i];
          row[1 + 3 * (k * nf + f) + i] = v;
          tot[3 * f + i] += v;
        }
  }
  char cm[1600];
  snprintf(cm, sizeof cm,
           "%s\nInduced ground reaction forces (N, ground, applied to each foot): each contributor's share of the "
           "ground reaction on each foot with the foot's contact replaced by constraints (rolling at the centre of "
           "pressure unless set otherwise; zero while the foot is not constrained). total_<foot>_f*: their sum, "
           "the measured force the contact model carries (docs/induced.md).", conv);
  if (!st) st = hl_table_write_sto(o, path, cm, err);
  hl_table_free(o);
  return st;
}

/* One band of a figure: part `name` of joint j (BW along the resultant), taken off `rest`. */
static hl_status band(hl_plot *p, const hl_trial *t, int j, const char *name, const char *label, long color,
                      double *y, double *rest, hl_error *err) {
  int n = t->series.nframe;
  if (!hl__trial_induced_part(t, j, name, 0, y)) return HL_OK;
  for (int r = 0; r < n; r++) rest[r] -= y[r];
  hl_plot_style bs;
  hl_plot_style_defaults(&bs);
  bs.color = color;
  return hl_plot_add_stack(p, label, t->series.pct, y, n, &bs, err);
}

/* A name for the legend: "gluteus_medius" → "Gluteus medius". */
static void label_of(const char *name, char *out, size_t n) {
  snprintf(out, n, "%s", name);
  for (char *c = out; *c; c++)
    if (*c == '_') *c = ' ';
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
}

/* Joint j's contact force with the named groups, the joint's three largest other groups,
 * gravity, velocity and the contact mismatch stacked beneath it (components along the
 * resultant, BW), the rest in grey. */
static hl_status joint_figure(const hl_trial *t, const hl_model *m, int j, const char *path, hl_error *err) {
  const hl_trial_summary *S = &t->summary;
  const hl_induced_joint_summary *J = &S->induced[j];
  int n = t->series.nframe;
  static const char *const cap_word[JN] = {"Hip", "Knee", "Ankle"};
  static const long named_color[HL_TRIAL_NGROUP] = {0xCC79A7, 0xE69F00, 0x56B4E9, 0x009E73};
  static const long other_color[3] = {0x882255, 0x44AA99, 0xDDCC77};
  double *y = malloc(sizeof(double) * (size_t)(n + 1)), *rest = malloc(sizeof(double) * (size_t)(n + 1));
  hl_plot *p = NULL;
  hl_status st = y && rest ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  char title[128], sub[512], cap[512], lab[HL_GROUP_NAME_MAX];
  snprintf(title, sizeof title, "%s contact force: induced contributions", cap_word[j]);
  if (!st) st = hl_plot_create(title, "Stance (%)", "Force along the resultant (body weights)", &p, err);
  hl__snprintf_c(sub, sizeof sub, "%s on %s, in %s; each part through its own force and the motion and ground reaction it "
           "induces; grey: everything else; BW = %.0f N", m->jnt_name[t->joint[j]],
           m->body_name[m->jnt_child[t->joint[j]]], m->body_name[m->jnt_child[t->joint[j]]], S->bw_n);
  hl__snprintf_c(cap, sizeof cap, "hipload %s: stance %.3f-%.3f s, model %s; induced contributions, rolling contact at the "
           "centre of pressure (docs/induced.md)", hl_version(), S->t0, S->t1, m->name);
  if (!st) hl_plot_set_subtitle(p, sub, err), hl_plot_set_caption(p, cap, err), hl_plot_set_x_range(p, 0, 100, err);
  for (int r = 0; r < n && !st; r++) {
    const double *f = t->series.reaction[JN * (size_t)r + (size_t)j].f;
    rest[r] = sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]) / S->bw_n;
  }
  for (int g = 0; g < HL_TRIAL_NGROUP && !st; g++) {
    label_of(J->named[g].name, lab, sizeof lab);
    st = band(p, t, j, J->named[g].name, lab, named_color[g], y, rest, err);
  }
  for (int i = 0, k = 0; i < J->nother && k < 3 && !st; i++) {
    const char *nm = J->other[i].name;
    if (!strcmp(nm, "gravity") || !strcmp(nm, "velocity") || !strcmp(nm, "actuators") ||
        !strcmp(nm, "coordinate_limit_forces"))
      continue;
    label_of(nm, lab, sizeof lab);
    st = band(p, t, j, nm, lab, other_color[k++], y, rest, err);
  }
  if (!st) st = band(p, t, j, "gravity", "Gravity", 0x0072B2, y, rest, err);
  if (!st) st = band(p, t, j, "velocity", "Velocity terms", 0xD55E00, y, rest, err);
  if (!st) st = band(p, t, j, "contact_mismatch", "Contact mismatch", 0x000000, y, rest, err);
  hl_plot_style bs;
  hl_plot_style_defaults(&bs);
  bs.color = 0xC8C8C8;
  if (!st) st = hl_plot_add_stack(p, "Everything else", t->series.pct, rest, n, &bs, err);
  for (int r = 0; r < n && !st; r++) {
    const double *f = t->series.reaction[JN * (size_t)r + (size_t)j].f;
    y[r] = sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]) / S->bw_n;
  }
  bs.color = 0x000000;
  if (!st) st = hl_plot_add_line(p, "Contact force (resultant)", t->series.pct, y, n, &bs, err);
  if (!st) st = hl_plot_write_svg(p, path, err);
  hl_plot_free(p);
  free(y), free(rest);
  return st;
}

hl_status hl__trial_induced_write(const hl_trial *t, const hl_model *m, const char *dir, const char *name,
                                  const char *conv, hl_error *err) {
  if (!t->series.ncontributor) return HL_OK;
  char path[2400];
  hl_status st = HL_OK;
  for (int j = 0; j < JN && !st; j++) {
    snprintf(path, sizeof path, "%s/%s_InducedContributions_%s.sto", dir, name, m->jnt_name[t->joint[j]]);
    st = joint_file(t, m, j, path, conv, err);
  }
  snprintf(path, sizeof path, "%s/%s_InducedGRF.sto", dir, name);
  if (!st) st = grf_file(t, m, path, conv, err);
  for (int j = 0; j < JN && !st; j++) {
    snprintf(path, sizeof path, "%s/induced_%s.svg", dir, joint_word[j]);
    st = joint_figure(t, m, j, path, err);
  }
  return st;
}
