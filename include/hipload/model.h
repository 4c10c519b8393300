/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the musculoskeletal model, read-only after loading.
 *
 * After MuJoCo: hl_model is built once (from an OpenSim .osim file or the embedded default),
 * completed (force sets, reserves, scaling) before it is shared, and never changes afterwards,
 * so any number of threads may share one. What a frame computes lives in per-thread workspaces
 * made from it (kin.h's hl_data, and the stage workspaces of so.h, jr.h, frame.h).
 *
 * Thread safety: loading and the functions that change a model (hl_model_add_force_set,
 * hl_model_add_reserves, hl_model_scale) need it to themselves; everything else only reads it.
 *
 * Conventions
 *  - SI units: m, kg, s, rad, N, N·m.
 *  - Index 0 of the bodies is ground. Rotations are 3×3 row-major; R_GB maps a vector expressed
 *    in body B to ground: v_G = R_GB · v_B.
 *  - Generalized coordinates are all the model's coordinates in model order (locked ones too),
 *    nq = m->ncoord. Speeds are their time derivatives (no quasi-velocities).
 *  - Jacobians are 6 × nq row-major: rows 0–2 angular velocity in ground, rows 3–5 linear
 *    velocity (in ground) of the body origin (or of the named point).
 */
#ifndef HIPLOAD_MODEL_H
#define HIPLOAD_MODEL_H

#include <stddef.h>

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HL_NAME_MAX 64 /* longest name kept, including the terminating NUL */

typedef struct hl_model hl_model;

/* ------------------------------------------------------------------ functions of coordinates */

typedef enum hl_func_type {
  HL_FUNC_CONSTANT = 0,   /* value = p[0] */
  HL_FUNC_LINEAR,         /* value = p[0]*x + p[1] (OpenSim LinearFunction coefficients) */
  HL_FUNC_SIMMSPLINE,     /* natural cubic spline through (x,y) as OpenSim's SimmSpline */
  HL_FUNC_NATCUBIC,       /* NaturalCubicSpline */
  HL_FUNC_POLYNOMIAL,     /* PolynomialFunction, coefficients highest power first as in the file */
  HL_FUNC_MULTIPLIER,     /* scale · (inner function), inner is another hl_function index */
  HL_FUNC_PIECEWISE_LINEAR
} hl_func_type;

/* Numbers of function f live in m->func_data[f.adr ...], laid out per type (n = f.n):
 *   CONSTANT          n = 1: {value}
 *   LINEAR            n = 2: {slope, intercept}            (OpenSim LinearFunction "coefficients")
 *   SIMMSPLINE,
 *   NATCUBIC          n knots: {x[n], y[n], b[n], c[n], d[n]} (5n numbers); on [x_i, x_{i+1}]
 *                     y(x) = y_i + b_i·dx + c_i·dx² + d_i·dx³, dx = x − x_i. The coefficients are
 *                     those of OpenSim's SimmSpline/NaturalCubicSpline (both use the same
 *                     Forsythe–Malcolm–Moler end conditions: third derivatives at the ends taken
 *                     from divided differences when n ≥ 4; n = 2 is a straight line; n = 3 uses
 *                     zero end right-hand sides, as OpenSim). Outside [x_0, x_{n-1}] the value is
 *                     extrapolated linearly with the end slope (b_0 or b_{n-1}), second derivative 0.
 *   POLYNOMIAL        n coefficients {a[n]}, highest power first: y = a_0 x^{n-1} + ... + a_{n-1}
 *   PIECEWISE_LINEAR  n knots: {x[n], y[n]}; linear between knots, extrapolated with the end
 *                     segment's slope; second derivative 0.
 *   MULTIPLIER        n = 0, no numbers: y = scale · func[inner](x).
 * A 1-knot spline is stored as a constant. */
typedef struct hl_function {
  hl_func_type type;
  int n;          /* number of knots / coefficients */
  int adr;        /* first entry in model->func_data for this function's numbers */
  int inner;      /* MULTIPLIER: index of the inner function, else -1 */
  double scale;   /* MULTIPLIER: the multiplier, else 1 */
} hl_function;

/* Value, first and second derivative of function f at x. */
HL_API void hl_model_function_eval(const hl_model *m, int f, double x, double *y, double *dy,
                                   double *ddy);

/* ------------------------------------------------------------------------------- joints */

typedef enum hl_joint_type {
  HL_JOINT_CUSTOM = 0, /* SpatialTransform: 3 rotations then 3 translations, functions of q */
  HL_JOINT_PIN,
  HL_JOINT_WELD,
  HL_JOINT_BALL,
  HL_JOINT_UNIVERSAL,
  HL_JOINT_FREE,
  HL_JOINT_PLANAR,
  HL_JOINT_SLIDER
} hl_joint_type;

/* Every joint is stored as six transform axes (rotation1..3, translation1..3), as OpenSim's
 * CustomJoint; Pin/Ball/Free/... are converted to this form when loaded. Axis k (0..5) of joint j
 * is entry 6*j+k of the tax_* arrays. An axis with tax_ncoord == 0 is constant. */
#define HL_TAX_MAXCOORD 3

struct hl_model {
  /* sizes */
  int nbody;      /* bodies including ground (index 0) */
  int njoint;     /* joints; joint j has child body jnt_child[j] */
  int ncoord;     /* generalized coordinates = nq */
  int nmuscle;    /* muscles (Thelen2003, Millard2012, ...) */
  int nactuator;  /* non-muscle actuators: CoordinateActuator, PointActuator, TorqueActuator */
  int nlimit;     /* CoordinateLimitForce elements */
  int npathpt;    /* path points of all muscles */
  int nfunc;      /* functions in func[] */
  int nwrap;      /* wrap objects (WrapCylinder, WrapSphere, WrapEllipsoid, WrapTorus) */

  char name[128];       /* model name from the file */
  double gravity[3];    /* gravity in ground, m/s² */
  int format_version;   /* .osim document version (20302, 30000, 40000), 0 for embedded */

  /* bodies (nbody) */
  char (*body_name)[HL_NAME_MAX];
  double *body_mass;     /* kg */
  double *body_com;      /* 3 per body: centre of mass in body frame, m */
  double *body_inertia;  /* 9 per body: inertia about the COM in body axes, kg·m², row-major */
  int *body_parent;      /* parent body index, -1 for ground */
  int *body_joint;       /* joint whose child is this body, -1 for ground */

  /* joints (njoint) */
  char (*jnt_name)[HL_NAME_MAX];
  hl_joint_type *jnt_type;
  int *jnt_parent;        /* parent body */
  int *jnt_child;         /* child body */
  double *jnt_parent_R;   /* 9 per joint: joint frame on the parent, orientation in parent body */
  double *jnt_parent_p;   /* 3 per joint: joint frame on the parent, origin in parent body, m */
  double *jnt_child_R;    /* 9 per joint: joint frame on the child, orientation in child body */
  double *jnt_child_p;    /* 3 per joint: joint frame on the child, origin in child body, m
                             (the joint centre used by joint-reaction outputs) */
  int *jnt_coord_adr;     /* first coordinate of this joint */
  int *jnt_coord_num;     /* number of coordinates of this joint */

  /* transform axes (6 per joint) */
  double *tax_axis;       /* 3 per axis: unit axis in the joint's parent frame */
  int *tax_ncoord;        /* coordinates the axis function depends on (0..HL_TAX_MAXCOORD) */
  int *tax_coord;         /* HL_TAX_MAXCOORD per axis: coordinate indices */
  int *tax_func;          /* function index (1-argument functions). -1: the identity of
                             tax_coord[0] when tax_ncoord == 1, the constant 0 when tax_ncoord == 0;
                             a constant axis with a function has the value func(0). */

  /* coordinates (ncoord) */
  char (*coord_name)[HL_NAME_MAX];
  int *coord_joint;       /* owning joint */
  int *coord_rotational;  /* 1 rotational (rad), 0 translational (m) */
  double *coord_range;    /* 2 per coordinate: min, max */
  double *coord_default;  /* default value */
  int *coord_locked;      /* 1 when locked in the model file */
  int *coord_clamped;     /* 1 when clamped to its range */

  /* muscles (nmuscle) */
  char (*mus_name)[HL_NAME_MAX];
  int *mus_type;          /* hl_muscle_type */
  double *mus_f0;         /* max isometric force, N */
  double *mus_lopt;       /* optimal fibre length, m */
  double *mus_lts;        /* tendon slack length, m */
  double *mus_alpha0;     /* pennation angle at optimal fibre length, rad */
  double *mus_vmax;       /* max contraction velocity, optimal fibre lengths per second */
  double *mus_curve;      /* HL_MUS_NCURVE per muscle: curve parameters, see hl_muscle_type */
  double *mus_min_control;/* activation bounds for static optimization, after OpenSim 4.6's rules
                             (version upgrades, type defaults: docs/model.md) */
  double *mus_max_control;
  int *mus_path_adr;      /* first path point of the muscle in the pathpt arrays */
  int *mus_path_num;      /* number of path points (fixed, conditional, moving) */
  int *mus_has_wrap;      /* 1 when the path has PathWraps (mus_wrap_num > 0) */

  /* path points (npathpt) */
  int *pt_body;           /* body the point is fixed in */
  int *pt_type;           /* 0 fixed, 1 conditional, 2 moving */
  double *pt_pos;         /* 3 per point: location in body frame, m (fixed and conditional) */
  int *pt_cond_coord;     /* conditional: coordinate index, else -1 */
  double *pt_cond_range;  /* 2 per point: conditional active range [lo, hi] */
  int *pt_move_coord;     /* 3 per point: moving x/y/z coordinate index (-1: constant pt_pos) */
  int *pt_move_func;      /* 3 per point: moving x/y/z function index */

  /* non-muscle actuators (nactuator) */
  char (*act_name)[HL_NAME_MAX];
  int *act_type;          /* hl_actuator_type */
  double *act_optimal_force; /* N or N·m per unit control */
  double *act_min_control;
  double *act_max_control;
  int *act_coord;         /* CoordinateActuator: coordinate, else -1 */
  int *act_body;          /* Point/TorqueActuator: body (TorqueActuator: bodyA), else -1 */
  int *act_body_b;        /* TorqueActuator: bodyB (-1 ground / none) */
  double *act_point;      /* 3 per actuator: PointActuator point */
  double *act_direction;  /* 3 per actuator: PointActuator direction / TorqueActuator axis (unit) */
  int *act_point_global;  /* PointActuator point_is_global */
  int *act_dir_global;    /* force_is_global / torque_is_global */

  /* CoordinateLimitForce (nlimit) */
  char (*lim_name)[HL_NAME_MAX];
  int *lim_coord;
  double *lim_param;      /* 7 per element: upper_stiffness, upper_limit, lower_stiffness,
                             lower_limit, damping, transition, (unused) — SI (rad, N·m/rad) */

  /* wrap objects (nwrap): name and body; their geometry is in the wrapping block below */
  char (*wrap_name)[HL_NAME_MAX];
  int *wrap_body;

  /* function pool */
  hl_function *func;
  double *func_data;
  int nfunc_data;

  /* what the loader read but does not model (see docs/model.md) */
  int nforce_skipped;     /* ForceSet elements that are neither muscles, Coordinate/Point/
                             TorqueActuators nor CoordinateLimitForces (Ligament, PrescribedForce,
                             SpringGeneralizedForce, ...); also disabled muscles/actuators */
  int nconstraint;        /* enforced constraints in the ConstraintSet; the ncoupler
                             CoordinateCouplerConstraints among them are enforced by hipload,
                             the others are not */

  /* ---- muscle wrapping (lib/kin/wrap.c, lib/kin/muscle_path.c) and coordinate couplers
   * (lib/model/coupler.c). Arrays may be NULL in hand-built models when their count is 0. */
  /* wrap objects (nwrap), as OpenSim's WrapObject: a surface fixed in body wrap_body */
  int *wrap_type;         /* hl_wrap_type */
  int *wrap_active;       /* 0: OpenSim's active=false, every PathWrap naming it does nothing */
  double *wrap_R;         /* 9 per object: the wrap frame's axes in the body (columns), from
                             xyz_body_rotation (body-fixed X-Y-Z); v_body = R v_wrap + p */
  double *wrap_p;         /* 3 per object: the wrap frame's origin in the body (translation), m */
  int *wrap_quad_axis;    /* quadrant: constrained axis 0, 1, 2 (x, y, z); -1 for "all" */
  int *wrap_quad_sign;    /* quadrant: +1 or -1; 0 for "all" */
  double *wrap_dim;       /* 3 per object, m: cylinder {radius, length, 0}, sphere {radius, 0, 0},
                             ellipsoid {a, b, c} (semi-axes), torus {inner_radius, outer_radius, 0} */
  /* path wraps (npathwrap): each muscle's PathWrapSet (or MuscleWrapSet) in file order */
  int npathwrap;
  int *mus_wrap_adr;      /* nmuscle: first entry of the muscle */
  int *mus_wrap_num;      /* nmuscle: entries of the muscle */
  int *pw_wrap;           /* wrap object */
  int *pw_method;         /* hl_wrap_method (OpenSim uses it for ellipsoids only) */
  int *pw_range;          /* 2 per entry: first and last index (0-based, into the muscle's path
                             points, active or not) of the span the wrap may act on: OpenSim's
                             1-based `range`, values < 1 meaning the first / last point */
  int wrap_mode;          /* hl_wrap_mode; HL_WRAP_OPENSIM unless changed after loading */
  /* CoordinateCouplerConstraints (ncoupler, the enforced ones): q_dep = f(q_ind) */
  int ncoupler;
  char (*cpl_name)[HL_NAME_MAX];
  int *cpl_dep;           /* dependent coordinate */
  int *cpl_ind;           /* independent coordinate */
  int *cpl_func;          /* f, with the constraint's scale_factor applied */
  int *coord_coupler;     /* ncoord: the coupler whose dependent coordinate this is, else -1 */
  int *coord_coupled;     /* ncoord: 1 when OpenSim's motion type is Coupled: driven only through
                             functions other than ±identity; such values are never converted
                             from degrees (OpenSim writes them in radians in degree files) */
  int assemble_clamps;    /* 1 when the ConstraintSet is not empty: OpenSim's AnalyzeTool then
                             assembles every frame, which holds clamped coordinates to their
                             ranges (hl_model_assemble) */
  int nnote;              /* notes: each element the loader left out or could not model as
                             OpenSim does, by name (hl_model_note) */
  struct hl_model_note *note;
};

/* What a note says about the answer. */
typedef enum hl_note_kind {
  HL_NOTE_AS_OPENSIM = 0, /* left out or changed exactly as OpenSim does (a disabled force, an old
                             file's min_control 0 dropped): information, the answer is OpenSim's */
  HL_NOTE_IGNORED,        /* OpenSim applies it, hipload does not (a Ligament, a constraint): the
                             answer differs from OpenSim's by what it does — a warning */
  HL_NOTE_UNSUPPORTED     /* hipload cannot give OpenSim's number with it (a muscle type whose
                             curves it does not have, a prescribed coordinate): runs refuse the
                             model (hl_model_check_supported) */
} hl_note_kind;

/* One note about one model element, kept with the model for the warnings of every run. */
typedef struct hl_model_note {
  hl_note_kind kind;
  char code[32];          /* stable identifier: "force_not_modelled", "force_disabled",
                             "constraint_not_enforced", "component_not_read", "muscle_curves_unknown",
                             "actuator_not_modelled", "coordinate_prescribed",
                             "min_control_upgraded", "max_control_upgraded" */
  char element[48];       /* element type as written, e.g. "Ligament" */
  char name[HL_NAME_MAX]; /* its name attribute */
  char message[256];      /* one sentence for the user: what was done and why */
  int line;               /* line in the model (or force-set) file, 0 when unknown */
  int force;              /* 1 when the element belongs to the ForceSet (a replace_force_set
                             removes the note with it) */
  char file[256];         /* the model or force-set file it was read from */
} hl_model_note;

/* Wrap surfaces (wrap_type). */
typedef enum hl_wrap_type {
  HL_WRAP_CYLINDER = 0,
  HL_WRAP_SPHERE,
  HL_WRAP_ELLIPSOID,
  HL_WRAP_TORUS
} hl_wrap_type;

/* PathWrap method (pw_method): how an ellipsoid picks its wrapping plane. */
typedef enum hl_wrap_method {
  HL_WRAP_HYBRID = 0,
  HL_WRAP_MIDPOINT,
  HL_WRAP_AXIAL
} hl_wrap_method;

/* How wrapped paths are formed (wrap_mode; docs/wrapping.md compares the two):
 *  HL_WRAP_OPENSIM  OpenSim 4.6's algorithms as they are: a path with one PathWrap places a
 *                   cylinder's tangent points with its heuristic (not a geodesic), paths with
 *                   several stop their passes at 0.5 mm; the tangent points are frozen on the
 *                   wrap body for moment arms (Jᵀ of the unit tension), as MomentArmSolver.
 *  HL_WRAP_EXACT    cylinders: the exact shortest path (closed form); its moment arms equal
 *                   −dL/dq. Spheres are exact in both modes; ellipsoids and tori keep
 *                   OpenSim's construction. */
typedef enum hl_wrap_mode {
  HL_WRAP_OPENSIM = 0,
  HL_WRAP_EXACT
} hl_wrap_mode;

typedef enum hl_muscle_type {
  HL_MUSCLE_THELEN2003 = 0,
  HL_MUSCLE_MILLARD2012,
  HL_MUSCLE_OTHER,       /* any other Muscle subtype: F0 only, no physiology (a note of kind
                            HL_NOTE_UNSUPPORTED, "muscle_curves_unknown", names it) */
  HL_MUSCLE_DEGROOTE2016 /* DeGrooteFregly2016Muscle */
} hl_muscle_type;

/* Muscle curve parameters (mus_curve, HL_MUS_NCURVE per muscle).
 * Thelen2003:  [0] KshapeActive, [1] KshapePassive, [2] Af, [3] Flen, [4] FmaxTendonStrain,
 *              [5] FmaxMuscleStrain, [6] damping (unused)
 * Millard2012: [0] active FL min_norm_active_fiber_length, [1] transition_norm_fiber_length,
 *              [2] max_norm_active_fiber_length, [3] shallow_ascending_slope,
 *              [4] minimum_value, [5] FV concentric_slope_at_vmax, [6] concentric_slope_near_vmax,
 *              [7] isometric_slope, [8] eccentric_slope_at_vmax, [9] eccentric_slope_near_vmax,
 *              [10] max_eccentric_velocity_force_multiplier, [11] concentric_curviness,
 *              [12] eccentric_curviness, [13] fiber_damping, [14] maximum_pennation_angle,
 *              [15] ignore_tendon_compliance (1/0)
 * Thelen2003:  ... [7] fv_linear_extrap_threshold, [8] maximum_pennation_angle
 * DeGroote2016: [0] active_force_width_scale (≥ 1); no pennation limit (its fibre length is
 *              sqrt((l_MT − l_TS)² + (l_opt sin α0)²) unclamped) */
#define HL_MUS_NCURVE 16

typedef enum hl_actuator_type {
  HL_ACT_COORDINATE = 0,
  HL_ACT_POINT,
  HL_ACT_TORQUE
} hl_actuator_type;

/* -------------------------------------------------------------------------- loading */

/* Load an OpenSim .osim model (formats 20302, 30000, 40000). On error *out is NULL and err says
 * which file, line and element. */
HL_API hl_status hl_model_load(const char *path, hl_model **out, hl_error *err);

/* The same from an in-memory document (the embedded default uses it); `name` stands for the
 * file name in error messages, `dir` is the folder relative paths in it refer to (may be NULL). */
HL_API hl_status hl_model_load_memory(const char *xml, size_t len, const char *name, hl_model **out,
                                      hl_error *err);

/* Append the forces of an OpenSim force-set file (e.g. gait2392_SO_weak_Residual_Actuators.xml,
 * or a legacy <ActuatorSet> with GeneralizedForce/Force/Torque) to a model being prepared.
 * replace=1 first empties the model's whole force set — muscles, actuators and
 * CoordinateLimitForces — because that is what OpenSim's replace_force_set does
 * (AbstractTool::updateModelForces sets the ForceSet size to 0). On error the model keeps the
 * forces it had before this file (after the replace, when replace=1). Must be called before the
 * model is shared. */
HL_API hl_status hl_model_add_force_set(hl_model *m, const char *path, int replace, hl_error *err);

HL_API void hl_model_free(hl_model *m);

/* Index lookups: -1 when the name is not in the model. */
HL_API int hl_model_body(const hl_model *m, const char *name);
HL_API int hl_model_joint(const hl_model *m, const char *name);
HL_API int hl_model_coord(const hl_model *m, const char *name);
HL_API int hl_model_muscle(const hl_model *m, const char *name);
HL_API int hl_model_actuator(const hl_model *m, const char *name);

/* Total mass, kg. */
HL_API double hl_model_mass(const hl_model *m);

/* HL_ERR_UNSUPPORTED naming the model file, line, element and name of the first note of kind
 * HL_NOTE_UNSUPPORTED; HL_OK when there is none. Every run (hl_trial_run, hl_analyze_run) makes
 * this check before it starts, so a model element hipload cannot compute as OpenSim does never
 * becomes a quiet number. */
HL_API hl_status hl_model_check_supported(const hl_model *m, hl_error *err);

/* Number of notes of the given kind. */
HL_API int hl_model_note_count(const hl_model *m, hl_note_kind kind);

/* OpenSim's AnalyzeTool assembly of one frame, in place (coupler.h): clamped coordinates outside
 * their range are set to the nearer bound (when model->assemble_clamps), then every coupler's
 * dependent coordinate and, when qd / qdd are not NULL, its speed and acceleration are set from
 * its coupler. Locked coordinates are left as they are. Returns how many coordinates were
 * clamped (0 when m or q is NULL). Never allocates. */
HL_API int hl_model_assemble(const hl_model *m, double *q, double *qd, double *qdd);

/* Is body `b` in the subtree rooted at body `root` (root included)? */
HL_API int hl_model_in_subtree(const hl_model *m, int b, int root);

/* Add a CoordinateActuator reserve "<coordinate>_reserve" (unbounded, given optimal force, N·m or
 * N per unit control) on every unlocked coordinate that has none yet — a starting point when the
 * user has no reserve/residual actuator file. Errors: HL_ERR_INVALID_ARG, HL_ERR_NOMEM. */
HL_API hl_status hl_model_add_reserves(hl_model *m, double optimal_force, hl_error *err);

/* Uniform scaling of a loaded model to a subject's height and mass, as OpenSim's ScaleTool does
 * with one scale factor s_L on every segment (manual scaling) and preserve_mass_distribution =
 * true, followed by the subject mass:
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
 *
 * Lengths × length_factor, masses × mass_factor; call it after loading (and after adding
 * force-set files) and before the model is shared. Errors: HL_ERR_INVALID_ARG (m NULL),
 * HL_ERR_BAD_VALUE (a factor not finite or ≤ 0), HL_ERR_UNSUPPORTED (a function is shared
 * between a length that scales and an angle that does not); on error the model is unchanged. */
HL_API hl_status hl_model_scale(hl_model *m, double length_factor, double mass_factor, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
