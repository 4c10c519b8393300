/* SPDX-License-Identifier: Apache-2.0 */
/* AnalyzeTool runner: see include/hipload/analysis.h. */
#include "hipload/analysis.h"
#include "extloads_internal.h"
#include "number.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hipload/extloads.h"
#include "hipload/groups.h"
#include "hipload/invdyn.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/reaction.h"
#include "hipload/so.h"
#include "hipload/storage.h"
#include "fsutil.h"

void hl_analyze_options_defaults(hl_analyze_options *o) {
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->contributions = 1;
  o->write_files = 1;
}

void hl_analyze_report_clear(hl_analyze_report *rep) {
  if (!rep) return;
  hl_table_free(rep->so_force);
  hl_table_free(rep->so_activation);
  hl_table_free(rep->jr);
  hl_table_free(rep->ma_length);
  hl_table_free(rep->so_solver);
  rep->so_solver = NULL;
  for (int j = 0; j < HL_SETUP_MAX_JOINTS; j++) {
    hl_table_free(rep->contrib[j]);
    rep->contrib[j] = NULL;
  }
  rep->so_force = rep->so_activation = rep->jr = rep->ma_length = NULL;
  rep->ncontrib = 0;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Column names for a table: "time" + n names, built in one block. */
typedef struct {
  int n, cap;
  char **names;
} namelist;

static int nl_add(namelist *l, const char *fmt1, const char *a, const char *b) {
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 64;
    char **nn = realloc(l->names, sizeof(char *) * (size_t)cap);
    if (!nn) return -1;
    l->names = nn;
    l->cap = cap;
  }
  char buf[256];
  snprintf(buf, sizeof buf, fmt1, a, b ? b : "");
  l->names[l->n] = strdup(buf);
  if (!l->names[l->n]) return -1;
  return l->n++;
}

static void nl_free(namelist *l) {
  for (int i = 0; i < l->n; i++) free(l->names[i]);
  free(l->names);
  l->names = NULL;
  l->n = l->cap = 0;
}

typedef struct {
  const hl_analyze_setup *s;
  hl_analyze_report *rep;
  hl_error *err;
  char outdir[2200];
} runctx;

static hl_status write_table(runctx *c, hl_table *t, const char *suffix, const char *comments) {
  char path[2600];
  snprintf(path, sizeof path, "%s/%s_%s.sto", c->outdir, c->s->name, suffix);
  hl_status st = hl_table_write_sto(t, path, comments, c->err);
  if (!st && c->rep && c->rep->nfiles < HL_REPORT_MAX_FILES)
    snprintf(c->rep->files[c->rep->nfiles++], sizeof c->rep->files[0], "%s", path);
  return st;
}

static hl_table *new_table(const namelist *cols, int nrow, const char *name) {
  const char **names = malloc(sizeof(char *) * (size_t)(cols->n + 1));
  if (!names) return NULL;
  names[0] = "time";
  for (int i = 0; i < cols->n; i++) names[i + 1] = cols->names[i];
  hl_table *t = hl_table_create(nrow, cols->n + 1, names);
  free(names);
  if (t && name) {
    free(t->name);
    t->name = strdup(name);
  }
  return t;
}

/* Body index for a JointReaction frame word ("ground", "child", "parent" or a body name). */
static int frame_body(const hl_model *m, int joint, const char *word) {
  if (!strcmp(word, "ground")) return 0;
  if (!strcmp(word, "child")) return m->jnt_child[joint];
  if (!strcmp(word, "parent")) return m->jnt_parent[joint];
  return hl_model_body(m, word);
}

/* One external force as OpenSim's ExternalForce records it: force and torque in ground, the point
 * in the body the force is applied to. */
