/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim tool setup files (AnalyzeTool with StaticOptimization, JointReaction and
 * MuscleAnalysis analyses, or InducedAccelerations). Paths inside are resolved relative to the setup file's folder, with
 * `\` accepted as a separator. The <defaults> block of a setup file is ignored, as OpenSim does
 * for a tool run. (InverseDynamicsTool setups: idtool.h.)
 *
 * Thread safety: reentrant; a setup belongs to its caller.
 */
#ifndef HIPLOAD_SETUP_H
#define HIPLOAD_SETUP_H

#include <stddef.h>

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_tool_kind {
  HL_TOOL_UNKNOWN = 0,
  HL_TOOL_ANALYZE,            /* <AnalyzeTool> */
  HL_TOOL_INVERSE_DYNAMICS    /* <InverseDynamicsTool> */
} hl_tool_kind;

typedef struct hl_analysis_times {
  int on;                     /* the analysis is present and <on>true</on> (or no <on>) */
  double start_time, end_time;
  int step_interval;          /* every n-th row of the coordinates file (≥ 1) */
} hl_analysis_times;

#define HL_SETUP_MAX_CONTACTS 4

/* A RollingOnSurfaceConstraint of an InducedAccelerations analysis. */
typedef struct hl_setup_contact {
  char name[64];
  char rolling_body[64], surface_body[64];
  double normal[3];                      /* surface_normal (default 0 1 0) */
  double friction;                       /* friction_coefficient (default 0.5) */
  double radius;                         /* contact_radius (default 0.01) */
  double height;                         /* surface_height (default 0) */
  int line;                              /* its line in the setup file */
} hl_setup_contact;


/* A setup as read: every string allocated (free the whole with hl_setup_free), "" when absent;
 * paths resolved against the setup's folder. */
typedef struct hl_analyze_setup {
  hl_tool_kind kind;
  char *path;                  /* the setup file as given */
  char *dir;                   /* its folder */
  char *name;                  /* tool name: output files start with it */
  char *model_file;
  int replace_force_set;
  int nforce_set_files;
  char **force_set_files;      /* nforce_set_files */
  char *results_directory;
  double initial_time, final_time;
  char *external_loads_file;   /* "" when none */
  char *coordinates_file;
  double lowpass_cutoff;       /* Hz, ≤ 0 off */

  int has_so;
  hl_analysis_times so;
  double so_activation_exponent;   /* default 2 */
  int so_use_muscle_physiology;    /* default 1 */
  double so_convergence;           /* optimizer_convergence_criterion */
  int so_max_iterations;           /* optimizer_max_iterations: limit of the interior-point
                                      (barrier) iterations that stand for OpenSim's */

  int has_jr;
  hl_analysis_times jr;
  char *jr_forces_file;            /* "" when none */
  int jr_njoint;
  char **jr_joint;                 /* jr_njoint; "all" allowed as the only entry */
  char **jr_on;                    /* jr_njoint: "child" or "parent" */
  char **jr_frame;                 /* jr_njoint: "ground", "child", "parent" or a body name */

  int has_ma;
  hl_analysis_times ma;
  int ma_nmuscle;                  /* 0 = all */
  char **ma_muscles;
  int ma_ncoord;                   /* 0 = all */
  char **ma_coords;
  int ma_compute_moments;          /* <compute_moments>true: hl_analyze_run refuses it unless
                                      allow_unsupported (hipload writes no moment files) */
  int ma_compute_moments_line;     /* its line */

  /* InducedAccelerations (run by lib/tool/iaa.c; alone in its setup) */
  int has_ia;
  hl_analysis_times ia;
  int ia_in_degrees;               /* coordinate outputs in degrees (OpenSim scales every column) */
  char *states_file;               /* the tool's <states_file> ("" when none): InducedAccelerations only */
  char *ia_name;                   /* the analysis' name: output files are
                                      <tool name>_<ia_name>_<coordinate/body>.sto */
  int ia_ncoord;                   /* -1 = All */
  char **ia_coords;
  int ia_nbody;                    /* -1 = All; "center_of_mass" may be among them */
  char **ia_bodies;
  int ia_ncon;                     /* contact constraints, in order (i-th ↔ i-th ExternalForce) */
  hl_setup_contact ia_con[HL_SETUP_MAX_CONTACTS];
  double ia_force_threshold;       /* N, default 6 (OpenSim's) */
  int ia_potentials_only;
  int ia_report_reactions;
} hl_analyze_setup;

/* Parse an AnalyzeTool setup file. Every element is either honoured or refused: an element
 * hipload does not know, or a value it cannot honour (a states or speeds file, a controller,
 * use_model_force_set false, analyses on different frames, ...), is
 * HL_ERR_UNSUPPORTED naming the file, the line and the element. docs/setup.md lists them.
 * Elements that change nothing OpenSim's AnalyzeTool computes from a coordinates file (its
 * integrator settings) or nothing hipload writes (in_degrees: no angle in these outputs) are
 * accepted. */
HL_API hl_status hl_setup_read(const char *path, hl_analyze_setup **out, hl_error *err);
HL_API void hl_setup_free(hl_analyze_setup *s);

/* Which tool a setup file holds (HL_TOOL_UNKNOWN with an error for any other), without reading
 * the rest. Errors: HL_ERR_IO, HL_ERR_PARSE, HL_ERR_UNSUPPORTED (another tool). */
HL_API hl_status hl_setup_kind(const char *path, hl_tool_kind *kind, hl_error *err);

/* Resolve `rel` (may use `\`) against folder `dir`: a new string (free with free()), NULL when
 * out of memory. Absolute paths are kept as they are; "" stays "". */
HL_API char *hl_setup_resolve_path(const char *dir, const char *rel);

#ifdef __cplusplus
}
#endif
#endif
