/* SPDX-License-Identifier: Apache-2.0 */
/* AnalyzeTool adapter: see include/hipload/analyze.h. It turns a setup into frame settings,
 * steps the frames with hl_frame_step (frame.h), and records OpenSim's tables (record.c; the
 * MuscleAnalysis tables here). */
#include "hipload/analyze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hipload/extloads.h"
#include "hipload/frame.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/table.h"
#include "extloads_internal.h"
#include "fsutil.h"
#include "number.h"
#include "record_internal.h"
#include "iaa_internal.h"

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
  hl_table_free(rep->so_solver);
  hl_table_free(rep->jr);
  hl_table_free(rep->ma_length);
  for (int j = 0; j < rep->ncontrib; j++) hl_table_free(rep->contrib[j]);
  free(rep->contrib);
  for (int c = 0; c < rep->nma_moment_arm; c++) hl_table_free(rep->ma_moment_arm[c]);
  free(rep->ma_moment_arm);
  for (int i = 0; i < rep->nfiles; i++) free(rep->files[i]);
  free(rep->files);
  rep->so_force = rep->so_activation = rep->so_solver = rep->jr = rep->ma_length = NULL;
  rep->contrib = rep->ma_moment_arm = NULL;
  rep->files = NULL;
  rep->ncontrib = rep->nma_moment_arm = rep->nfiles = 0;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Everything one run holds. */
typedef struct {
  const hl_analyze_setup *s;
  const hl_analyze_options *o;
  hl_analyze_report *rep;
  hl_error *err;
  int so_on, jr_on, ma_on;
  /* inputs */
  hl_model *own_model;
  const hl_model *m;
  hl_table *own_coords, *forces;
  const hl_table *coords;
  hl_extloads *own_loads;
  const hl_extloads *loads;
  hl_motion *mo;
  /* frames: w_so gives the static optimization (and the reactions when they use its forces),
   * w_jr the reactions from a forces file; w_ma the kinematics when neither runs */
  hl_frame *w_so, *w_jr, *w_ma;
  int njoint;
  hl_frame_joint *joint;
  double so_mu;
  hl__rec rec;
  /* MuscleAnalysis */
  int n_mamus, n_macoord, *ma_mus, *ma_coord;
  hl_table *t_len, **t_ma;
} run;

static void run_free(run *r) {
  hl_frame_free(r->w_so);
  hl_frame_free(r->w_jr);
  hl_frame_free(r->w_ma);
  free(r->joint);
  hl__rec_free(&r->rec);
  free(r->ma_mus);
  free(r->ma_coord);
  hl_table_free(r->t_len);
  for (int c = 0; r->t_ma && c < r->n_macoord; c++) hl_table_free(r->t_ma[c]);
  free(r->t_ma);
  hl_motion_free(r->mo);
  hl_extloads_free(r->own_loads);
  hl_table_free(r->forces);
  hl_table_free(r->own_coords);
  hl_model_free(r->own_model);
}

static hl_status nomem(run *r) { return hl_error_set(r->err, HL_ERR_NOMEM, NULL, 0, "out of memory"); }

/* ------------------------------------------------------------------------------ inputs */

static hl_status load_inputs(run *r) {
  const hl_analyze_setup *s = r->s;
  const hl_analyze_options *o = r->o;
  hl_status st = HL_OK;
  r->m = o->model;
  if (!r->m) {
    const char *path = o->model_file && o->model_file[0] ? o->model_file : s->model_file;
    st = hl_model_load(path, &r->own_model, r->err);
    for (int i = 0; i < s->nforce_set_files && !st; i++)
      st = hl_model_add_force_set(r->own_model, s->force_set_files[i], s->replace_force_set && i == 0, r->err);
    if (st) return st;
    if (o->wrap_exact) r->own_model->wrap_mode = HL_WRAP_EXACT;
    r->m = r->own_model;
  }
  /* elements hipload cannot compute as OpenSim does (model notes): static optimization refuses
   * them unless the caller accepts the difference */
  if (r->so_on && !o->allow_unsupported && (st = hl_model_check_supported(r->m, r->err)) != HL_OK) return st;
  r->coords = o->coordinates;
  if (!r->coords) {
    st = hl_table_read(s->coordinates_file, &r->own_coords, r->err);
    if (st) return st;
    r->coords = r->own_coords;
  }
  if (r->jr_on) {
    const char *ff = o->forces_file && o->forces_file[0] ? o->forces_file : s->jr_forces_file;
    if (ff[0]) st = hl_table_read(ff, &r->forces, r->err);
    else if (!r->so_on)
      st = hl_error_set(r->err, HL_ERR_NOT_FOUND, s->path, 0,
                        "JointReaction needs muscle forces: give <forces_file> or add a StaticOptimization analysis");
  }
  return st;
}

