/* SPDX-License-Identifier: Apache-2.0 */
/* One frame of the pipeline: see include/hipload/frame.h.
 *
 * hl_frame_create lays out every array a frame writes in one arena (sized in a first pass over
 * the same layout, filled in a second) and makes the stage workspaces it owns: kinematics,
 * inverse dynamics, static optimization, joint reaction, the external loads' body map. The
 * crossing tables and the group map are formed once there; hl_frame_step only runs the stages. */
#include "hipload/frame.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/force.h"
#include "hipload/invdyn.h"
#include "hipload/muscle.h"
#include "frame_induced.h"
#include "frame_internal.h"

struct hl_frame {
  const hl_model *m;
  hl_frame_settings set;   /* the caller's, with joint pointing into the arena, groups NULL */
  int nq, nb, nm, na, nact, nlim, nload, njoint, ngroup;
  hl_data *d;
  hl_invdyn *id;           /* SO only */
  hl_so *so;               /* SO only */
  hl_jr *jr;               /* joints only */
  hl_invdyn_extmap *map;   /* loads only */
  hl__frame_induced *ind;  /* induced contributions (frame_induced.c), NULL when off */
  double (*clock)(void);   /* the benchmark's stage clock (frame_internal.h), NULL */
  double *clock_acc;
  void *arena;
  /* in the arena */
  hl_frame_joint *joint;   /* njoint */
  int *fcol;               /* nact: forces-table column of each actuator (TABLE) */
  double *ext;             /* 6·nbody */
  double *loads_record;    /* 9·nload */
  double *limit_force, *limit_energy; /* nlim each */
  double *tau, *control, *force, *qdd; /* nq, nact, nact, nq */
  hl_jr_result *reaction;  /* njoint */
  double *mus_contrib;     /* njoint·nm·6 */
  double *grp_contrib;     /* njoint·ngroup·6 */
  int *mus_cross;          /* njoint·nm */
  int *grp_cross;          /* njoint·ngroup */
  int *cross_list;         /* njoint·nm: the crossing muscles of joint j at j·nm, in model order */
  int *cross_num;          /* njoint */
  int *mus_group;          /* nm */
  char **group_name;       /* ngroup, pointing into group_text */
  char *group_text;
};

void hl_frame_settings_defaults(hl_frame_settings *s) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  s->forces = HL_FRAME_FORCES_SO;
  hl_so_settings_defaults(&s->so);
  s->contributions = 1;
  s->induced = 1;
  hl_induced_settings_defaults(&s->induced_settings);
}

void hl_frame_free(hl_frame *w) {
  if (!w) return;
  hl_kin_free(w->d);
  hl_invdyn_free(w->id);
  hl_so_free(w->so);
  hl_jr_free(w->jr);
  hl_invdyn_extmap_free(w->map);
  hl__frame_induced_free(w->ind);
  free(w->arena);
  free(w);
}

/* ------------------------------------------------------------------------------ the arena */

typedef struct {
  char *base; /* NULL in the sizing pass */
  size_t off;
} arena;

static void *take(arena *a, size_t count, size_t size) {
  size_t o = (a->off + 15) & ~(size_t)15; /* 16-byte aligned blocks */
  a->off = o + count * size + 1;          /* never a zero-size block at the end */
  return a->base ? a->base + o : NULL;
}

