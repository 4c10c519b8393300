/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — joint reaction (contact) loads and each muscle's contribution to them (prefix hl_jr_).
 *
 * Semantics follow OpenSim's JointReaction analysis:
 *  - The reaction is the load the joint applies ON a body (the joint's child, or its parent),
 *    EXPRESSED IN a frame (ground, the child body, the parent body or any body), acting at the
 *    joint centre on that body (the child-side joint frame origin for the child, the parent-side
 *    joint frame origin for the parent). The point is reported in the same frame, relative to the
 *    frame's origin.
 *  - Muscle and actuator forces are given (from static optimization or a forces file). Mobility
 *    forces — CoordinateActuators and CoordinateLimitForces — act through the joint and so are
 *    part of the reaction at their own joint; PointActuators and TorqueActuators are forces on
 *    bodies and are not.
 *  - Accelerations: OpenSim computes them by forward dynamics under the given forces.
 *    hl_jr_forward_accel() does the same; with a consistent static-optimization solution they
 *    equal the kinematic ones.
 *
 * Decomposition (direct): reaction on the child = intersegmental load (Newton–Euler over the
 * child's subtree: inertia − gravity − external loads) − Σ muscle forces on the subtree (each
 * muscle's tension along the path segment that crosses the joint, applied at the point on the
 * child side) − non-mobility actuator loads on the subtree. Each muscle's contribution is its own
 * vector (−its pull on the child); intersegmental + Σ muscles + actuators = total, exactly.
 *
 * Thread safety: one hl_jr workspace per thread; the model is only read.
 */
#ifndef HIPLOAD_JR_H
#define HIPLOAD_JR_H

#include "hipload/kin.h"
#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_jr hl_jr; /* per-thread workspace */

/* Errors: HL_ERR_INVALID_ARG, HL_ERR_NOMEM. */
HL_API hl_status hl_jr_create(const hl_model *m, hl_jr **out, hl_error *err);
HL_API void hl_jr_free(hl_jr *jr);

/* Forward-dynamics accelerations under the given loads, as OpenSim's JointReaction does: solves
 * M(q) q̈ = τ_actuators + τ_passive − h(q, q̇, external, gravity) on the unlocked coordinates
 * (locked ones get q̈ = 0). d must hold hl_kin_update(q, q̇, any q̈) and hl_muscle_update; ext is
 * 6·nbody body wrenches (invdyn.h convention). Writes qdd[nq]. On return d holds the kinematics
 * at (q, q̇, qdd) — the accelerations hl_jr_compute then uses — not the ones it held before (after
 * an error: those of q̈ = 0). Does not allocate. */
HL_API hl_status hl_jr_forward_accel(const hl_model *m, hl_jr *jr, hl_data *d, const double *ext,
                                     const double *mus_force, const double *act_force, double *qdd,
                                     hl_error *err);

typedef struct hl_jr_result {
  double f[3], m[3];         /* reaction force (N) and moment (N·m) on the body, in the frame */
  double p[3];               /* point of application in the frame, m */
  double inter_f[3], inter_m[3]; /* intersegmental part, same body/frame/point */
  double act_f[3], act_m[3];     /* part from Point/TorqueActuators on the subtree */
  double muscle_f[3], muscle_m[3]; /* sum of all muscle contributions */
} hl_jr_result;

/* Reaction at `joint` on its child (on_parent = 0) or parent (1), expressed in body `frame`
 * (0 = ground). d must hold hl_kin_update with the accelerations to use and hl_muscle_update.
 * contrib (may be NULL): 6·nmuscle, each muscle's contribution (force, then moment about the
 * point), in the frame; zero for muscles that do not cross the joint. */
HL_API hl_status hl_jr_compute(const hl_model *m, hl_jr *jr, const hl_data *d, const double *ext,
                               const double *mus_force, const double *act_force, int joint, int on_parent,
                               int frame, hl_jr_result *out, double *contrib, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
