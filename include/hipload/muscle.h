/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscle force curves for static optimization (rigid tendon, no passive force).
 *
 * Force per unit activation along the tendon, as OpenSim's StaticOptimization with
 * use_muscle_physiology: F0 · f_L(l̃) · f_V(ṽ) · cos(α), where the fibre length follows from the
 * path length with a rigid tendon, l_f = sqrt((l_MT − l_TS)² + (l_opt sin α0)²), and
 * α = asin(l_opt sin α0 / l_f).
 */
#ifndef HIPLOAD_MUSCLE_H
#define HIPLOAD_MUSCLE_H

#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Thelen 2003 active force-length (Gaussian, shape factor gamma) and force-velocity (inverted
 * Hill curve with Af and Flen), normalized fibre length / velocity in lopt and lopt·vmax units. */
double hl_thelen_active_fl(double lnorm, double kshape_active);
double hl_thelen_fv(double vnorm, double af, double flen);

/* Millard 2012 active force-length and force-velocity curves (quintic Bézier segments) built
 * from the parameters in model->mus_curve (see model.h). */
double hl_millard_active_fl(const double *curve, double lnorm);
double hl_millard_fv(const double *curve, double vnorm);

/* Force per unit activation along the tendon (N) for muscle i given its path length (m) and
 * lengthening speed (m/s). use_physiology = 0 returns F0. Optional outputs (may be NULL):
 * normalized fibre length, normalized fibre velocity, pennation angle. */
double hl_muscle_force_per_activation(const hl_model *m, int i, double len, double speed,
                                      int use_physiology, double *lnorm, double *vnorm,
                                      double *alpha);

#ifdef __cplusplus
}
#endif
#endif
