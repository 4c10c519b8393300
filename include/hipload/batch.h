/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — many trials from a manifest, in parallel, nothing lost.
 *
 * A manifest is a CSV file with a header row naming its columns (any order, names case-sensitive):
 *   id              required; the trial's name and output folder <out>/<id>/; letters, digits,
 *                   '.', '_', '-', not starting with '.'; unique in the manifest
 *   model           required; .osim file
 *   coordinates     required; .mot/.sto kinematics
 *   external_loads  ExternalLoads .xml (empty: none; stance detection then needs t0 and t1)
 *   reserves        ';'-separated force-set files (residual/reserve actuators) and/or 'auto'
 *                   (a reserve on every unlocked coordinate lacking one); empty: 'auto' only when
 *                   the model brings no non-muscle actuator — as `hipload analyze`
 *   leg             r or l (empty: r)
 *   t0, t1          window in s; both empty: the stance found in the GRF
 *   mass            body mass in kg for BW (empty: the model's)
 *   lowpass         coordinate low-pass cutoff in Hz (empty: off)
 *   exponent        static-optimization cost exponent (empty: 2)
 * Relative paths are relative to the manifest's folder. Blank lines and lines starting with '#'
 * are skipped; fields may be double-quoted ("" inside quotes is a quote).
 *
 * Errors that make the manifest unusable (unreadable file, no header, unknown or missing
 * required column, unterminated quote, missing/invalid/duplicate id) fail hl_manifest_read with
 * file:line. A bad value in an otherwise readable row (leg 'x', t0 'abc') does not: the row
 * becomes a trial that fails with that message, so the rest of the batch still runs.
 *
 * Thread safety: hl_batch_run makes its own threads; each distinct (model file, reserves) pair is loaded once, by the first worker that
 * needs it, and shared read-only by every trial that uses it; each trial has its own tables and
 * workspaces. Results are independent of the number of threads and of completion order.
 */
#ifndef HIPLOAD_BATCH_H
#define HIPLOAD_BATCH_H

#include "hipload/status.h"
#include "hipload/trial.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HL_BATCH_ID_MAX 128

typedef struct hl_batch_trial {
  char id[HL_BATCH_ID_MAX];  /* trial id (also the output folder and file prefix) */
  int line;                  /* 1-based line of the row in the manifest */
  char *model;               /* resolved path of the .osim file */
  char *coordinates;         /* resolved path of the kinematics */
  char *external_loads;      /* resolved path of the ExternalLoads XML, NULL when none */
  int nreserve;              /* number of force-set files */
  char **reserve;            /* [nreserve] resolved paths */
  int auto_reserves;         /* 1: 'auto' was listed */
  hl_trial_settings settings; /* leg, window, mass, lowpass, exponent; settings.name = id */
  hl_status row_status;      /* HL_OK, or why this row cannot run (bad leg, bad number) */
  hl_error row_error;        /* the message of row_status, "manifest:line: ..." */
} hl_batch_trial;

typedef struct hl_manifest {
  char *path;                /* the manifest file as given */
  int ntrial;                /* rows */
  hl_batch_trial *trial;     /* [ntrial], in file order */
} hl_manifest;

/* Read a manifest file. Errors: HL_ERR_IO (cannot open), HL_ERR_PARSE (no header, unknown
 * column, missing required column, unterminated quote, missing/invalid/duplicate id; message
 * "MANIFEST:LINE: ..."), HL_ERR_NOMEM. An empty manifest (header only) is valid (0 trials). */
HL_API hl_status hl_batch_manifest_read(const char *path, hl_manifest **out, hl_error *err);

/* The same from a buffer; `path` names it in messages and its folder resolves relative paths. */
HL_API hl_status hl_batch_manifest_parse(const char *text, size_t len, const char *path, hl_manifest **out,
                                   hl_error *err);
HL_API void hl_batch_manifest_free(hl_manifest *mf);

typedef struct hl_batch_settings {
  int jobs;            /* worker threads; ≤ 0 (default) = online CPUs; never more than trials */
  int write_outputs;   /* 1 (default): each trial's files into <out>/<id>/ with hl_trial_write */
  /* Called after each trial (from a worker thread, one call at a time, done increasing). */
  void (*progress)(void *user, int done, int total, int failed);
  void *progress_user;
} hl_batch_settings;

HL_API void hl_batch_settings_defaults(hl_batch_settings *s);

typedef struct hl_batch_result {
  hl_status status;          /* HL_OK when the trial ran and its outputs were written */
  hl_error error;            /* why not (message names the file and line) */
  hl_trial_summary summary;  /* valid when status == HL_OK (summary.seconds is the run's time) */
  double seconds;            /* wall time of the whole trial: read, run, write */
} hl_batch_result;

/* Run every trial of the manifest. out_dir (created when needed) receives <id>/ folders (when
 * write_outputs), summary.csv (hl_batch_write_summary) and timing.csv (id, frames, seconds —
 * the only file whose content depends on the machine: the per-trial outputs are written with
 * summary.seconds = 0 so that a batch is byte-for-byte reproducible). out_dir may be NULL when
 * write_outputs is 0: nothing is written.
 * *results gets ntrial results in manifest order (free with free()); *nfailed the failures.
 * Returns HL_OK when the batch ran, whatever its trials did; an error only when it could not run
 * (bad argument, out_dir cannot be made, summary cannot be written, out of memory). */
HL_API hl_status hl_batch_run(const hl_manifest *mf, const char *out_dir, const hl_batch_settings *s,
                              hl_batch_result **results, int *nfailed, hl_error *err);

/* One CSV row per trial, in manifest order, header first. Columns: id, status ("ok" or the
 * hl_strerror text), error (message, file:line), t0_s, t1_s, frames, body_mass_kg, bw_n; for
 * hip, knee and ankle: <j>_peak_n, <j>_peak_bw, <j>_peak_time_s, <j>_peak_pct; hip_impulse_bw_s;
 * for iliacus, psoas, iliopsoas, gluteus_maximus, gluteus_medius, gluteus_minimus: <m>_peak_n,
 * <m>_peak_bw, <m>_peak_time_s, <m>_peak_pct; for iliopsoas, gluteus_maximus, gluteus_medius,
 * gluteus_minimus, intersegmental, actuators: <g>_at_hip_peak_bw, <g>_at_hip_peak_share,
 * <g>_impulse_bw_s, <g>_impulse_share; so_frames_least_squares, so_max_residual, so_max_reserve,
 * so_max_reserve_actuator. Numbers are %.10g; fields of a failed trial are empty. Written
 * atomically (temporary file, then rename). */
HL_API hl_status hl_batch_write_summary(const hl_manifest *mf, const hl_batch_result *results,
                                        const char *path, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
