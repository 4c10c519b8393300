/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — one frame of the pipeline, in one call.
 *
 *   kinematics → muscle geometry → inverse dynamics → static optimization (or forces given by the
 *   caller, or read from a table) → forward-dynamics accelerations → joint reactions → each
 *   muscle's and each group's direct contribution to them → induced contributions (every force's
 *   share through the accelerations and the ground reaction it induces)
 *
 * Everything that runs frames goes through hl_frame_step: the AnalyzeTool adapter (analyze.h),
 * the trial (trial.h), the batch (batch.h) and the benchmark, so they produce the same numbers
 * bit for bit.
 *
 *   hl_frame_settings s;
 *   hl_frame_settings_defaults(&s);          (static optimization, no joints)
 *   hl_frame_joint hip = {hip_joint, 0, femur_body};
 *   s.loads = loads; s.njoint = 1; s.joint = &hip;
 *   hl_frame *w = NULL;
 *   if (hl_frame_create(m, &s, &w, &err)) ...;
 *   for each frame: hl_frame_input in = {t, q, qd, qdd, NULL, NULL};
 *                   hl_frame_result r;
 *                   if (hl_frame_step(m, w, &in, &r, &err)) ...;
 *                   r.reaction[0].f, r.group_contrib, r.so.outcome ...
 *   hl_frame_free(w);
 *
 * Memory: hl_frame_create sizes everything one frame needs from the model and the settings (one
 * arena for the frame's own arrays, plus the kinematics, inverse-dynamics, static-optimization
 * and joint-reaction workspaces it owns). hl_frame_step never allocates. The arrays of a result
 * live in the workspace: they hold the last step's values until the next hl_frame_step or
 * hl_frame_free on that workspace; the per-workspace arrays (group names, crossing tables) until
 * hl_frame_free.
 *
 * Conventions of the result (SI units; every field below states its shape and unit):
 *  - Actuators: nact = nmuscle + nactuator, muscles first in model order, then the model's
 *    non-muscle actuators (CoordinateActuator, PointActuator, TorqueActuator) in model order.
 *  - Joint reactions follow OpenSim's JointReaction (reaction.h): the load joint
 *    settings.joint[j].joint applies ON body reaction[j]'s body (its child, or its parent with
 *    on_parent), EXPRESSED IN body settings.joint[j].frame (0 = ground), acting at the joint
 *    centre on that body; the point p is given in the same frame relative to its origin.
 *  - A contribution is a 6-vector in the same body, frame and point as its reaction: force (N)
 *    then moment (N·m) about p. Muscle i's direct contribution to reaction j is minus its pull on
 *    the child side along the path segment(s) that cross the joint (zero when its path does not
 *    cross); a group's is the sum over its muscles. Intersegmental + Σ muscles + actuators =
 *    reaction, exactly (the parts are in hl_jr_result).
 *
 * Thread safety: a workspace belongs to one thread at a time. The model, and what the settings
 * point to (loads, forces table, groups), are only read: many workspaces on many threads may
 * share them, and must not outlive them. Same inputs, bit-identical results on any thread.
 */
#ifndef HIPLOAD_FRAME_H
#define HIPLOAD_FRAME_H

#include "hipload/extloads.h"
#include "hipload/groups.h"
#include "hipload/induced.h"
#include "hipload/model.h"
#include "hipload/jr.h"
#include "hipload/so.h"
#include "hipload/status.h"
#include "hipload/table.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the actuator forces of a frame come from. */
typedef enum hl_frame_forces {
  HL_FRAME_FORCES_SO = 0, /* static optimization against the inverse-dynamics forces (default) */
  HL_FRAME_FORCES_GIVEN,  /* the caller's hl_frame_input.force, every frame */
  HL_FRAME_FORCES_TABLE,  /* settings.forces_table, linearly interpolated at the frame time; its
                             columns are named as the model's muscles and actuators (OpenSim's
                             StaticOptimization force file), other columns are not read */
  HL_FRAME_FORCES_NONE    /* none: kinematics and muscle geometry only (no joints allowed) */
} hl_frame_forces;

/* One joint reaction to compute. */
typedef struct hl_frame_joint {
  int joint;     /* model joint index */
  int on_parent; /* 0: the load on the joint's child body; 1: on its parent body */
  int frame;     /* body the vectors are expressed in, 0 = ground */
} hl_frame_joint;

