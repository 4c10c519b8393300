/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — inverse dynamics: generalized forces and intersegmental loads, per frame.
 *
 * Inputs: a model, its hl_data after hl_kin_update(q, q̇, q̈) (poses, Jacobians, velocities and
 * accelerations filled), and optionally the external loads on each body. Nothing is allocated per
 * frame: hl_invdyn_create() sizes a workspace from the model once.
 *
 * Conventions (write them into your outputs' names):
 *  - Everything is in ground, SI units.
 *  - A body wrench is 6 numbers: force (N) then moment (N·m) about the BODY ORIGIN, in ground.
 *  - Generalized force tau[i] for coordinate i (model order): the force (N) or moment (N·m) the
 *    coordinate's actuator must supply, τ = Σ_b J_bᵀ (inertial − gravity − external wrench of b),
 *    as OpenSim's InverseDynamicsSolver (constraints ignored, muscles excluded).
 *  - Intersegmental load of joint j: the force and moment transmitted across the joint ONTO THE
 *    CHILD body (jnt_child[j]) by the parent side, i.e. the Newton–Euler sum over the child's
 *    whole subtree, with the moment taken about the joint centre (child-side joint frame origin,
 *    model->jnt_child_p), expressed in ground. It includes the net joint moment (the part muscles
 *    would carry), it is not the bone-on-bone contact force.
 *  - Residuals: the generalized forces of the coordinates of joints whose parent is ground (the
 *    pelvis' 6 for gait models). hl_invdyn_root_coords() lists them.
 *
 * Thread safety: one hl_invdyn workspace per thread; models, motions, loads and body maps are
 * only read. OpenSim's InverseDynamicsTool setups: idtool.h.
 */
#ifndef HIPLOAD_INVDYN_H
#define HIPLOAD_INVDYN_H

#include "hipload/extloads.h"
#include "hipload/kin.h"
#include "hipload/model.h"
#include "hipload/motion.h"
#include "hipload/status.h"
#include "hipload/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ workspace */

typedef struct hl_invdyn hl_invdyn;

/* Workspace for hl_invdyn_frame, sized from the model. Errors: HL_ERR_INVALID_ARG,
 * HL_ERR_NOMEM. */
HL_API hl_status hl_invdyn_create(const hl_model *m, hl_invdyn **out, hl_error *err);
HL_API void hl_invdyn_free(hl_invdyn *w);

/* One frame of inverse dynamics.
 *   d     : after hl_kin_update(m, d, q, qd, qdd) with qd and qdd given.
 *   ext   : 6*nbody external wrenches (force, moment about the body origin, in ground), or NULL.
 *   tau   : nq generalized forces (output, required).
 *   jnt_f : 3*njoint intersegmental force onto the child, in ground (output, may be NULL).
 *   jnt_m : 3*njoint intersegmental moment onto the child about the joint centre, in ground
 *           (output, may be NULL).
 * Returns HL_ERR_INVALID_ARG for NULL m/d/w/tau, HL_ERR_BAD_VALUE when a result is not finite
 * (err names the coordinate). Never allocates. */
HL_API hl_status hl_invdyn_frame(const hl_model *m, hl_invdyn *w, const hl_data *d, const double *ext,
                                 double *tau, double *jnt_f, double *jnt_m, hl_error *err);

/* Indices of the coordinates of the joints whose parent is ground (residual coordinates), in
 * model order, written to idx (up to max). Returns how many there are (may exceed max). */
HL_API int hl_invdyn_root_coords(const hl_model *m, int *idx, int max);

/* ------------------------------------------------------------ external loads → body wrenches */

/* ExternalLoads resolved against a model: which body each force acts on and which frames its
 * force, point and torque are expressed in (OpenSim: the torque is expressed in the force's frame). */
typedef struct hl_invdyn_extmap {
  int nforce;
  int *body;        /* nforce: applied_to_body index */
  int *force_frame; /* nforce: force_expressed_in_body index (0 = ground) */
  int *point_frame; /* nforce: point_expressed_in_body index (0 = ground) */
} hl_invdyn_extmap;

/* Resolve body names; HL_ERR_NOT_FOUND names the ExternalForce and the missing body. */
HL_API hl_status hl_invdyn_extmap_create(const hl_model *m, const hl_extloads *x, hl_invdyn_extmap **out,
                                         hl_error *err);
HL_API void hl_invdyn_extmap_free(hl_invdyn_extmap *map);

/* External wrenches on every body at time tm (6*nbody, zeroed first; force and moment about the
 * body origin, in ground), from the loads interpolated at tm and the body poses in d. A force with
 * no point columns acts at the applied body's origin (as OpenSim's ExternalForce). */
HL_API void hl_invdyn_ext_wrenches(const hl_model *m, const hl_data *d, const hl_extloads *x,
                                   const hl_invdyn_extmap *map, double tm, double *ext);

/* External force i at time tm as OpenSim's ForceReporter records it (the columns
 * <body>_<force>_F*, _p*, _T* of a StaticOptimization force file): force (N) and torque (N·m) in
 * ground; in order out = {Fx, Fy, Fz, px, py, pz, Tx, Ty, Tz} with the point (m) in the
 * body the force is applied to, relative to its origin. A force without torque columns records
 * a zero torque. */
HL_API void hl_invdyn_ext_record(const hl_model *m, const hl_data *d, const hl_extloads *x,
                                 const hl_invdyn_extmap *map, int i, double tm, double out[9]);

/* A force already known in ground: force f (3), application point p (3) and free torque tq (3,
 * may be NULL), all in ground, added onto body b of ext (6*nbody). */
HL_API void hl_invdyn_add_point_force(const hl_data *d, int b, const double f[3], const double p[3],
                                      const double tq[3], double *ext);

/* ------------------------------------------------------------------- whole trials */

/* Generalized forces for every frame of a motion (hl_kin_update + hl_invdyn_frame per frame), with
 * the external loads x (may be NULL) interpolated at the frame times. The table has time plus one
 * column per coordinate in model order, named as OpenSim's InverseDynamicsTool names them
 * (<coord>_moment for rotational, <coord>_force for translational coordinates). */
HL_API hl_status hl_invdyn_run(const hl_model *m, const hl_motion *mo, const hl_extloads *x,
                               hl_table **out, hl_error *err);



#ifdef __cplusplus
}
#endif
#endif