/* The frames: the coordinates file's rows inside the first running analysis' window. */
static hl_status make_motion(run *r) {
  const hl_analyze_setup *s = r->s;
  const hl_analysis_times *at = r->so_on ? &s->so : r->jr_on ? &s->jr : &s->ma;
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = fmax(s->initial_time, at->start_time);
  ms.t1 = fmin(s->final_time, at->end_time);
  ms.lowpass_hz = s->lowpass_cutoff;
  ms.step_interval = at->step_interval;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  return hl_motion_create(r->m, r->coords, &ms, &r->mo, r->err);
}

/* The external loads, after the motion: only the GRF rows around its frames are kept (every row of
 * the file is still checked). */
static hl_status load_extloads(run *r) {
  const hl_analyze_setup *s = r->s;
  const hl_motion *mo = r->mo;
  int nf = mo->nframe;
  r->loads = r->o->loads;
  if (r->loads || !s->external_loads_file[0]) return HL_OK;
  hl_status st = hl__extloads_load_window(s->external_loads_file, NULL, nf ? mo->t[0] : 0, nf ? mo->t[nf - 1] : -1,
                                          HL_EXTLOADS_PAD, &r->own_loads, r->err);
  if (!st) r->loads = r->own_loads;
  return st;
}

/* Body index for a JointReaction frame word ("ground", "child", "parent" or a body name). */
static int frame_body(const hl_model *m, int joint, const char *word) {
  if (!strcmp(word, "ground")) return 0;
  if (!strcmp(word, "child")) return m->jnt_child[joint];
  if (!strcmp(word, "parent")) return m->jnt_parent[joint];
  return hl_model_body(m, word);
}

/* JointReaction's joints ("all": every joint, with the first on/frame entry). */
static hl_status resolve_joints(run *r) {
  const hl_analyze_setup *s = r->s;
  const hl_model *m = r->m;
  int all = s->jr_njoint == 1 && !strcmp(s->jr_joint[0], "all");
  r->njoint = all ? m->njoint : s->jr_njoint;
  r->joint = calloc((size_t)r->njoint + 1, sizeof *r->joint);
  if (!r->joint) return nomem(r);
  for (int j = 0; j < r->njoint; j++) {
    int jj = all ? j : hl_model_joint(m, s->jr_joint[j]);
    if (jj < 0)
      return hl_error_set(r->err, HL_ERR_NOT_FOUND, s->path, 0, "JointReaction: joint '%s' is not in the model",
                          s->jr_joint[j]);
    const char *fw = all ? s->jr_frame[0] : s->jr_frame[j], *on = all ? s->jr_on[0] : s->jr_on[j];
    int fb = frame_body(m, jj, fw);
    if (fb < 0)
      return hl_error_set(r->err, HL_ERR_NOT_FOUND, s->path, 0, "JointReaction: frame '%s' is not a body of the model", fw);
    r->joint[j] = (hl_frame_joint){jj, !strcmp(on, "parent"), fb};
  }
  return HL_OK;
}

