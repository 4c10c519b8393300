/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the model's force elements besides the muscles' force curves (muscle.h), per frame:
 * CoordinateLimitForce (passive generalized forces and their energy), the lines of action of the
 * non-muscle actuators, and the generalized forces of given actuator forces.
 *
 * Static optimization (so.h) counts the passive forces as known; the joint reaction's forward
 * dynamics (reaction.h) applies all of them.
 *
 * Thread safety: every function only reads the model and the kinematics workspace it is given and
 * writes its outputs; any number of threads may call them on their own outputs.
 */
#ifndef HIPLOAD_FORCE_H
#define HIPLOAD_FORCE_H

#include <stddef.h>

#include "hipload/kin.h"
#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The generalized force of CoordinateLimitForce i at (q, q̇) (N·m or N) and, when pe is not NULL,
 * its spring's potential energy (J) — the two values OpenSim records for it. q, qd: nq (qd may be
 * NULL: no damping). */
HL_API double hl_force_limit(const hl_model *m, int i, const double *q, const double *qd,
                             double *pe);

/* Generalized forces of the model's passive elements (every CoordinateLimitForce) at (q, q̇),
 * added into tau[nq]. */
HL_API void hl_force_passive(const hl_model *m, const double *q, const double *qd, double *tau);

/* Line of action of non-muscle actuator a in ground, at the kinematics in d: a PointActuator's
 * application point (m) and unit direction; a TorqueActuator's unit axis in dir (point unused); a
 * CoordinateActuator has none (both copied from the model unchanged). */
HL_API void hl_force_actuator_line(const hl_model *m, const hl_data *d, int a, double point[3],
                                   double dir[3]);

/* Doubles of scratch hl_force_generalized needs (4·nq + 1). */
HL_API size_t hl_force_scratch_size(const hl_model *m);

/* Generalized forces, added into tau[nq], of given actuator forces at the kinematics in d (after
 * hl_kin_update and hl_muscle_update): muscle tensions mus_force (nmuscle, N, may be NULL) along
 * their paths, and non-muscle actuator forces act_force (nactuator, N or N·m, may be NULL).
 * scratch: hl_force_scratch_size(m) doubles. */
HL_API void hl_force_generalized(const hl_model *m, double *scratch, const hl_data *d,
                                 const double *mus_force, const double *act_force, double *tau);

#ifdef __cplusplus
}
#endif
#endif