typedef struct hl_frame_settings {
  hl_frame_forces forces;       /* default HL_FRAME_FORCES_SO */
  hl_so_settings so;            /* static optimization (hl_so_settings_defaults) */
  const hl_table *forces_table; /* HL_FRAME_FORCES_TABLE: the forces (N, N·m); read every frame */
  const char *forces_table_name; /* its file, for messages (may be NULL) */
  const hl_extloads *loads;     /* external loads, NULL when none; read every frame */
  int record_loads;             /* 1: the result also holds each external force as OpenSim's
                                   ForceReporter records it (loads_record); default 0 */
  int njoint;                   /* joint reactions to compute (0: no forward dynamics, no
                                   reactions; default 0) */
  const hl_frame_joint *joint;  /* njoint entries (copied by hl_frame_create) */
  int contributions;            /* 1 (default): each muscle's and each group's contribution to
                                   every reaction */
  const hl_groups *groups;      /* muscle groups for the group sums (copied by hl_frame_create);
                                   NULL (default): the anatomical groups of hl_groups_default */
  int allow_unsupported;        /* 1: every wrap object is ignored, the paths run straight
                                   (for comparisons only; default 0: wrapped as OpenSim 4.6) */
  int induced;                  /* 1 (default): induced contributions to every reaction — each
                                   contributor's share through the accelerations and the ground
                                   reaction it induces (induced.h, docs/induced.md); computed when
                                   njoint > 0. The feet are the ExternalForces of `loads` (at most
                                   HL_INDUCED_MAX_FEET), each a contact candidate on the body it is
                                   applied to; without loads every frame is flight */
  hl_induced_settings induced_settings; /* contact model, force threshold, ... (defaults:
                                   hl_induced_settings_defaults) */
} hl_frame_settings;

/* Defaults as stated above. */
HL_API void hl_frame_settings_defaults(hl_frame_settings *s);

/* The state of one frame. */
typedef struct hl_frame_input {
  double time;         /* s: external loads and the forces table are evaluated here */
  const double *q;     /* nq (model order), rad or m */
  const double *qd;    /* nq, rad/s or m/s */
  const double *qdd;   /* nq, rad/s² or m/s²: the kinematic accelerations inverse dynamics uses */
  const double *ext;   /* 6·nbody external body wrenches (invdyn.h convention: force, then moment
                          about the body origin, in ground), or NULL: from settings.loads at
                          `time` (zero without loads) */
  const double *force; /* HL_FRAME_FORCES_GIVEN: nact actuator forces (N, N·m); else unused */
} hl_frame_input;

/* Bits of hl_frame_result.flags. */
enum {
  HL_FRAME_SO_LEAST_SQUARES = 1,   /* the actuators could not meet the inverse-dynamics forces:
                                      static optimization minimized the residual instead */
  HL_FRAME_SO_ITERATION_LIMIT = 2, /* static optimization stopped at its iteration limit: the
                                      forces are its last iterate (the exact optimum when the
                                      barrier point of OpenSim's stopping rule failed) */
  HL_FRAME_INDUCED_RANK_DEFICIENT = 4, /* the contact rows were dependent (an over-constrained
                                      foot): solved in minimum norm (induced_foot_flags say which) */
  HL_FRAME_INDUCED_FOOT_UNUSED = 8 /* a foot loaded above the force threshold was not constrained
                                      (centre of pressure too far from the foot, or a non-finite
                                      load): its load went to unmodelled_grf */
};

/* What one frame computed. Arrays live in the workspace (see Memory above); a NULL array was
 * not computed under the settings. */
