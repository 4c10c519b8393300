/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — what the benchmark (bench/hipload-bench.c) reaches inside a frame workspace, so
 * that it times the library's own hl_frame_step stage by stage instead of a copy of it. Not
 * installed. */
#ifndef HIPLOAD_FRAME_INTERNAL_H
#define HIPLOAD_FRAME_INTERNAL_H

#include "hipload/frame.h"

/* With a clock set, every hl_frame_step adds the clock's advance over each stage to acc:
 * [0] kinematics + muscle geometry, [1] external loads, limit forces and inverse dynamics,
 * [2] static optimization (or the given / tabled forces), [3] forward accelerations, reactions
 * and contributions. clock NULL: no readings (the default). */
void hl__frame_set_clock(hl_frame *w, double (*clock)(void), double acc[4]);

/* The static-optimization workspace of w (NULL unless its forces are HL_FRAME_FORCES_SO): its
 * matrix (hl_so_matrix) after a step is the problem that step solved. */
const hl_so *hl__frame_so(const hl_frame *w);

#endif
