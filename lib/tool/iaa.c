/* SPDX-License-Identifier: Apache-2.0 */
/* OpenSim's InducedAccelerations analysis of an AnalyzeTool setup, computed with hipload's
 * induced-contributions engine (include/hipload/induced.h) and written with OpenSim's file names
 * and columns:
 *   <tool>_<analysis>_<coordinate>.sto        time, [total], <actuator>..., gravity, velocity
 *   <tool>_<analysis>_<body>.sto              <contributor>_X/_Y/_Z (COM acceleration, ground),
 *                                             _Ox/_Oy/_Oz (angular acceleration)
 *   <tool>_<analysis>_center_of_mass.sto      <contributor>_X/_Y/_Z
 *   <tool>_<analysis>_induced_constraint_reactions.sto
 *                                             <contributor>_<constraint>_<body>_Fx..Mz for the
 *                                             surface (ground) and the rolling body: Simbody's
 *                                             constraint body forces, opposite to the loads the
 *                                             constraint applies, in ground, moments about each
 *                                             body's origin; zeros when the constraint is off.
 * Semantics (OpenSim 4.6, InducedAccelerations.cpp): the i-th contact constraint replaces the
 * i-th ExternalForce while the norm of its force exceeds force_threshold, at its centre of
 * pressure; each actuator alone (muscles at 1 N with compute_potentials_only), gravity and
 * velocity are solved at zero speeds except velocity; in total mode the total is solved first and
 * its multipliers switch rows off for every contributor (friction and unilateral rules). q and u
 * come from the states file (or the coordinates file and its spline speeds); in total mode the
 * muscle forces come from the states' fibre lengths (Thelen 2003 tendon force, as OpenSim
 * recomputes them) and the other actuators carry no force (no controls are read). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hipload/analyze.h"
#include "hipload/extloads.h"
#include "hipload/induced.h"
#include "hipload/invdyn.h"
#include "hipload/kin.h"
#include "hipload/muscle.h"
#include "hipload/motion.h"
#include "hipload/table.h"
#include "fsutil.h"
#include "iaa_internal.h"
#include "kin_internal.h"
#include "number.h"

#define RAD2DEG (180.0 / 3.14159265358979323846)

/* Everything one run holds. */
typedef struct iaa {
  const hl_analyze_setup *s;
  const hl_analyze_options *o;
  hl_error *err;
  const hl_model *m;
  hl_model *owned_model;
  hl_extloads *x;
  hl_invdyn_extmap *map;
  hl_table *states;         /* states (or coordinates) file */
  hl_motion *mo;            /* from a coordinates file */
  int nframe;
  int *row;                 /* states rows analysed */
  int *qcol, *ucol, *lcol;  /* states columns of each coordinate's value and speed, muscle fibre
                               length (-1 when absent) */
  hl_data *d;
  hl_induced *ind;
  double *q, *u, *zero, *mus, *act, *qdd;
  int ncoord, *coord;       /* reported coordinates */
  int nbody, *body;         /* reported bodies (center_of_mass excluded) */
  int com;                  /* center_of_mass reported */
  int ncontrib;             /* columns per output: [total], actuators, gravity, velocity */
  int *kmap;                /* engine contributor of each column (-1: total) */
  hl_table **t_coord, **t_body, *t_com, *t_react;
} iaa;

/* ----------------------------------------------------------------------------- inputs */

static hl_status load_inputs(iaa *A) {
  const hl_analyze_setup *s = A->s;
  hl_status st;
  A->m = A->o->model;
  if (!A->m) {
    const char *path = A->o->model_file && A->o->model_file[0] ? A->o->model_file : s->model_file;
    st = hl_model_load(path, &A->owned_model, A->err);
    for (int i = 0; !st && i < s->nforce_set_files; i++)
      st = hl_model_add_force_set(A->owned_model, s->force_set_files[i], s->replace_force_set && i == 0, A->err);
    if (st) return st;
    A->m = A->owned_model;
  }
  if (!s->external_loads_file[0])
    return hl_error_set(A->err, HL_ERR_NOT_FOUND, s->path, 0,
                        "InducedAccelerations: the setup has no <external_loads_file> (the ground "
                        "reactions the contact constraints replace)");
  st = hl_extloads_load(s->external_loads_file, NULL, &A->x, A->err);
  if (!st) st = hl_invdyn_extmap_create(A->m, A->x, &A->map, A->err);
  if (st) return st;
  const char *file = s->states_file[0] ? s->states_file : s->coordinates_file;
  return hl_table_read(file, &A->states, A->err);
}

