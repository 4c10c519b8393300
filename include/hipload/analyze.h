/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — run an OpenSim AnalyzeTool setup: StaticOptimization, JointReaction (with muscle
 * contributions) and MuscleAnalysis, writing OpenSim-named .sto files.
 *
 * All analyses of a setup share one set of frames: the coordinates file's rows inside the first
 * present analysis' [start_time, end_time] (StaticOptimization, then JointReaction, then
 * MuscleAnalysis), every step_interval-th row — as OpenSim's AnalyzeTool steps through them.
 * When a setup holds both StaticOptimization and JointReaction and names no forces_file, the
 * reaction uses this run's static-optimization forces (OpenSim would need two runs). Every
 * frame runs through hl_frame_step (frame.h).
 *
 * Thread safety: reentrant; a run owns its workspaces and only reads the setup and the inputs
 * given in the options.
 */
#ifndef HIPLOAD_ANALYZE_H
#define HIPLOAD_ANALYZE_H

#include "hipload/groups.h"
#include "hipload/model.h"
#include "hipload/setup.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_analyze_options {
  const char *out_dir;     /* replaces <results_directory> (NULL: keep the setup's) */
  const char *model_file;  /* replaces <model_file> (NULL: keep) */
  const char *forces_file; /* replaces JointReaction <forces_file> (NULL: keep) */
  int allow_unsupported;   /* do what can be done instead of failing, knowingly: a
                              MuscleAnalysis with compute_moments writes no moment files;
                              model elements hipload does not compute as OpenSim does (notes
                              of kind HL_NOTE_UNSUPPORTED): run static optimization without
                              them (F0 for a muscle type without curves) instead of refusing */
  int wrap_exact;          /* a model loaded here wraps with HL_WRAP_EXACT (model.h) */
  int contributions;       /* also write <name>_ContactContributions_<joint>.sto (default 1) */
  int write_files;         /* write the output files (default 1) */
  int so_exact;            /* static optimization: 1 = the exact optimum; 0 (default) = where
                              OpenSim's interior-point optimizer stops, the log-barrier point at
                              μ = hl_so_opensim_mu(optimizer_convergence_criterion) (so.h) */
  double so_mu;            /* > 0: that barrier μ instead (ignored with so_exact); default 0 */
  int keep_tables;         /* hand the output tables back in the report (default 0); release
                              them with hl_analyze_report_clear */
  const struct hl_groups *groups; /* muscle groups of the contribution files (NULL: the
                              anatomical ones, groups.h) */
  /* Inputs already in memory (each may be NULL: then the setup's file is read). The model must
   * be complete: the setup's force-set files are not added to a model given here. */
  const struct hl_model *model;
  const struct hl_table *coordinates;
  const struct hl_extloads *loads;
} hl_analyze_options;

HL_API void hl_analyze_options_defaults(hl_analyze_options *o);

typedef struct hl_analyze_report {
  int nframe;                 /* frames analysed */
  double t0, t1;              /* first and last frame time */
  int so_least_squares;       /* SO frames the actuators could not satisfy (solved in least squares) */
  int so_max_iterations;      /* most solver iterations in a frame */
  double so_max_residual;     /* largest constraint residual, N·m or N */
  double so_max_reserve;      /* largest |force| carried by a non-muscle actuator */
  char so_max_reserve_name[HL_NAME_MAX]; /* its name */
  double seconds;             /* wall time of the run */
  int nfiles;
  char **files;               /* nfiles: the files written, in order */
  /* With keep_tables: the output tables (NULL when the analysis did not run). contrib[j]
   * belongs to JointReaction entry j; ma_moment_arm[c] to MuscleAnalysis coordinate c. */
  struct hl_table *so_force, *so_activation, *so_solver, *jr, *ma_length;
  int ncontrib;
  struct hl_table **contrib;
  int nma_moment_arm;
  struct hl_table **ma_moment_arm;
} hl_analyze_report;

/* Free what a report holds (the file names, and the tables with keep_tables) and zero it. */
HL_API void hl_analyze_report_clear(hl_analyze_report *rep);

/* Run the setup's analyses that are <on> (an analysis with <on>false</on> does not run; none on
 * is HL_ERR_NOT_FOUND). rep (may be NULL) is overwritten; release it with
 * hl_analyze_report_clear. */
HL_API hl_status hl_analyze_run(const hl_analyze_setup *s, const hl_analyze_options *o,
                                hl_analyze_report *rep, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