/* Lay out every array; group_bytes: the group names' text. */
static void layout(hl_frame *w, arena *a, size_t group_bytes) {
  size_t J = (size_t)w->njoint, M = (size_t)w->nm, G = (size_t)w->ngroup, A = (size_t)w->nact;
  w->joint = take(a, J, sizeof *w->joint);
  w->fcol = take(a, A, sizeof(int));
  w->ext = take(a, 6 * (size_t)w->nb, sizeof(double));
  w->loads_record = take(a, 9 * (size_t)w->nload, sizeof(double));
  w->limit_force = take(a, (size_t)w->nlim, sizeof(double));
  w->limit_energy = take(a, (size_t)w->nlim, sizeof(double));
  w->tau = take(a, (size_t)w->nq, sizeof(double));
  w->control = take(a, A, sizeof(double));
  w->force = take(a, A, sizeof(double));
  w->qdd = take(a, (size_t)w->nq, sizeof(double));
  w->reaction = take(a, J, sizeof *w->reaction);
  w->mus_contrib = take(a, 6 * J * M, sizeof(double));
  w->grp_contrib = take(a, 6 * J * G, sizeof(double));
  w->mus_cross = take(a, J * M, sizeof(int));
  w->grp_cross = take(a, J * G, sizeof(int));
  w->cross_list = take(a, J * M, sizeof(int));
  w->cross_num = take(a, J, sizeof(int));
  w->mus_group = take(a, M, sizeof(int));
  w->group_name = take(a, G, sizeof(char *));
  w->group_text = take(a, group_bytes, 1);
}

/* ------------------------------------------------------------------------------ creation */

static hl_status check_settings(const hl_model *m, const hl_frame_settings *s, hl_error *err) {
  if (s->forces != HL_FRAME_FORCES_SO && s->forces != HL_FRAME_FORCES_GIVEN &&
      s->forces != HL_FRAME_FORCES_TABLE && s->forces != HL_FRAME_FORCES_NONE)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_create: unknown forces source %d",
                        (int)s->forces);
  if (s->forces == HL_FRAME_FORCES_NONE && s->njoint > 0)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_create: joint reactions need forces");
  if (s->forces == HL_FRAME_FORCES_TABLE && !s->forces_table)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_create: forces from a table, but no table");
  if (s->njoint < 0 || (s->njoint > 0 && !s->joint))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_create: %d joints without a list", s->njoint);
  for (int j = 0; j < s->njoint; j++) {
    const hl_frame_joint *J = &s->joint[j];
    if (J->joint < 0 || J->joint >= m->njoint || J->frame < 0 || J->frame >= m->nbody)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "hl_frame_create: reaction %d names joint %d in body %d's frame; the model "
                          "has %d joints and %d bodies", j, J->joint, J->frame, m->njoint, m->nbody);
  }
  if (s->groups && (s->groups->nmuscle != m->nmuscle || s->groups->ngroup < 0))
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                        "hl_frame_create: the muscle groups were made for %d muscles, the model has %d",
                        s->groups->nmuscle, m->nmuscle);
  for (int i = 0; s->groups && i < m->nmuscle; i++)
    if (s->groups->mus_group[i] < 0 || s->groups->mus_group[i] >= s->groups->ngroup)
      return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0,
                          "hl_frame_create: muscle '%s' is in group %d of %d", m->mus_name[i],
                          s->groups->mus_group[i], s->groups->ngroup);
  return HL_OK;
}

/* The stage workspaces the settings need. */
static hl_status make_stages(hl_frame *w, hl_error *err) {
  const hl_model *m = w->m;
  hl_status st = hl_kin_create(m, &w->d, err);
  if (!st && w->set.forces == HL_FRAME_FORCES_SO) st = hl_invdyn_create(m, &w->id, err);
  if (!st && w->set.forces == HL_FRAME_FORCES_SO) st = hl_so_create(m, &w->set.so, &w->so, err);
  if (!st && w->njoint > 0) st = hl_jr_create(m, &w->jr, err);
  if (!st && w->set.loads) st = hl_invdyn_extmap_create(m, w->set.loads, &w->map, err);
  if (!st && w->set.induced && w->njoint > 0)
    st = hl__frame_induced_create(m, &w->set, w->joint, w->mus_group, w->ngroup, &w->ind, err);
  return st;
}