/* Column of a state: "<name><suffix>" or the 4.x path "/jointset/<joint>/<name>/<leaf>". */
static int state_col(const hl_table *t, const char *prefix, const char *name, const char *suffix,
                     const char *leaf) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s%s", name, suffix);
  int c = hl_table_col(t, buf);
  if (c < 0 && prefix) {
    snprintf(buf, sizeof buf, "%s/%s/%s", prefix, name, leaf);
    c = hl_table_col(t, buf);
  }
  return c;
}

/* Which states columns hold q, u and the muscles' fibre lengths. */
static hl_status map_states(iaa *A) {
  const hl_model *m = A->m;
  const char *file = A->s->states_file;
  for (int c = 0; c < m->ncoord; c++) {
    char jp[128];
    snprintf(jp, sizeof jp, "/jointset/%s", m->jnt_name[m->coord_joint[c]]);
    A->qcol[c] = state_col(A->states, jp, m->coord_name[c], "", "value");
    A->ucol[c] = state_col(A->states, jp, m->coord_name[c], "_u", "speed");
    if ((A->qcol[c] < 0 || A->ucol[c] < 0) && !m->coord_locked[c])
      return hl_error_set(A->err, HL_ERR_NOT_FOUND, file, A->states->header_line_of_labels,
                          "the states file has no %s column for coordinate '%s'",
                          A->qcol[c] < 0 ? "value" : "speed", m->coord_name[c]);
  }
  for (int k = 0; k < m->nmuscle; k++)
    A->lcol[k] = state_col(A->states, "/forceset", m->mus_name[k], ".fiber_length", "fiber_length");
  return HL_OK;
}

/* The states rows AnalyzeTool steps through: from the last row at or before the start time to
 * the last row at or before the end time; the first, every step_interval-th row of the file and
 * the last. */
static hl_status pick_rows(iaa *A) {
  const hl_analyze_setup *s = A->s;
  const hl_table *t = A->states;
  double t0 = fmax(s->initial_time, s->ia.start_time), t1 = fmin(s->final_time, s->ia.end_time);
  int r0 = 0, r1 = -1;
  for (int r = 0; r < t->nrow; r++) {
    if (hl_table_time(t, r) <= t0) r0 = r;
    if (hl_table_time(t, r) <= t1) r1 = r;
  }
  if (r1 < r0)
    return hl_error_set(A->err, HL_ERR_RANGE, s->states_file, 0,
                        "no states between %g and %g s", t0, t1);
  for (int r = r0; r <= r1; r++)
    if (r == r0 || r == r1 || r % s->ia.step_interval == 0) A->row[A->nframe++] = r;
  return HL_OK;
}

/* Thelen 2003 tendon force (OpenSim's Thelen2003Muscle::calcfse) of muscle k with path length
 * lmt and fibre length lf (fixed-width pennation). */
static double thelen_tendon_force(const hl_model *m, int k, double lmt, double lf) {
  double h = m->mus_lopt[k] * sin(m->mus_alpha0[k]), ca = lf > h ? sqrt(1 - (h / lf) * (h / lf)) : 0;
  double x = (lmt - lf * ca) / m->mus_lts[k] - 1, e0 = m->mus_curve[HL_MUS_NCURVE * k + 4];
  double e3 = exp(3.0), etoe = 99 * e0 * e3 / (166 * e3 - 67), klin = 0.67 / (e0 - etoe), ftoe = 0.33;
  double fse = x > etoe ? klin * (x - etoe) + ftoe : x > 0 ? ftoe / (exp(3.0) - 1) * (exp(3 * x / etoe) - 1) : 0;
  return m->mus_f0[k] * fse;
}

