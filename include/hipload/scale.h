/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — uniform scaling of a loaded model to a subject's height and mass.
 *
 * What OpenSim's ScaleTool does with one scale factor s_L on every segment (manual scaling) and
 * preserve_mass_distribution = true, followed by the subject mass:
 *  - every length fixed in a body frame × s_L: joint frame origins on parent and child, body
 *    centres of mass, muscle path point locations, MovingPathPoint location functions, and the
 *    functions of translational joint axes (the gait2392 knee's translation with knee angle);
 *    a translational axis that is the identity of its coordinate (a degree of freedom such as
 *    pelvis_tx) is left alone, as OpenSim's SpatialTransform::scale does;
 *  - body masses × s_M and inertias (about the centre of mass) × s_M·s_L² (Body::scale with
 *    mass kept, then Model::scale's rescale of every mass and inertia to the subject mass);
 *  - muscle optimal fibre length and tendon slack length × s_L: OpenSim multiplies both by the
 *    ratio of the musculotendon length after to before scaling in the default pose
 *    (Muscle::extendPostScale), which a uniform scale makes exactly s_L;
 *  - max isometric force, pennation angle, max contraction velocity unchanged (OpenSim's
 *    scaling never touches them);
 *  - PointActuator points fixed in a body × s_L, so a residual force placed at the pelvis centre
 *    of mass stays at it (OpenSim's PointActuator has no scale step of its own that we found;
 *    here we depart from it on purpose).
 * Ground is not scaled (OpenSim has no scale factors for it): frames, path points and actuator
 * points fixed in ground stay, and so do the translational axes of joints whose parent is
 * ground. Untouched as well: gravity, coordinate ranges and defaults, conditional path point
 * ranges, reserve optimal forces, control bounds.
 *  - wrap objects fixed in a body: their origin × s_L and every dimension × s_L (radius, length,
 *    semi-axes, torus radii), what OpenSim's WrapObject::scale and the shapes' extendScale give
 *    for one factor on every axis.
 *
 * With s_L = s_M = 1 the model is unchanged bit for bit.
 */
#ifndef HIPLOAD_SCALE_H
#define HIPLOAD_SCALE_H

#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Height, m, taken for the embedded sample model (hipload/sample.h) when `hipload analyze`
 * scales it to --height: length factor = height / HL_SAMPLE_HEIGHT_M. Hamner, Seth & Delp
 * (2010) do not report subject02's height and the OpenSim files carry none; 1.80 m is the
 * height usually quoted for the generic gait2392 model the subject model was scaled from.
 * docs/analyze.md gives what the data say about it. */
#define HL_SAMPLE_HEIGHT_M 1.80

/* Scale model m in place: lengths × length_factor, masses × mass_factor (see above). Call it
 * after loading (and after adding force-set files) and before the model is shared.
 * Errors: HL_ERR_INVALID_ARG (m NULL), HL_ERR_BAD_VALUE (a factor not finite or ≤ 0),
 * HL_ERR_UNSUPPORTED (a function is shared between a length that scales and an angle that
 * does not); on error the model is unchanged. */
hl_status hl_model_scale(hl_model *m, double length_factor, double mass_factor, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
