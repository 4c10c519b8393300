/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — kinematics per frame: body poses, velocities, accelerations and Jacobians, in a
 * per-thread workspace (hl_data) sized from the model.
 *
 * hl_data holds everything the kinematics and the muscle geometry (muscle.h) compute for one
 * frame plus their scratch memory; hl_kin_update and hl_muscle_update never allocate. Conventions
 * are model.h's (SI units, ground = body 0, R_GB maps body to ground, 6 × nq Jacobians).
 *
 * Thread safety: one hl_data per thread; the model is only read.
 */
#ifndef HIPLOAD_KIN_H
#define HIPLOAD_KIN_H

#include <stddef.h>

#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ workspace */

typedef struct hl_data {
  int nq;
  double *q, *qd, *qdd;   /* nq each: last state passed to the kinematics */

  /* body kinematics (nbody each; ground included) */
  double *body_R;         /* 9 per body: R_GB */
  double *body_p;         /* 3 per body: body origin in ground */
  double *body_J;         /* 6*nq per body: Jacobian of (ω, v_origin) w.r.t. q̇, in ground */
  double *body_w;         /* 3 per body: angular velocity in ground */
  double *body_v;         /* 3 per body: origin velocity in ground */
  double *body_dw;        /* 3 per body: angular acceleration in ground */
  double *body_a;         /* 3 per body: origin acceleration in ground */

  /* muscle geometry (nmuscle, and model->npathpt slots for active points) */
  double *mus_len;        /* nmuscle: musculotendon path length, m */
  double *mus_speed;      /* nmuscle: lengthening speed, m/s */
  double *mus_ma;         /* nmuscle*nq: moment arm r = −∂l/∂q (m; m/m for translations) */
  int *mus_npt;           /* nmuscle: active points (conditional points that are off skipped) */
  int *apt_body;          /* npathpt: body of active point k of muscle i at mus_path_adr[i]+k */
  double *apt_pos;        /* 3*npathpt: active point position in ground */
  double *apt_local;      /* 3*npathpt: active point position in its body frame */

  double *scratch;        /* scratch for the kinematics routines, sized by hl_kin_create */
  size_t nscratch;
  struct hl__kin_data *priv; /* the library's own tables, set by hl_kin_create: an hl_data made
                              any other way (priv NULL) is refused with HL_ERR_INVALID_ARG */
} hl_data;

/* A workspace sized from model m (the body order must have parents first). Errors:
 * HL_ERR_INVALID_ARG (NULL, a malformed body tree), HL_ERR_NOMEM. */
HL_API hl_status hl_kin_create(const hl_model *m, hl_data **out, hl_error *err);
HL_API void hl_kin_free(hl_data *d);

/* ----------------------------------------------------------------------- per frame */

/* Body poses and Jacobians at q (and velocities/accelerations when qd/qdd are not NULL;
 * with qd NULL only positions and Jacobians are computed). Errors: HL_ERR_INVALID_ARG (NULL, a
 * workspace of another model or not made by hl_kin_create), HL_ERR_BAD_VALUE (a non-finite
 * input; err names the coordinate), HL_ERR_UNSUPPORTED (an axis function of several
 * coordinates). Never allocates. */
HL_API hl_status hl_kin_update(const hl_model *m, hl_data *d, const double *q, const double *qd,
                               const double *qdd, hl_error *err);

/* Position in ground of a point given in body b's frame. */
HL_API void hl_kin_point(const hl_model *m, const hl_data *d, int b, const double local[3], double out[3]);

/* 3×nq Jacobian (row-major) of the ground velocity of a point fixed in body b. */
HL_API void hl_kin_point_jacobian(const hl_model *m, const hl_data *d, int b, const double local[3],
                                  double *J3);

/* Acceleration in ground of a point fixed in body b (after hl_kin_update with qd and qdd). */
HL_API void hl_kin_point_acc(const hl_model *m, const hl_data *d, int b, const double local[3],
                             double out[3]);

#ifdef __cplusplus
}
#endif
#endif