/* The frame workspaces. */
static hl_status make_frames(run *r) {
  const hl_analyze_setup *s = r->s;
  const hl_analyze_options *o = r->o;
  hl_frame_settings fs;
  hl_frame_settings_defaults(&fs);
  fs.loads = r->loads;
  fs.contributions = o->contributions;
  fs.groups = o->groups;
  fs.induced = 0; /* OpenSim's analyses have none (InducedAccelerations runs on its own: iaa.c) */
  hl_status st = HL_OK;
  if (r->so_on) {
    fs.so.exponent = s->so_activation_exponent;
    fs.so.use_muscle_physiology = s->so_use_muscle_physiology;
    fs.so.barrier_mu = o->so_exact ? 0 : o->so_mu > 0 ? o->so_mu : hl_so_opensim_mu(s->so_convergence);
    fs.so.barrier_max_iter = s->so_max_iterations;
    r->so_mu = fs.so.barrier_mu;
    fs.record_loads = 1;
    if (r->jr_on && !r->forces) fs.njoint = r->njoint, fs.joint = r->joint;
    st = hl_frame_create(r->m, &fs, &r->w_so, r->err);
    fs.record_loads = 0;
  }
  if (!st && r->jr_on && r->forces) {
    fs.forces = HL_FRAME_FORCES_TABLE;
    fs.forces_table = r->forces;
    fs.forces_table_name = o->forces_file && o->forces_file[0] ? o->forces_file : s->jr_forces_file;
    fs.njoint = r->njoint, fs.joint = r->joint;
    st = hl_frame_create(r->m, &fs, &r->w_jr, r->err);
  }
  if (!st && !r->w_so && !r->w_jr) {
    fs.forces = HL_FRAME_FORCES_NONE;
    st = hl_frame_create(r->m, &fs, &r->w_ma, r->err);
  }
  return st;
}

/* ------------------------------------------------------------------ MuscleAnalysis tables */

static hl_status ma_tables(run *r, int nf) {
  const hl_analyze_setup *s = r->s;
  const hl_model *m = r->m;
  int nm = m->nmuscle, nq = m->ncoord;
  r->ma_mus = calloc((size_t)nm + 1, sizeof(int));
  r->ma_coord = calloc((size_t)nq + 1, sizeof(int));
  if (!r->ma_mus || !r->ma_coord) return nomem(r);
  for (int k = 0; k < (s->ma_nmuscle ? s->ma_nmuscle : nm); k++) {
    int i = s->ma_nmuscle ? hl_model_muscle(m, s->ma_muscles[k]) : k;
    if (i < 0)
      return hl_error_set(r->err, HL_ERR_NOT_FOUND, s->path, 0, "MuscleAnalysis: muscle '%s' is not in the model",
                          s->ma_muscles[k]);
    r->ma_mus[r->n_mamus++] = i;
  }
  for (int k = 0; k < (s->ma_ncoord ? s->ma_ncoord : nq); k++) {
    int i = s->ma_ncoord ? hl_model_coord(m, s->ma_coords[k]) : k;
    if (i < 0)
      return hl_error_set(r->err, HL_ERR_NOT_FOUND, s->path, 0, "MuscleAnalysis: coordinate '%s' is not in the model",
                          s->ma_coords[k]);
    r->ma_coord[r->n_macoord++] = i;
  }
  const char **names = malloc(sizeof(char *) * ((size_t)r->n_mamus + 1));
  r->t_ma = calloc((size_t)r->n_macoord + 1, sizeof *r->t_ma);
  if (!names || !r->t_ma) {
    free(names);
    return nomem(r);
  }
  names[0] = "time";
  for (int k = 0; k < r->n_mamus; k++) names[k + 1] = m->mus_name[r->ma_mus[k]];
  int ok = !hl_table_create(nf, r->n_mamus + 1, names, &r->t_len, NULL);
  for (int c = 0; c < r->n_macoord && ok; c++) ok = !hl_table_create(nf, r->n_mamus + 1, names, &r->t_ma[c], NULL);
  free(names);
  if (!ok) return nomem(r);
  free(r->t_len->name);
  r->t_len->name = strdup("Length");
  for (int c = 0; c < r->n_macoord; c++) {
    char title[HL_NAME_MAX + 16];
    snprintf(title, sizeof title, "MomentArm_%s", m->coord_name[r->ma_coord[c]]);
    free(r->t_ma[c]->name);
    r->t_ma[c]->name = strdup(title);
    ok &= r->t_ma[c]->name != NULL;
  }
  return ok && r->t_len->name ? HL_OK : nomem(r);
}

