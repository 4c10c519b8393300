/* hipload — private layout of the kinematics workspace, shared by kinematics.c and muscle_path.c.
 * Not installed.
 *
 * hl_data_create allocates this struct and hands out a pointer to its first member; the extra
 * fields are precomputed index tables (sized from the model, filled once) and a flag recording
 * what the last hl_kin_update computed. */
#ifndef HIPLOAD_KIN_INTERNAL_H
#define HIPLOAD_KIN_INTERNAL_H

#include "hipload/model.h"

typedef struct hl__kin_data {
  hl_data pub;          /* must stay the first member: (hl_data *) <-> (hl__kin_data *) */
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
  int *apt_src;         /* npathpt: model path point behind active slot k (same slots as apt_*) */
  /* Accelerations are linear in q̈: body_dw = dw0 + J_ω q̈, body_a = a0 + J_v q̈, with dw0/a0 the
   * velocity-product (bias) part of the last update with q̇. hl_kin_update always forms them this
   * way, so when q and q̇ are bitwise those of the last update only the q̈ part is redone, with
   * the same bits as a full update. */
  double *body_dw0;     /* 3 per body */
  double *body_a0;      /* 3 per body */
} hl__kin_data;

static inline hl__kin_data *hl__kin(hl_data *d) { return (hl__kin_data *)d; }
static inline const hl__kin_data *hl__kin_c(const hl_data *d) { return (const hl__kin_data *)d; }

#endif
