/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between trial.c and trial_write.c. */
#ifndef HIPLOAD_TRIAL_INTERNAL_H
#define HIPLOAD_TRIAL_INTERNAL_H
#include "hipload/model.h"
#include "hipload/storage.h"
/* Columns prefix+"x|y|z" of t into c; 0 when one is missing. */
int hl__trial_col3(const hl_table *t, const char *prefix, int c[3]);
void hl__trial_row3(const hl_table *t, int r, const int c[3], double v[3]);
/* Per row of the static-optimization force table so: the summed force of the leg's muscles in the
 * anatomical `group` whose names start with `prefix` (NULL: any) — bundles summed, e.g. iliacus +
 * psoas for "iliopsoas". out has so->nrow entries. */
void hl__trial_group_force(const hl_model *m, const hl_table *so, char leg, const char *group,
                           const char *prefix, double *out);
#endif