static void ma_row(run *r, int f, const hl_frame_result *x) {
  const hl_data *d = x->data;
  int nq = r->m->ncoord;
  double *rl = r->t_len->data + (size_t)f * r->t_len->ncol;
  rl[0] = x->time;
  for (int k = 0; k < r->n_mamus; k++) rl[k + 1] = d->mus_len[r->ma_mus[k]];
  for (int c = 0; c < r->n_macoord; c++) {
    double *row = r->t_ma[c]->data + (size_t)f * r->t_ma[c]->ncol;
    row[0] = x->time;
    for (int k = 0; k < r->n_mamus; k++) row[k + 1] = d->mus_ma[(size_t)r->ma_mus[k] * nq + r->ma_coord[c]];
  }
}

/* ----------------------------------------------------------------------------- the frames */

/* The report's static-optimization figures from one frame. */
static void so_stats(hl_analyze_report *rep, const hl_model *m, const hl_so_info *in) {
  if (in->outcome == HL_QP_LEAST_SQUARES) rep->so_least_squares++;
  if (in->iterations > rep->so_max_iterations) rep->so_max_iterations = in->iterations;
  if (in->residual > rep->so_max_residual) rep->so_max_residual = in->residual;
  if (in->reserve_max > rep->so_max_reserve && in->reserve_max_index >= 0) {
    rep->so_max_reserve = in->reserve_max;
    snprintf(rep->so_max_reserve_name, sizeof rep->so_max_reserve_name, "%s", m->act_name[in->reserve_max_index]);
  }
}

/* An error of a frame, in the coordinates file's name. */
static hl_status frame_error(run *r, hl_status st) {
  if (!r->err || r->err->file[0]) return st;
  char msg[sizeof r->err->message];
  snprintf(msg, sizeof msg, "%s", r->err->message);
  return hl_error_set(r->err, st, r->s->coordinates_file, 0, "%s", msg);
}

static hl_status run_frames(run *r) {
  const hl_motion *mo = r->mo;
  int nq = r->m->ncoord;
  for (int f = 0; f < mo->nframe; f++) {
    size_t o = (size_t)f * nq;
    hl_frame_input in = {mo->t[f], mo->q + o, mo->qd + o, mo->qdd + o, NULL, NULL};
    hl_frame_result a, b;
    const hl_frame_result *so = NULL, *jr = NULL;
    hl_status st = HL_OK;
    if (r->w_so) {
      st = hl_frame_step(r->m, r->w_so, &in, &a, r->err);
      if (!st && a.so.outcome == HL_QP_ITERATION_LIMIT) {
        st = hl_error_set(r->err, HL_ERR_NO_CONVERGENCE, NULL, 0, "static optimization failed at t = %.6g s: %s%s",
                          in.time, hl_strerror(HL_ERR_NO_CONVERGENCE),
                          r->s->so_activation_exponent == 2
                              ? (r->so_mu > 0 ? " (the interior point that stands for OpenSim's answer did not converge; "
                                                "the exact optimum: --exact)"
                                              : "")
                              : r->so_mu > 0 ? " (the Newton iteration for a cost exponent other than 2, or the interior "
                                               "point after it, did not converge; docs/solver.md)"
                                             : " (the Newton iteration for a cost exponent other than 2 did not converge; "
                                               "docs/solver.md)");
      }
      so = &a;
      if (!r->w_jr) jr = &a;
      if (!st) so_stats(r->rep, r->m, &a.so);
    }
    if (!st && r->w_jr) {
      st = hl_frame_step(r->m, r->w_jr, &in, &b, r->err);
      jr = &b;
    }
    if (!st && r->w_ma) st = hl_frame_step(r->m, r->w_ma, &in, &a, r->err);
    if (st) return frame_error(r, st);
    hl__rec_row(&r->rec, r->m, f, so, r->jr_on ? jr : NULL);
    if (r->t_len) ma_row(r, f, so ? so : jr ? jr : &a);
  }
  return HL_OK;
}