static double frame_time(const iaa *A, int f) {
  return A->mo ? A->mo->t[f] : hl_table_time(A->states, A->row[f]);
}

/* q and u of frame f (states row, or the coordinates' spline), then the kinematics, the muscle
 * paths and the forces: 1 N per muscle for potentials, else the tendon force of the states. */
static hl_status frame_state(iaa *A, int f) {
  const hl_model *m = A->m;
  const hl_table *t = A->states;
  if (A->mo) {
    memcpy(A->q, A->mo->q + (size_t)f * m->ncoord, sizeof(double) * (size_t)m->ncoord);
    memcpy(A->u, A->mo->qd + (size_t)f * m->ncoord, sizeof(double) * (size_t)m->ncoord);
  } else {
    int r = A->row[f];
    double deg = t->in_degrees ? 1 / RAD2DEG : 1;
    for (int c = 0; c < m->ncoord; c++) {
      double k = m->coord_rotational[c] ? deg : 1;
      A->q[c] = A->qcol[c] >= 0 ? k * hl_table_get(t, r, A->qcol[c]) : m->coord_default[c];
      A->u[c] = A->ucol[c] >= 0 && !m->coord_locked[c] ? k * hl_table_get(t, r, A->ucol[c]) : 0;
    }
  }
  hl_status st = hl_kin_update(m, A->d, A->q, A->u, A->zero, A->err);
  if (st) return hl_error_set(A->err, st, NULL, 0, "kinematics failed at t = %g s", frame_time(A, f));
  st = hl_muscle_update(m, A->d, A->o->allow_unsupported, A->err);
  if (st) return st;
  for (int k = 0; k < m->nmuscle; k++) {
    if (A->s->ia_potentials_only) {
      A->mus[k] = 1;
    } else {
      double lf = hl_table_get(t, A->row[f], A->lcol[k]);
      A->mus[k] = thelen_tendon_force(m, k, A->d->mus_len[k], lf);
    }
  }
  return HL_OK;
}

/* ----------------------------------------------------------------------------- outputs */

/* A table of the run's frames with, per contributor column, `per` columns named
 * <contributor><sfx[i]> (sfx NULL: the contributor's name alone). */
static hl_table *new_table(iaa *A, const char *name, int per, const char *const *sfx) {
  int ncol = 1 + A->ncontrib * per;
  char **names = calloc((size_t)ncol, sizeof(char *));
  hl_table *t = NULL;
  if (!names) return NULL;
  names[0] = strdup("time");
  int ok = names[0] != NULL;
  for (int c = 0; c < A->ncontrib && ok; c++) {
    int k = A->kmap[c];
    const char *cn = k < 0 ? "total" : hl_induced_name(A->m, A->ind, k);
    for (int i = 0; i < per && ok; i++) {
      char buf[320];
      snprintf(buf, sizeof buf, "%s%s", cn, sfx ? sfx[i] : "");
      ok = (names[1 + c * per + i] = strdup(buf)) != NULL;
    }
  }
  if (ok) hl_table_create(A->nframe, ncol, (const char *const *)names, &t, NULL);
  for (int i = 0; i < ncol; i++) free(names[i]);
  free(names);
  if (t) {
    free(t->name);
    t->name = strdup(name);
  }
  return t;
}

/* The reaction file: per contributor, per constraint, the surface body then the rolling body. */
static hl_table *reaction_table(iaa *A) {
  const hl_analyze_setup *s = A->s;
  static const char *fm[6] = {"Fx", "Fy", "Fz", "Mx", "My", "Mz"};
  int per = 12 * s->ia_ncon;
  char (*sfx)[200] = calloc((size_t)per + 1, sizeof *sfx);
  const char **p = calloc((size_t)per + 1, sizeof *p);
  hl_table *t = NULL;
  if (sfx && p) {
    for (int j = 0, n = 0; j < s->ia_ncon; j++)
      for (int b = 0; b < 2; b++)
        for (int i = 0; i < 6; i++, n++) {
          snprintf(sfx[n], sizeof sfx[n], "_%s_%s_%s", s->ia_con[j].name,
                   b ? s->ia_con[j].rolling_body : s->ia_con[j].surface_body, fm[i]);
          p[n] = sfx[n];
        }
    t = new_table(A, "induced_constraint_reactions", per, p);
  }
  free(sfx);
  free(p);
  return t;
}

