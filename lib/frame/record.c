/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenSim-named tables of a run: see record_internal.h. */
#include "record_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column names of one table: "time" + the names added, each copied. */
typedef struct {
  int n, cap;
  char **names;
  int failed;
} cols;

static void add(cols *c, const char *a, const char *b, const char *d) {
  if (c->failed) return;
  if (c->n == c->cap) {
    int cap = c->cap ? 2 * c->cap : 64;
    char **nn = realloc(c->names, sizeof(char *) * (size_t)cap);
    if (!nn) {
      c->failed = 1;
      return;
    }
    c->names = nn;
    c->cap = cap;
  }
  size_t L = strlen(a) + strlen(b) + strlen(d) + 1;
  char *s = malloc(L);
  if (!s) {
    c->failed = 1;
    return;
  }
  snprintf(s, L, "%s%s%s", a, b, d);
  c->names[c->n++] = s;
}

/* The table of these columns (NULL when out of memory); the names are released either way. */
static hl_table *make(cols *c, int nrow, const char *title) {
  hl_table *t = NULL;
  const char **names = c->failed ? NULL : malloc(sizeof(char *) * (size_t)(c->n + 1));
  if (names) {
    names[0] = "time";
    for (int i = 0; i < c->n; i++) names[i + 1] = c->names[i];
    hl_table_create(nrow, c->n + 1, names, &t, NULL);
    free(names);
  }
  if (t) {
    free(t->name);
    t->name = strdup(title);
    if (!t->name) {
      hl_table_free(t);
      t = NULL;
    }
  }
  for (int i = 0; i < c->n; i++) free(c->names[i]);
  free(c->names);
  memset(c, 0, sizeof *c);
  return t;
}

static const char *actuator_name(const hl_model *m, int k) {
  return k < m->nmuscle ? m->mus_name[k] : m->act_name[k - m->nmuscle];
}

/* StaticOptimization activation, solver report and force tables. OpenSim's force file also
 * records the model's other forces: each CoordinateLimitForce's value and potential energy, and
 * each external force (F and T in ground, the point in the body it is applied to). */
static int so_tables(hl__rec *r, const hl_model *m, const hl__rec_spec *s, int nrow) {
  cols c = {0, 0, NULL, 0};
  int nact = m->nmuscle + m->nactuator;
  for (int k = 0; k < nact; k++) add(&c, actuator_name(m, k), "", "");
  r->so_activation = make(&c, nrow, "Static Optimization");
  const char *solver[] = {"least_squares", "iterations", "residual", "active_bounds", "max_reserve_abs",
                          "max_reserve_index"};
  for (int k = 0; k < 6; k++) add(&c, solver[k], "", "");
  r->so_solver = make(&c, nrow, "Static Optimization solver report");
  for (int k = 0; k < nact; k++) add(&c, actuator_name(m, k), "", "");
  for (int i = 0; i < m->nlimit; i++) {
    add(&c, m->lim_name[i], "", "");
    add(&c, "PotentialEnergy", "", "");
  }
  const char *sfx[9] = {"Fx", "Fy", "Fz", "px", "py", "pz", "Tx", "Ty", "Tz"};
  for (int i = 0; i < s->nload; i++)
    for (int k = 0; k < 9; k++) add(&c, s->load_prefix[i], sfx[k], "");
  r->so_force = make(&c, nrow, "ModelForces");
  return r->so_activation && r->so_solver && r->so_force;
}

static int body_on(const hl_model *m, const hl_frame_joint *j) {
  return j->on_parent ? m->jnt_parent[j->joint] : m->jnt_child[j->joint];
}

static int jr_table(hl__rec *r, const hl_model *m, const hl__rec_spec *s, int nrow) {
  cols c = {0, 0, NULL, 0};
  const char *sfx[9] = {"fx", "fy", "fz", "mx", "my", "mz", "px", "py", "pz"};
  for (int j = 0; j < s->njoint; j++) {
    const hl_frame_joint *J = &s->joint[j];
    char root[4 * HL_NAME_MAX];
    snprintf(root, sizeof root, "%s_on_%s_in_%s_", m->jnt_name[J->joint], m->body_name[body_on(m, J)],
             m->body_name[J->frame]);
    for (int k = 0; k < 9; k++) add(&c, root, sfx[k], "");
  }
  r->jr = make(&c, nrow, "Joint Reaction Loads");
  return r->jr != NULL;
}