/* ----------------------------------------------------------------------------- the files */

typedef struct {
  run *r;
  char dir[2200];
} writer;

hl_status hl__analyze_add_file(hl_analyze_report *rep, const char *path, hl_error *err) {
  char **nf = realloc(rep->files, sizeof(char *) * (size_t)(rep->nfiles + 1));
  if (!nf) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  rep->files = nf;
  rep->files[rep->nfiles] = strdup(path);
  if (!rep->files[rep->nfiles]) return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  rep->nfiles++;
  return HL_OK;
}

static hl_status write_table(writer *w, const hl_table *t, const char *suffix, const char *comments) {
  run *r = w->r;
  size_t L = strlen(w->dir) + strlen(r->s->name) + strlen(suffix) + 8;
  char *path = malloc(L);
  if (!path) return nomem(r);
  snprintf(path, L, "%s/%s_%s.sto", w->dir, r->s->name, suffix);
  hl_status st = hl_table_write_sto(t, path, comments, r->err);
  if (!st) st = hl__analyze_add_file(r->rep, path, r->err);
  free(path);
  return st;
}

static hl_status write_so(writer *w, const hl__rec *rec) {
  run *r = w->r;
  const hl_analyze_setup *s = r->s;
  char comments[1024], answer[256];
  if (r->so_mu > 0)
    hl__snprintf_c(answer, sizeof answer,
             "Answer: where OpenSim's interior-point optimizer stops, the log-barrier point at mu=%.3g\n"
             "(%s); the exact optimum: hipload setup --exact.", r->so_mu,
             r->o->so_mu > 0 ? "given with --so-mu" : "0.3 x optimizer_convergence_criterion");
  else
    snprintf(answer, sizeof answer, "Answer: the exact optimum.");
  hl__snprintf_c(comments, sizeof comments,
           "hipload %s static optimization: minimize sum |control|^%g, use_muscle_physiology=%s.\n"
           "%s\n"
           "Forces are generalized: N for muscles and point actuators, N*m for torques.\n"
           "Units are S.I. units (second, meters, Newtons, ...)",
           hl_version(), s->so_activation_exponent, s->so_use_muscle_physiology ? "true" : "false", answer);
  hl_status st = write_table(w, rec->so_force, "StaticOptimization_force", comments);
  if (!st)
    st = write_table(w, rec->so_solver, "StaticOptimization_solver",
                     "Per frame: least_squares = 1 when the actuators could not meet the inverse-dynamics forces\n"
                     "(solved in least squares); iterations of the active-set solver; residual = max |A x - tau|\n"
                     "(N*m or N); active_bounds = controls at a bound; max_reserve_abs = largest |force| of a\n"
                     "non-muscle actuator, max_reserve_index = its column in _StaticOptimization_force.sto.");
  if (!st)
    st = write_table(w, rec->so_activation, "StaticOptimization_activation",
                     "Controls: muscle activations (0..1) and actuator controls (force / optimal_force).");
  return st;
}

static hl_status write_ma(writer *w, hl_table *len, hl_table *const *arm) {
  run *r = w->r;
  hl_status st = write_table(w, len, "MuscleAnalysis_Length",
                             "Musculotendon path lengths, m.\nUnits are S.I. units (second, meters, Newtons, ...)");
  for (int c = 0; c < r->n_macoord && !st; c++) {
    char sfx[HL_NAME_MAX + 32];
    snprintf(sfx, sizeof sfx, "MuscleAnalysis_MomentArm_%s", r->m->coord_name[r->ma_coord[c]]);
    st = write_table(w, arm[c], sfx, r->m->wrap_mode == HL_WRAP_EXACT
                     ? "Moment arms r = -dl/dq (m for rotational coordinates); wrapped paths: exact shortest paths (--wrap-exact).\nUnits are S.I. units (second, meters, Newtons, ...)"
                     : "Moment arms (m for rotational coordinates): OpenSim's, the unit tension's generalized force with wrap tangent points\nplaced as OpenSim 4.6 does and held on their bodies; couplers folded in.\nUnits are S.I. units (second, meters, Newtons, ...)");
  }
  return st;
}

