/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — CoordinateCouplerConstraints and OpenSim's per-frame assembly.
 *
 * A coupler ties a dependent coordinate to an independent one: q_dep = f(q_ind) (the model's
 * cpl_* arrays; the patella's knee_angle_r_beta = knee_angle_r in the Rajagopal models). What
 * OpenSim does with it, and hipload likewise (docs/wrapping.md):
 *  - AnalyzeTool assembles every frame: clamped coordinates are held to their ranges (only when
 *    the model's ConstraintSet is not empty) and dependent coordinates are set from their
 *    couplers, whatever the coordinates file says. hl_model_assemble does both; their speeds
 *    and accelerations follow: q̇_dep = f' q̇_ind, q̈_dep = f' q̈_ind + f'' q̇_ind².
 *  - A moment arm about an independent coordinate is OpenSim's MomentArmSolver's: the unit
 *    tension's generalized forces weighted by the coupling vector, r_ind + f' r_dep; about a
 *    dependent coordinate it is that divided by f'. hl_muscle_update reports these.
 *  - Static optimization, joint reaction and forward dynamics work on the independent
 *    coordinates: a generalized force vector τ acts on them as Cᵀτ (τ_ind + f' τ_dep), and the
 *    dependent coordinates get no equation of their own (hl_coupler_fold).
 *  - InverseDynamicsTool ignores constraints: its dependent coordinates keep the file's values
 *    (in radians even in degree files: their motion type is Coupled, model->coord_coupled).
 * The assembly itself is hl_model_assemble (model.h).
 *
 * Thread safety: every function only reads the model and writes the arrays it is given.
 */
#ifndef HIPLOAD_COUPLER_H
#define HIPLOAD_COUPLER_H

#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Only the dependent coordinates' accelerations from the others': qdd_dep = f' qdd_ind +
 * f'' qd_ind². */
HL_API void hl_coupler_accel(const hl_model *m, const double *q, const double *qd, double *qdd);

/* v ← Cᵀ v on the coordinates: v_ind += f'(q_ind) v_dep and v_dep = 0, for every coupler.
 * A generalized force vector so folded is what the independent coordinates feel. */
HL_API void hl_coupler_fold(const hl_model *m, const double *q, double *v);

/* The symmetric nq×nq matrix M (row-major) ← Cᵀ M C on the independent coordinates, with the
 * rows and columns of dependent coordinates zeroed. */
HL_API void hl_coupler_fold_matrix(const hl_model *m, const double *q, double *M);

/* f'(q_ind) of coupler k at q. */
HL_API double hl_coupler_slope(const hl_model *m, int k, const double *q);

#ifdef __cplusplus
}
#endif
#endif
