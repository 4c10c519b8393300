/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — induced contributions: what every force does to the joint contact forces, through
 * the ground as well.
 *
 * Per frame, the measured ground reaction on each foot in contact is replaced by contact
 * constraints, and for every contributor k the constrained equations of motion
 *     M ẍ_k = τ_k + Cᵀ λ_k,     C ẍ_k = β_k
 * are solved (docs/induced.md; design note: ../shared/design/induced-contributions.md). ẍ_k are
 * the accelerations it induces, λ_k the ground reaction it induces on the feet, and its joint
 * reaction is the joint-reaction pass of jr.h run on (ẍ_k, λ_k, its own applied forces) —
 * the same code and conventions (on body, in frame, point) as the JointReaction output.
 *
 * Contributors, in this order: every muscle and every non-muscle actuator (model order), gravity,
 * velocity (the velocity products at the real speeds, and the constraints' velocity terms),
 * every CoordinateLimitForce, then three bookkeeping terms that make the parts add up exactly to
 * the total reaction computed with the measured ground force:
 *  - contact_mismatch: τ = 0, β = C q̈* + Ċu — the part of the measured ground reaction that the
 *    rigid contact model cannot explain (q̈* are the accelerations the total uses);
 *  - dynamic_residual: the generalized force M q̈* + c − τ_g − Σ τ − J_extᵀ w_meas, a mobility force
 *    (zero to round-off when q̈* comes from forward dynamics, as OpenSim's JointReaction does);
 *  - unmodelled_grf: the measured external loads the contact model does not carry (the free
 *    moment's horizontal part under the rolling model, feet below the force threshold, loads on
 *    other bodies), applied as they are.
 * Each contributor sees zero speeds except velocity; gravity acts only in gravity.
 *
 * Contact models, per foot in contact (|measured force| > force_threshold): the contact point P
 * is the material point of the foot body at the measured centre of pressure.
 *  - rolling (default): P has no acceleration and the foot does not spin about the floor normal —
 *    OpenSim's RollingOnSurfaceConstraint at an instant (4 rows, acceleration terms as Simbody's
 *    PointInPlane, NoSlip1D and ConstantAngle); carries a force at P and a free moment about the
 *    normal;
 *  - point: P has no acceleration (3 rows);
 *  - weld: P has no acceleration and the foot no angular acceleration (6 rows).
 * The constraint rows of all feet in contact are solved together (double support: a closed chain).
 * Rank-deficient rows (an over-constrained foot) are solved in minimum norm and flagged; flight
 * (no foot in contact) has no rows.
 *
 * Nothing is allocated per frame: hl_induced_create sizes everything once; use one workspace per
 * thread. Results are the same bits on every thread and run.
 *
 * Thread safety: a workspace belongs to one thread at a time; the model and the loads are only
 * read. hl_frame_step runs this per frame when hl_frame_settings.induced is set (frame.h).
 */
#ifndef HIPLOAD_INDUCED_H
#define HIPLOAD_INDUCED_H

#include "hipload/extloads.h"
#include "hipload/invdyn.h"
#include "hipload/model.h"
#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_contact_model {
  HL_CONTACT_ROLLING = 0,
  HL_CONTACT_POINT,
  HL_CONTACT_WELD
} hl_contact_model;

#define HL_INDUCED_MAX_FEET 4
/* Default force threshold, N: Hamner, Seth & Delp (2010)'s InducedAccelerations setup. */
#define HL_INDUCED_THRESHOLD 15.0

typedef struct hl_induced_settings {
  hl_contact_model contact;   /* default HL_CONTACT_ROLLING */
  double force_threshold;     /* N; a foot is constrained when |measured force| > this (default
                                 HL_INDUCED_THRESHOLD) */
  double normal[3];           /* floor normal in ground; all zero (default): opposite to gravity,
                                 (0, 1, 0) without gravity. The floor's tangents are the ground
                                 x axis and normal × x made orthogonal to it (x, z for +Y up). */
  double cop_max_distance;    /* m; a centre of pressure farther than this from the foot body's
                                 origin is not used: the foot is left unconstrained, its load goes
                                 to unmodelled_grf and the frame is flagged (default 0.4) */
  /* OpenSim's total mode: after solving the total (every force, gravity, velocity), a rolling
   * foot whose normal force is ≤ 0 is released, its no-slip rows are dropped when the tangential
   * force exceeds friction × normal, and its no-spin row when minus the free moment exceeds
   * contact_radius × friction × normal; the reduced rows hold for every contributor. 0 (default):
   * no switching (hipload's own analysis; OpenSim's potentials mode). */
  int opensim_unilateral;
  double friction;            /* default 0.5 (OpenSim's default friction_coefficient) */
  double contact_radius;      /* m, default 0.01 (OpenSim's default) */
} hl_induced_settings;

HL_API void hl_induced_settings_defaults(hl_induced_settings *s);

/* A joint to analyse, as JointReaction names it: the reaction on its child (on_parent = 0) or
 * parent (1), expressed in body `frame` (0 = ground), at the joint centre on that body. */
typedef struct hl_induced_joint {
  int joint, on_parent, frame;
} hl_induced_joint;

/* The measured ground reaction on one foot at this frame, all in ground. */
typedef struct hl_induced_foot {
  int body;           /* the body it acts on (calcn) */
  double force[3];    /* N, applied to the foot */
  double point[3];    /* m: centre of pressure */
  double torque[3];   /* N·m: free moment */
} hl_induced_foot;

/* The measured loads of ExternalLoads x at time tm as feet, one per ExternalForce in the file's
 * order (OpenSim's InducedAccelerations pairs its i-th contact constraint with the i-th
 * ExternalForce): body = applied_to_body, force and free moment rotated to ground, point = the
 * centre of pressure in ground (the body origin when the force has no point columns, as OpenSim's
 * ExternalForce). d holds the pose. Returns the number of ExternalForces (at most max written). */
