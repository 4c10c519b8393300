/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — static optimization per frame, with OpenSim's StaticOptimization semantics.
 *
 * Unknowns: one control per actuator, muscles first (model order), then the model's non-muscle
 * actuators (CoordinateActuator, PointActuator, TorqueActuator, model order).
 *   minimize  Σ |x_k|^p
 *   subject to  Σ_k A[:,k] x_k = τ_ID − τ_passive   on every unlocked coordinate
 *               min_control_k ≤ x_k ≤ max_control_k
 * A[:,k] is the generalized force of actuator k per unit control: a muscle's moment arms times
 * its force per unit activation (F0·f_L·f_V·cos α with a rigid tendon and no passive force when
 * use_muscle_physiology, else F0); a CoordinateActuator's optimal force on its coordinate;
 * a PointActuator's optimal force mapped by the point Jacobian; a TorqueActuator's optimal force
 * mapped by the angular Jacobians of body A (+) and body B (−). τ_passive holds the model's
 * other forces (CoordinateLimitForce, force.h), which OpenSim counts as known.
 *
 * Thread safety: one hl_so workspace per thread (it keeps the last frame's active set as the next
 * one's start); the model is only read.
 */
#ifndef HIPLOAD_SO_H
#define HIPLOAD_SO_H

#include "hipload/kin.h"
#include "hipload/model.h"
#include "hipload/qp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_so_settings {
  double exponent;           /* p of Σ|x|^p, > 1 (default 2, OpenSim's activation_exponent) */
  int use_muscle_physiology; /* default 1 */
  hl_qp_settings qp;         /* solver settings (exponent copied into qp.p) */
  /* 0 (default): the exact optimum. > 0: the point of the log-barrier central path at this μ
   * (−μ Σ ln of the distances to the bounds added to the cost, in the units of Σ|x|^p), which is
   * where an interior-point optimizer stops. OpenSim's IPOPT stops near μ = 0.3 × its
   * convergence criterion (hl_so_opensim_mu); muscles the exact optimum leaves at a bound then
   * carry a few newtons. The exact optimum is solved first and is the start. */
  double barrier_mu;
  int barrier_max_iter;      /* Newton steps allowed for the barrier point (default 200; the
                                AnalyzeTool adapter sets optimizer_max_iterations, the limit of
                                the interior-point iterations the barrier point stands for) */
} hl_so_settings;

/* OpenSim's default StaticOptimization optimizer_convergence_criterion. */
#define HL_SO_OPENSIM_CRITERION 1e-4

/* The barrier μ at which OpenSim's StaticOptimization (IPOPT) ends for a given
 * optimizer_convergence_criterion: 0.3 × criterion, measured on three OpenSim reference sets
 * (docs/so-opensim.md). */
HL_API double hl_so_opensim_mu(double convergence_criterion);

HL_API void hl_so_settings_defaults(hl_so_settings *s);

/* What one frame's solve did. */
typedef struct hl_so_info {
  hl_qp_outcome outcome;     /* HL_QP_OPTIMAL; HL_QP_LEAST_SQUARES when τ could not be met within
                                the bounds; HL_QP_ITERATION_LIMIT when the solver, or the barrier
                                point (barrier_mu > 0, whose answer is then the exact optimum),
                                stopped at its limit */
  int iterations;            /* solver iterations (with barrier_mu: plus the Newton steps) */
  double residual;           /* max |A x − τ| over the constrained coordinates, N·m or N */
  int n_active;              /* bounds active at the answer (with barrier_mu: at the exact
                                optimum the barrier point stands in for) */
  double reserve_max;        /* largest |generalized force| a non-muscle actuator carried */
  int reserve_max_index;     /* which actuator (index into model actuators), -1 when none */
} hl_so_info;

typedef struct hl_so hl_so;  /* per-thread workspace for one model */

/* s NULL: defaults. Errors: HL_ERR_INVALID_ARG, HL_ERR_NOMEM. */
HL_API hl_status hl_so_create(const hl_model *m, const hl_so_settings *s, hl_so **out, hl_error *err);
HL_API void hl_so_free(hl_so *so);

/* Number of unknowns (nmuscle + nactuator). */
HL_API int hl_so_size(const hl_so *so);

/* Solve one frame. `d` must hold hl_kin_update (with q̇) and hl_muscle_update for the frame;
 * tau_id[nq] are the inverse-dynamics generalized forces. Outputs (n = hl_so_size):
 * control[n] (activations for muscles), force[n] (N for muscles and point actuators, N·m for
 * torque actuators, N or N·m for coordinate actuators). How the solve ended is info->outcome
 * (an answer in least squares or at the iteration limit is not an error). Errors:
 * HL_ERR_INVALID_ARG (NULL, a workspace of another model), HL_ERR_BAD_VALUE (a non-finite
 * inverse-dynamics force or matrix entry; err names it). Does not allocate. */
HL_API hl_status hl_so_solve(const hl_model *m, hl_so *so, const hl_data *d, const double *tau_id,
                             double *control, double *force, hl_so_info *info, hl_error *err);

/* Per unit control, the generalized force of every actuator (nq × n, row-major) as used in the
 * last solve — the caller may want it for checks. Formed on request inside the workspace: like
 * every call on one hl_so, not from two threads at once. */
HL_API const double *hl_so_matrix(const hl_so *so);

#ifdef __cplusplus
}
#endif
#endif
