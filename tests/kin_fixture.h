/* SPDX-License-Identifier: Apache-2.0 */
/* Hand-built models for the kinematics and muscle-path suites (header-only, static helpers). */
#ifndef HIPLOAD_KIN_FIXTURE_H
#define HIPLOAD_KIN_FIXTURE_H

#include <check.h>
#include <math.h>
#include <string.h>

#include "hipload/model.h"
#include "model_internal.h"
#include "testutil.h"

/* A new body hung from `parent` by a CustomJoint whose six axes are all constant zero (set them
 * with fx_axis). The joint frame sits at pp in the parent and at cp in the child, both with
 * identity orientation. Returns the joint index (== body index − 1 for these fixtures). */
static inline int fx_body(hl_model *m, const char *name, int parent, const double pp[3],
                          const double cp[3]) {
  int b = hl__model_add_body(m, name);
  int j = hl__model_add_joint(m, name);
  ck_assert_int_ge(b, 0);
  ck_assert_int_ge(j, 0);
  m->body_parent[b] = parent;
  m->body_joint[b] = j;
  m->body_mass[b] = 1.0;
  m->jnt_parent[j] = parent;
  m->jnt_child[j] = b;
  m->jnt_type[j] = HL_JOINT_CUSTOM;
  for (int r = 0; r < 3; r++) {
    m->jnt_parent_p[3 * j + r] = pp ? pp[r] : 0.0;
    m->jnt_child_p[3 * j + r] = cp ? cp[r] : 0.0;
  }
  /* default axes: rotations about z, x, y, translations along x, y, z — all constant */
  static const double def[6][3] = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (int k = 0; k < 6; k++) memcpy(m->tax_axis + 3 * (6 * j + k), def[k], sizeof def[k]);
  m->jnt_coord_adr[j] = m->ncoord;
  return j;
}

/* Axis k of joint j: direction (not necessarily unit), driven by coordinate c through function f
 * (f = -1: the coordinate itself; c = -1: constant f(0), or 0 when f = -1). */
static inline void fx_axis(hl_model *m, int j, int k, double x, double y, double z, int c, int f) {
  int t = 6 * j + k;
  m->tax_axis[3 * t] = x;
  m->tax_axis[3 * t + 1] = y;
  m->tax_axis[3 * t + 2] = z;
  m->tax_ncoord[t] = c >= 0 ? 1 : 0;
  m->tax_coord[HL_TAX_MAXCOORD * t] = c;
  m->tax_func[t] = f;
}

/* A coordinate owned by joint j. */
static inline int fx_coord(hl_model *m, int j, const char *name, int rotational) {
  int c = hl__model_add_coord(m, name);
  ck_assert_int_ge(c, 0);
  m->coord_joint[c] = j;
  m->coord_rotational[c] = rotational;
  m->coord_range[2 * c] = -10.0;
  m->coord_range[2 * c + 1] = 10.0;
  m->jnt_coord_num[j]++;
  return c;
}

/* A path point of the muscle added last (type 0 fixed, 1 conditional, 2 moving). */
static inline int fx_point(hl_model *m, int body, int type, double x, double y, double z) {
  int p = hl__model_add_pathpt(m);
  ck_assert_int_ge(p, 0);
  m->pt_body[p] = body;
  m->pt_type[p] = type;
  m->pt_pos[3 * p] = x;
  m->pt_pos[3 * p + 1] = y;
  m->pt_pos[3 * p + 2] = z;
  m->mus_path_num[m->nmuscle - 1]++;
  return p;
}

static inline int fx_poly(hl_model *m, int n, const double *coef) {
  int f = hl__model_add_func(m, HL_FUNC_POLYNOMIAL, n, coef, -1, 1.0);
  ck_assert_int_ge(f, 0);
  return f;
}

/* A model with only ground. */
static inline hl_model *fx_ground(void) {
  hl_model *m = hl__model_new();
  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(hl__model_add_body(m, "ground"), 0);
  return m;
}

/* Deterministic pseudo-random numbers in [lo, hi) (xorshift; no global state). */
static inline double fx_rand(unsigned long long *s, double lo, double hi) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return lo + (hi - lo) * (double)(*s >> 11) / 9007199254740992.0;
}

/* Load a model from the reference data folder (fails the test with the loader's message). */
static inline hl_model *fx_load(const char *rel) {
  char path[1024];
  hl_model *m = NULL;
  hl_error err;
  tu_data(path, sizeof path, rel);
  hl_status st = hl_model_load(path, &m, &err);
  ck_assert_msg(st == HL_OK, "%s", err.message);
  return m;
}

#endif
