/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the embedded sample: one running stance that `hipload run` analyses with no files.
 *
 * Right-foot stance of subject02 running at about 3.9 m/s on a treadmill (Hamner, Seth & Delp
 * 2010, J Biomech 43:2709), from the copies in opensim-core (Apache-2.0): the RRA-adjusted
 * subject model (OpenSim 4.0 format, 65.9 kg, 92 Thelen2003 muscles) with its residual and
 * reserve actuators, RRA kinematics (1 kHz) and ground reaction forces (588 Hz) for
 * 1.055–1.397 s. Reduced by tools/mksample.py; see lib/sample/README.md and NOTICE.
 *
 * Thread safety: constant data.
 */
#ifndef HIPLOAD_SAMPLE_H
#define HIPLOAD_SAMPLE_H

#include <stddef.h>

#include "hipload/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hl_sample {
  const char *model;        size_t model_len;       /* .osim document */
  const char *coordinates;  size_t coordinates_len; /* .sto, degrees */
  const char *grf;          size_t grf_len;         /* .mot */
  const char *loads;        size_t loads_len;       /* ExternalLoads XML naming the .mot */
  double t0, t1;            /* the stance: first and last time with vertical GRF > 20 N, s */
  char leg;                 /* 'r' */
  const char *description;  /* one line: who, what, where from */
} hl_sample;

/* Height, m, taken for the embedded sample model (this header) when `hipload analyze`
 * scales it to --height: length factor = height / HL_SAMPLE_HEIGHT_M. Hamner, Seth & Delp
 * (2010) do not report subject02's height and the OpenSim files carry none; 1.80 m is the
 * height usually quoted for the generic gait2392 model the subject model was scaled from.
 * docs/analyze.md gives what the data say about it. */
#define HL_SAMPLE_HEIGHT_M 1.80

/* Fill *out with the embedded sample (pointers to constant storage). */
HL_API void hl_sample_get(hl_sample *out);

#ifdef __cplusplus
}
#endif
#endif
