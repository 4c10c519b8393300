/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — the actuator column that force.c and so.c share. Not installed. */
#ifndef HIPLOAD_FORCE_INTERNAL_H
#define HIPLOAD_FORCE_INTERNAL_H

#include "hipload/model.h"

/* Generalized force per unit force (N) or torque (N·m) of non-muscle actuator a at the
 * coordinates list[0..nl) (ascending), into col[0..nl); list NULL: every coordinate (nl = nq).
 * J3 (3·nq) is scratch. d may be NULL for a coordinate actuator. */
void hl__force_actuator_column(const hl_model *m, const hl_data *d, int a, const int *list, int nl,
                               double *J3, double *col);

#endif