/* Forces-table column of every actuator. */
static hl_status map_table(hl_frame *w, hl_error *err) {
  const hl_model *m = w->m;
  const hl_table *t = w->set.forces_table;
  for (int k = 0; k < w->nact; k++) {
    const char *name = k < w->nm ? m->mus_name[k] : m->act_name[k - w->nm];
    w->fcol[k] = hl_table_col(t, name);
    if (w->fcol[k] < 1)
      return hl_error_set(err, HL_ERR_NOT_FOUND, w->set.forces_table_name, t->header_line_of_labels,
                          "the forces file has no column for actuator '%s' of the model", name);
  }
  return HL_OK;
}

/* Which muscles have model path points on both sides of each joint; which groups hold one. */
static void crossing(hl_frame *w) {
  const hl_model *m = w->m;
  for (int j = 0; j < w->njoint; j++) {
    int root = m->jnt_child[w->joint[j].joint], *list = w->cross_list + (size_t)j * w->nm;
    w->cross_num[j] = 0;
    for (int k = 0; k < w->nm; k++) {
      int in = 0, out = 0;
      for (int p = 0; p < m->mus_path_num[k]; p++) {
        if (hl_model_in_subtree(m, m->pt_body[m->mus_path_adr[k] + p], root)) in = 1;
        else out = 1;
      }
      w->mus_cross[(size_t)j * w->nm + k] = in && out;
      if (in && out) {
        list[w->cross_num[j]++] = k;
        w->grp_cross[(size_t)j * w->ngroup + w->mus_group[k]] = 1;
      }
    }
  }
}

/* The groups: the caller's or the anatomical ones, copied into the arena (the arena exists). */
static void copy_groups(hl_frame *w, const hl_groups *g) {
  char *text = w->group_text;
  for (int i = 0; i < w->ngroup; i++) {
    size_t L = strlen(g->name[i]) + 1;
    memcpy(text, g->name[i], L);
    w->group_name[i] = text;
    text += L;
  }
  memcpy(w->mus_group, g->mus_group, sizeof(int) * (size_t)w->nm);
}

hl_status hl_frame_create(const hl_model *m, const hl_frame_settings *s_in, hl_frame **out,
                          hl_error *err) {
  if (!m || !out) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_create: NULL argument");
  *out = NULL;
  hl_frame_settings s;
  if (s_in) s = *s_in;
  else hl_frame_settings_defaults(&s);
  hl_status st = check_settings(m, &s, err);
  if (st) return st;
  hl_groups *own = NULL;
  const hl_groups *g = s.groups;
  if (!g && (st = hl_groups_default(m, &own, err))) return st;
  if (!g) g = own;
  hl_frame *w = calloc(1, sizeof *w);
  if (!w) {
    hl_groups_free(own);
    return hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  }
  w->m = m;
  w->set = s;
  w->nq = m->ncoord, w->nb = m->nbody, w->nm = m->nmuscle, w->na = m->nactuator;
  w->nact = w->nm + w->na, w->nlim = m->nlimit, w->njoint = s.njoint, w->ngroup = g->ngroup;
  w->nload = s.loads ? s.loads->nforce : 0;
  size_t text = 1;
  for (int i = 0; i < g->ngroup; i++) text += strlen(g->name[i]) + 1;
  arena a = {NULL, 0};
  layout(w, &a, text);
  w->arena = calloc(1, a.off + 16);
  if (!w->arena) st = hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  if (!st) {
    a.base = (char *)(((uintptr_t)w->arena + 15) & ~(uintptr_t)15);
    a.off = 0;
    layout(w, &a, text);
    if (s.njoint) memcpy(w->joint, s.joint, sizeof *w->joint * (size_t)s.njoint);
    w->set.joint = w->joint;
    w->set.groups = NULL;
    copy_groups(w, g);
    crossing(w);
    st = make_stages(w, err);
  }
  if (!st && s.forces == HL_FRAME_FORCES_TABLE) st = map_table(w, err);
  hl_groups_free(own);
  if (st) {
    hl_frame_free(w);
    return st;
  }
  *out = w;
  return HL_OK;
}

/* ---------------------------------------------------------------------------- one frame */

