/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by trial.c, trial_series.c and trial_write.c. Not installed. */
#ifndef HIPLOAD_TRIAL_INTERNAL_H
#define HIPLOAD_TRIAL_INTERNAL_H

#include "hipload/trial.h"

/* Arrays of nframe frames laid out after the workspace's description L (hl_frame_describe);
 * x: the external loads (their column prefixes are kept). Errors: HL_ERR_NOMEM. */
hl_status hl__series_alloc(hl_trial_series *S, const hl_frame_result *L, const hl_extloads *x,
                           int nframe, hl_error *err);
/* Frame f's results into the series. */
void hl__series_store(hl_trial_series *S, int f, const hl_frame_result *r);
void hl__series_free(hl_trial_series *S);
/* Frame f of the series as a frame result (pointers into the series), for lib/frame/record.c; the
 * per-trial arrays as hl_frame_describe would give them (f < 0: those only). */
void hl__series_view(const hl_trial_series *S, int f, hl_frame_result *r);

/* Per frame, the summed force (N) of the leg's muscles in the anatomical `group` whose names
 * start with `prefix` (NULL: any) — bundles summed, e.g. iliacus + psoas for "iliopsoas". out
 * has S->nframe entries. */
void hl__trial_group_force(const hl_model *m, const hl_trial_series *S, char leg, const char *group,
                           const char *prefix, double *out);
/* trial_induced.c: the induced arrays of the series (nothing without induced contributions),
 * the summary's induced shares, the per-frame CSV's induced columns (*io replaced by a wider
 * table), and the files and figures (trial_induced_write.c). */
hl_status hl__series_induced_alloc(hl_trial_series *S, const hl_frame_result *L, int nframe, hl_error *err);
void hl__series_induced_store(hl_trial_series *S, int f, const hl_frame_result *r);
void hl__series_induced_free(hl_trial_series *S);
hl_status hl__trial_induced_summary(hl_trial *tr, hl_error *err);
/* The summary's "induced" object (JSON null without induced contributions; NULL: out of memory). */
struct json_t;
struct json_t *hl__trial_induced_json(const hl_trial_summary *S);
/* Part `name` (a group, or gravity, velocity, actuators, coordinate_limit_forces,
 * contact_mismatch, dynamic_residual, unmodelled_grf) of joint j along its resultant, BW, per
 * frame into y (direct: its own forces across the joint only). 0 when there is no such part. */
int hl__trial_induced_part(const hl_trial *t, int j, const char *name, int direct, double *y);
hl_status hl__trial_induced_csv(const hl_trial *t, hl_table **io, hl_error *err);
hl_status hl__trial_induced_write(const hl_trial *t, const hl_model *m, const char *dir, const char *name,
                                  const char *conv, hl_error *err);

/* Index of the group named `name` when it has a muscle crossing the hip, else -1. */
int hl__trial_hip_group(const hl_trial_series *S, const char *name);
#endif
