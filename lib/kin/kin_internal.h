/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — private part of the kinematics workspace (hl_data), shared by kinematics.c,
 * muscle_path.c and the modules that read its index tables (so.c, reaction.c). Not installed.
 *
 * hl_data_create allocates this struct and hands out a pointer to its first member; the public
 * hl_data's `priv` points back here, so a copy of the public struct still finds it, and an
 * hl_data the library did not make (priv NULL) is refused instead of being read past its end.
 * The extra fields are precomputed index tables (sized from the model, filled once) and a flag
 * recording what the last hl_kin_update computed. */
#ifndef HIPLOAD_KIN_INTERNAL_H
#define HIPLOAD_KIN_INTERNAL_H

#include <stddef.h>

#include "hipload/kin.h"
#include "hipload/model.h"

typedef struct hl__kin_data {
  hl_data pub;          /* the public part handed out by hl_data_create (pub.priv = this) */
  int nbody;            /* model sizes at creation, checked on every call */
  int nmuscle;
  int npathpt;
  int has_state;        /* 1 once hl_kin_update succeeded */
  int has_qd;           /* 1 when the last hl_kin_update had qd (speeds are meaningful) */
  /* Coordinates that can move body b: the sorted, duplicate-free list
   * body_cols[body_cols_adr[b] .. + body_cols_num[b]). Only these columns of body_J are ever
   * written; the others stay zero. */
  int *body_cols;
  int *body_cols_adr;
  int *body_cols_num;
  /* Coordinates muscle i's moment arms can depend on: mus_cols[mus_cols_adr[i] .. + num). The
   * others are exactly zero: they are absent from every path body's list, or they drive a single
   * joint whose child is an ancestor of (or is) every body of the path and move no path point, so
   * the whole path moves rigidly with them (the pelvis' six, for a leg muscle). */
  int *mus_cols;
  int *mus_cols_adr;
  int *mus_cols_num;
  /* The same moment arms compactly, muscle after muscle, each in its list's order: with
   * o_i = mus_cols_num[0] + … + mus_cols_num[i − 1], mus_ma_c[o_i + s] is
   * pub.mus_ma[i nq + mus_cols[mus_cols_adr[i] + s]] (the same bits; lib/kin/muscle_path.c computes
   * them here and copies them into the dense row), so a reader going through the muscles in
   * order (static optimization) loads one contiguous array. */
  double *mus_ma_c;
  int *apt_src;         /* npathpt: model path point behind active slot k (same slots as apt_*) */
  /* Accelerations are linear in q̈: body_dw = dw0 + J_ω q̈, body_a = a0 + J_v q̈, with dw0/a0 the
   * velocity-product (bias) part of the last update with q̇. hl_kin_update always forms them this
   * way, so when q and q̇ are bitwise those of the last update only the q̈ part is redone, with
   * the same bits as a full update. */
  double *body_dw0;     /* 3 per body */
  double *body_a0;      /* 3 per body */
} hl__kin_data;

static inline hl__kin_data *hl__kin(hl_data *d) { return d->priv; }
static inline const hl__kin_data *hl__kin_c(const hl_data *d) { return d->priv; }

#endif
