/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscles per frame: path geometry (lengths, speeds, moment arms, active path points)
 * and the force curves static optimization uses (rigid tendon, no passive force).
 *
 * Force per unit activation along the tendon, as OpenSim's StaticOptimization with
 * use_muscle_physiology: F0 · f_L(l̃) · f_V(ṽ) · cos(α), where the fibre length follows from the
 * path length with a rigid tendon, l_f = sqrt((l_MT − l_TS)² + (l_opt sin α0)²), and
 * α = asin(l_opt sin α0 / l_f).
 */
#ifndef HIPLOAD_MUSCLE_H
#define HIPLOAD_MUSCLE_H

#include "hipload/kin.h"
#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Thread safety: every function only reads the model and writes the workspace or the outputs it
 * is given. */

/* Muscle lengths, lengthening speeds, moment arms and active path points (wrap tangent points
 * included) at the state last passed to hl_kin_update (speeds need qd), into d, with the model's
 * wrap objects and couplers as OpenSim 4.6 treats them (docs/wrapping.md). Never allocates.
 * allow_unsupported = 1 ignores every wrap object (the paths run straight): kept for
 * comparisons only. Errors: HL_ERR_INVALID_ARG (NULL, a workspace of another model, no state
 * yet). */
HL_API hl_status hl_muscle_update(const hl_model *m, hl_data *d, int allow_unsupported, hl_error *err);

/* Does muscle i's current path (active points in d) cross joint j (one point in the child's
 * subtree, the next outside it)? */
HL_API int hl_muscle_crosses(const hl_model *m, const hl_data *d, int i, int joint);

/* Thelen 2003 active force-length (Gaussian, shape factor gamma) and force-velocity (inverted
 * Hill curve with Af and Flen), normalized fibre length / velocity in lopt and lopt·vmax units. */
HL_API double hl_muscle_thelen_active_fl(double lnorm, double kshape_active);
HL_API double hl_muscle_thelen_fv(double vnorm, double af, double flen);

/* Millard 2012 active force-length and force-velocity curves (quintic Bézier segments) built
 * from the parameters in model->mus_curve (see model.h). */
HL_API double hl_muscle_millard_active_fl(const double *curve, double lnorm);
HL_API double hl_muscle_millard_fv(const double *curve, double vnorm);

/* De Groote et al. (2016) curves as OpenSim's DeGrooteFregly2016Muscle evaluates them: active
 * force-length (three Gaussian-like terms, width scaled by active_force_width_scale ≥ 1, peak 1
 * at l̃ = 1) and force-velocity (f_V(−1) = 0, f_V(0) = 1, about 1.79 at ṽ = 1). */
HL_API double hl_muscle_degroote_active_fl(double lnorm, double width_scale);
HL_API double hl_muscle_degroote_fv(double vnorm);

/* Force per unit activation along the tendon (N) for muscle i given its path length (m) and
 * lengthening speed (m/s). use_physiology = 0 returns F0; so does a muscle of type
 * HL_MUSCLE_OTHER (the model's notes refuse those in every run: hl_model_check_supported).
 * DeGrooteFregly2016: F0·f_L·f_V without cos α — OpenSim's
 * calcInextensibleTendonActiveFiberForce returns the fibre force, not its tendon component. Optional outputs (may be NULL):
 * normalized fibre length, normalized fibre velocity, pennation angle. */
HL_API double hl_muscle_force_per_activation(const hl_model *m, int i, double len, double speed,
                                             int use_physiology, double *lnorm, double *vnorm,
                                             double *alpha);

#ifdef __cplusplus
}
#endif
#endif