HL_API int hl_induced_feet(const hl_model *m, const hl_data *d, const hl_extloads *x,
                    const hl_invdyn_extmap *map, double tm, hl_induced_foot *feet, int max);

/* The inputs of one frame besides the kinematics in d. */
typedef struct hl_induced_input {
  const double *mus_force;      /* nmuscle tensions, N (NULL: zero) */
  const double *act_force;      /* nactuator forces, N or N·m (NULL: zero) */
  const hl_induced_foot *foot;  /* nfoot ≤ HL_INDUCED_MAX_FEET measured foot loads */
  int nfoot;
  /* 1: d holds the accelerations q̈* of the total reaction and ext the measured external loads
   * (6 per body: force, moment about the body origin, ground; invdyn.h) — the total reaction and
   * the three bookkeeping terms are computed, and the parts add up to the total. 0: no total
   * (e.g. per-newton potentials); the bookkeeping terms are zero. */
  int total;
  const double *ext;
} hl_induced_input;

typedef enum hl_induced_kind {
  HL_IC_MUSCLE = 0,
  HL_IC_ACTUATOR,
  HL_IC_GRAVITY,
  HL_IC_VELOCITY,
  HL_IC_PASSIVE,
  HL_IC_MISMATCH,
  HL_IC_RESIDUAL,
  HL_IC_UNMODELLED
} hl_induced_kind;

/* Per-foot status of a frame. */
#define HL_FOOT_CONTACT 1           /* constrained */
#define HL_FOOT_BELOW_THRESHOLD 2   /* |force| ≤ force_threshold */
#define HL_FOOT_COP_FAR 4           /* COP farther than cop_max_distance: not constrained */
#define HL_FOOT_NO_SLIP_OFF 8       /* opensim_unilateral dropped the no-slip rows */
#define HL_FOOT_NO_SPIN_OFF 16      /* opensim_unilateral dropped the no-spin row */
#define HL_FOOT_RELEASED 32         /* opensim_unilateral released the foot (normal force ≤ 0) */
#define HL_FOOT_BAD_INPUT 64        /* non-finite force, point or torque: not constrained */

typedef struct hl_induced_result {
  int ncontrib, njoint, nfoot, nrow;
  int rank;                  /* rank of the contact rows (== nrow unless rank_deficient) */
  int rank_deficient;        /* the rows were solved in minimum norm */
  double min_pivot;          /* smallest pivot of the scaled contact matrix C M⁻¹ Cᵀ (1 = rows
                                orthogonal in the mass metric, 0 = dependent); 1 without rows */
  int foot_flags[HL_INDUCED_MAX_FEET];
  /* per contributor k (ncontrib × ...): */
  const double *jr;          /* njoint × 6: its joint reaction, force (N) then moment (N·m), on
                                the joint's body, in its frame, at its point (JointReaction) */
  const double *jr_direct;   /* njoint × 6: the part from its own forces acting across the joint
                                (muscles, point/torque actuators; zero for the others); jr − jr_direct
                                is the part through the induced accelerations and ground reaction */
  const double *grf;         /* HL_INDUCED_MAX_FEET × 6 (the first nfoot used): the ground
                                reaction it induces on each foot, force (N) and moment about the
                                contact point (N·m), ground (zero when the foot is not
                                constrained) */
  const double *com_acc;     /* 3: the whole-body centre-of-mass acceleration it induces, m/s² */
  /* total (input.total = 1): njoint × 6, the JointReaction output's values; else zero */
  const double *jr_total;
} hl_induced_result;

typedef struct hl_induced hl_induced;

/* A workspace for model m (s NULL: defaults) and the joints to analyse (njoint ≥ 0), into *out.
 * Errors: HL_ERR_INVALID_ARG (NULL, a joint or frame out of range, a bad setting), HL_ERR_NOMEM. */
HL_API hl_status hl_induced_create(const hl_model *m, const hl_induced_settings *s,
                                   const hl_induced_joint *joints, int njoint, hl_induced **out,
                                   hl_error *err);
HL_API void hl_induced_free(hl_induced *w);

HL_API int hl_induced_ncontrib(const hl_induced *w);
/* Contributor k's kind and its index among muscles / actuators / CoordinateLimitForces. */
HL_API hl_induced_kind hl_induced_kind_of(const hl_induced *w, int k, int *index);
/* Its name: the muscle's, actuator's or CoordinateLimitForce's, or "gravity", "velocity",
 * "contact_mismatch", "dynamic_residual", "unmodelled_grf". NULL when k is out of range. */
HL_API const char *hl_induced_name(const hl_model *m, const hl_induced *w, int k);

/* One frame. d must hold hl_kin_update with q, the real speeds q̇ and (input.total) the total's
 * accelerations q̈*, and hl_muscle_update. res (may be NULL) receives pointers into w, valid
 * until the next call. Errors: HL_ERR_INVALID_ARG (NULL, workspace of another model, nfoot out of
 * range, a foot body out of range), HL_ERR_SINGULAR (the mass matrix is not positive definite),
 * HL_ERR_BAD_VALUE (a non-finite result: err names the contributor). Never allocates. */
HL_API hl_status hl_induced_frame(const hl_model *m, hl_induced *w, const hl_data *d,
                                  const hl_induced_input *in, hl_induced_result *res, hl_error *err);

/* The accelerations of all coordinates (nq, model order; locked coordinates 0) contributor k
 * induced in the last frame (d unchanged since). One extra solve. Errors: HL_ERR_INVALID_ARG. */
HL_API hl_status hl_induced_qdd(const hl_model *m, hl_induced *w, const hl_data *d, int k,
                                double *qdd, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