static hl_status write_jr(writer *w, const hl__rec *rec) {
  run *r = w->r;
  const hl_model *m = r->m;
  hl_status st = write_table(w, rec->jr, "JointReaction_ReactionLoads",
                             "Reaction forces and moments applied by each joint ON the named body, EXPRESSED IN the named frame,\n"
                             "acting at the joint centre on that body (p = that point in the frame). Columns:\n"
                             "<joint>_on_<body>_in_<frame>_{fx,fy,fz (N), mx,my,mz (N*m), px,py,pz (m)}.\n"
                             "Units are S.I. units (second, meters, Newtons, ...)");
  for (int j = 0; j < r->njoint && !st && rec->contrib; j++) {
    const hl_frame_joint *J = &r->joint[j];
    int onb = J->on_parent ? m->jnt_parent[J->joint] : m->jnt_child[J->joint];
    char sfx[4 * HL_NAME_MAX], cm[1024];
    hl__rec_contrib_suffix(m, J, sfx, sizeof sfx);
    snprintf(cm, sizeof cm,
             "Contributions to the %s reaction force on %s, expressed in %s, N.\n"
             "<muscle>_f*: minus the muscle's pull on the %s side (its share of the contact force);\n"
             "group_<g>_f*: sums over the group's muscles; intersegmental_f*: inertia - gravity - external loads\n"
             "of the subtree; actuators_f*: point/torque actuators on the subtree;\n"
             "total = intersegmental + all muscles + actuators = the reaction force.",
             m->jnt_name[J->joint], m->body_name[onb], m->body_name[J->frame], m->body_name[m->jnt_child[J->joint]]);
    st = write_table(w, rec->contrib[j], sfx, cm);
  }
  return st;
}

/* Write into a staging folder; the files move into the output folder only when all were
 * written. The tables are the report's (keep_tables) or the run's. */
static hl_status write_outputs(run *r) {
  hl_analyze_report *rep = r->rep;
  const char *out = r->o->out_dir && r->o->out_dir[0] ? r->o->out_dir : r->s->results_directory;
  hl__stage stage;
  hl_status st = hl__stage_begin(&stage, out, r->err);
  if (st) return st;
  writer w = {r, ""};
  snprintf(w.dir, sizeof w.dir, "%s", stage.path);
  hl__rec tabs = r->rec;
  if (r->o->keep_tables) {
    tabs.so_force = rep->so_force, tabs.so_activation = rep->so_activation, tabs.so_solver = rep->so_solver;
    tabs.jr = rep->jr, tabs.contrib = rep->contrib;
  }
  hl_table *len = r->o->keep_tables ? rep->ma_length : r->t_len;
  hl_table *const *arm = r->o->keep_tables ? rep->ma_moment_arm : r->t_ma;
  if (tabs.so_force) st = write_so(&w, &tabs);
  if (!st && len) st = write_ma(&w, len, arm);
  if (!st && tabs.jr) st = write_jr(&w, &tabs);
  if (st) {
    hl__stage_fix_error(&stage, r->err);
    hl__stage_abort(&stage);
    return st;
  }
  st = hl__stage_commit(&stage, r->err);
  /* the report names the files where they ended up */
  for (int i = 0; i < rep->nfiles && !st; i++) {
    const char *base = strrchr(rep->files[i], '/');
    size_t L = strlen(stage.dir) + strlen(base ? base : rep->files[i]) + 2;
    char *final = malloc(L);
    if (!final) return nomem(r);
    snprintf(final, L, "%s/%s", stage.dir, base ? base + 1 : rep->files[i]);
    free(rep->files[i]);
    rep->files[i] = final;
  }
  return st;
}

