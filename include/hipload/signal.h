/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — signal processing as OpenSim's tools do it.
 *
 * - hl_signal_lowpass: OpenSim's coordinate filter (Signal::LowpassIIR after padding by
 *   reflection): 3rd-order Butterworth run forward and backward, cutoff in Hz.
 * - hl_signal_spline_*: quintic (degree 5) smoothing spline as Woltring's GCVSPL used by
 *   OpenSim's GCVSplineSet, giving value, first and second derivative at any time.
 * - hl_signal_stance: the longest run of a force above a threshold.
 *
 * Thread safety: reentrant; a spline is only read by hl_signal_spline_eval.
 */
#ifndef HIPLOAD_SIGNAL_H
#define HIPLOAD_SIGNAL_H

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Low-pass x[0..n-1] sampled at uniform dt in place, as OpenSim's IK/ID tools filter
 * coordinates (pad by reflection, 3rd-order Butterworth forward and backward). cutoff_hz ≤ 0: no-op.
 * Non-uniform time steps: the caller resamples first (OpenSim's Storage::lowpassIIR resamples
 * the padded data at its smallest step with a degree-5 GCV spline, then filters). Cutoffs at or
 * above fs/2 become 0.49·fs as in OpenSim. Errors: HL_ERR_INVALID_ARG (NULL, dt ≤ 0, fewer than
 * 4 samples after padding), HL_ERR_NOMEM. */
HL_API hl_status hl_signal_lowpass(double *x, int n, double dt, double cutoff_hz, hl_error *err);

/* Quintic GCV spline through (t[i], x[i]), i < n. Mode and smoothing as OpenSim's GCVSplineSet
 * (degree 5, error variance 0 → interpolating). */
typedef struct hl_spline hl_spline;
HL_API hl_status hl_signal_spline_fit(const double *t, const double *x, int n, hl_spline **out,
                                      hl_error *err);
/* Errors: HL_ERR_INVALID_ARG (n < 6, times not strictly increasing), HL_ERR_BAD_VALUE
 * (NaN/Inf), HL_ERR_SINGULAR, HL_ERR_NOMEM. */
/* value, first and second derivative at tm (any of the outputs may be NULL). Outside
 * [t[0], t[n-1]] the natural spline continues as its end quadratic (OpenSim returns NaN there). */
HL_API void hl_signal_spline_eval(const hl_spline *s, double tm, double *x, double *dx, double *ddx);
HL_API void hl_signal_spline_free(hl_spline *s);

/* Stance detection on a vertical force column: first and last sample time of the longest run
 * with fz > threshold (N). Returns HL_ERR_NOT_FOUND when no sample exceeds it. */
HL_API hl_status hl_signal_stance(const double *t, const double *fz, int n, double threshold, double *t0,
                                  double *t1, hl_error *err);

#ifdef __cplusplus
}
#endif
#endif
