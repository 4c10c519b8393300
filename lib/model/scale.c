/* SPDX-License-Identifier: Apache-2.0 */
/* Uniform model scaling (OpenSim ScaleTool with one factor per model and preserved mass
 * distribution). What scales and why is written in include/hipload/model.h. */
#include <math.h>
#include <stdlib.h>

#include "hipload/model.h"

/* Is function f the identity LinearFunction(1, 0)? OpenSim leaves such a translational axis
 * alone: it is a degree of freedom, its coordinate already is the length. */
static int is_identity(const hl_model *m, int f) {
  const hl_function *fn = &m->func[f];
  return fn->type == HL_FUNC_LINEAR && m->func_data[fn->adr] == 1.0 && m->func_data[fn->adr + 1] == 0.0;
}

/* Multiply the values of function f by s. A multiplier function takes the factor in its own
 * scale, so its inner function is left as it is (OpenSim does the same: it wraps or rescales
 * a MultiplierFunction). For the cubic splines every coefficient of y(x) is linear in the
 * knot values, so y, b, c and d all take the factor. */
static void scale_function(hl_model *m, int f, double s) {
  hl_function *fn = &m->func[f];
  double *v = m->func_data + fn->adr;
  int n = fn->n, first = 0, count = 0;
  switch (fn->type) {
  case HL_FUNC_MULTIPLIER: fn->scale *= s; return;
  case HL_FUNC_CONSTANT:
  case HL_FUNC_LINEAR:
  case HL_FUNC_POLYNOMIAL: first = 0, count = n; break;
  case HL_FUNC_SIMMSPLINE:
  case HL_FUNC_NATCUBIC: first = n, count = 4 * n; break; /* y, b, c, d after x */
  case HL_FUNC_PIECEWISE_LINEAR: first = n, count = n; break;
  }
  for (int i = 0; i < count; i++) v[first + i] *= s;
}

/* Users of every function: joint axes, moving path points and multiplier functions. A function
 * whose numbers we change must have exactly one user, else scaling it would also change the
 * other user (an angle, or a second length scaled twice). */
static int *count_users(const hl_model *m) {
  int *users = calloc((size_t)(m->nfunc > 0 ? m->nfunc : 1), sizeof *users);
  if (!users) return NULL;
  for (int a = 0; a < 6 * m->njoint; a++)
    if (m->tax_func[a] >= 0 && m->tax_func[a] < m->nfunc) users[m->tax_func[a]]++;
  for (int p = 0; p < m->npathpt; p++)
    for (int k = 0; k < 3; k++) {
      int f = m->pt_move_func[3 * p + k];
      if (m->pt_move_coord[3 * p + k] >= 0 && f >= 0 && f < m->nfunc) users[f]++;
    }
  for (int f = 0; f < m->nfunc; f++)
    if (m->func[f].type == HL_FUNC_MULTIPLIER && m->func[f].inner >= 0 && m->func[f].inner < m->nfunc)
      users[m->func[f].inner]++;
  return users;
}

/* The functions that scale: translational axes (3..5 of each joint) that have a function and
 * are not the identity, and the location functions of moving path points. Ground is never
 * scaled (OpenSim has no scale factors for it: CustomJoint::extendScale returns early for a
 * joint whose parent is ground, and frames and points fixed in ground stay where they are). */
static int scales_body(int b) { return b > 0; }

static int axis_scales(const hl_model *m, int a) {
  return a % 6 >= 3 && m->jnt_parent[a / 6] > 0 && m->tax_func[a] >= 0 &&
         !(m->tax_ncoord[a] > 0 && is_identity(m, m->tax_func[a]));
}

hl_status hl_model_scale(hl_model *m, double length_factor, double mass_factor, hl_error *err) {
  if (!m) return hl_error_set(err, HL_ERR_INVALID_ARG, "", 0, "hl_model_scale: model is NULL");
  if (!isfinite(length_factor) || !(length_factor > 0))
    return hl_error_set(err, HL_ERR_BAD_VALUE, "", 0, "hl_model_scale: length factor %g must be finite and > 0",
                        length_factor);
  if (!isfinite(mass_factor) || !(mass_factor > 0))
    return hl_error_set(err, HL_ERR_BAD_VALUE, "", 0, "hl_model_scale: mass factor %g must be finite and > 0",
                        mass_factor);
  const double sL = length_factor, sM = mass_factor;

  /* check before changing anything, so an error leaves the model as it was */
  int *users = count_users(m);
  if (!users) return hl_error_set(err, HL_ERR_NOMEM, "", 0, "hl_model_scale: out of memory");
  for (int a = 0; a < 6 * m->njoint; a++) {
    if (!axis_scales(m, a)) continue;
    int f = m->tax_func[a];
    if (users[f] != 1) {
      free(users);
      return hl_error_set(err, HL_ERR_UNSUPPORTED, "", 0,
                          "hl_model_scale: joint %s translation axis %d shares its function with another "
                          "element; cannot scale one without the other",
                          m->jnt_name[a / 6], a % 6 - 2);
    }
  }
  for (int p = 0; p < m->npathpt; p++)
    for (int k = 0; k < 3; k++) {
      int f = m->pt_move_func[3 * p + k];
      if (m->pt_move_coord[3 * p + k] < 0 || f < 0 || !scales_body(m->pt_body[p])) continue;
      if (users[f] != 1) {
        free(users);
        return hl_error_set(err, HL_ERR_UNSUPPORTED, "", 0,
                            "hl_model_scale: a moving path point of body %s shares its %c function with "
                            "another element; cannot scale one without the other",
                            m->body_name[m->pt_body[p]], 'x' + k);
      }
    }
  free(users);

  /* bodies (ground, index 0, carries nothing) */
  for (int b = 1; b < m->nbody; b++) {
    m->body_mass[b] *= sM;
    for (int k = 0; k < 3; k++) m->body_com[3 * b + k] *= sL;
    for (int k = 0; k < 9; k++) m->body_inertia[9 * b + k] *= sM * sL * sL;
  }
  /* joint frames and translational axes */
  for (int j = 0; j < m->njoint; j++)
    for (int k = 0; k < 3; k++) {
      if (scales_body(m->jnt_parent[j])) m->jnt_parent_p[3 * j + k] *= sL;
      if (scales_body(m->jnt_child[j])) m->jnt_child_p[3 * j + k] *= sL;
    }
  for (int a = 0; a < 6 * m->njoint; a++)
    if (axis_scales(m, a)) scale_function(m, m->tax_func[a], sL);
  /* muscle paths: every stored location (the constant parts of moving points too) and the
   * moving points' functions */
  for (int p = 0; p < m->npathpt; p++)
    for (int k = 0; k < 3 && scales_body(m->pt_body[p]); k++) {
      m->pt_pos[3 * p + k] *= sL;
      int f = m->pt_move_func[3 * p + k];
      if (m->pt_move_coord[3 * p + k] >= 0 && f >= 0) scale_function(m, f, sL);
    }
  for (int i = 0; i < m->nmuscle; i++) {
    m->mus_lopt[i] *= sL;
    m->mus_lts[i] *= sL;
  }
  /* point actuators fixed in a body */
  for (int i = 0; i < m->nactuator; i++)
    if (m->act_type[i] == HL_ACT_POINT && !m->act_point_global[i] && scales_body(m->act_body[i]))
      for (int k = 0; k < 3; k++) m->act_point[3 * i + k] *= sL;
  return HL_OK;
}