/* Hand the tables to the report. */
static void keep_tables(run *r) {
  hl_analyze_report *rep = r->rep;
  rep->so_force = r->rec.so_force, rep->so_activation = r->rec.so_activation;
  rep->so_solver = r->rec.so_solver, rep->jr = r->rec.jr;
  rep->contrib = r->rec.contrib;
  rep->ncontrib = r->rec.contrib ? r->rec.njoint : 0;
  r->rec.so_force = r->rec.so_activation = r->rec.so_solver = r->rec.jr = NULL;
  r->rec.contrib = NULL;
  rep->ma_length = r->t_len;
  rep->ma_moment_arm = r->t_ma;
  rep->nma_moment_arm = r->t_ma ? r->n_macoord : 0;
  r->t_len = NULL;
  r->t_ma = NULL;
}

/* ---------------------------------------------------------------------------------- run */

static hl_status analyze(run *r) {
  const hl_analyze_setup *s = r->s;
  hl_status st = load_inputs(r);
  if (!st) st = make_motion(r);
  if (!st) st = load_extloads(r);
  if (st) return st;
  r->rep->nframe = r->mo->nframe;
  r->rep->t0 = r->mo->nframe ? r->mo->t[0] : 0;
  r->rep->t1 = r->mo->nframe ? r->mo->t[r->mo->nframe - 1] : 0;
  if (r->jr_on) st = resolve_joints(r);
  if (!st) st = make_frames(r);
  if (st) return st;
  hl_frame_result layout;
  hl_frame_describe(r->w_jr ? r->w_jr : r->w_so ? r->w_so : r->w_ma, &layout);
  int nload = r->loads ? r->loads->nforce : 0;
  char **prefix = hl__rec_load_prefixes(r->loads);
  if (nload && !prefix) return nomem(r);
  hl__rec_spec spec = {r->so_on, nload, (const char *const *)prefix, r->jr_on ? r->njoint : 0, r->joint,
                       r->o->contributions, &layout};
  st = hl__rec_create(r->m, &spec, r->mo->nframe, &r->rec, r->err);
  hl__rec_free_prefixes(prefix, nload);
  if (!st && r->ma_on) st = ma_tables(r, r->mo->nframe);
  if (!st) st = run_frames(r);
  if (st) return st;
  if (r->o->keep_tables) keep_tables(r);
  (void)s;
  return r->o->write_files ? write_outputs(r) : HL_OK;
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
  if (s->has_ia) { /* InducedAccelerations runs alone (the setup reader makes sure) */
    hl_status ist = s->ia.on ? hl__iaa_run(s, opt, rep, err)
                             : hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0, "no analysis of the AnalyzeTool is <on>");
    if (ist) hl_analyze_report_clear(rep);
    rep->seconds = now_seconds() - tstart;
    if (rep == &myrep) hl_analyze_report_clear(rep);
    return ist;
  }
  run r;
  memset(&r, 0, sizeof r);
  r.s = s, r.o = opt, r.rep = rep, r.err = err;
  r.so_on = s->has_so && s->so.on;
  r.jr_on = s->has_jr && s->jr.on;
  r.ma_on = s->has_ma && s->ma.on;
  if (r.ma_on && s->ma_compute_moments && !opt->allow_unsupported)
    return hl_error_set(err, HL_ERR_UNSUPPORTED, s->path, s->ma_compute_moments_line,
                        "<compute_moments>true</compute_moments>: hipload's MuscleAnalysis writes lengths and moment "
                        "arms, not the moments; allow unsupported features (hipload setup --allow-unsupported) to "
                        "write those without the moment files");
  hl_status st = r.so_on || r.jr_on || r.ma_on
                     ? analyze(&r)
                     : hl_error_set(err, HL_ERR_NOT_FOUND, s->path, 0, "no analysis of the AnalyzeTool is <on>");
  run_free(&r);
  if (st) hl_analyze_report_clear(rep);
  rep->seconds = now_seconds() - tstart;
  if (rep == &myrep) hl_analyze_report_clear(rep);
  return st;
}
