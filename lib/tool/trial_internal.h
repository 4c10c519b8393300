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
/* Index of the group named `name` when it has a muscle crossing the hip, else -1. */
int hl__trial_hip_group(const hl_trial_series *S, const char *name);
#endif