/* Contributions of joint j: the crossing muscles, the groups holding one, then intersegmental,
 * actuators and total (force components only). */
static int contrib_table(hl__rec *r, const hl_model *m, const hl__rec_spec *s, int j, int nrow) {
  cols c = {0, 0, NULL, 0};
  const char *xyz[3] = {"_fx", "_fy", "_fz"};
  for (int k = 0; k < r->nm; k++)
    if (r->cross[(size_t)j * r->nm + k])
      for (int i = 0; i < 3; i++) add(&c, m->mus_name[k], xyz[i], "");
  for (int g = 0; g < r->ngroup; g++)
    if (r->gcross[(size_t)j * r->ngroup + g])
      for (int i = 0; i < 3; i++) add(&c, "group_", s->layout->group_name[g], xyz[i]);
  const char *tail[] = {"intersegmental", "actuators", "total"};
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < 3; i++) add(&c, tail[k], xyz[i], "");
  r->contrib[j] = make(&c, nrow, "Contact Contributions");
  return r->contrib[j] != NULL;
}

hl_status hl__rec_create(const hl_model *m, const hl__rec_spec *s, int nframe, hl__rec *r,
                         hl_error *err) {
  memset(r, 0, sizeof *r);
  int ok = 1;
  if (s->so) ok = so_tables(r, m, s, nframe);
  if (ok && s->njoint > 0) ok = jr_table(r, m, s, nframe);
  if (ok && s->njoint > 0 && s->contributions) {
    const hl_frame_result *L = s->layout;
    size_t J = (size_t)s->njoint;
    r->njoint = s->njoint;
    r->nm = L->nmuscle;
    r->ngroup = L->ngroup;
    r->contrib = calloc(J, sizeof *r->contrib);
    r->cross = malloc(sizeof(int) * (J * (size_t)r->nm + 1));
    r->gcross = malloc(sizeof(int) * (J * (size_t)r->ngroup + 1));
    r->mus_group = malloc(sizeof(int) * ((size_t)r->nm + 1));
    ok = r->contrib && r->cross && r->gcross && r->mus_group;
    if (ok) {
      memcpy(r->cross, L->muscle_crosses, sizeof(int) * J * (size_t)r->nm);
      memcpy(r->gcross, L->group_crosses, sizeof(int) * J * (size_t)r->ngroup);
      memcpy(r->mus_group, L->muscle_group, sizeof(int) * (size_t)r->nm);
    }
    for (int j = 0; j < s->njoint && ok; j++) ok = contrib_table(r, m, s, j, nframe);
  }
  return ok ? HL_OK : hl_error_set(err, HL_ERR_NOMEM, NULL, 0, "out of memory (output tables)");
}

static void so_row(hl__rec *r, const hl_model *m, int f, const hl_frame_result *x) {
  int nact = m->nmuscle + m->nactuator;
  double *ra = r->so_activation->data + (size_t)f * r->so_activation->ncol;
  double *rf = r->so_force->data + (size_t)f * r->so_force->ncol;
  double *ri = r->so_solver->data + (size_t)f * r->so_solver->ncol;
  ra[0] = rf[0] = ri[0] = x->time;
  for (int k = 0; k < nact; k++) {
    ra[k + 1] = x->control[k];
    rf[k + 1] = x->force[k];
  }
  int col = 1 + nact;
  for (int i = 0; i < x->nlimit; i++) {
    rf[col++] = x->limit_force[i];
    rf[col++] = x->limit_energy[i];
  }
  for (int i = 0; i < x->nload && x->loads_record; i++, col += 9)
    memcpy(rf + col, x->loads_record + 9 * (size_t)i, 9 * sizeof(double));
  const hl_so_info *in = &x->so;
  ri[1] = in->outcome == HL_QP_LEAST_SQUARES;
  ri[2] = in->iterations;
  ri[3] = in->residual;
  ri[4] = in->n_active;
  ri[5] = in->reserve_max;
  ri[6] = in->reserve_max_index < 0 ? -1 : m->nmuscle + in->reserve_max_index + 1; /* its column */
}

