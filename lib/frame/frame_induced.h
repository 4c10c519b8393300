/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the induced-contributions stage of a frame workspace (frame.c calls it after the
 * reactions; frame_induced.c keeps its own arrays, sized once). Not installed. */
#ifndef HIPLOAD_FRAME_INDUCED_H
#define HIPLOAD_FRAME_INDUCED_H

#include "hipload/frame.h"
#include "hipload/invdyn.h"

typedef struct hl__frame_induced hl__frame_induced;

/* For model m, the settings s (s->induced set, njoint > 0), the workspace's joints and muscle
 * groups. Errors: HL_ERR_UNSUPPORTED (more ExternalForces than HL_INDUCED_MAX_FEET),
 * HL_ERR_INVALID_ARG, HL_ERR_NOMEM. */
hl_status hl__frame_induced_create(const hl_model *m, const hl_frame_settings *s, const hl_frame_joint *joint,
                                   const int *mus_group, int ngroup, hl__frame_induced **out, hl_error *err);
void hl__frame_induced_free(hl__frame_induced *fi);

/* The per-workspace fields of a result (contributor names and kinds, feet). */
void hl__frame_induced_describe(const hl__frame_induced *fi, hl_frame_result *r);

/* One frame: d holds the kinematics at the reactions' accelerations and the muscle geometry;
 * force the actuator forces (nmuscle + nactuator), ext the external body wrenches the reactions
 * used; the feet are evaluated from loads (through map) at time. Fills r's induced fields and
 * flags. Never allocates. */
hl_status hl__frame_induced_step(const hl_model *m, hl__frame_induced *fi, const hl_data *d,
                                 const hl_extloads *loads, const hl_invdyn_extmap *map, double time,
                                 const double *force, const double *ext, hl_frame_result *r, hl_error *err);

#endif
