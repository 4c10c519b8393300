/* hipload — signal processing as OpenSim's tools do it.
 *
 * - hl_lowpass_filtfilt: OpenSim's coordinate filter (Signal::LowpassIIR after padding by
 *   reflection): 3rd-order Butterworth run forward and backward, cutoff in Hz.
 * - hl_gcvspline: quintic (degree 5) smoothing spline as Woltring's GCVSPL used by OpenSim's
 *   GCVSplineSet, giving value, first and second derivative at any time.
 */
#ifndef HIPLOAD_SIGNAL_H
#define HIPLOAD_SIGNAL_H

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Low-pass x[0..n-1] sampled at uniform dt in place, as OpenSim's IK/ID tools filter
 * coordinates (pad by reflection, 3rd-order Butterworth forward and backward). cutoff_hz ≤ 0: no-op.
 * Non-uniform time steps: the caller resamples first (OpenSim does the same). */
hl_status hl_lowpass_filtfilt(double *x, int n, double dt, double cutoff_hz);

/* Quintic GCV spline through (t[i], x[i]), i < n. Mode and smoothing as OpenSim's GCVSplineSet
 * (degree 5, error variance 0 → interpolating). */
typedef struct hl_spline hl_spline;
hl_status hl_spline_fit(const double *t, const double *x, int n, hl_spline **out);
/* value, first and second derivative at tm (any of the outputs may be NULL). */
void hl_spline_eval(const hl_spline *s, double tm, double *x, double *dx, double *ddx);
void hl_spline_free(hl_spline *s);

/* Stance detection on a vertical force column: first and last sample time of the longest run
 * with fz > threshold (N). Returns HL_ERR_NOT_FOUND when no sample exceeds it. */
hl_status hl_stance_detect(const double *t, const double *fz, int n, double threshold, double *t0,
                           double *t1);

#ifdef __cplusplus
}
#endif
#endif
