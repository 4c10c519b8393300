/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the hl_model container: growth while loading, free, lookups, mass, subtree test, reserves. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hipload/model.h"
#include "model_internal.h"
#include "number.h"

/* The loader appends elements one by one; capacities live next to the public struct so that
 * hl_model itself stays the plain documented layout. `pub` must stay the first member: the
 * hl_model pointer handed out is the address of this wrapper. */
typedef struct model_priv {
  hl_model pub;
  int cap_body, cap_joint, cap_coord, cap_muscle, cap_pathpt, cap_act, cap_limit, cap_wrap;
  int cap_func, cap_func_data, cap_note, cap_pathwrap, cap_coupler;
} model_priv;

/* Callers pass names shorter than HL_NAME_MAX (longer ones are refused where they enter: osim.c's
 * attr_name, hl_model_add_reserves); the bound only keeps a broken caller inside dst. */
void hl__copy_name(char *dst, const char *src) {
  size_t n = src ? strlen(src) : 0;
  if (n >= HL_NAME_MAX) n = HL_NAME_MAX - 1;
  if (n) memcpy(dst, src, n);
  dst[n] = '\0';
}

hl_model *hl__model_new(void) {
  model_priv *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->pub.gravity[1] = -9.80665;
  return &p->pub;
}

/* Grow array *pp from `old` to `cap` elements of `size` bytes, zero-filling the new part. */
static int grow(void *pp, size_t size, int old, int cap) {
  void **ptr = (void **)pp;
  void *q = realloc(*ptr, size * (size_t)cap);
  if (!q) return -1;
  memset((char *)q + size * (size_t)old, 0, size * (size_t)(cap - old));
  *ptr = q;
  return 0;
}

#define GROW(field, per) grow(&m->field, sizeof(*m->field) * (per), old, cap)

static int next_cap(int cap, int need) {
  int c = cap ? cap : 8;
  while (c < need) c *= 2;
  return c;
}

int hl__model_add_body(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->nbody;
  if (i == p->cap_body) {
    int old = p->cap_body, cap = next_cap(old, i + 1);
    if (GROW(body_name, 1) || GROW(body_mass, 1) || GROW(body_com, 3) || GROW(body_inertia, 9) ||
        GROW(body_parent, 1) || GROW(body_joint, 1))
      return -1;
    p->cap_body = cap;
  }
  hl__copy_name(m->body_name[i], name);
  m->body_parent[i] = -1;
  m->body_joint[i] = -1;
  m->nbody++;
  return i;
}

int hl__model_add_joint(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->njoint;
  if (i == p->cap_joint) {
    int old = p->cap_joint, cap = next_cap(old, i + 1);
    if (GROW(jnt_name, 1) || GROW(jnt_type, 1) || GROW(jnt_parent, 1) || GROW(jnt_child, 1) ||
        GROW(jnt_parent_R, 9) || GROW(jnt_parent_p, 3) || GROW(jnt_child_R, 9) ||
        GROW(jnt_child_p, 3) || GROW(jnt_coord_adr, 1) || GROW(jnt_coord_num, 1) ||
        GROW(tax_axis, 18) || GROW(tax_ncoord, 6) || GROW(tax_coord, 6 * HL_TAX_MAXCOORD) ||
        GROW(tax_func, 6))
      return -1;
    p->cap_joint = cap;
  }
  hl__copy_name(m->jnt_name[i], name);
  m->jnt_parent[i] = m->jnt_child[i] = -1;
  for (int k = 0; k < 3; k++) m->jnt_parent_R[9 * i + 4 * k] = m->jnt_child_R[9 * i + 4 * k] = 1.0;
  for (int k = 0; k < 6; k++) {
    m->tax_func[6 * i + k] = -1;
    for (int c = 0; c < HL_TAX_MAXCOORD; c++) m->tax_coord[(6 * i + k) * HL_TAX_MAXCOORD + c] = -1;
  }
  m->njoint++;
  return i;
}

int hl__model_add_coord(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->ncoord;
  if (i == p->cap_coord) {
    int old = p->cap_coord, cap = next_cap(old, i + 1);
    if (GROW(coord_name, 1) || GROW(coord_joint, 1) || GROW(coord_rotational, 1) ||
        GROW(coord_range, 2) || GROW(coord_default, 1) || GROW(coord_locked, 1) ||
        GROW(coord_clamped, 1) || GROW(coord_coupler, 1) || GROW(coord_coupled, 1))
      return -1;
    p->cap_coord = cap;
  }
  hl__copy_name(m->coord_name[i], name);
  m->coord_joint[i] = -1;
  m->coord_coupler[i] = -1;
  m->ncoord++;
  return i;
}