static void external_record(const hl_data *d, const hl_extloads *x, const hl_invdyn_extmap *map,
                            int i, double tm, double out[9]) {
  double f[3] = {0, 0, 0}, pt[3] = {0, 0, 0}, tq[3] = {0, 0, 0}, pg[3];
  hl_extloads_eval(x, i, tm, f, pt, tq);
  int b = map->body[i], ff = map->force_frame[i], pf = map->point_frame[i];
  const double *Rf = d->body_R + 9 * ff, *Rp = d->body_R + 9 * pf, *Rb = d->body_R + 9 * b;
  for (int k = 0; k < 3; k++) {
    out[k] = Rf[3 * k] * f[0] + Rf[3 * k + 1] * f[1] + Rf[3 * k + 2] * f[2];
    out[6 + k] = x->force[i].torque_col[0] < 0 ? 0 : Rf[3 * k] * tq[0] + Rf[3 * k + 1] * tq[1] + Rf[3 * k + 2] * tq[2];
    pg[k] = x->force[i].point_col[0] < 0 ? d->body_p[3 * b + k]
                                          : d->body_p[3 * pf + k] + Rp[3 * k] * pt[0] + Rp[3 * k + 1] * pt[1] + Rp[3 * k + 2] * pt[2];
  }
  double r[3] = {pg[0] - d->body_p[3 * b], pg[1] - d->body_p[3 * b + 1], pg[2] - d->body_p[3 * b + 2]};
  for (int k = 0; k < 3; k++) out[3 + k] = Rb[k] * r[0] + Rb[3 + k] * r[1] + Rb[6 + k] * r[2];
}