/* ----------------------------------------------------------------------------- set-up */

/* The constraints against the ExternalForces (OpenSim pairs them by index and puts the centre of
 * pressure on the applied-to body), and the engine's settings from them. */
static hl_status check_contacts(iaa *A, hl_induced_settings *is) {
  const hl_analyze_setup *s = A->s;
  if (s->ia_ncon < A->x->nforce)
    return hl_error_set(A->err, HL_ERR_UNSUPPORTED, s->path, 0,
                        "InducedAccelerations: %d ExternalForces but %d contact constraints (OpenSim "
                        "replaces the i-th ExternalForce by the i-th constraint)", A->x->nforce, s->ia_ncon);
  if (A->x->nforce > HL_INDUCED_MAX_FEET)
    return hl_error_set(A->err, HL_ERR_UNSUPPORTED, s->external_loads_file, 0,
                        "more than %d ExternalForces", HL_INDUCED_MAX_FEET);
  for (int i = 0; i < s->ia_ncon; i++) {
    const hl_setup_contact *k = &s->ia_con[i], *k0 = &s->ia_con[0];
    if (strcmp(k->surface_body, "ground"))
      return hl_error_set(A->err, HL_ERR_UNSUPPORTED, s->path, k->line,
                          "RollingOnSurfaceConstraint '%s': surface_body '%s' (only ground is supported)",
                          k->name, k->surface_body);
    if (i < A->x->nforce && strcmp(k->rolling_body, A->x->force[i].applied_to_body))
      return hl_error_set(A->err, HL_ERR_UNSUPPORTED, s->path, k->line,
                          "RollingOnSurfaceConstraint '%s' rolls %s but ExternalForce %d ('%s') acts on %s",
                          k->name, k->rolling_body, i + 1, A->x->force[i].name, A->x->force[i].applied_to_body);
    if (memcmp(k->normal, k0->normal, sizeof k->normal) || k->friction != k0->friction || k->radius != k0->radius)
      return hl_error_set(A->err, HL_ERR_UNSUPPORTED, s->path, k->line,
                          "RollingOnSurfaceConstraint '%s': surface_normal, friction_coefficient and "
                          "contact_radius must be those of '%s'", k->name, k0->name);
  }
  hl_induced_settings_defaults(is);
  is->force_threshold = s->ia_force_threshold;
  is->cop_max_distance = INFINITY; /* OpenSim uses every centre of pressure */
  if (s->ia_ncon > 0) {
    memcpy(is->normal, s->ia_con[0].normal, sizeof is->normal);
    is->friction = s->ia_con[0].friction;
    is->contact_radius = s->ia_con[0].radius;
  }
  is->opensim_unilateral = !s->ia_potentials_only;
  return HL_OK;
}