int hl__model_add_muscle(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->nmuscle;
  if (i == p->cap_muscle) {
    int old = p->cap_muscle, cap = next_cap(old, i + 1);
    if (GROW(mus_name, 1) || GROW(mus_type, 1) || GROW(mus_f0, 1) || GROW(mus_lopt, 1) ||
        GROW(mus_lts, 1) || GROW(mus_alpha0, 1) || GROW(mus_vmax, 1) ||
        GROW(mus_curve, HL_MUS_NCURVE) || GROW(mus_min_control, 1) || GROW(mus_max_control, 1) ||
        GROW(mus_path_adr, 1) || GROW(mus_path_num, 1) || GROW(mus_has_wrap, 1) ||
        GROW(mus_wrap_adr, 1) || GROW(mus_wrap_num, 1))
      return -1;
    p->cap_muscle = cap;
  }
  hl__copy_name(m->mus_name[i], name);
  m->mus_path_adr[i] = m->npathpt;
  m->mus_wrap_adr[i] = m->npathwrap;
  m->nmuscle++;
  return i;
}

int hl__model_add_pathpt(hl_model *m) {
  model_priv *p = (model_priv *)m;
  int i = m->npathpt;
  if (i == p->cap_pathpt) {
    int old = p->cap_pathpt, cap = next_cap(old, i + 1);
    if (GROW(pt_body, 1) || GROW(pt_type, 1) || GROW(pt_pos, 3) || GROW(pt_cond_coord, 1) ||
        GROW(pt_cond_range, 2) || GROW(pt_move_coord, 3) || GROW(pt_move_func, 3))
      return -1;
    p->cap_pathpt = cap;
  }
  m->pt_body[i] = -1;
  m->pt_cond_coord[i] = -1;
  for (int k = 0; k < 3; k++) m->pt_move_coord[3 * i + k] = m->pt_move_func[3 * i + k] = -1;
  m->npathpt++;
  return i;
}

int hl__model_add_actuator(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->nactuator;
  if (i == p->cap_act) {
    int old = p->cap_act, cap = next_cap(old, i + 1);
    if (GROW(act_name, 1) || GROW(act_type, 1) || GROW(act_optimal_force, 1) ||
        GROW(act_min_control, 1) || GROW(act_max_control, 1) || GROW(act_coord, 1) ||
        GROW(act_body, 1) || GROW(act_body_b, 1) || GROW(act_point, 3) ||
        GROW(act_direction, 3) || GROW(act_point_global, 1) || GROW(act_dir_global, 1))
      return -1;
    p->cap_act = cap;
  }
  hl__copy_name(m->act_name[i], name);
  m->act_coord[i] = m->act_body[i] = m->act_body_b[i] = -1;
  m->nactuator++;
  return i;
}

int hl__model_add_limit(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->nlimit;
  if (i == p->cap_limit) {
    int old = p->cap_limit, cap = next_cap(old, i + 1);
    if (GROW(lim_name, 1) || GROW(lim_coord, 1) || GROW(lim_param, 7)) return -1;
    p->cap_limit = cap;
  }
  hl__copy_name(m->lim_name[i], name);
  m->lim_coord[i] = -1;
  m->nlimit++;
  return i;
}

int hl__model_add_wrap(hl_model *m, const char *name, int body) {
  model_priv *p = (model_priv *)m;
  int i = m->nwrap;
  if (i == p->cap_wrap) {
    int old = p->cap_wrap, cap = next_cap(old, i + 1);
    if (GROW(wrap_name, 1) || GROW(wrap_body, 1) || GROW(wrap_type, 1) || GROW(wrap_active, 1) ||
        GROW(wrap_R, 9) || GROW(wrap_p, 3) || GROW(wrap_quad_axis, 1) ||
        GROW(wrap_quad_sign, 1) || GROW(wrap_dim, 3))
      return -1;
    p->cap_wrap = cap;
  }
  hl__copy_name(m->wrap_name[i], name);
  m->wrap_body[i] = body;
  m->wrap_active[i] = 1;
  m->wrap_quad_axis[i] = -1;
  for (int k = 0; k < 3; k++) m->wrap_R[9 * i + 4 * k] = 1.0;
  m->nwrap++;
  return i;
}

int hl__model_add_note(hl_model *m, hl_note_kind kind, const char *code, const char *element,
                       const char *name, const char *file, int line, int force, const char *fmt, ...) {
  model_priv *p = (model_priv *)m;
  int i = m->nnote;
  if (i == p->cap_note) {
    int old = p->cap_note, cap = next_cap(old, i + 1);
    if (GROW(note, 1)) return -1;
    p->cap_note = cap;
  }
  hl_model_note *n = &m->note[i];
  memset(n, 0, sizeof *n);
  n->kind = kind;
  snprintf(n->code, sizeof n->code, "%s", code ? code : "");
  snprintf(n->element, sizeof n->element, "%s", element ? element : "");
  hl__copy_name(n->name, name);
  snprintf(n->file, sizeof n->file, "%s", file ? file : "");
  n->line = line;
  n->force = force;
  va_list ap;
  va_start(ap, fmt);
  hl__vsnprintf_c(n->message, sizeof n->message, fmt, ap); /* any locale: C decimals */
  va_end(ap);
  m->nnote++;
  return 0;
}

