/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — coordinates over time as OpenSim's tools form them: q, q̇, q̈ per frame.
 *
 * From a coordinates table (.mot/.sto) and a model, as InverseDynamicsTool / AnalyzeTool do:
 *  1. columns are matched to model coordinates by name (also "/jointset/J/C/value" paths); extra
 *     columns are ignored; coordinates missing from the file keep their default value (q̇ = q̈ = 0)
 *     and are listed in hl_motion.missing;
 *  2. when lowpass_hz > 0: the rows are padded by n/2 samples at each end (reflected and negated,
 *     time too), resampled at the smallest time step when the steps are not uniform (quintic
 *     spline), and low-pass filtered (hl_lowpass_filtfilt) — the padded rows stay, as in OpenSim;
 *  3. degrees → radians for rotational coordinates (not for Coupled ones: OpenSim writes those in
 *     radians even in degree files);
 *  4. a quintic GCV spline per coordinate gives q, q̇ and q̈ (HL_MOTION_ACC_QSPLINE, the ID tool) —
 *     or q̈ as the derivative of a quintic spline through the spline's q̇ sampled at every row
 *     (HL_MOTION_ACC_SPEEDSPLINE, AnalyzeTool + StaticOptimization);
 *  6. (assemble = 1, the default) every frame is assembled as OpenSim's AnalyzeTool does
 *     (hl_model_assemble, include/hipload/coupler.h): clamped coordinates held to their ranges
 *     when the model has constraints, coupled dependent coordinates set from their couplers;
 *     InverseDynamicsTool does not assemble (assemble = 0);
 *  5. frames are the (processed) rows from the last row at or before max(t0, first time) to the last
 *     row at or before min(t1, last time) (OpenSim's Storage::findIndex): the first, every row
 *     whose index in the whole file is a multiple of step_interval, and the last — the rows
 *     OpenSim's AnalyzeTool records (begin, Analysis::proceed(step), end).
 * SI units inside: rad, m, s.
 *
 * Thread safety: reentrant; a motion belongs to its caller and is only read afterwards.
 */
#ifndef HIPLOAD_MOTION_H
#define HIPLOAD_MOTION_H

#include "hipload/model.h"
#include "hipload/status.h"
#include "hipload/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hl_motion_acc {
  HL_MOTION_ACC_QSPLINE = 0,  /* q̈ = second derivative of the q spline (InverseDynamicsTool) */
  HL_MOTION_ACC_SPEEDSPLINE   /* q̈ = derivative of a spline through q̇(t_row) (StaticOptimization) */
} hl_motion_acc;

typedef struct hl_motion_settings {
  double t0, t1;        /* time range, s (defaults -1e300, 1e300: the whole file) */
  double lowpass_hz;    /* coordinate low-pass cutoff, Hz; ≤ 0: no filter, no padding (default -1) */
  int in_degrees;       /* -1 (default): the header's inDegrees; a file without one is in degrees
                           (OpenSim's rule for legacy .mot). 0/1: force radians/degrees when the
                           header does not say. */
  int step_interval;    /* use every k-th row (default 1) */
  hl_motion_acc acc;    /* acceleration method (default HL_MOTION_ACC_QSPLINE) */
  int assemble;         /* 1 (default): assemble every frame as AnalyzeTool (step 6); 0: as read */
} hl_motion_settings;

HL_API void hl_motion_settings_defaults(hl_motion_settings *s);

typedef struct hl_motion {
  int nframe;       /* frames */
  int nq;           /* model coordinates (model order) */
  double *t;        /* nframe times, s */
  double *q;        /* nframe*nq, row-major, rad or m */
  double *qd;       /* nframe*nq, rad/s or m/s */
  double *qdd;      /* nframe*nq, rad/s² or m/s² */
  int nmissing;     /* coordinates not found in the file (held at their default) */
  int *missing;     /* nmissing coordinate indices */
  int in_degrees;   /* 1 when the file was read as degrees */
  int nrow_processed; /* rows after padding/resampling (= file rows when not filtered) */
  int nclamped;       /* assembly: values held to a clamped coordinate's range (frames × coords) */
  int clamp_first;    /* the first such coordinate, -1 when none */
  double clamp_worst; /* the largest distance moved, rad or m */
} hl_motion;

/* Build the motion. Errors: HL_ERR_INVALID_ARG (NULL, step_interval < 1), HL_ERR_RANGE (fewer than
 * 6 rows, or the time range misses the data), HL_ERR_BAD_VALUE (time not increasing, NaN values;
 * err names the column and row), HL_ERR_NOMEM. */
HL_API hl_status hl_motion_create(const hl_model *m, const hl_table *coords, const hl_motion_settings *s,
                                  hl_motion **out, hl_error *err);
HL_API void hl_motion_free(hl_motion *mo);

/* HL_ERR_NOT_FOUND naming the coordinates file (`path`; NULL: the table's header name) and the
 * unlocked model coordinates
 * that have no column in it (matched as hl_motion_create matches them) — OpenSim holds each at
 * its default value without a word, which changes every joint force downstream. HL_OK when
 * every unlocked coordinate has its column. `hipload setup` makes this check unless told to keep
 * OpenSim's lenient behaviour. */
HL_API hl_status hl_motion_check_coordinates(const hl_model *m, const hl_table *coords, const char *path,
                                      hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