typedef struct hl_frame_result {
  /* sizes */
  int nq;                  /* coordinates */
  int nbody;               /* bodies, ground included */
  int nmuscle, nactuator;  /* nact = nmuscle + nactuator */
  int nlimit;              /* CoordinateLimitForce elements */
  int nload;               /* external forces of settings.loads (0 without) */
  int njoint;              /* reactions, in settings.joint order */
  int ngroup;              /* muscle groups */
  double time;             /* s, the input's */

  const hl_data *data;     /* the kinematics of the frame: poses, velocities, muscle lengths,
                              speeds and moment arms (model.h); its accelerations are qdd's when
                              reactions were computed, else the input's */
  const double *ext;       /* 6·nbody: external body wrenches used (N, N·m; invdyn.h) */
  const double *loads_record; /* nload × 9 (record_loads): force (N, ground), point (m, in the body
                              it is applied to), torque (N·m, ground) of each external force */
  const double *limit_force;  /* nlimit: generalized force of each CoordinateLimitForce at (q, q̇),
                              N·m or N (NULL when nlimit = 0) */
  const double *limit_energy; /* nlimit: its spring's potential energy, J */

  /* inverse dynamics and static optimization (forces = HL_FRAME_FORCES_SO) */
  const double *tau;       /* nq: inverse-dynamics generalized forces, N·m or N (NULL unless SO) */
  const double *control;   /* nact: muscle activations and actuator controls (NULL unless SO) */
  hl_so_info so;           /* the solve: outcome, iterations, residual, active bounds, largest
                              reserve (zeros unless SO) */

  /* forces */
  const double *force;     /* nact: the actuator forces the reactions use: N for muscles and point
                              actuators, N·m for torque actuators, N or N·m for coordinate
                              actuators (SO's, the caller's or the table's; NULL with
                              HL_FRAME_FORCES_NONE) */

  /* forward dynamics and joint reactions (njoint > 0) */
  const double *qdd;       /* nq: accelerations under `force`, external loads, gravity and the
                              passive elements (locked coordinates 0), rad/s² or m/s²; the
                              reactions use them, as OpenSim's JointReaction does */
  const hl_jr_result *reaction; /* njoint: total, intersegmental, actuator and muscle parts */

  /* direct contributions (contributions = 1 and njoint > 0) */
  const double *muscle_contrib; /* njoint × nmuscle × 6: muscle i's contribution to reaction j at
                                   [(j·nmuscle + i)·6]: force (N), moment about p (N·m) */
  const double *group_contrib;  /* njoint × ngroup × 6: the sums over each group's muscles */
  const int *muscle_crosses;    /* njoint × nmuscle: 1 when muscle i has path points on both
                                   sides of joint j (in the model; per workspace) */
  const int *group_crosses;     /* njoint × ngroup: 1 when a muscle of group g crosses joint j */
  const char *const *group_name; /* ngroup group names (per workspace) */
  const int *muscle_group;      /* nmuscle: group of each muscle (per workspace) */

  /* induced contributions (settings.induced and njoint > 0; else 0 and NULL). Contributors in
   * induced.h's order: muscles, non-muscle actuators, gravity, velocity, CoordinateLimitForces,
   * contact_mismatch, dynamic_residual, unmodelled_grf. Each contributor's part of reaction j is
   * in the same body, frame and point, force (N) then moment (N·m); over all contributors they
   * sum to reaction[j] (to round-off). */
  int ncontributor;
  const char *const *contributor_name; /* ncontributor (per workspace) */
  const int *contributor_kind;         /* ncontributor: hl_induced_kind (per workspace) */
  const double *induced;               /* njoint × ncontributor × 6: at [(j·ncontributor + k)·6] */
  const double *induced_direct;        /* njoint × ncontributor × 6: the part from its own forces
                                          acting across the joint (= its direct contribution;
                                          zero for non-forces); induced − direct is the part
                                          through the motion and the ground */
  const double *induced_group;         /* njoint × ngroup × 6: the sums over each group's muscles
                                          (all of them, crossing or not) */
  int nfoot;                           /* contact candidates: settings.loads' ExternalForces */
  const int *foot_body;                /* nfoot (per workspace) */
  const int *induced_foot_flags;       /* nfoot: HL_FOOT_* bits (induced.h) */
  int induced_rows, induced_rank;      /* contact rows of the frame and their rank */
  const double *induced_grf;           /* ncontributor × HL_INDUCED_MAX_FEET × 6 (the first nfoot
                                          used): the ground reaction each contributor induces on
                                          each foot, force (N) and moment about the contact point
                                          (N·m), ground */
  const double *induced_com;           /* ncontributor × 3: the whole-body centre-of-mass
                                          acceleration each induces, m/s², ground */

  /* checks */
  int flags;               /* HL_FRAME_* bits */
  int nwarning;            /* warnings of this frame (status.h): not yet issued by this version */
  const hl_warning *warning; /* nwarning */
} hl_frame_result;

typedef struct hl_frame hl_frame; /* per-thread workspace for one model and one settings */

/* Make a workspace for model m under settings s (NULL: defaults). Checks the settings against
 * the model: joint and frame indices, the forces table's columns (HL_ERR_NOT_FOUND names the
 * table and the missing actuator), the groups' muscle count, the external loads' bodies.
 * Errors: HL_ERR_INVALID_ARG, HL_ERR_NOT_FOUND, HL_ERR_UNSUPPORTED (induced with more
 * ExternalForces than HL_INDUCED_MAX_FEET), HL_ERR_NOMEM. */
HL_API hl_status hl_frame_create(const hl_model *m, const hl_frame_settings *s, hl_frame **out,
                                 hl_error *err);
HL_API void hl_frame_free(hl_frame *w);

/* The sizes and the per-workspace arrays of a result (group names and map, crossing tables),
 * without running a frame: what a caller needs to lay out its own records first. The per-frame
 * arrays are NULL. */
HL_API void hl_frame_describe(const hl_frame *w, hl_frame_result *out);

/* Run one frame (m must be the workspace's model). Solver outcomes are results, not errors
 * (result.so.outcome, result.flags). Errors: HL_ERR_INVALID_ARG (NULL, another model),
 * HL_ERR_BAD_VALUE (a non-finite
 * input or result; the message names it and the time), HL_ERR_SINGULAR (mass matrix). Never
 * allocates. */
HL_API hl_status hl_frame_step(const hl_model *m, hl_frame *w, const hl_frame_input *in,
                               hl_frame_result *out, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