void hl__model_drop_force_notes(hl_model *m, int n0) {
  int w = n0;
  for (int r = n0; r < m->nnote; r++)
    if (!m->note[r].force) m->note[w++] = m->note[r];
  m->nnote = w;
}

hl_status hl_model_check_supported(const hl_model *m, hl_error *err) {
  if (!m) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "hl_model_check_supported: NULL model");
  for (int i = 0; i < m->nnote; i++) {
    const hl_model_note *n = &m->note[i];
    if (n->kind == HL_NOTE_UNSUPPORTED)
      return hl_error_set(err, HL_ERR_UNSUPPORTED, n->file[0] ? n->file : m->name, n->line,
                          "<%s name=\"%s\">: %s", n->element, n->name, n->message);
  }
  return HL_OK;
}

int hl_model_note_count(const hl_model *m, hl_note_kind kind) {
  int k = 0;
  for (int i = 0; m && i < m->nnote; i++) k += m->note[i].kind == kind;
  return k;
}

int hl__model_add_pathwrap(hl_model *m, int muscle) {
  model_priv *p = (model_priv *)m;
  int i = m->npathwrap;
  if (muscle < 0 || muscle >= m->nmuscle) return -1;
  if (i == p->cap_pathwrap) {
    int old = p->cap_pathwrap, cap = next_cap(old, i + 1);
    if (GROW(pw_wrap, 1) || GROW(pw_method, 1) || GROW(pw_range, 2)) return -1;
    p->cap_pathwrap = cap;
  }
  if (m->mus_wrap_num[muscle] == 0) m->mus_wrap_adr[muscle] = i;
  m->mus_wrap_num[muscle]++;
  m->mus_has_wrap[muscle] = 1;
  m->pw_wrap[i] = -1;
  m->npathwrap++;
  return i;
}

int hl__model_add_coupler(hl_model *m, const char *name) {
  model_priv *p = (model_priv *)m;
  int i = m->ncoupler;
  if (i == p->cap_coupler) {
    int old = p->cap_coupler, cap = next_cap(old, i + 1);
    if (GROW(cpl_name, 1) || GROW(cpl_dep, 1) || GROW(cpl_ind, 1) || GROW(cpl_func, 1)) return -1;
    p->cap_coupler = cap;
  }
  hl__copy_name(m->cpl_name[i], name);
  m->cpl_dep[i] = m->cpl_ind[i] = m->cpl_func[i] = -1;
  m->ncoupler++;
  return i;
}

int hl__model_add_func(hl_model *m, hl_func_type type, int n, const double *data, int inner,
                       double scale) {
  model_priv *p = (model_priv *)m;
  int spline = type == HL_FUNC_SIMMSPLINE || type == HL_FUNC_NATCUBIC;
  int nin = spline ? 2 * n : (type == HL_FUNC_PIECEWISE_LINEAR ? 2 * n : n);
  int nd = spline ? 5 * n : nin;
  if (type == HL_FUNC_MULTIPLIER) nin = nd = 0;
  int i = m->nfunc;
  if (i == p->cap_func) {
    int old = p->cap_func, cap = next_cap(old, i + 1);
    if (GROW(func, 1)) return -1;
    p->cap_func = cap;
  }
  if (m->nfunc_data + nd > p->cap_func_data) {
    int old = p->cap_func_data, cap = next_cap(old, m->nfunc_data + nd);
    if (GROW(func_data, 1)) return -1;
    p->cap_func_data = cap;
  }
  hl_function *f = &m->func[i];
  f->type = type;
  f->n = type == HL_FUNC_MULTIPLIER ? 0 : n;
  f->adr = m->nfunc_data;
  f->inner = type == HL_FUNC_MULTIPLIER ? inner : -1;
  f->scale = type == HL_FUNC_MULTIPLIER ? scale : 1.0;
  double *q = m->func_data + f->adr;
  if (data && nin) memcpy(q, data, sizeof(double) * (size_t)nin);
  if (spline && n >= 2) hl__spline_coeffs(n, q, q + n, q + 2 * n, q + 3 * n, q + 4 * n);
  m->nfunc_data += nd;
  m->nfunc++;
  return i;
}

