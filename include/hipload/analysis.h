/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — run an OpenSim AnalyzeTool setup: StaticOptimization, JointReaction (with muscle
 * contributions) and MuscleAnalysis, writing OpenSim-named .sto files.
 *
 * All analyses of a setup share one set of frames: the coordinates file's rows inside the first
 * present analysis' [start_time, end_time] (StaticOptimization, then JointReaction, then
 * MuscleAnalysis), every step_interval-th row — as OpenSim's AnalyzeTool steps through them.
 * When a setup holds both StaticOptimization and JointReaction and names no forces_file, the
 * reaction uses this run's static-optimization forces (OpenSim would need two runs).
 */
#ifndef HIPLOAD_ANALYSIS_H
#define HIPLOAD_ANALYSIS_H

#include "hipload/setup.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_analyze_options {
  const char *out_dir;     /* replaces <results_directory> (NULL: keep the setup's) */
  const char *model_file;  /* replaces <model_file> (NULL: keep) */
  const char *forces_file; /* replaces JointReaction <forces_file> (NULL: keep) */
  int allow_unsupported;   /* muscles with wrap objects: ignore the wrapping instead of failing;
                              model elements hipload does not compute as OpenSim does (notes of
                              kind HL_NOTE_UNSUPPORTED): run static optimization without them
                              (F0 for a muscle type without curves) instead of refusing */
  int contributions;       /* also write <name>_ContactContributions_<joint>.sto (default 1) */
  int write_files;         /* write the output files (default 1) */
  int so_exact;            /* static optimization: 1 = the exact optimum; 0 (default) = where
                              OpenSim's interior-point optimizer stops, the log-barrier point at
                              μ = hl_so_opensim_mu(optimizer_convergence_criterion) (so.h) */
  double so_mu;            /* > 0: that barrier μ instead (ignored with so_exact); default 0 */
  int keep_tables;         /* hand the output tables back in the report (default 0); release
                              them with hl_analyze_report_clear */
  /* Inputs already in memory (each may be NULL: then the setup's file is read). The model must
   * be complete: the setup's force-set files are not added to a model given here. */
  const struct hl_model *model;
  const struct hl_table *coordinates;
  const struct hl_extloads *loads;
} hl_analyze_options;

void hl_analyze_options_defaults(hl_analyze_options *o);

#define HL_REPORT_MAX_FILES 32

typedef struct hl_analyze_report {
  int nframe;                 /* frames analysed */
  double t0, t1;              /* first and last frame time */
  int so_least_squares;       /* SO frames the actuators could not satisfy (solved in least squares) */
  int so_max_iterations;      /* most solver iterations in a frame */
  double so_max_residual;     /* largest constraint residual, N·m or N */
  double so_max_reserve;      /* largest |force| carried by a non-muscle actuator */
  char so_max_reserve_name[64];
  double seconds;             /* wall time of the run */
  int nfiles;
  char files[HL_REPORT_MAX_FILES][2600]; /* files written */
  /* With keep_tables: the output tables (NULL when the analysis did not run). contrib[j] belongs
   * to JointReaction entry j. */
  struct hl_table *so_force, *so_activation, *so_solver, *jr, *ma_length;
  struct hl_table *contrib[HL_SETUP_MAX_JOINTS];
  int ncontrib;
} hl_analyze_report;

/* Free the tables a report holds (keep_tables) and zero them. */
void hl_analyze_report_clear(hl_analyze_report *rep);

hl_status hl_analyze_run(const hl_analyze_setup *s, const hl_analyze_options *o,
                         hl_analyze_report *rep, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