void hl__frame_set_clock(hl_frame *w, double (*clock)(void), double acc[4]) {
  w->clock = clock;
  w->clock_acc = acc;
}

const hl_so *hl__frame_so(const hl_frame *w) { return w ? w->so : NULL; }

/* Stage `k` ended: its clock advance (benchmark only). */
static void mark(const hl_frame *w, int k, double *t) {
  if (!w->clock) return;
  double now = w->clock();
  w->clock_acc[k] += now - *t;
  *t = now;
}

/* A non-finite input: name the first one. */
static hl_status bad_state(const hl_frame *w, const hl_frame_input *in, hl_status st, hl_error *err) {
  const hl_model *m = w->m;
  const double *v[3] = {in->q, in->qd, in->qdd};
  const char *what[3] = {"value", "speed", "acceleration"};
  for (int k = 0; k < 3; k++)
    for (int c = 0; v[k] && c < w->nq; c++)
      if (!isfinite(v[k][c]))
        return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0, "coordinate '%s': %s %g at t = %.6g s",
                            m->coord_name[c], what[k], v[k][c], in->time);
  return hl_error_set(err, st, NULL, 0, "kinematics failed at t = %.6g s: %s", in->time, hl_strerror(st));
}

/* The actuator forces of the frame when they are not static optimization's. */
static hl_status given_forces(hl_frame *w, const hl_frame_input *in, hl_error *err) {
  const hl_model *m = w->m;
  if (w->set.forces == HL_FRAME_FORCES_TABLE) {
    for (int k = 0; k < w->nact; k++) w->force[k] = hl_table_interp(w->set.forces_table, w->fcol[k], in->time);
    return HL_OK;
  }
  if (!in->force) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_step: forces are given, but input.force is NULL");
  for (int k = 0; k < w->nact; k++) {
    if (!isfinite(in->force[k]))
      return hl_error_set(err, HL_ERR_BAD_VALUE, NULL, 0, "actuator '%s': force %g at t = %.6g s",
                          k < w->nm ? m->mus_name[k] : m->act_name[k - w->nm], in->force[k], in->time);
    w->force[k] = in->force[k];
  }
  return HL_OK;
}

/* Inverse dynamics and static optimization. */
static hl_status solve_forces(hl_frame *w, const double *ext, hl_frame_result *r, double *t, hl_error *err) {
  hl_status st = hl_invdyn_frame(w->m, w->id, w->d, ext, w->tau, NULL, NULL, err);
  if (st) return st;
  mark(w, 1, t);
  st = hl_so_solve(w->m, w->so, w->d, w->tau, w->control, w->force, &r->so, err);
  if (st) return st;
  r->tau = w->tau;
  r->control = w->control;
  if (r->so.outcome == HL_QP_LEAST_SQUARES) r->flags |= HL_FRAME_SO_LEAST_SQUARES;
  if (r->so.outcome == HL_QP_ITERATION_LIMIT) r->flags |= HL_FRAME_SO_ITERATION_LIMIT;
  return HL_OK;
}

/* Forward accelerations, the reactions, and the contributions. */
static hl_status reactions(hl_frame *w, const double *ext, hl_frame_result *r, hl_error *err) {
  const hl_model *m = w->m;
  const double *mus = w->force, *act = w->force + w->nm;
  hl_status st = hl_jr_forward_accel(m, w->jr, w->d, ext, mus, act, w->qdd, err);
  if (st) return st;
  int contrib = w->set.contributions, nm = w->nm, ng = w->ngroup;
  for (int j = 0; j < w->njoint; j++) {
    const hl_frame_joint *J = &w->joint[j];
    double *mc = w->mus_contrib + (size_t)j * nm * 6;
    st = hl_jr_compute(m, w->jr, w->d, ext, mus, act, J->joint, J->on_parent, J->frame, &w->reaction[j],
                       contrib ? mc : NULL, NULL);
    if (st) return hl_error_set(err, st, NULL, 0, "joint reaction failed at t = %.6g s", r->time);
    if (!contrib) continue;
    /* group sums over the crossing muscles in model order (the others contribute zero) */
    double *gc = w->grp_contrib + (size_t)j * ng * 6;
    memset(gc, 0, sizeof(double) * 6 * (size_t)ng);
    const int *list = w->cross_list + (size_t)j * nm;
    for (int t = 0; t < w->cross_num[j]; t++) {
      int k = list[t];
      double *sum = gc + 6 * (size_t)w->mus_group[k];
      for (int i = 0; i < 6; i++) sum[i] += mc[6 * (size_t)k + i];
    }
  }
  r->qdd = w->qdd;
  r->reaction = w->reaction;
  if (contrib) {
    r->muscle_contrib = w->mus_contrib;
    r->group_contrib = w->grp_contrib;
  }
  return HL_OK;
}