hl_status hl_analyze_run(const hl_analyze_setup *s, const hl_analyze_options *opt,
                         hl_analyze_report *rep, hl_error *err) {
  if (!s) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_analyze_run: NULL setup");
  hl_analyze_options defaults;
  if (!opt) {
    hl_analyze_options_defaults(&defaults);
    opt = &defaults;
  }
  hl_analyze_report myrep;
  if (!rep) rep = &myrep;
  memset(rep, 0, sizeof *rep);
  double tstart = now_seconds();
  runctx c = {s, rep, err, ""};
  snprintf(c.outdir, sizeof c.outdir, "%s", opt->out_dir && opt->out_dir[0] ? opt->out_dir : s->results_directory);

  hl_status st = HL_OK;
  hl_model *owned_model = NULL;
  const hl_model *m = opt->model;
  hl_table *owned_coords = NULL, *forces_in = NULL;
  const hl_table *coords = opt->coordinates;
  hl_extloads *owned_loads = NULL;
  const hl_extloads *xl = opt->loads;
  hl_motion *mo = NULL;
  hl_invdyn_extmap *xmap = NULL;
  hl_data *d = NULL;
  hl_invdyn *idw = NULL;
  hl_so *so = NULL;
  double so_mu = 0;
  hl_jr *jr = NULL;
  hl_groups *groups = NULL;
  double *ext = NULL, *tau = NULL, *ctrl = NULL, *frc = NULL, *qdd = NULL, *contrib = NULL;
  double *mus_f = NULL, *act_f = NULL;
  int *jr_joint = NULL, *jr_frame = NULL, *fcol = NULL;
  hl_table *t_act = NULL, *t_frc = NULL, *t_len = NULL, **t_ma = NULL, *t_jr = NULL, **t_con = NULL;
  hl_table *t_info = NULL; /* per-frame solver report */
  int **cross_list = NULL, *ncross = NULL, *ma_coord = NULL, *ma_mus = NULL;
  int n_macoord = 0, n_mamus = 0, njr = 0, nf = 0, nq = 0, nm = 0, na = 0;
  namelist cols = {0, 0, NULL};

  if (!m) {
    const char *model_path = opt->model_file && opt->model_file[0] ? opt->model_file : s->model_file;
    st = hl_model_load(model_path, &owned_model, err);
    if (st) goto done;
    if (s->replace_force_set || s->nforce_set_files) {
      for (int i = 0; i < s->nforce_set_files && !st; i++)
        st = hl_model_add_force_set(owned_model, s->force_set_files[i], s->replace_force_set && i == 0, err);
      if (st) goto done;
    }
    m = owned_model;
  }
  if (!coords) {
    st = hl_table_read(s->coordinates_file, &owned_coords, err);
    if (st) goto done;
    coords = owned_coords;
  }

  {
  const hl_analysis_times *at = s->has_so ? &s->so : s->has_jr ? &s->jr : &s->ma;
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = fmax(s->initial_time, at->start_time);
  ms.t1 = fmin(s->final_time, at->end_time);
  ms.lowpass_hz = s->lowpass_cutoff;
  ms.step_interval = at->step_interval;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  st = hl_motion_create(m, coords, &ms, &mo, err);
  }
  if (st) goto done;
  nf = mo->nframe;
  nq = m->ncoord;
  nm = m->nmuscle;
  na = m->nactuator;
  rep->nframe = nf;
  rep->t0 = nf ? mo->t[0] : 0;
  rep->t1 = nf ? mo->t[nf - 1] : 0;

  if (!xl && s->external_loads_file[0]) {
    /* only the GRF rows around the frames (every row still checked) */
    st = hl__extloads_load_window(s->external_loads_file, NULL, nf ? mo->t[0] : 0, nf ? mo->t[nf - 1] : -1,
                                  HL_EXTLOADS_PAD, &owned_loads, err);
    if (st) goto done;
    xl = owned_loads;
  }
  if (xl) {
    st = hl_invdyn_extmap_create(m, xl, &xmap, err);
    if (st) goto done;
  }

  d = hl_data_create(m);
  idw = hl_invdyn_create(m);
  ext = calloc((size_t)6 * m->nbody, sizeof(double));
  tau = calloc((size_t)nq + 1, sizeof(double));
  qdd = calloc((size_t)nq + 1, sizeof(double));
  ctrl = calloc((size_t)(nm + na) + 1, sizeof(double));
  frc = calloc((size_t)(nm + na) + 1, sizeof(double));
  contrib = calloc((size_t)6 * nm + 1, sizeof(double));
  if (!d || !idw || !ext || !tau || !qdd || !ctrl || !frc || !contrib) {
    st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    goto done;
  }

  /* ---- set up each analysis' outputs */
  if (s->has_so) {
    hl_so_settings ss;
    hl_so_settings_defaults(&ss);
    ss.exponent = s->so_activation_exponent;
    ss.use_muscle_physiology = s->so_use_muscle_physiology;
    ss.barrier_mu = opt->so_exact ? 0 : opt->so_mu > 0 ? opt->so_mu : hl_so_opensim_mu(s->so_convergence);
    so_mu = ss.barrier_mu;
    so = hl_so_create(m, &ss);
    if (!so) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (static optimization)");
      goto done;
    }
    for (int k = 0; k < nm; k++) nl_add(&cols, "%s%s", m->mus_name[k], NULL);
    for (int a = 0; a < na; a++) nl_add(&cols, "%s%s", m->act_name[a], NULL);
    t_act = new_table(&cols, nf, "Static Optimization");
    {
      const char *inames[] = {"time", "least_squares", "iterations", "residual", "active_bounds",
                              "max_reserve_abs", "max_reserve_index"};
      t_info = hl_table_create(nf, 7, inames);
      if (t_info) {
        free(t_info->name);
        t_info->name = strdup("Static Optimization solver report");
      }
    }
    /* OpenSim's force file also records the model's other forces: each CoordinateLimitForce's
     * value and potential energy, and each external force (F and T in ground, the point in the
     * body it is applied to) */
    for (int i = 0; i < m->nlimit; i++) {
      nl_add(&cols, "%s%s", m->lim_name[i], NULL);
      nl_add(&cols, "%s%s", "PotentialEnergy", NULL);
    }
    for (int i = 0; xl && i < xl->nforce; i++) {
      const char *sfx[9] = {"Fx", "Fy", "Fz", "px", "py", "pz", "Tx", "Ty", "Tz"};
      char pre[200];
      snprintf(pre, sizeof pre, "%s_%s_", xl->force[i].applied_to_body, xl->force[i].name);
      for (int k = 0; k < 9; k++) nl_add(&cols, "%s%s", pre, sfx[k]);
    }
    t_frc = new_table(&cols, nf, "ModelForces");
    nl_free(&cols);
    if (!t_act || !t_frc) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
  }
  if (s->has_ma) {
    ma_mus = calloc((size_t)(nm ? nm : 1), sizeof(int));
    ma_coord = calloc((size_t)(nq ? nq : 1), sizeof(int));
    if (!ma_mus || !ma_coord) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
    if (s->ma_nmuscle == 0)
      for (int k = 0; k < nm; k++) ma_mus[n_mamus++] = k;
    for (int k = 0; k < s->ma_nmuscle; k++) {
      int i = hl_model_muscle(m, s->ma_muscles[k]);
      if (i < 0) {
        st = hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0, "MuscleAnalysis: muscle '%s' is not in the model", s->ma_muscles[k]);
        goto done;
      }
      ma_mus[n_mamus++] = i;
    }
    if (s->ma_ncoord == 0)
      for (int i = 0; i < nq; i++) ma_coord[n_macoord++] = i;
    for (int k = 0; k < s->ma_ncoord; k++) {
      int i = hl_model_coord(m, s->ma_coords[k]);
      if (i < 0) {
        st = hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0, "MuscleAnalysis: coordinate '%s' is not in the model", s->ma_coords[k]);
        goto done;
      }
      ma_coord[n_macoord++] = i;
    }
    for (int k = 0; k < n_mamus; k++) nl_add(&cols, "%s%s", m->mus_name[ma_mus[k]], NULL);
    t_len = new_table(&cols, nf, "Length");
    t_ma = calloc((size_t)(n_macoord ? n_macoord : 1), sizeof(hl_table *));
    if (!t_len || !t_ma) {
      nl_free(&cols);
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
    for (int c2 = 0; c2 < n_macoord; c2++) {
      char nm2[128];
      snprintf(nm2, sizeof nm2, "MomentArm_%s", m->coord_name[ma_coord[c2]]);
      t_ma[c2] = new_table(&cols, nf, nm2);
      if (!t_ma[c2]) {
        nl_free(&cols);
        st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
      }
    }
    nl_free(&cols);
  }
  if (s->has_jr) {
    njr = s->jr_njoint;
    int all = njr == 1 && !strcmp(s->jr_joint[0], "all");
    if (all) njr = m->njoint;
    jr_joint = calloc((size_t)(njr ? njr : 1), sizeof(int));
    jr_frame = calloc((size_t)(njr ? njr : 1), sizeof(int));
    jr = hl_jr_create(m);
    mus_f = calloc((size_t)nm + 1, sizeof(double));
    act_f = calloc((size_t)na + 1, sizeof(double));
    t_con = calloc((size_t)(njr ? njr : 1), sizeof(hl_table *));
    cross_list = calloc((size_t)(njr ? njr : 1), sizeof(int *));
    ncross = calloc((size_t)(njr ? njr : 1), sizeof(int));
    if (!jr_joint || !jr_frame || !jr || !mus_f || !act_f || !t_con || !cross_list || !ncross) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
    for (int j = 0; j < njr; j++) {
      int jj = all ? j : hl_model_joint(m, s->jr_joint[j]);
      if (jj < 0) {
        st = hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0, "JointReaction: joint '%s' is not in the model", s->jr_joint[j]);
        goto done;
      }
      jr_joint[j] = jj;
      const char *fw = all ? s->jr_frame[0] : s->jr_frame[j];
      jr_frame[j] = frame_body(m, jj, fw);
      if (jr_frame[j] < 0) {
        st = hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0, "JointReaction: frame '%s' is not a body of the model", fw);
        goto done;
      }
      const char *on = all ? s->jr_on[0] : s->jr_on[j];
      int onb = !strcmp(on, "parent") ? m->jnt_parent[jj] : m->jnt_child[jj];
      const char *sfx[9] = {"fx", "fy", "fz", "mx", "my", "mz", "px", "py", "pz"};
      char root[256];
      snprintf(root, sizeof root, "%s_on_%s_in_%s_", m->jnt_name[jj], m->body_name[onb], m->body_name[jr_frame[j]]);
      for (int k = 0; k < 9; k++) nl_add(&cols, "%s%s", root, sfx[k]);
    }
    t_jr = new_table(&cols, nf, "Joint Reaction Loads");
    nl_free(&cols);
    if (!t_jr) {
      st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
      goto done;
    }
    const char *ff = opt->forces_file && opt->forces_file[0] ? opt->forces_file : s->jr_forces_file;
    if (ff[0]) {
      st = hl_table_read(ff, &forces_in, err);
      if (st) goto done;
      fcol = calloc((size_t)(nm + na) + 1, sizeof(int));
      if (!fcol) {
        st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
      }
      for (int k = 0; k < nm + na; k++) {
        const char *nmk = k < nm ? m->mus_name[k] : m->act_name[k - nm];
        fcol[k] = hl_table_col(forces_in, nmk);
        if (fcol[k] < 0) {
          st = hl_error_set(err, HL_ERR_NOT_FOUND, ff, forces_in->header_line_of_labels,
                            "the forces file has no column for actuator '%s' of the model", nmk);
          goto done;
        }
      }
    } else if (!s->has_so) {
      st = hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0,
                        "JointReaction needs muscle forces: give <forces_file> or add a StaticOptimization analysis");
      goto done;
    }
    if (opt->contributions) {
      st = hl_groups_default(m, &groups);
      if (st) {
        hl_error_set(err, st, NULL, 0, "out of memory");
        goto done;
      }
      for (int j = 0; j < njr; j++) {
        int jj = jr_joint[j], root = m->jnt_child[jj];
        cross_list[j] = calloc((size_t)nm + 1, sizeof(int));
        if (!cross_list[j]) {
          st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
          goto done;
        }
        /* a muscle crosses when its path has points both inside and outside the child's subtree */
        for (int k = 0; k < nm; k++) {
          int in = 0, outp = 0;
          for (int p = 0; p < m->mus_path_num[k]; p++) {
            if (hl_model_in_subtree(m, m->pt_body[m->mus_path_adr[k] + p], root)) in = 1;
            else outp = 1;
          }
          if (in && outp) cross_list[j][ncross[j]++] = k;
        }
        for (int k = 0; k < ncross[j]; k++) {
          const char *mn = m->mus_name[cross_list[j][k]];
          nl_add(&cols, "%s_fx", mn, NULL);
          nl_add(&cols, "%s_fy", mn, NULL);
          nl_add(&cols, "%s_fz", mn, NULL);
        }
        for (int g = 0; g < groups->ngroup; g++) {
          int used = 0;
          for (int k = 0; k < ncross[j]; k++) used |= groups->mus_group[cross_list[j][k]] == g;
          if (!used) continue;
          nl_add(&cols, "group_%s_fx", groups->name[g], NULL);
          nl_add(&cols, "group_%s_fy", groups->name[g], NULL);
          nl_add(&cols, "group_%s_fz", groups->name[g], NULL);
        }
        const char *tail[] = {"intersegmental", "actuators", "total"};
        for (int k = 0; k < 3; k++) {
          nl_add(&cols, "%s_fx", tail[k], NULL);
          nl_add(&cols, "%s_fy", tail[k], NULL);
          nl_add(&cols, "%s_fz", tail[k], NULL);
        }
        t_con[j] = new_table(&cols, nf, "Contact Contributions");
        nl_free(&cols);
        if (!t_con[j]) {
          st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
          goto done;
        }
      }
    }
  }

  /* ---- the frames */
  rep->so_max_reserve = 0;
  for (int f = 0; f < nf; f++) {
    const double *q = mo->q + (size_t)f * nq, *qd = mo->qd + (size_t)f * nq, *qa = mo->qdd + (size_t)f * nq;
    double tm = mo->t[f];
    st = hl_kin_update(m, d, q, qd, qa);
    if (st) {
      hl_error_set(err, st, s->coordinates_file, 0, "kinematics failed at t = %.6g s", tm);
      goto done;
    }
    st = hl_muscle_update(m, d, opt->allow_unsupported, err);
    if (st) goto done;
    if (xl) hl_invdyn_ext_wrenches(m, d, xl, xmap, tm, ext);
    if (so) {
      st = hl_invdyn_frame(m, d, idw, xl ? ext : NULL, tau, NULL, NULL, err);
      if (st) goto done;
      hl_so_info info;
      st = hl_so_solve(so, m, d, tau, ctrl, frc, &info);
      if (st) {
        hl_error_set(err, st, s->coordinates_file, 0, "static optimization failed at t = %.6g s: %s%s", tm, hl_strerror(st),
                     so_mu > 0 && st == HL_ERR_MAXITER
                         ? " (the interior point that stands for OpenSim's answer did not converge; "
                           "the exact optimum: --exact)"
                         : "");
        goto done;
      }
      if (info.least_squares) rep->so_least_squares++;
      if (t_info) {
        double *ri = t_info->data + (size_t)f * t_info->ncol;
        ri[0] = tm;
        ri[1] = info.least_squares;
        ri[2] = info.iterations;
        ri[3] = info.residual;
        ri[4] = info.n_active;
        ri[5] = info.reserve_max;
        ri[6] = info.reserve_max_index < 0 ? -1 : nm + info.reserve_max_index + 1; /* column in _force.sto */
      }
      if (info.iterations > rep->so_max_iterations) rep->so_max_iterations = info.iterations;
      if (info.residual > rep->so_max_residual) rep->so_max_residual = info.residual;
      if (info.reserve_max > rep->so_max_reserve && info.reserve_max_index >= 0) {
        rep->so_max_reserve = info.reserve_max;
        snprintf(rep->so_max_reserve_name, sizeof rep->so_max_reserve_name, "%s", m->act_name[info.reserve_max_index]);
      }
      double *ra = t_act->data + (size_t)f * t_act->ncol, *rf = t_frc->data + (size_t)f * t_frc->ncol;
      ra[0] = rf[0] = tm;
      for (int k = 0; k < nm + na; k++) {
        ra[k + 1] = ctrl[k];
        rf[k + 1] = frc[k];
      }
      int col = 1 + nm + na;
      for (int i = 0; i < m->nlimit; i++) {
        double pe;
        rf[col++] = hl_limit_force(m, i, q, qd, &pe);
        rf[col++] = pe;
      }
      for (int i = 0; xl && i < xl->nforce; i++, col += 9) external_record(d, xl, xmap, i, tm, rf + col);
    }
    if (t_len) {
      double *rl = t_len->data + (size_t)f * t_len->ncol;
      rl[0] = tm;
      for (int k = 0; k < n_mamus; k++) rl[k + 1] = d->mus_len[ma_mus[k]];
      for (int c2 = 0; c2 < n_macoord; c2++) {
        double *r = t_ma[c2]->data + (size_t)f * t_ma[c2]->ncol;
        r[0] = tm;
        for (int k = 0; k < n_mamus; k++) r[k + 1] = d->mus_ma[(size_t)ma_mus[k] * nq + ma_coord[c2]];
      }
    }
    if (jr) {
      for (int k = 0; k < nm; k++) mus_f[k] = forces_in ? hl_table_interp(forces_in, fcol[k], tm) : frc[k];
      for (int a = 0; a < na; a++) act_f[a] = forces_in ? hl_table_interp(forces_in, fcol[nm + a], tm) : frc[nm + a];
      st = hl_jr_forward_accel(jr, m, d, xl ? ext : NULL, mus_f, act_f, qdd, err);
      if (st) goto done;
      st = hl_kin_update(m, d, q, qd, qdd);
      if (st) goto done;
      double *rj = t_jr->data + (size_t)f * t_jr->ncol;
      rj[0] = tm;
      for (int j = 0; j < njr; j++) {
        hl_jr_result r;
        const char *on = (njr == s->jr_njoint) ? s->jr_on[j] : s->jr_on[0];
        int onp = !strcmp(on, "parent");
        st = hl_jr_compute(jr, m, d, xl ? ext : NULL, mus_f, act_f, jr_joint[j], onp, jr_frame[j], &r,
                           t_con[j] ? contrib : NULL);
        if (st) {
          hl_error_set(err, st, NULL, 0, "joint reaction failed at t = %.6g s", tm);
          goto done;
        }
        for (int k = 0; k < 3; k++) {
          rj[1 + 9 * j + k] = r.f[k];
          rj[1 + 9 * j + 3 + k] = r.m[k];
          rj[1 + 9 * j + 6 + k] = r.p[k];
        }
        if (t_con[j]) {
          double *rc = t_con[j]->data + (size_t)f * t_con[j]->ncol;
          int col = 1;
          rc[0] = tm;
          for (int k = 0; k < ncross[j]; k++, col += 3)
            for (int i = 0; i < 3; i++) rc[col + i] = contrib[6 * cross_list[j][k] + i];
          for (int g = 0; g < groups->ngroup; g++) {
            int used = 0;
            double sum[3] = {0, 0, 0};
            for (int k = 0; k < ncross[j]; k++)
              if (groups->mus_group[cross_list[j][k]] == g) {
                used = 1;
                for (int i = 0; i < 3; i++) sum[i] += contrib[6 * cross_list[j][k] + i];
              }
            if (!used) continue;
            for (int i = 0; i < 3; i++) rc[col + i] = sum[i];
            col += 3;
          }
          for (int i = 0; i < 3; i++) {
            rc[col + i] = r.inter_f[i];
            rc[col + 3 + i] = r.act_f[i];
            rc[col + 6 + i] = r.f[i];
          }
        }
      }
    }
  }

  /* ---- outputs */
  if (opt->keep_tables) {
    rep->so_force = t_frc;
    rep->so_activation = t_act;
    rep->jr = t_jr;
    rep->ma_length = t_len;
    rep->so_solver = t_info;
    t_frc = t_act = t_jr = t_len = t_info = NULL;
    rep->ncontrib = njr < HL_SETUP_MAX_JOINTS ? njr : HL_SETUP_MAX_JOINTS;
    for (int j = 0; j < rep->ncontrib; j++) {
      rep->contrib[j] = t_con[j];
      t_con[j] = NULL;
    }
  }
  if (!opt->write_files) goto done;
  /* write into a staging folder; files move into the output folder only when all were written */
  hl__stage stage;
  st = hl__stage_begin(&stage, c.outdir, err);
  if (st) goto done;
  snprintf(c.outdir, sizeof c.outdir, "%s", stage.path);
  {
  hl_table *w_frc = opt->keep_tables ? rep->so_force : t_frc;
  hl_table *w_act = opt->keep_tables ? rep->so_activation : t_act;
  hl_table *w_len = opt->keep_tables ? rep->ma_length : t_len;
  hl_table *w_jr = opt->keep_tables ? rep->jr : t_jr;
  if (w_frc) {
    char comments[1024], answer[256];
    if (so_mu > 0)
      hl__snprintf_c(answer, sizeof answer,
               "Answer: where OpenSim's interior-point optimizer stops, the log-barrier point at mu=%.3g\n"
               "(%s); the exact optimum: hipload setup --exact.", so_mu,
               opt->so_mu > 0 ? "given with --so-mu" : "0.3 x optimizer_convergence_criterion");
    else
      snprintf(answer, sizeof answer, "Answer: the exact optimum.");
    hl__snprintf_c(comments, sizeof comments,
             "hipload %s static optimization: minimize sum |control|^%g, use_muscle_physiology=%s.\n"
             "%s\n"
             "Forces are generalized: N for muscles and point actuators, N*m for torques.\n"
             "Units are S.I. units (second, meters, Newtons, ...)",
             hl_version(), s->so_activation_exponent, s->so_use_muscle_physiology ? "true" : "false", answer);
    st = write_table(&c, w_frc, "StaticOptimization_force", comments);
    hl_table *w_info = opt->keep_tables ? rep->so_solver : t_info;
    if (!st && w_info)
      st = write_table(&c, w_info, "StaticOptimization_solver",
                       "Per frame: least_squares = 1 when the actuators could not meet the inverse-dynamics forces\n"
                       "(solved in least squares); iterations of the active-set solver; residual = max |A x - tau|\n"
                       "(N*m or N); active_bounds = controls at a bound; max_reserve_abs = largest |force| of a\n"
                       "non-muscle actuator, max_reserve_index = its column in _StaticOptimization_force.sto.");
    if (!st) st = write_table(&c, w_act, "StaticOptimization_activation",
                              "Controls: muscle activations (0..1) and actuator controls (force / optimal_force).");
    if (st) goto write_failed;
  }
  if (w_len) {
    st = write_table(&c, w_len, "MuscleAnalysis_Length", "Musculotendon path lengths, m.\nUnits are S.I. units (second, meters, Newtons, ...)");
    for (int c2 = 0; c2 < n_macoord && !st; c2++) {
      char sfx[128];
      snprintf(sfx, sizeof sfx, "MuscleAnalysis_MomentArm_%s", m->coord_name[ma_coord[c2]]);
      st = write_table(&c, t_ma[c2], sfx, "Moment arms r = -dl/dq (m for rotational coordinates).\nUnits are S.I. units (second, meters, Newtons, ...)");
    }
    if (st) goto write_failed;
  }
  if (w_jr) {
    st = write_table(&c, w_jr, "JointReaction_ReactionLoads",
                     "Reaction forces and moments applied by each joint ON the named body, EXPRESSED IN the named frame,\n"
                     "acting at the joint centre on that body (p = that point in the frame). Columns:\n"
                     "<joint>_on_<body>_in_<frame>_{fx,fy,fz (N), mx,my,mz (N*m), px,py,pz (m)}.\n"
                     "Units are S.I. units (second, meters, Newtons, ...)");
    if (st) goto write_failed;
    for (int j = 0; j < njr; j++) {
      hl_table *w_con = opt->keep_tables && j < HL_SETUP_MAX_JOINTS ? rep->contrib[j] : t_con[j];
      if (!w_con) continue;
      char sfx[128], cm[1024];
      int jj = jr_joint[j];
      const char *on = (njr == s->jr_njoint) ? s->jr_on[j] : s->jr_on[0];
      int onb = !strcmp(on, "parent") ? m->jnt_parent[jj] : m->jnt_child[jj];
      /* <joint> for the child (the usual request); <joint>_on_<parent> when asked on the parent,
       * so that both can be written in one run (walk-jr asks for hip_r on femur_r and on pelvis) */
      if (onb == m->jnt_child[jj]) snprintf(sfx, sizeof sfx, "ContactContributions_%s", m->jnt_name[jj]);
      else snprintf(sfx, sizeof sfx, "ContactContributions_%s_on_%s", m->jnt_name[jj], m->body_name[onb]);
      snprintf(cm, sizeof cm,
               "Contributions to the %s reaction force on %s, expressed in %s, N.\n"
               "<muscle>_f*: minus the muscle's pull on the %s side (its share of the contact force);\n"
               "group_<g>_f*: sums over the group's muscles; intersegmental_f*: inertia - gravity - external loads\n"
               "of the subtree; actuators_f*: point/torque actuators on the subtree;\n"
               "total = intersegmental + all muscles + actuators = the reaction force.",
               m->jnt_name[jj], m->body_name[onb], m->body_name[jr_frame[j]], m->body_name[m->jnt_child[jj]]);
      st = write_table(&c, w_con, sfx, cm);
      if (st) break;
    }
  }
  }