static void contrib_row(hl__rec *r, int j, int f, const hl_frame_result *x) {
  hl_table *t = r->contrib[j];
  double *rc = t->data + (size_t)f * t->ncol;
  const double *mc = x->muscle_contrib + (size_t)j * r->nm * 6;
  const double *gc = x->group_contrib + (size_t)j * r->ngroup * 6;
  const hl_jr_result *R = &x->reaction[j];
  int col = 1;
  rc[0] = x->time;
  for (int k = 0; k < r->nm; k++)
    if (r->cross[(size_t)j * r->nm + k])
      for (int i = 0; i < 3; i++) rc[col++] = mc[6 * (size_t)k + i];
  for (int g = 0; g < r->ngroup; g++)
    if (r->gcross[(size_t)j * r->ngroup + g])
      for (int i = 0; i < 3; i++) rc[col++] = gc[6 * (size_t)g + i];
  for (int i = 0; i < 3; i++) {
    rc[col + i] = R->inter_f[i];
    rc[col + 3 + i] = R->act_f[i];
    rc[col + 6 + i] = R->f[i];
  }
}

void hl__rec_row(hl__rec *r, const hl_model *m, int f, const hl_frame_result *so,
                 const hl_frame_result *jr) {
  if (so && r->so_force) so_row(r, m, f, so);
  if (!jr || !r->jr) return;
  double *rj = r->jr->data + (size_t)f * r->jr->ncol;
  rj[0] = jr->time;
  for (int j = 0; j < jr->njoint; j++) {
    const hl_jr_result *R = &jr->reaction[j];
    for (int k = 0; k < 3; k++) {
      rj[1 + 9 * j + k] = R->f[k];
      rj[1 + 9 * j + 3 + k] = R->m[k];
      rj[1 + 9 * j + 6 + k] = R->p[k];
    }
    if (r->contrib && r->contrib[j] && jr->muscle_contrib) contrib_row(r, j, f, jr);
  }
}

void hl__rec_free(hl__rec *r) {
  if (!r) return;
  hl_table_free(r->so_force);
  hl_table_free(r->so_activation);
  hl_table_free(r->so_solver);
  hl_table_free(r->jr);
  for (int j = 0; r->contrib && j < r->njoint; j++) hl_table_free(r->contrib[j]);
  free(r->contrib);
  free(r->cross);
  free(r->gcross);
  free(r->mus_group);
  memset(r, 0, sizeof *r);
}

char **hl__rec_load_prefixes(const hl_extloads *x) {
  if (!x) return NULL;
  char **p = calloc((size_t)x->nforce + 1, sizeof *p);
  for (int i = 0; p && i < x->nforce; i++) {
    size_t L = strlen(x->force[i].applied_to_body) + strlen(x->force[i].name) + 3;
    p[i] = malloc(L);
    if (!p[i]) {
      hl__rec_free_prefixes(p, i);
      return NULL;
    }
    snprintf(p[i], L, "%s_%s_", x->force[i].applied_to_body, x->force[i].name);
  }
  return p;
}

void hl__rec_free_prefixes(char **p, int n) {
  for (int i = 0; p && i < n; i++) free(p[i]);
  free(p);
}

void hl__rec_contrib_suffix(const hl_model *m, const hl_frame_joint *j, char *buf, size_t n) {
  /* <joint> for the child (the usual request); <joint>_on_<parent> when asked on the parent, so
   * that both can be written in one run (walk-jr asks for hip_r on femur_r and on pelvis) */
  if (!j->on_parent) snprintf(buf, n, "ContactContributions_%s", m->jnt_name[j->joint]);
  else snprintf(buf, n, "ContactContributions_%s_on_%s", m->jnt_name[j->joint], m->body_name[body_on(m, j)]);
}