void hl_frame_describe(const hl_frame *w, hl_frame_result *r) {
  if (!r) return;
  memset(r, 0, sizeof *r);
  if (!w) return;
  r->nq = w->nq, r->nbody = w->nb, r->nmuscle = w->nm, r->nactuator = w->na, r->nlimit = w->nlim;
  r->nload = w->nload, r->njoint = w->njoint, r->ngroup = w->ngroup;
  r->so.reserve_max_index = -1;
  r->muscle_crosses = w->mus_cross;
  r->group_crosses = w->grp_cross;
  r->group_name = (const char *const *)w->group_name;
  r->muscle_group = w->mus_group;
  hl__frame_induced_describe(w->ind, r);
}

hl_status hl_frame_step(const hl_model *m, hl_frame *w, const hl_frame_input *in,
                        hl_frame_result *out, hl_error *err) {
  if (!m || !w || !in || !out || !in->q || !in->qd || !in->qdd)
    return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_step: NULL argument");
  if (m != w->m) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_frame_step: the workspace was made for another model");
  hl_frame_result *r = out;
  double t = w->clock ? w->clock() : 0;
  hl_frame_describe(w, r);
  r->time = in->time;
  r->data = w->d;
  hl_status st = hl_kin_update(m, w->d, in->q, in->qd, in->qdd, NULL);
  if (st) return bad_state(w, in, st, err);
  st = hl_muscle_update(m, w->d, w->set.allow_unsupported, err);
  if (st) return st;
  mark(w, 0, &t);
  const double *ext = in->ext;
  if (!ext && w->map) {
    hl_invdyn_ext_wrenches(m, w->d, w->set.loads, w->map, in->time, w->ext);
    ext = w->ext;
  }
  r->ext = ext ? ext : w->ext; /* zeros without loads */
  if (w->set.record_loads && w->nload) {
    for (int i = 0; i < w->nload; i++)
      hl_invdyn_ext_record(m, w->d, w->set.loads, w->map, i, in->time, w->loads_record + 9 * (size_t)i);
    r->loads_record = w->loads_record;
  }
  for (int i = 0; i < w->nlim; i++) w->limit_force[i] = hl_force_limit(m, i, in->q, in->qd, &w->limit_energy[i]);
  if (w->nlim) r->limit_force = w->limit_force, r->limit_energy = w->limit_energy;
  if (w->set.forces == HL_FRAME_FORCES_NONE) return HL_OK;
  if (w->set.forces != HL_FRAME_FORCES_SO) mark(w, 1, &t);
  st = w->set.forces == HL_FRAME_FORCES_SO ? solve_forces(w, ext, r, &t, err) : given_forces(w, in, err);
  if (st) return st;
  mark(w, 2, &t);
  r->force = w->force;
  if (w->njoint > 0) st = reactions(w, ext, r, err);
  mark(w, 3, &t);
  if (!st && w->ind)
    st = hl__frame_induced_step(m, w->ind, w->d, w->set.loads, w->map, in->time, w->force, r->ext, r, err);
  return st;
}