write_failed:
  if (st) {
    hl__stage_fix_error(&stage, err);
    hl__stage_abort(&stage);
    rep->nfiles = 0;
    goto done;
  }
  st = hl__stage_commit(&stage, err);
  /* the report names the files where they ended up */
  for (int i = 0; i < rep->nfiles; i++) {
    const char *base = strrchr(rep->files[i], '/');
    char final[sizeof rep->files[0] + sizeof stage.dir];
    snprintf(final, sizeof final, "%s/%s", stage.dir, base ? base + 1 : rep->files[i]);
    snprintf(rep->files[i], sizeof rep->files[i], "%.2599s", final);
  }

done:
  if (st && opt->keep_tables) hl_analyze_report_clear(rep);
  rep->seconds = now_seconds() - tstart;
  nl_free(&cols);
  if (t_ma)
    for (int c2 = 0; c2 < n_macoord; c2++) hl_table_free(t_ma[c2]);
  free(t_ma);
  if (t_con)
    for (int j = 0; j < njr; j++) hl_table_free(t_con[j]);
  free(t_con);
  if (cross_list)
    for (int j = 0; j < njr; j++) free(cross_list[j]);
  free(cross_list);
  free(ncross);
  hl_table_free(t_act);
  hl_table_free(t_info);
  hl_table_free(t_frc);
  hl_table_free(t_len);
  hl_table_free(t_jr);
  free(ma_mus);
  free(ma_coord);
  free(jr_joint);
  free(jr_frame);
  free(fcol);
  free(mus_f);
  free(act_f);
  free(ext);
  free(tau);
  free(qdd);
  free(ctrl);
  free(frc);
  free(contrib);
  hl_groups_free(groups);
  hl_jr_free(jr);
  hl_so_free(so);
  hl_invdyn_free(idw);
  hl_data_free(d);
  hl_invdyn_extmap_free(xmap);
  hl_extloads_free(owned_loads);
  hl_motion_free(mo);
  hl_table_free(forces_in);
  hl_table_free(owned_coords);
  hl_model_free(owned_model);
  return st;
}
