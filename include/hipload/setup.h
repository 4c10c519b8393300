/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — OpenSim tool setup files (AnalyzeTool with StaticOptimization, JointReaction and
 * MuscleAnalysis analyses, or InducedAccelerations). Paths inside are resolved relative to the setup file's folder, with
 * `\` accepted as a separator. The <defaults> block of a setup file is ignored, as OpenSim does
 * for a tool run. (InverseDynamicsTool setups are read by idtool.c.)
 */
#ifndef HIPLOAD_SETUP_H
#define HIPLOAD_SETUP_H

#include <stddef.h>

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HL_PATH_MAX 1024
#define HL_SETUP_MAX_FILES 8
#define HL_SETUP_MAX_JOINTS 16

typedef enum hl_tool_kind {
  HL_TOOL_UNKNOWN = 0,
  HL_TOOL_ANALYZE,            /* <AnalyzeTool> */
  HL_TOOL_INVERSE_DYNAMICS    /* <InverseDynamicsTool> */
} hl_tool_kind;

typedef struct hl_analysis_times {
  int on;                     /* the analysis is present and <on>true</on> (or no <on>) */
  double start_time, end_time;
  int step_interval;          /* every n-th row of the coordinates file (≥ 1) */
  int in_degrees;             /* output angles in degrees (activations/forces unaffected) */
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

typedef struct hl_analyze_setup {
  hl_tool_kind kind;
  char path[HL_PATH_MAX];            /* the setup file as given */
  char dir[HL_PATH_MAX];             /* its folder */
  char name[128];                    /* tool name: output files start with it */
  char model_file[HL_PATH_MAX];      /* resolved */
  int replace_force_set;
  int nforce_set_files;
  char force_set_files[HL_SETUP_MAX_FILES][HL_PATH_MAX]; /* resolved */
  char results_directory[HL_PATH_MAX];                   /* resolved */
  double initial_time, final_time;
  char external_loads_file[HL_PATH_MAX]; /* resolved, "" when none */
  char coordinates_file[HL_PATH_MAX];    /* resolved, "" when none */
  char speeds_file[HL_PATH_MAX];
  char states_file[HL_PATH_MAX];
  double lowpass_cutoff;                 /* Hz, ≤ 0 off */

  int has_so;
  hl_analysis_times so;
  int so_use_model_force_set;
  double so_activation_exponent;         /* default 2 */
  int so_use_muscle_physiology;          /* default 1 */
  double so_convergence;                 /* optimizer_convergence_criterion */
  int so_max_iterations;

  int has_jr;
  hl_analysis_times jr;
  char jr_forces_file[HL_PATH_MAX];      /* resolved, "" when none */
  int jr_njoint;
  char jr_joint[HL_SETUP_MAX_JOINTS][64];  /* "all" allowed as the only entry */
  char jr_on[HL_SETUP_MAX_JOINTS][64];     /* "child" or "parent" */
  char jr_frame[HL_SETUP_MAX_JOINTS][64];  /* "ground", "child", "parent" or a body name */

  int has_ma;
  hl_analysis_times ma;
  int ma_nmuscle;                        /* 0 = all */
  char (*ma_muscles)[64];                /* owned */
  int ma_ncoord;                         /* 0 = all */
  char (*ma_coords)[64];                 /* owned */
  int ma_compute_moments;

  /* InducedAccelerations (run by lib/iaa.c; alone in its setup) */
  int has_ia;
  hl_analysis_times ia;
  char ia_name[64];                      /* the analysis' name: output files are
                                            <tool name>_<ia_name>_<coordinate/body>.sto */
  int ia_ncoord;                         /* -1 = All */
  char (*ia_coords)[64];                 /* owned */
  int ia_nbody;                          /* -1 = All; "center_of_mass" may be among them */
  char (*ia_bodies)[64];                 /* owned */
  int ia_ncon;                           /* contact constraints, in order (i-th ↔ i-th ExternalForce) */
  hl_setup_contact ia_con[HL_SETUP_MAX_CONTACTS];
  double ia_force_threshold;             /* N, default 6 (OpenSim's) */
  int ia_potentials_only;
  int ia_report_reactions;
} hl_analyze_setup;

/* Parse an AnalyzeTool setup file. Unknown analyses are an error naming the element and line
 * (silently skipping an analysis the user asked for would lose their work). */
hl_status hl_setup_read(const char *path, hl_analyze_setup **out, hl_error *err);
void hl_setup_free(hl_analyze_setup *s);

/* Which tool a setup file holds, without reading the rest. */
hl_tool_kind hl_setup_kind(const char *path, hl_error *err);

/* Resolve `rel` (may use `\`) against folder `dir` into out (absolute paths kept as they are). */
void hl_path_resolve(const char *dir, const char *rel, char *out, size_t n);

#ifdef __cplusplus
}
#endif
#endif