/* Reported coordinates and bodies, and the contributor columns. */
static hl_status pick_outputs(iaa *A) {
  const hl_analyze_setup *s = A->s;
  const hl_model *m = A->m;
  for (int i = 0; i < (s->ia_ncoord < 0 ? m->ncoord : s->ia_ncoord); i++) {
    int c = s->ia_ncoord < 0 ? i : hl_model_coord(m, s->ia_coords[i]);
    if (c < 0)
      return hl_error_set(A->err, HL_ERR_NOT_FOUND, s->path, 0,
                          "InducedAccelerations: coordinate '%s' is not in the model", s->ia_coords[i]);
    A->coord[A->ncoord++] = c;
  }
  for (int i = 0; i < (s->ia_nbody < 0 ? m->nbody - 1 : s->ia_nbody); i++) {
    if (s->ia_nbody >= 0 && !strcasecmp(s->ia_bodies[i], "center_of_mass")) {
      A->com = 1;
      continue;
    }
    int b = s->ia_nbody < 0 ? i + 1 : hl_model_body(m, s->ia_bodies[i]);
    if (b <= 0)
      return hl_error_set(A->err, HL_ERR_NOT_FOUND, s->path, 0,
                          "InducedAccelerations: body '%s' is not in the model", s->ia_bodies[i]);
    A->body[A->nbody++] = b;
  }
  if (!s->ia_potentials_only) A->kmap[A->ncontrib++] = -1;
  for (int k = 0; k < m->nmuscle + m->nactuator + 2; k++) A->kmap[A->ncontrib++] = k;
  if (!s->ia_potentials_only)
    for (int k = 0; k < m->nmuscle; k++)
      if (A->lcol[k] < 0 || m->mus_type[k] != HL_MUSCLE_THELEN2003)
        return hl_error_set(A->err, HL_ERR_UNSUPPORTED, s->states_file, 0,
                            "InducedAccelerations total mode: muscle '%s' needs a Thelen2003Muscle fibre "
                            "length in the states file (compute_potentials_only needs none)", m->mus_name[k]);
  return HL_OK;
}