void hl_model_free(hl_model *m) {
  if (!m) return;
  void *arrays[] = {
      m->body_name, m->body_mass, m->body_com, m->body_inertia, m->body_parent, m->body_joint,
      m->jnt_name, m->jnt_type, m->jnt_parent, m->jnt_child, m->jnt_parent_R, m->jnt_parent_p,
      m->jnt_child_R, m->jnt_child_p, m->jnt_coord_adr, m->jnt_coord_num, m->tax_axis,
      m->tax_ncoord, m->tax_coord, m->tax_func, m->coord_name, m->coord_joint,
      m->coord_rotational, m->coord_range, m->coord_default, m->coord_locked, m->coord_clamped,
      m->mus_name, m->mus_type, m->mus_f0, m->mus_lopt, m->mus_lts, m->mus_alpha0, m->mus_vmax,
      m->mus_curve, m->mus_min_control, m->mus_max_control, m->mus_path_adr, m->mus_path_num,
      m->mus_has_wrap, m->pt_body, m->pt_type, m->pt_pos, m->pt_cond_coord, m->pt_cond_range,
      m->pt_move_coord, m->pt_move_func, m->act_name, m->act_type, m->act_optimal_force,
      m->act_min_control, m->act_max_control, m->act_coord, m->act_body, m->act_body_b,
      m->act_point, m->act_direction, m->act_point_global, m->act_dir_global, m->lim_name,
      m->lim_coord, m->lim_param, m->wrap_name, m->wrap_body, m->func, m->func_data,
      m->wrap_type, m->wrap_active, m->wrap_R, m->wrap_p, m->wrap_quad_axis, m->wrap_quad_sign,
      m->wrap_dim, m->mus_wrap_adr, m->mus_wrap_num, m->pw_wrap, m->pw_method, m->pw_range,
      m->cpl_name, m->cpl_dep, m->cpl_ind, m->cpl_func, m->coord_coupler, m->coord_coupled, m->note};
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) free(arrays[i]);
  free((model_priv *)m);
}

static int find_name(const char (*names)[HL_NAME_MAX], int n, const char *name) {
  if (!names || !name) return -1;
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}

int hl_model_body(const hl_model *m, const char *name) {
  return m ? find_name((const char (*)[HL_NAME_MAX])m->body_name, m->nbody, name) : -1;
}
int hl_model_joint(const hl_model *m, const char *name) {
  return m ? find_name((const char (*)[HL_NAME_MAX])m->jnt_name, m->njoint, name) : -1;
}
int hl_model_coord(const hl_model *m, const char *name) {
  return m ? find_name((const char (*)[HL_NAME_MAX])m->coord_name, m->ncoord, name) : -1;
}
int hl_model_muscle(const hl_model *m, const char *name) {
  return m ? find_name((const char (*)[HL_NAME_MAX])m->mus_name, m->nmuscle, name) : -1;
}
int hl_model_actuator(const hl_model *m, const char *name) {
  return m ? find_name((const char (*)[HL_NAME_MAX])m->act_name, m->nactuator, name) : -1;
}

double hl_model_mass(const hl_model *m) {
  double s = 0.0;
  if (!m) return 0.0;
  for (int i = 1; i < m->nbody; i++) s += m->body_mass[i]; /* ground (0) carries no mass */
  return s;
}

int hl_model_in_subtree(const hl_model *m, int b, int root) {
  if (!m || b < 0 || b >= m->nbody || root < 0 || root >= m->nbody) return 0;
  /* bodies are ordered parent-before-child, so walking up never visits more than nbody bodies */
  for (int guard = 0; b >= 0 && guard <= m->nbody; guard++) {
    if (b == root) return 1;
    if (b < root) return 0;
    b = m->body_parent[b];
  }
  return 0;
}

hl_status hl_model_add_reserves(hl_model *m, double optimal_force, hl_error *err) {
  if (!m || !(optimal_force > 0)) return hl_error_set(err, HL_ERR_INVALID_ARG, NULL, 0, "reserves need a model and an optimal force > 0");
  for (int c = 0; c < m->ncoord; c++) {
    if (m->coord_locked[c]) continue;
    int has = 0;
    for (int a = 0; a < m->nactuator; a++) has |= m->act_type[a] == HL_ACT_COORDINATE && m->act_coord[a] == c;
    if (has) continue;
    char nm[HL_NAME_MAX + 16];
    if (snprintf(nm, sizeof nm, "%s_reserve", m->coord_name[c]) >= HL_NAME_MAX)
      return hl_error_set(err, HL_ERR_UNSUPPORTED, NULL, 0,
                          "reserve actuator for coordinate '%s': its name '%s' would have more than %d bytes",
                          m->coord_name[c], nm, HL_NAME_MAX - 1);
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
