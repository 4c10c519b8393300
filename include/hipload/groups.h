/* SPDX-License-Identifier: Apache-2.0 */
/* hipload — muscle groups for summing contributions.
 *
 * The default groups are anatomical, recognised from the muscle names of the gait2392/Hamner and
 * Rajagopal families (the side suffix _r/_l is ignored): iliopsoas = iliacus + psoas,
 * gluteus_maximus/medius/minimus = their three bundles, hamstrings, vasti, adductors, … Any muscle
 * not recognised goes to "other". Callers may move muscles between groups or create new ones, and
 * hand the result to the pipeline (hl_frame_settings.groups, hl_trial_settings.groups,
 * hl_analyze_options.groups).
 *
 * Thread safety: an hl_groups belongs to its caller; the pipeline only reads (and copies) it.
 */
#ifndef HIPLOAD_GROUPS_H
#define HIPLOAD_GROUPS_H

#include "hipload/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HL_GROUP_NAME_MAX 64 /* longest group name + 1; hl_groups_assign refuses longer ones */

typedef struct hl_groups {
  int ngroup;      /* groups */
  char **name;     /* ngroup names (owned) */
  int nmuscle;     /* muscles of the model the groups were made for */
  int *mus_group;  /* nmuscle: each muscle's group, an index into name */
  int cap;         /* slots allocated in name (internal) */
} hl_groups;

/* The anatomical groups for the model's muscles: iliopsoas, gluteus_maximus, gluteus_medius and
 * gluteus_minimus first (in that order, also when the model has none of them), then the others
 * in the order their first muscle appears. Errors: HL_ERR_INVALID_ARG, HL_ERR_NOMEM. */
HL_API hl_status hl_groups_default(const hl_model *m, hl_groups **out, hl_error *err);
HL_API void hl_groups_free(hl_groups *g);

/* Put muscle `muscle` into group `group` (created when new). Errors: HL_ERR_INVALID_ARG (NULL,
 * groups made for another model), HL_ERR_NOT_FOUND (no such muscle), HL_ERR_BAD_VALUE (an empty
 * group name or one of HL_GROUP_NAME_MAX bytes or more), HL_ERR_NOMEM. */
HL_API hl_status hl_groups_assign(const hl_model *m, hl_groups *g, const char *group,
                                  const char *muscle, hl_error *err);

/* Index of a group by name, -1 when absent. */
HL_API int hl_groups_find(const hl_groups *g, const char *group);

/* The anatomical group a muscle name belongs to ("other" when unknown). */
HL_API const char *hl_groups_anatomical(const char *muscle);

#ifdef __cplusplus
}
#endif
#endif