static hl_status allocate(iaa *A) {
  const hl_model *m = A->m;
  size_t nq = (size_t)m->ncoord, nb = (size_t)m->nbody, nr = (size_t)(A->states ? A->states->nrow : 1);
  size_t K = (size_t)(m->nmuscle + m->nactuator + 3);
  A->row = calloc(nr + 1, sizeof(int));
  A->qcol = calloc(nq + 1, sizeof(int));
  A->ucol = calloc(nq + 1, sizeof(int));
  A->lcol = calloc((size_t)m->nmuscle + 1, sizeof(int));
  A->q = calloc(nq + 1, sizeof(double));
  A->u = calloc(nq + 1, sizeof(double));
  A->zero = calloc(nq + 1, sizeof(double));
  A->qdd = calloc(nq + 1, sizeof(double));
  A->mus = calloc((size_t)m->nmuscle + 1, sizeof(double));
  A->act = calloc((size_t)m->nactuator + 1, sizeof(double));
  A->coord = calloc(nq + 1, sizeof(int));
  A->body = calloc(nb, sizeof(int));
  A->kmap = calloc(K + 1, sizeof(int));
  A->t_coord = calloc(nq + 1, sizeof(hl_table *));
  A->t_body = calloc(nb, sizeof(hl_table *));
  hl_kin_create(m, &A->d, NULL);
  if (!A->row || !A->qcol || !A->ucol || !A->lcol || !A->q || !A->u || !A->zero || !A->qdd ||
      !A->mus || !A->act || !A->coord || !A->body || !A->kmap || !A->t_coord || !A->t_body || !A->d)
    return hl_error_set(A->err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  return HL_OK;
}

static void iaa_free(iaa *A) {
  for (int i = 0; A->t_coord && i < A->ncoord; i++) hl_table_free(A->t_coord[i]);
  for (int i = 0; A->t_body && i < A->nbody; i++) hl_table_free(A->t_body[i]);
  hl_table_free(A->t_com);
  hl_table_free(A->t_react);
  free(A->t_coord);
  free(A->t_body);
  free(A->row);
  free(A->qcol);
  free(A->ucol);
  free(A->lcol);
  free(A->q);
  free(A->u);
  free(A->zero);
  free(A->qdd);
  free(A->mus);
  free(A->act);
  free(A->coord);
  free(A->body);
  free(A->kmap);
  hl_induced_free(A->ind);
  hl_kin_free(A->d);
  hl_motion_free(A->mo);
  hl_table_free(A->states);
  hl_invdyn_extmap_free(A->map);
  hl_extloads_free(A->x);
  hl_model_free(A->owned_model);
}

/* ----------------------------------------------------------------------------- per frame */

/* Body b's COM acceleration and angular acceleration (ground) for coordinate accelerations x,
 * with the velocity terms when velocity. */
static void body_acc(const iaa *A, int b, const double *x, int velocity, double lin[3], double ang[3]) {
  const hl_model *m = A->m;
  const hl_data *d = A->d;
  const hl__kin_data *kd = hl__kin_c(d);
  int nq = m->ncoord;
  const double *J = d->body_J + (size_t)6 * nq * b, *R = d->body_R + 9 * b, *c = m->body_com + 3 * b;
  double a[3] = {0, 0, 0}, r[3];
  for (int i = 0; i < 3; i++) {
    ang[i] = velocity ? kd->body_dw0[3 * b + i] : 0;
    a[i] = velocity ? kd->body_a0[3 * b + i] : 0;
    r[i] = R[3 * i] * c[0] + R[3 * i + 1] * c[1] + R[3 * i + 2] * c[2];
  }
  for (int q = 0; q < nq; q++)
    for (int i = 0; i < 3; i++) {
      ang[i] += J[i * nq + q] * x[q];
      a[i] += J[(3 + i) * nq + q] * x[q];
    }
  lin[0] = a[0] + ang[1] * r[2] - ang[2] * r[1];
  lin[1] = a[1] + ang[2] * r[0] - ang[0] * r[2];
  lin[2] = a[2] + ang[0] * r[1] - ang[1] * r[0];
  if (velocity) {
    const double *w = d->body_w + 3 * b;
    double u[3] = {w[1] * r[2] - w[2] * r[1], w[2] * r[0] - w[0] * r[2], w[0] * r[1] - w[1] * r[0]};
    lin[0] += w[1] * u[2] - w[2] * u[1];
    lin[1] += w[2] * u[0] - w[0] * u[2];
    lin[2] += w[0] * u[1] - w[1] * u[0];
  }
}

/* v into row f, column block `col` of t (per values wide); the total column (block 0 in total
 * mode) sums the contributors. */
static void put(iaa *A, hl_table *t, int f, int c, int per, int i, double v) {
  double *row = t->data + (size_t)f * t->ncol;
  row[1 + c * per + i] = v;
  if (A->kmap[0] < 0 && c > 0) row[1 + i] += v;
}

/* Contributor column c's constraint records: per constraint, the surface (ground) and the rolling
 * body's Simbody constraint body forces. */
static void put_reactions(iaa *A, const hl_induced_result *r, const hl_induced_foot *feet, int f,
                          int c, int k) {
  int per = 12 * A->s->ia_ncon;
  for (int j = 0; j < A->s->ia_ncon; j++) {
    double rec[12] = {0};
    if (j < r->nfoot && (r->foot_flags[j] & HL_FOOT_CONTACT)) {
      const double *g = r->grf + (size_t)k * 6 * HL_INDUCED_MAX_FEET + 6 * j, *P = feet[j].point;
      const double *pb = A->d->body_p + 3 * feet[j].body;
      double rr[3] = {P[0] - pb[0], P[1] - pb[1], P[2] - pb[2]};
      double mo[3] = {P[1] * g[2] - P[2] * g[1], P[2] * g[0] - P[0] * g[2], P[0] * g[1] - P[1] * g[0]};
      double mb[3] = {rr[1] * g[2] - rr[2] * g[1], rr[2] * g[0] - rr[0] * g[2], rr[0] * g[1] - rr[1] * g[0]};
      for (int i = 0; i < 3; i++) {
        rec[i] = g[i];
        rec[3 + i] = mo[i] + g[3 + i];
        rec[6 + i] = -g[i];
        rec[9 + i] = -(mb[i] + g[3 + i]);
      }
    }
    for (int i = 0; i < 12; i++) put(A, A->t_react, f, c, per, 12 * j + i, rec[i]);
  }
}

static hl_status record(iaa *A, int f) {
  const hl_model *m = A->m;
  hl_induced_foot feet[HL_INDUCED_MAX_FEET];
  hl_induced_result r;
  double tm = frame_time(A, f);
  int nfoot = hl_induced_feet(m, A->d, A->x, A->map, tm, feet, HL_INDUCED_MAX_FEET);
  hl_induced_input in = {A->mus, A->act, feet, nfoot, 0, NULL};
  hl_status st = hl_induced_frame(m, A->ind, A->d, &in, &r, A->err);
  if (st) return st;
  double deg = A->s->ia_in_degrees ? RAD2DEG : 1;
  hl_table *tabs[2] = {A->t_com, A->t_react};
  for (int i = 0; i < A->ncoord; i++) A->t_coord[i]->data[(size_t)f * A->t_coord[i]->ncol] = tm;
  for (int i = 0; i < A->nbody; i++) A->t_body[i]->data[(size_t)f * A->t_body[i]->ncol] = tm;
  for (int i = 0; i < 2; i++)
    if (tabs[i]) tabs[i]->data[(size_t)f * tabs[i]->ncol] = tm;
  for (int c = 0; c < A->ncontrib; c++) {
    int k = A->kmap[c], idx;
    if (k < 0) continue;
    int vel = hl_induced_kind_of(A->ind, k, &idx) == HL_IC_VELOCITY;
    hl_induced_qdd(m, A->ind, A->d, k, A->qdd, NULL);
    for (int i = 0; i < A->ncoord; i++) put(A, A->t_coord[i], f, c, 1, 0, deg * A->qdd[A->coord[i]]);
    for (int i = 0; i < A->nbody; i++) {
      double lin[3], ang[3];
      body_acc(A, A->body[i], A->qdd, vel, lin, ang);
      for (int j = 0; j < 3; j++) {
        put(A, A->t_body[i], f, c, 6, j, lin[j]);
        put(A, A->t_body[i], f, c, 6, 3 + j, deg * ang[j]);
      }
    }
    for (int j = 0; A->t_com && j < 3; j++) put(A, A->t_com, f, c, 3, j, r.com_acc[3 * k + j]);
    if (A->t_react) put_reactions(A, &r, feet, f, c, k);
  }
  return HL_OK;
}

/* ----------------------------------------------------------------------------- run */

static hl_status make_tables(iaa *A) {
  static const char *b6[6] = {"_X", "_Y", "_Z", "_Ox", "_Oy", "_Oz"};
  for (int i = 0; i < A->ncoord; i++) {
    if (!(A->t_coord[i] = new_table(A, A->m->coord_name[A->coord[i]], 1, NULL)))
      return hl_error_set(A->err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    A->t_coord[i]->in_degrees = A->s->ia_in_degrees;
  }
  for (int i = 0; i < A->nbody; i++) {
    if (!(A->t_body[i] = new_table(A, A->m->body_name[A->body[i]], 6, b6)))
      return hl_error_set(A->err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    A->t_body[i]->in_degrees = A->s->ia_in_degrees;
  }
  if (A->com && !(A->t_com = new_table(A, "center_of_mass", 3, b6)))
    return hl_error_set(A->err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  if (A->s->ia_report_reactions && !(A->t_react = reaction_table(A)))
    return hl_error_set(A->err, HL_ERR_NOMEM, NULL, 0, "out of memory");
  return HL_OK;
}

static hl_status write_one(iaa *A, const char *dir, hl_table *t, hl_analyze_report *rep) {
  char path[2600], cm[1600];
  snprintf(path, sizeof path, "%s/%s_%s_%s.sto", dir, A->s->name, A->s->ia_name, t->name);
  hl__snprintf_c(cm, sizeof cm,
           "This file contains accelerations of coordinates or bodies.\n"
           "hipload %s induced accelerations (OpenSim's InducedAccelerations semantics): %s, "
           "RollingOnSurfaceConstraints at the centre of pressure while |force| > %g N%s.\n"
           "Contributors: %seach actuator alone, gravity, velocity (speeds zero except velocity).%s\n"
           "Units are S.I. units (seconds, meters, Newtons, ...)\n%s",
           hl_version(), A->s->ia_potentials_only ? "potentials (muscles at 1 N)" : "total mode",
           A->s->ia_force_threshold,
           A->s->ia_potentials_only ? "" : ", rows switched off by the total's friction and unilateral conditions",
           A->s->ia_potentials_only ? "" : "total, ",
           A->m->nlimit ? "\nOpenSim counts the model's CoordinateLimitForces in every contributor; hipload in none "
                          "(they are their own contributors in hipload's induced contributions)."
           : A->m->nactuator ? "\nNon-muscle actuators carry no force (no controls are read)." : "",
           A->s->ia_in_degrees ? "Angles are in degrees (coordinate files: every coordinate times 180/pi, as OpenSim)."
                               : "Angles are in radians.");
  hl_status st = hl_table_write_sto(t, path, cm, A->err);
  if (!st && rep) st = hl__analyze_add_file(rep, path, A->err);
  return st;
}

static hl_status write_all(iaa *A, hl_analyze_report *rep) {
  const char *out = A->o->out_dir && A->o->out_dir[0] ? A->o->out_dir : A->s->results_directory;
  hl__stage stage;
  hl_status st = hl__stage_begin(&stage, out, A->err);
  if (st) return st;
  for (int i = 0; !st && i < A->ncoord; i++) st = write_one(A, stage.path, A->t_coord[i], rep);
  for (int i = 0; !st && i < A->nbody; i++) st = write_one(A, stage.path, A->t_body[i], rep);
  if (!st && A->t_com) st = write_one(A, stage.path, A->t_com, rep);
  if (!st && A->t_react) st = write_one(A, stage.path, A->t_react, rep);
  if (st) {
    hl__stage_fix_error(&stage, A->err);
    hl__stage_abort(&stage);
    return st;
  }
  st = hl__stage_commit(&stage, A->err);
  for (int i = 0; i < rep->nfiles && !st; i++) { /* name the files where they ended up */
    const char *base = strrchr(rep->files[i], '/');
    size_t L = strlen(stage.dir) + strlen(base ? base : rep->files[i]) + 2;
    char *final = malloc(L);
    if (!final) return hl_error_set(A->err, HL_ERR_NOMEM, NULL, 0, "out of memory");
    snprintf(final, L, "%s/%s", stage.dir, base ? base + 1 : rep->files[i]);
    free(rep->files[i]);
    rep->files[i] = final;
  }
  return st;
}

/* q, u from a coordinates file (spline speeds), frames as AnalyzeTool steps through them. */
static hl_status coords_motion(iaa *A) {
  const hl_analyze_setup *s = A->s;
  hl_motion_settings ms;
  hl_motion_settings_defaults(&ms);
  ms.t0 = fmax(s->initial_time, s->ia.start_time);
  ms.t1 = fmin(s->final_time, s->ia.end_time);
  ms.lowpass_hz = s->lowpass_cutoff;
  ms.step_interval = s->ia.step_interval;
  ms.acc = HL_MOTION_ACC_SPEEDSPLINE;
  hl_status st = hl_motion_create(A->m, A->states, &ms, &A->mo, A->err);
  if (!st) A->nframe = A->mo->nframe;
  for (int k = 0; k < A->m->nmuscle; k++) A->lcol[k] = -1;
  return st;
}

hl_status hl__iaa_run(const hl_analyze_setup *s, const hl_analyze_options *o,
                      hl_analyze_report *rep, hl_error *err) {
  iaa A;
  memset(&A, 0, sizeof A);
  A.s = s;
  A.o = o;
  A.err = err;
  hl_induced_settings is;
  hl_status st = load_inputs(&A);
  if (!st) st = allocate(&A);
  if (!st) st = s->states_file[0] ? map_states(&A) : coords_motion(&A);
  if (!st && s->states_file[0]) st = pick_rows(&A);
  if (!st) st = check_contacts(&A, &is);
  if (!st) st = pick_outputs(&A);
  if (!st) st = hl_induced_create(A.m, &is, NULL, 0, &A.ind, err);
  if (!st) st = make_tables(&A);
  for (int f = 0; !st && f < A.nframe; f++) {
    st = frame_state(&A, f);
    if (!st) st = record(&A, f);
  }
  rep->nframe = A.nframe;
  rep->t0 = A.nframe ? frame_time(&A, 0) : 0;
  rep->t1 = A.nframe ? frame_time(&A, A.nframe - 1) : 0;
  if (!st && o->write_files) st = write_all(&A, rep);
  iaa_free(&A);
  return st;
}
